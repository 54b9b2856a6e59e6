// Breakout groups on the live classroom page (room-live.js): the banner
// above the stage (your group, the time left, "call the instructor", the
// staff's broadcasts) and the "Groups" tab (staff: open groups, broadcast,
// the call queue, join a group, end; learners: their group). The server
// keeps the groups and their timer (docs/protocol.md "Breakout groups").
import { html, useState, useEffect } from "../html.js";
import { getAll, ApiError } from "../api.js";
import { Badge } from "../ui.js";
import { useAction, Field, FormError, Submit, formValues } from "../forms.js";

// useTick returns the time now, updated every second (for countdowns).
function useTick() {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

/** timeLeft words the time until an ISO instant: "12:05 left". */
export function timeLeft(endsAt, now) {
  const s = Math.max(0, Math.round((Date.parse(endsAt) - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left`;
}

// asApiError makes a socket error (LiveError) one the form components show.
const asApiError = (e) => { throw new ApiError({ code: e.code, detail: e.message }); };

const nameOf = (roster, id) => (roster.participants.find((p) => p.id === id) || { name: "Someone" }).name;

/** BreakoutBanner shows, while groups meet, where you are and the time left. */
export function BreakoutBanner({ roster, st, call, broadcast, onDismiss }) {
  const now = useTick();
  const b = roster.breakout;
  const mine = st.me && roster.participants.find((p) => p.id === st.me.id);
  const inGroup = mine && mine.group;
  const group = b && inGroup && b.groups.find((g) => g.id === mine.group);
  const called = b && st.me && b.calls.some((c) => c.participant === st.me.id);
  return html`
    ${broadcast && html`<p class="alert alert-info live-notice" role="status" data-testid="live-broadcast">
        <span><strong>${broadcast.from || "Staff"}:</strong> ${broadcast.text}</span>
        <button type="button" class="btn btn-small" onClick=${onDismiss}>Dismiss</button></p>`}
    ${b && st.status === "joined" && html`<div class="live-breakout-bar" data-testid="live-breakout-bar" data-group=${inGroup || ""}>
        <span><strong>${group ? group.name : "Main session"}</strong>
          <span class="muted"> · groups meet · ${timeLeft(b.ends_at, now)}</span></span>
        ${inGroup && !mine.staff && html`<button type="button" class=${`btn btn-small${called ? " live-on" : ""}`} data-testid="live-call-staff"
            aria-pressed=${called ? "true" : "false"} onClick=${() => call.command({ type: called ? "cancel_call" : "call_staff" })}>
            ${called ? "Cancel the call" : "Call the instructor"}</button>`}
        ${inGroup && mine.staff && html`<button type="button" class="btn btn-small" data-testid="live-back-main"
            onClick=${() => call.command({ type: "move", group: "" })}>Back to the main session</button>`}
      </div>`}`;
}

// courseGroups builds the breakout groups from the course's groups and
// their learners (people API).
async function courseGroups(courseID) {
  const [groups, members] = await Promise.all([
    getAll(`/courses/${courseID}/groups`),
    getAll(`/courses/${courseID}/members?status=active&role=learner`),
  ]);
  return groups.items.map((g) => ({
    name: g.name,
    users: members.items.filter((m) => m.group_id === g.id).map((m) => m.user_id),
  }));
}

function StartForm({ course, call }) {
  const { pending, error, run, setError } = useAction();
  const [mode, setMode] = useState("random");
  async function onSubmit(ev) {
    ev.preventDefault();
    const v = formValues(ev.currentTarget);
    const msg = { type: "breakout_start", minutes: Number(v.minutes) };
    await run(async () => {
      if (mode === "course") {
        msg.groups = await courseGroups(course.id);
        if (msg.groups.length === 0) {
          setError({ code: "invalid", field: "mode", message: "This course has no groups yet: create them on the People page." });
          return;
        }
      } else {
        msg.count = Number(v.count);
      }
      await call.command(msg).catch(asApiError);
    });
  }
  return html`
    <form class="live-breakout-form" onSubmit=${onSubmit} data-testid="breakout-form" novalidate>
      <${FormError} error=${error} fields=${["minutes", "count", "groups", "mode"]} />
      <fieldset class="live-breakout-modes">
        <legend>Groups</legend>
        <label class="check check-inline"><input type="radio" name="mode" value="random" checked=${mode === "random"}
            onChange=${() => setMode("random")} /><span>Random groups</span></label>
        <label class="check check-inline"><input type="radio" name="mode" value="course" checked=${mode === "course"}
            onChange=${() => setMode("course")} data-testid="breakout-course-groups" /><span>The course's groups</span></label>
      </fieldset>
      ${mode === "random" && html`<${Field} id="breakout-count" name="count" label="Number of groups" type="number" min="1" max="50"
          defaultValue="2" required error=${error} />`}
      ${mode === "course" && error && error.field === "mode" && html`<p class="field-error" data-testid="field-error">${error.message}</p>`}
      <${Field} id="breakout-minutes" name="minutes" label="Minutes" type="number" min="1" max="240" defaultValue="10" required
          error=${error} />
      <${Submit} pending=${pending} testid="breakout-start">Open the groups<//>
    </form>`;
}

function BroadcastForm({ call }) {
  const { pending, error, run } = useAction();
  async function onSubmit(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const ok = await run(() => call.command({ type: "broadcast", text: formValues(form).text }).then(() => true, asApiError));
    if (ok) form.reset();
  }
  return html`
    <form class="live-broadcast-form" onSubmit=${onSubmit} data-testid="broadcast-form">
      <${FormError} error=${error} fields=${["text"]} />
      <${Field} id="broadcast-text" name="text" label="Message to every group" maxlength="500" required error=${error} />
      <${Submit} pending=${pending} kind="secondary" testid="broadcast-send">Send to all groups<//>
    </form>`;
}

/** BreakoutPanel is the "Groups" tab. */
export function BreakoutPanel({ course, roster, st, call, staff }) {
  const b = roster.breakout;
  const mine = st.me && roster.participants.find((p) => p.id === st.me.id);
  if (!b) {
    if (!staff) return html`<p class="muted" data-testid="breakout-none">No groups are meeting.</p>`;
    return html`<p class="muted small">Split the session into groups, each with its own video, for a set time. Everyone comes
        back to the main session at the end.</p><${StartForm} course=${course} call=${call} />`;
  }
  return html`<${RunningBreakout} roster=${roster} call=${call} staff=${staff} b=${b} mine=${mine} />`;
}

// RunningBreakout is the Groups tab while groups meet (it ticks every second).
function RunningBreakout({ roster, call, staff, b, mine }) {
  const now = useTick();
  const where = mine ? mine.group || "" : null;
  const main = roster.participants.filter((p) => !p.group);
  return html`
    <div class="live-breakout" data-testid="breakout-panel">
      <p><strong>${b.groups.length === 1 ? "1 group" : `${b.groups.length} groups`}</strong> · <span data-testid="breakout-time">${timeLeft(b.ends_at, now)}</span></p>
      ${staff && html`
        <h3 class="live-breakout-h">Calls <${Badge} kind=${b.calls.length ? "danger" : "neutral"}>${b.calls.length}<//></h3>
        ${b.calls.length === 0 ? html`<p class="muted small" data-testid="breakout-calls-empty">No one has called.</p>` : html`
          <ol class="live-hands" data-testid="breakout-calls">
            ${b.calls.map((c) => html`<li key=${c.participant} class="live-row" data-testid="breakout-call" data-group=${c.group}>
              <span class="live-row-name">${nameOf(roster, c.participant)}</span>
              <span class="muted small">${(b.groups.find((g) => g.id === c.group) || {}).name}</span>
              <span class="live-row-actions">
                <button type="button" class="btn btn-small btn-primary" data-testid="breakout-call-go"
                    onClick=${() => call.command({ type: "move", group: c.group })}>Go there</button>
                <button type="button" class="btn btn-small" onClick=${() => call.command({ type: "dismiss_call", participant: c.participant })}>
                  Dismiss</button>
              </span></li>`)}
          </ol>`}
        <${BroadcastForm} call=${call} />`}
      <ul class="live-list" data-testid="breakout-groups">
        ${[{ id: "", name: "Main session", participants: main.map((p) => p.id) }, ...b.groups].map((g) => html`
          <li key=${g.id || "main"} class="live-row" data-testid="breakout-group" data-group=${g.id}>
            <span class="live-row-name">${g.name}${where === g.id && html` <${Badge} kind="accent">You<//>`}</span>
            ${staff && where !== g.id && html`<button type="button" class="btn btn-small" data-testid="breakout-join"
                onClick=${() => call.command({ type: "move", group: g.id })}>Join</button>`}
            <span class="live-row-media muted small">${g.participants.length ? g.participants.map((id) => nameOf(roster, id)).join(", ") : "No one"}</span>
          </li>`)}
      </ul>
      ${staff && html`<button type="button" class="btn btn-danger btn-small" data-testid="breakout-end"
          onClick=${() => call.command({ type: "breakout_end" })}>End the groups now</button>`}
    </div>`;
}

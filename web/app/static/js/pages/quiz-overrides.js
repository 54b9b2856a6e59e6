// The overrides of a quiz (accommodations), on the quiz builder: for one
// learner or one group, other open and close times, another time limit or
// more attempts. Setting an override for someone who has one replaces it.
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, useBusy } from "../ui.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { getAll } from "../api.js";
import { listGroups } from "./course-api.js";
import { fromDateInput, shortDate } from "./course-common.js";
import { listOverrides, putOverride, deleteOverride } from "./quiz-api.js";

/** overrideText says what an override changes ("60 min · 3 attempts"). */
function overrideText(o) {
  const parts = [];
  if (o.time_limit_seconds) parts.push(`${Math.round(o.time_limit_seconds / 60)} min`);
  if (o.attempts) parts.push(`${o.attempts} ${o.attempts === 1 ? "attempt" : "attempts"}`);
  if (o.opens_at) parts.push(`opens ${shortDate(o.opens_at)} ${new Date(o.opens_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`);
  if (o.closes_at) parts.push(`closes ${shortDate(o.closes_at)} ${new Date(o.closes_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`);
  return parts.join(" · ") || "the quiz's own settings";
}

function OverrideForm({ quiz, learners, groups, onSaved }) {
  const [who, setWho] = useState(learners[0] ? `u${learners[0].user_id}` : groups[0] ? `g${groups[0].id}` : "");
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = form.elements;
    const body = {};
    if (who.startsWith("u")) body.user_id = Number(who.slice(1));
    else if (who.startsWith("g")) body.group_id = Number(who.slice(1));
    const opens = fromDateInput(f.opens_at.value), closes = fromDateInput(f.closes_at.value);
    if (opens) body.opens_at = opens;
    if (closes) body.closes_at = closes;
    if (f.time_limit.value !== "") body.time_limit_seconds = Math.round(Number(f.time_limit.value) * 60);
    if (f.attempts.value !== "") body.attempts = Number(f.attempts.value);
    if (await run(() => putOverride(quiz.id, body))) {
      toast("Override saved", "success");
      form.reset();
      onSaved();
    }
  }
  if (learners.length === 0 && groups.length === 0) {
    return html`<p class="muted" data-testid="override-nobody">The course has no learners or groups to give an override to yet.</p>`;
  }
  return html`<form class="form" onSubmit=${onSubmit} data-testid="override-form" noValidate>
    <${FormError} error=${error} fields=${["user_id", "group_id", "opens_at", "closes_at", "time_limit_seconds", "attempts"]} />
    <${Field} id="override-who" name="user_id" type="select" label="For" value=${who} onChange=${(e) => setWho(e.currentTarget.value)}>
      ${learners.length > 0 && html`<optgroup label="Learners">${learners.map((m) => html`<option key=${m.user_id} value=${`u${m.user_id}`}>
        ${m.name || m.username} (@${m.username})</option>`)}</optgroup>`}
      ${groups.length > 0 && html`<optgroup label="Groups">${groups.map((g) => html`<option key=${g.id} value=${`g${g.id}`}>${g.name}</option>`)}</optgroup>`}<//>
    <div class="form-row">
      <${Field} id="override-time" name="time_limit" type="number" min="0" step="any" optional
          label=${`Time limit (minutes; empty: ${quiz.time_limit_seconds ? `${Math.round(quiz.time_limit_seconds / 60)}` : "none"})`}
          error=${error} />
      <${Field} id="override-attempts" name="attempts" type="number" min="0" optional
          label=${`Attempts (empty: ${quiz.attempts_allowed || "unlimited"})`} error=${error} />
    </div>
    <div class="form-row">
      <${Field} id="override-opens" name="opens_at" type="datetime-local" optional label="Opens (empty: the quiz's)" error=${error} />
      <${Field} id="override-closes" name="closes_at" type="datetime-local" optional label="Closes (empty: the quiz's)" error=${error} />
    </div>
    <div class="form-actions"><${Submit} pending=${pending} testid="save-override">Save the override<//></div>
  </form>`;
}

/** Overrides lists a quiz's overrides with a form to add or replace one. */
export function Overrides({ course, quiz }) {
  const data = useLoad(async (signal) => {
    const [os, members, groups] = await Promise.all([listOverrides(quiz.id, signal),
      getAll(`/courses/${course.id}/members?status=active&role=learner`, { signal }), listGroups(course.id, signal)]);
    return { overrides: os.items, learners: members.items, groups: groups.items };
  }, [quiz.id]);
  const [busy, runBusy] = useBusy();
  if (data.loading && !data.data) return html`<${Loading} label="Loading the overrides…" />`;
  if (data.error && !data.data) return html`<${ErrorState} error=${data.error} onRetry=${data.reload} />`;
  const { overrides, learners, groups } = data.data;
  const nameOf = (o) => {
    if (o.group_id) return `Group ${(groups.find((g) => g.id === o.group_id) || { name: o.group_id }).name}`;
    const m = learners.find((x) => x.user_id === o.user_id);
    return m ? m.name || m.username : `Learner ${o.user_id}`;
  };
  const remove = (o) => runBusy(async () => {
    await deleteOverride(quiz.id, o.id);
    data.reload();
  }, "Override removed");
  return html`<section class="card section" data-testid="quiz-overrides">
    <h2>Overrides</h2>
    <p class="muted small">Accommodations: other dates, a longer time limit or more attempts for one learner or a group.
      A learner's own override wins over their group's.</p>
    ${overrides.length === 0
      ? html`<p class="muted" data-testid="overrides-empty">No overrides: everyone has the quiz's settings.</p>`
      : html`<ul class="list" data-testid="override-list">${overrides.map((o) => html`<li key=${o.id} class="list-row" data-testid="override-row">
          <span><strong>${nameOf(o)}</strong> <span class="muted small">${overrideText(o)}</span></span>
          <button type="button" class="btn btn-small" disabled=${busy} onClick=${() => remove(o)}
              aria-label=${`Remove the override of ${nameOf(o)}`}>Remove</button></li>`)}</ul>`}
    <h3>Add or replace an override</h3>
    <${OverrideForm} quiz=${quiz} learners=${learners} groups=${groups} onSaved=${data.reload} />
  </section>`;
}

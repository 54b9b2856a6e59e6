// The member's own side of a course, shown beside the outline: a learner
// picks (or leaves) one of the course's self-select groups that has room,
// and any member can leave the course (the last instructor is refused by
// the server; its message is shown).
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { errorMessage } from "../api.js";
import { useLoad } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { plural } from "../format.js";
import { listGroups, joinGroup, leaveCourse } from "./course-api.js";

/** hasRoom reports whether a group takes one more member. */
const hasRoom = (g) => !g.max_size || g.members < g.max_size;

/** placesLeft describes a group's free places. */
const placesLeft = (g) => (g.max_size ? `${plural(g.max_size - g.members, "place")} left` : "open");

/**
 * GroupChoice lists the self-select groups with room (and the learner's
 * own); joining one leaves any other. onChange reloads the course.
 */
export function GroupChoice({ course, onChange }) {
  const groups = useLoad((signal) => listGroups(course.id, signal), [course.id, course.group_id]);
  const [busy, setBusy] = useState(0);
  const all = (groups.data && groups.data.items) || [];
  const mine = all.find((g) => g.id === course.group_id);
  const open = all.filter((g) => g.self_select && g.id !== course.group_id && hasRoom(g));
  if (!mine && !all.some((g) => g.self_select)) return null;

  async function choose(groupID, label) {
    setBusy(groupID || -1);
    try {
      await joinGroup(course.id, groupID);
      toast(label);
      onChange();
    } catch (e) {
      toast(errorMessage(e), "error");
      groups.reload(); // the group may have filled up meanwhile
    } finally {
      setBusy(0);
    }
  }
  return html`
    <section class="card section" data-testid="my-group">
      <h2>Your group</h2>
      ${mine ? html`<div class="group-choice">
          <span data-testid="my-group-name"><strong>${mine.name}</strong></span>
          ${mine.self_select && html`<button type="button" class="btn btn-small" disabled=${!!busy}
              aria-busy=${busy === -1 ? "true" : "false"} data-testid="leave-group"
              onClick=${() => choose(0, `You left “${mine.name}”.`)}>Leave group</button>`}
        </div>`
        : html`<p class="muted small">You are not in a group yet.</p>`}
      ${open.length > 0 && html`
        <ul class="list" aria-label="Groups you can join">
          ${open.map((g) => html`
            <li key=${g.id} class="list-row group-choice" data-testid="group-option" data-group-id=${g.id}>
              <span><strong>${g.name}</strong> <span class="muted small">${placesLeft(g)}</span></span>
              <button type="button" class="btn btn-small push-right" disabled=${!!busy}
                  aria-busy=${busy === g.id ? "true" : "false"} data-testid="join-group"
                  onClick=${() => choose(g.id, `You joined “${g.name}”.`)}>${mine ? "Switch" : "Join"}</button>
            </li>`)}
        </ul>`}
      ${groups.error && html`<p class="field-error">Couldn't load the groups: ${errorMessage(groups.error)}</p>`}
    </section>`;
}

/** LeaveCourse un-enrols the caller after a confirmation and goes to the dashboard. */
export function LeaveCourse({ course }) {
  const [busy, setBusy] = useState(false);
  async function leave() {
    const ok = await confirm({
      title: `Leave “${course.title}”?`,
      body: "You lose access to its lessons, discussion and chat. Your progress is kept if you join again.",
      confirmLabel: "Leave course", danger: true,
    });
    if (!ok) return;
    setBusy(true);
    try {
      await leaveCourse(course.id);
      toast(`You left “${course.title}”.`);
      navigate("/");
    } catch (e) {
      toast(errorMessage(e), "error");
      setBusy(false);
    }
  }
  return html`
    <button type="button" class="btn btn-danger-ghost" disabled=${busy} aria-busy=${busy ? "true" : "false"}
            onClick=${leave} data-testid="leave-course">Leave course</button>`;
}

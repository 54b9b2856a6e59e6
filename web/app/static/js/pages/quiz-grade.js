// Grading a submitted attempt by hand (staff who may grade): an essay
// waiting for a grader gets a score and a comment; any other graded
// question's automatic mark may be changed the same way. The attempt's
// total, the gradebook and the learner follow on the server.
import { html } from "../html.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { gradeSlot } from "./quiz-api.js";

const fmt = (p) => (Math.round((p || 0) * 100) / 100).toString();

function SlotGradeForm({ attemptID, s, onGraded }) {
  const { pending, error, run } = useAction();
  const id = `grade-${s.slot}`;
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const points = f.points.value === "" ? NaN : Number(f.points.value);
    if (Number.isNaN(points)) { f.points.focus(); return; }
    if (await run(() => gradeSlot(attemptID, s.slot, points, f.comment.value.trim()))) {
      toast(`Question ${s.slot + 1} graded`, "success");
      onGraded();
    }
  }
  return html`<form class="form slot-grade" onSubmit=${onSubmit} data-testid="slot-grade-form" data-slot=${s.slot} noValidate>
    <${FormError} error=${error} fields=${["points", "comment"]} />
    <${Field} id=${`${id}-points`} name="points" type="number" min="0" max=${s.max_points} step="any" required
        label=${`Points (0 to ${fmt(s.max_points)})`} defaultValue=${s.points != null ? fmt(s.points) : ""} error=${error} />
    <${Field} id=${`${id}-comment`} name="comment" type="textarea" rows="3" optional label="Comment for the learner"
        defaultValue=${s.comment || ""} error=${error} />
    <div class="form-actions"><${Submit} pending=${pending} pendingLabel="Saving…" testid="save-slot-grade">Save the grade<//></div>
  </form>`;
}

/**
 * SlotGrading is the grader's part of one reviewed question: the form,
 * open for an essay that waits for a grader, folded for the others.
 */
export function SlotGrading({ attemptID, s, onGraded }) {
  if (s.view.type === "description") return null;
  const waiting = s.review && s.review.state === "needs_grading";
  const form = html`<${SlotGradeForm} attemptID=${attemptID} s=${s} onGraded=${onGraded} />`;
  if (s.view.type === "essay" || waiting) {
    return html`<div class="slot-grading" data-testid="slot-grading">
      <h3>${waiting ? "Grade this answer" : "Change the grade"}</h3>${form}</div>`;
  }
  return html`<details class="slot-grading" data-testid="slot-grading"><summary>Change the mark</summary>${form}</details>`;
}

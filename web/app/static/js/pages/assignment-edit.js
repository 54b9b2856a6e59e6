// /courses/{id}/assignments/new and /courses/{id}/assignments/{aid}/edit:
// the assignment editor (instructions, dates, late policy, submission
// types, points or a rubric of criteria × levels).
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useLoad, Loading, ErrorState } from "../ui.js";
import { Field, FormError, Submit, useAction, formValues } from "../forms.js";
import { toast } from "../toast.js";
import { CourseFrame, coursePath, can, dateTimeInput, fromDateInput } from "./course-common.js";
import { getAssignment, createAssignment, updateAssignment } from "./grades-api.js";

const zeroTime = "0001-01-01T00:00:00Z";

/** levelsText writes a criterion's levels as "Excellent: 4; Good: 2". */
const levelsText = (levels) => levels.map((l) => `${l.title}: ${l.points}`).join("; ");

/** parseLevels reads "Excellent: 4; Good: 2" back (a level without points is worth 0). */
export function parseLevels(text) {
  return text.split(";").map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.lastIndexOf(":");
    const title = (i < 0 ? s : s.slice(0, i)).trim();
    const pts = i < 0 ? 0 : Number(s.slice(i + 1).trim());
    return { title, points: Number.isFinite(pts) ? pts : NaN };
  });
}

function RubricEditor({ rows, setRows }) {
  const set = (i, key, v) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: v } : r)));
  return html`
    <fieldset class="rubric-editor" data-testid="rubric-editor">
      <legend>Rubric <span class="muted small">(optional: the score is the sum of the levels chosen)</span></legend>
      ${rows.map((r, i) => html`
        <div key=${i} class="grid-2 rubric-row" data-testid="rubric-criterion">
          <div class="field"><label for=${`crit-${i}`}>Criterion ${i + 1}</label>
            <input id=${`crit-${i}`} value=${r.title} onInput=${(e) => set(i, "title", e.currentTarget.value)}
                   placeholder="Argument" maxlength="200" /></div>
          <div class="field"><label for=${`levels-${i}`}>Levels (name: points; …)</label>
            <input id=${`levels-${i}`} value=${r.levels} onInput=${(e) => set(i, "levels", e.currentTarget.value)}
                   placeholder="Excellent: 4; Good: 2; Weak: 0" /></div>
        </div>`)}
      <div class="actions">
        <button type="button" class="btn btn-small" data-testid="add-criterion"
            onClick=${() => setRows([...rows, { title: "", levels: "" }])}>Add a criterion</button>
        ${rows.length > 0 && html`<button type="button" class="btn btn-small"
            onClick=${() => setRows(rows.slice(0, -1))}>Remove the last</button>`}
      </div>
    </fieldset>`;
}

/** inputOf reads the form and the rubric rows into an assign.Input. */
function inputOf(v, rows) {
  const criteria = rows.filter((r) => r.title.trim() || r.levels.trim())
    .map((r) => ({ title: r.title.trim(), levels: parseLevels(r.levels) }));
  return {
    title: v.title.trim(), instructions_md: v.instructions_md,
    due_at: fromDateInput(v.due_at) || zeroTime, cutoff_at: fromDateInput(v.cutoff_at) || zeroTime,
    late: { unit: v.late_unit, percent: Number(v.late_percent || 0) },
    max_points: Number(v.max_points || 0), online_text: v.online_text === "on", files: v.files === "on",
    file_types: (v.file_types || "").split(/[\s,]+/).map((s) => s.replace(/^\./, "").toLowerCase()).filter(Boolean),
    max_files: Number(v.max_files || 0), group_mode: v.group_mode === "on", draft: v.draft === "on",
    rubric: criteria.length ? { criteria } : null,
  };
}

function Editor({ course, a }) {
  const [rows, setRows] = useState(a && a.rubric ? a.rubric.criteria.map((c) => ({ title: c.title, levels: levelsText(c.levels) })) : []);
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const body = inputOf(formValues(e.currentTarget), rows);
    if (a && !body.rubric) {
      // A PATCH keeps what it leaves out: a rubric is removed by name.
      delete body.rubric;
      body.no_rubric = true;
    }
    const saved = await run(() => (a ? updateAssignment(a.id, body) : createAssignment(course.id, body)));
    if (!saved) return;
    toast(a ? "Assignment saved" : "Assignment created", "success");
    navigate(coursePath(course.id, `assignments/${saved.id}`));
  }
  const d = a || { online_text: true, max_points: 10, late: { unit: "", percent: 0 } };
  return html`
    <form class="card form" onSubmit=${onSubmit} data-testid="assignment-form" noValidate>
      <${FormError} error=${error} fields=${["title", "instructions_md", "due_at", "cutoff_at", "late", "max_points",
        "online_text", "file_types", "max_files", "rubric"]} />
      <${Field} id="assignment-title" name="title" label="Title" required maxlength="200" defaultValue=${d.title} error=${error} />
      <${Field} id="assignment-instructions" name="instructions_md" label="Instructions" type="textarea" rows="6" optional
          defaultValue=${d.instructions_md} error=${error} hint="Markdown: **bold**, lists, links." />
      <div class="grid-2">
        <${Field} id="assignment-due" name="due_at" label="Due" type="datetime-local" optional
            defaultValue=${dateTimeInput(d.due_at)} error=${error} />
        <${Field} id="assignment-cutoff" name="cutoff_at" label="Cut-off (no work accepted after)" type="datetime-local"
            optional defaultValue=${dateTimeInput(d.cutoff_at)} error=${error} />
        <${Field} id="assignment-late-unit" name="late_unit" label="Late penalty" type="select" defaultValue=${d.late.unit}>
          <option value="">None</option><option value="day">Per started day</option><option value="hour">Per started hour</option>
        <//>
        <${Field} id="assignment-late-percent" name="late_percent" label="Percent per day or hour" type="number"
            min="0" max="100" step="any" defaultValue=${d.late.percent} error=${error} />
        <${Field} id="assignment-points" name="max_points" label="Points" type="number" min="0" step="any"
            defaultValue=${d.max_points} error=${error} hint="Ignored with a rubric: its best levels add up to the points." />
        <${Field} id="assignment-types" name="file_types" label="Allowed file types" optional placeholder="pdf, docx"
            defaultValue=${(d.file_types || []).join(", ")} error=${error} />
      </div>
      <div class="actions">
        <label class="check"><input type="checkbox" name="online_text" id="assignment-online" defaultChecked=${d.online_text} /> Online text</label>
        <label class="check"><input type="checkbox" name="files" id="assignment-files" defaultChecked=${d.files} /> File uploads</label>
        <label class="check"><input type="checkbox" name="group_mode" defaultChecked=${d.group_mode} /> One submission per group</label>
        <label class="check"><input type="checkbox" name="draft" defaultChecked=${d.draft} /> Draft (hidden from learners)</label>
      </div>
      <${RubricEditor} rows=${rows} setRows=${setRows} />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Saving…">${a ? "Save assignment" : "Create assignment"}<//>
        <a class="btn" href=${coursePath(course.id, a ? `assignments/${a.id}` : "assignments")}>Cancel</a>
      </div>
    </form>`;
}

function Existing({ course, aid }) {
  const a = useLoad((signal) => getAssignment(aid, signal), [aid]);
  if (a.loading && !a.data) return html`<${Loading} />`;
  if (a.error && !a.data) return html`<${ErrorState} error=${a.error} onRetry=${a.reload} />`;
  return html`<${Editor} course=${course} a=${a.data} />`;
}

export default function AssignmentEditPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="assignments" title=${params.aid ? "Edit assignment" : "New assignment"}
        allow=${(c) => can(c, "edit_content")}>
      ${(course) => (params.aid ? html`<${Existing} course=${course} aid=${params.aid} />` : html`<${Editor} course=${course} />`)}
    <//>`;
}

// /courses/{id}/assignments/{aid}/submissions (grade): the submissions
// table (submitted, late by how long, missing, graded) with filters,
// releasing grades together, all submissions as a zip, and the grading
// view: the learner's work, a score or the rubric, feedback text and file,
// and previous/next learner; per learner, an extension (their own due date).
import { html, useState } from "../html.js";
import { errorMessage } from "../api.js";
import { useLoad, Loading, ErrorState, EmptyState, Badge, Section, Time } from "../ui.js";
import { FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { CourseFrame, coursePath, can } from "./course-common.js";
import { getAssignment, listSubmissions, gradeSubmission, releaseGrades, zipURL, uploadWithProgress, uploadURL,
  points, lateText, gradeOf } from "./grades-api.js";
import { ExtensionDialog, extensionText, canExtend, hasExtension } from "./assignment-extension.js";

const stateLabels = { missing: "Missing", draft: "Draft", submitted: "Submitted", graded: "Graded" };
const stateKinds = { missing: "danger", draft: "neutral", submitted: "warning", graded: "success" };

/** allRows loads every page of the table. */
async function allRows(aid, filter, signal) {
  const rows = [];
  let cursor = "";
  do {
    const page = await listSubmissions(aid, { ...filter, limit: 200, cursor }, signal);
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

function Grader({ course, a, row, onSaved, onMove, pos, count }) {
  const s = row.submission;
  const [levels, setLevels] = useState(s && s.rubric_levels ? s.rubric_levels : []);
  const [feedbackFile, setFeedbackFile] = useState(s && s.feedback_file ? s.feedback_file : 0);
  const [uploading, setUploading] = useState(null);
  const { pending, error, run } = useAction();
  if (!s) {
    return html`<${Section} id="grader" title=${row.name} testid="grader"><p>Nothing handed in yet.</p>
      <${Moves} onMove=${onMove} pos=${pos} count=${count} /><//>`;
  }
  const rubricScore = a.rubric && levels.length === a.rubric.criteria.length && levels.every((l) => l >= 0)
    ? a.rubric.criteria.reduce((n, c, i) => n + c.levels[levels[i]].points, 0) : null;
  async function addFile(e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!f) return;
    setUploading(0);
    try {
      const up = await uploadWithProgress(course.id, f, setUploading);
      setFeedbackFile(up.id);
    } catch (err) {
      toast(err.message || errorMessage(err), "error");
    } finally {
      setUploading(null);
    }
  }
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget;
    const body = { feedback_md: f.elements.feedback_md.value, release: f.elements.release.checked };
    if (a.rubric) body.rubric_levels = levels;
    else body.score = Number(f.elements.score.value);
    body.feedback_file = feedbackFile || 0; // 0 removes the one the last grading had
    const saved = await run(() => gradeSubmission(s.id, body));
    if (!saved) return;
    toast(`Graded ${row.name}`, "success");
    onSaved();
  }
  return html`
    <${Section} id="grader" title=${row.name} testid="grader" description=${html`${stateLabels[row.state]}
        ${row.late > 0 ? ` · ${lateText(row.late)}` : ""} · submitted <${Time} at=${s.submitted_at} fallback="never" />
        ${row.extension ? ` · ${extensionText(row.extension)}` : ""}`}>
      ${s.text && html`<div class="card submission-text" data-testid="submission-text"><pre class="wrap">${s.text}</pre></div>`}
      ${s.files.length > 0 && html`<ul class="attachments" data-testid="submission-file-links">${s.files.map((id) => html`
        <li key=${id}><a href=${uploadURL(id)} data-native>File ${id}</a></li>`)}</ul>`}
      <form class="form" onSubmit=${onSubmit} data-testid="grade-form" noValidate>
        <${FormError} error=${error} fields=${["score", "rubric", "feedback_md", "feedback_file"]} />
        ${a.rubric ? html`<fieldset class="rubric-grade" data-testid="rubric-grade"><legend>Rubric</legend>
          ${a.rubric.criteria.map((c, i) => html`<div key=${i} class="field" role="radiogroup" aria-label=${c.title}>
            <strong>${c.title}</strong>
            <div class="actions">${c.levels.map((l, j) => html`<label key=${j} class="check">
              <input type="radio" name=${`crit-${i}`} checked=${levels[i] === j} data-testid=${`level-${i}-${j}`}
                  onChange=${() => { const n = a.rubric.criteria.map((_, k) => (levels[k] === undefined ? -1 : levels[k])); n[i] = j; setLevels(n); }} />
              ${l.title} (${points(l.points)})</label>`)}</div></div>`)}
          <p class="muted" data-testid="rubric-score">Score: ${rubricScore === null ? "choose a level for each criterion" : `${points(rubricScore)} / ${points(a.max_points)}`}</p>
        </fieldset>` : html`<div class="field"><label for="grade-score">Score (out of ${points(a.max_points)})</label>
          <input id="grade-score" name="score" type="number" min="0" max=${a.max_points} step="any"
              defaultValue=${s.graded ? s.score : ""} /></div>`}
        <div class="field"><label for="grade-feedback">Feedback</label>
          <textarea id="grade-feedback" name="feedback_md" rows="5" defaultValue=${s.feedback_md}></textarea></div>
        <div class="field"><label for="grade-file">Feedback file <span class="muted">(optional)</span></label>
          <input id="grade-file" type="file" onChange=${addFile} />
          ${uploading !== null && html`<progress max="100" value=${uploading} aria-label="Uploading the feedback file"></progress>`}
          ${feedbackFile ? html`<a href=${uploadURL(feedbackFile)} data-native>Attached file</a>` : ""}</div>
        <label class="check"><input type="checkbox" name="release" id="grade-release" defaultChecked=${s.released} />
          Release to the learner now</label>
        <div class="actions">
          <${Submit} pending=${pending} pendingLabel="Saving…">Save grade<//>
          ${s.graded && html`<span class="muted">Grade now ${points(gradeOf(s))}${s.released ? " (released)" : " (not released)"}</span>`}
        </div>
      </form>
      <${Moves} onMove=${onMove} pos=${pos} count=${count} />
    <//>`;
}

function Moves({ onMove, pos, count }) {
  return html`<div class="actions grader-moves">
    <button type="button" class="btn" data-testid="previous-learner" disabled=${pos <= 0} onClick=${() => onMove(pos - 1)}>Previous learner</button>
    <span class="muted">${pos + 1} of ${count}</span>
    <button type="button" class="btn" data-testid="next-learner" disabled=${pos >= count - 1} onClick=${() => onMove(pos + 1)}>Next learner</button>
  </div>`;
}

function Table({ course, aid }) {
  const [filter, setFilter] = useState({ state: "", late: "", unreleased: "" });
  const [pos, setPos] = useState(-1);
  const [extending, setExtending] = useState(null); // the row whose extension dialog is open
  const a = useLoad((signal) => getAssignment(aid, signal), [aid]);
  const rows = useLoad((signal) => allRows(aid, filter, signal), [aid, filter.state, filter.late, filter.unreleased]);
  if ((a.loading && !a.data) || (rows.loading && !rows.data)) return html`<${Loading} label="Loading submissions…" />`;
  const err = a.error || rows.error;
  if (err && !(a.data && rows.data)) return html`<${ErrorState} error=${err} onRetry=${() => { a.reload(); rows.reload(); }} />`;
  const list = rows.data;
  async function releaseAll() {
    try {
      const r = await releaseGrades(aid);
      toast(r.items.length ? `Released ${r.items.length} grades` : "No grades were waiting to be released", "success");
      rows.reload();
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  const setF = (k) => (e) => setFilter({ ...filter, [k]: e.currentTarget.type === "checkbox" ? (e.currentTarget.checked ? 1 : "") : e.currentTarget.value });
  return html`
    <div class="toolbar">
      <div class="field"><label for="filter-state">Show</label>
        <select id="filter-state" value=${filter.state} onChange=${setF("state")} data-testid="filter-state">
          <option value="">Everyone</option>${Object.entries(stateLabels).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select></div>
      <label class="check"><input type="checkbox" checked=${!!filter.late} onChange=${setF("late")} /> Late only</label>
      <label class="check"><input type="checkbox" checked=${!!filter.unreleased} onChange=${setF("unreleased")} /> Not released</label>
      <button type="button" class="btn" onClick=${releaseAll} data-testid="release-all">Release all grades</button>
      <a class="btn" href=${zipURL(aid)} download data-native data-testid="download-zip">Download all (zip)</a>
    </div>
    ${list.length === 0 ? html`<${EmptyState} title="Nobody here" testid="submissions-empty"><p>No learner matches these filters.</p><//>`
      : html`<div class="table-scroll"><table class="table submissions-table" data-testid="submissions-table">
        <caption class="visually-hidden">Submissions to ${a.data.title}</caption>
        <thead><tr><th scope="col" class="sticky-col">Learner</th><th scope="col">State</th><th scope="col">Late</th>
          <th scope="col">Grade</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${list.map((r, i) => html`<tr key=${r.user_id || `g${r.group_id}`} data-testid="submission-row" data-state=${r.state}
            data-name=${r.name}>
          <th scope="row" class="sticky-col">${r.name}${hasExtension(r) && html`<span class="muted small extension-note"
              data-testid="extended-to">${extensionText(r)}</span>`}</th>
          <td><${Badge} kind=${stateKinds[r.state]}>${stateLabels[r.state]}<//></td>
          <td>${lateText(r.late)}</td>
          <td>${r.submission && r.submission.graded ? html`${points(gradeOf(r.submission))}${r.submission.released ? "" : html` <span class="muted small">(not released)</span>`}` : "—"}</td>
          <td class="row-actions">${canExtend(a.data, r) && html`<button type="button" class="btn btn-small"
              data-testid="extension-row" aria-label=${`Extension for ${r.name}`} onClick=${() => setExtending(r)}>
              ${hasExtension(r) ? "Change extension" : "Extension"}</button>`}
            <button type="button" class="btn btn-small" data-testid="grade-row" onClick=${() => setPos(i)}>
            ${r.state === "graded" ? "Regrade" : "Grade"}</button></td></tr>`)}
        </tbody></table></div>`}
    ${extending && html`<${ExtensionDialog} a=${a.data} row=${extending}
        onDone=${(changed) => { setExtending(null); if (changed) rows.reload(); }} />`}
    ${pos >= 0 && pos < list.length && html`<${Grader} key=${`${pos}-${list[pos].submission ? list[pos].submission.id : 0}`}
        course=${course} a=${a.data} row=${list[pos]} pos=${pos} count=${list.length} onMove=${setPos}
        onSaved=${rows.reload} />`}`;
}

export default function SubmissionsPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="assignments" title="Submissions" allow=${(c) => can(c, "grade")}
        actions=${(c) => html`<a class="btn" href=${coursePath(c.id, `assignments/${params.aid}`)}>Back to the assignment</a>`}>
      ${(course) => html`<${Table} course=${course} aid=${params.aid} />`}
    <//>`;
}

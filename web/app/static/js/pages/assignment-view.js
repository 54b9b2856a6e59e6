// /courses/{id}/assignments/{aid}: the instructions, and for learners their
// submission (online text and files with upload progress, drafts and
// submitting for grading, the late penalty shown before submitting, every
// version) and, once released, their grade, feedback and rubric; a learner
// given an extension sees their own due date. Staff get links to the
// submissions table and the editor.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { errorMessage } from "../api.js";
import { useLoad, Loading, ErrorState, Time, Badge, Section } from "../ui.js";
import { when, fullTime } from "../format.js";
import { FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { CourseFrame, coursePath, can } from "./course-common.js";
import { mySubmission, submitWork, deleteAssignment, uploadWithProgress, uploadURL, points, gradeOf } from "./grades-api.js";

/** cutoffText says when an extended learner's work stops being accepted ("" when never). */
function cutoffText(a) {
  const cut = when(a.cutoff_at);
  if (!cut) return "";
  return cut.getTime() === when(a.due_at).getTime() ? "; work is not accepted after it" : `; nothing is accepted after ${fullTime(a.cutoff_at)}`;
}

function Instructions({ a }) {
  return html`
    <${Section} id="instructions" title=${a.title} description=${html`Due <${Time} at=${a.due_at} fallback="any time" />${" · "}${points(a.max_points)} points`}>
      ${a.extended && html`<p class="alert alert-info extension-granted" data-testid="extension-granted">
        <${Badge} kind="success">Extension granted<//> Your own due date is <strong data-testid="my-due">${fullTime(a.due_at)}</strong>${cutoffText(a)}.</p>`}
      <div class="prose" data-testid="assignment-instructions" dangerouslySetInnerHTML=${{ __html: a.instructions_html }}></div>
      ${a.attachments && a.attachments.length > 0 && html`<ul class="attachments">
        ${a.attachments.map((id) => html`<li key=${id}><a href=${uploadURL(id)} data-native>Attachment ${id}</a></li>`)}</ul>`}
    <//>`;
}

/** Rubric shows the criteria with the level chosen for each marked. */
export function RubricView({ rubric, levels }) {
  if (!rubric) return null;
  return html`
    <table class="table rubric" data-testid="rubric-view">
      <caption class="visually-hidden">Rubric</caption>
      <tbody>${rubric.criteria.map((c, i) => html`
        <tr key=${i}><th scope="row">${c.title}</th>
          ${c.levels.map((l, j) => html`<td key=${j} class=${levels && levels[i] === j ? "rubric-chosen" : ""}
              data-chosen=${levels && levels[i] === j ? "true" : undefined}>${l.title} <span class="muted small">(${points(l.points)})</span></td>`)}
        </tr>`)}</tbody>
    </table>`;
}

function Released({ a, s }) {
  return html`
    <${Section} id="grade" title="Your grade" testid="my-grade">
      <p class="stat-num" data-testid="grade-value">${points(gradeOf(s))} / ${points(a.max_points)}</p>
      ${s.penalty > 0 && html`<p class="muted">${points(s.penalty)} points off for lateness.</p>`}
      <div class="prose" data-testid="feedback" dangerouslySetInnerHTML=${{ __html: s.feedback_html }}></div>
      ${s.feedback_file ? html`<p><a href=${uploadURL(s.feedback_file)} data-native data-testid="feedback-file">Feedback file</a></p>` : ""}
      <${RubricView} rubric=${a.rubric} levels=${s.rubric_levels} />
    <//>`;
}

function Work({ course, mine, reload }) {
  const a = mine.assignment, s = mine.submission, pen = mine.penalty;
  const [text, setText] = useState(s ? s.text : "");
  const [files, setFiles] = useState(s ? s.files.map((id) => ({ id, name: `File ${id}` })) : []);
  const [progress, setProgress] = useState(null); // {name, percent} while uploading
  const { pending, error, run } = useAction();
  async function addFile(e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!f) return;
    setProgress({ name: f.name, percent: 0 });
    try {
      const up = await uploadWithProgress(course.id, f, (percent) => setProgress({ name: f.name, percent }));
      setFiles((list) => [...list, { id: up.id, name: up.name || f.name }]);
    } catch (err) {
      toast(err.message || errorMessage(err), "error");
    } finally {
      setProgress(null);
    }
  }
  async function save(final) {
    const saved = await run(() => submitWork(a.id, { text, files: files.map((f) => f.id), final }));
    if (!saved) return;
    toast(final ? "Submitted for grading" : "Draft saved", "success");
    reload();
  }
  const locked = !pen.open;
  return html`
    <${Section} id="work" title="Your work" testid="my-work"
        description=${s ? html`${s.status === "submitted" ? html`<${Badge} kind="success">Submitted<//>` : html`<${Badge}>Draft<//>`}
          · version ${s.version} · saved <${Time} at=${s.updated_at} />` : "Nothing handed in yet."}>
      <p class=${pen.late > 0 || !pen.open ? "alert alert-warning" : "muted"} data-testid="late-penalty">${pen.message}</p>
      <form class="form" onSubmit=${(e) => { e.preventDefault(); save(true); }} data-testid="submission-form" noValidate>
        <${FormError} error=${error} fields=${["text", "files"]} />
        ${a.online_text && html`<div class="field"><label for="submission-text">Your answer</label>
          <textarea id="submission-text" rows="8" value=${text} disabled=${locked}
              onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>`}
        ${a.files && html`<div class="field">
          <label for="submission-file">Files${a.file_types && a.file_types.length ? ` (${a.file_types.join(", ")})` : ""}</label>
          <input id="submission-file" type="file" onChange=${addFile} disabled=${locked || !!progress} />
          ${progress && html`<div class="progress" data-testid="upload-progress">
            <progress max="100" value=${progress.percent} aria-label=${`Uploading ${progress.name}`}></progress>
            <span class="progress-text">${progress.name}: ${progress.percent}%</span></div>`}
          <ul class="attachments" data-testid="submission-files">${files.map((f) => html`<li key=${f.id}>
            <a href=${uploadURL(f.id)} data-native>${f.name}</a>
            ${!locked && html` <button type="button" class="btn btn-small" aria-label=${`Remove ${f.name}`}
                onClick=${() => setFiles(files.filter((x) => x.id !== f.id))}>Remove</button>`}</li>`)}</ul>
        </div>`}
        <div class="actions">
          <${Submit} pending=${pending} pendingLabel="Submitting…">Submit for grading<//>
          <button type="button" class="btn" data-testid="save-draft" disabled=${pending || locked}
              onClick=${() => save(false)}>Save draft</button>
        </div>
      </form>
      ${mine.versions.length > 0 && html`<details class="versions"><summary>${mine.versions.length} saved versions</summary>
        <ol data-testid="versions">${mine.versions.map((v) => html`<li key=${v.number}>${v.status} · <${Time} at=${v.created_at} /></li>`)}</ol></details>`}
    <//>`;
}

function Learner({ course, aid }) {
  const mine = useLoad((signal) => mySubmission(aid, signal), [aid]);
  if (mine.loading && !mine.data) return html`<${Loading} />`;
  if (mine.error && !mine.data) return html`<${ErrorState} error=${mine.error} onRetry=${mine.reload} />`;
  const m = mine.data;
  return html`
    <${Instructions} a=${m.assignment} />
    ${m.submission && m.submission.released && html`<${Released} a=${m.assignment} s=${m.submission} />`}
    <${Work} key=${m.submission ? m.submission.version : 0} course=${course} mine=${m} reload=${mine.reload} />`;
}

function Staff({ course, aid }) {
  const mine = useLoad((signal) => mySubmission(aid, signal), [aid]);
  if (mine.loading && !mine.data) return html`<${Loading} />`;
  if (mine.error && !mine.data) return html`<${ErrorState} error=${mine.error} onRetry=${mine.reload} />`;
  const a = mine.data.assignment;
  async function remove() {
    if (!(await confirm({ title: `Delete “${a.title}”?`, body: "Its submissions are deleted too.", confirmLabel: "Delete", danger: true }))) return;
    try {
      await deleteAssignment(a.id);
      navigate(coursePath(course.id, "assignments"));
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  return html`
    <div class="actions toolbar">
      <a class="btn btn-primary" href=${coursePath(course.id, `assignments/${a.id}/submissions`)} data-testid="open-submissions">Submissions</a>
      ${can(course, "edit_content") && html`<a class="btn" href=${coursePath(course.id, `assignments/${a.id}/edit`)}
          data-testid="edit-assignment">Edit</a>
        <button type="button" class="btn btn-danger" onClick=${remove}>Delete</button>`}
      ${a.draft && html`<${Badge} kind="warning">Draft<//>`}
    </div>
    <${Instructions} a=${a} />
    <${RubricView} rubric=${a.rubric} />`;
}

export default function AssignmentPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="assignments" title="Assignment">
      ${(course) => (can(course, "grade") ? html`<${Staff} course=${course} aid=${params.aid} />`
        : html`<${Learner} course=${course} aid=${params.aid} />`)}
    <//>`;
}

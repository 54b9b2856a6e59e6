// /courses/{id}/grades. Staff (view_grades): the gradebook, learners ×
// items with sticky header and first column, totals and letters, overrides
// with a reason and excused grades, manual items' points, CSV export and
// import with a preview, updated live from the course's gradebook topic;
// editors also set it up (gradebook-setup.js: totals, letters, categories,
// items). Learners: "My grades",
// their own row with released grades only.
import { html, useEffect, useRef, useState } from "../html.js";
import { live } from "../live.js";
import { useLoad, Loading, ErrorState, EmptyState, Section, Badge } from "../ui.js";
import { FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { plural } from "../format.js";
import { CourseFrame, can } from "./course-common.js";
import { getGradebook, myGrades, editGrade, gradebookCSVURL, importGrades, gradebookTopic, points } from "./grades-api.js";
import { Setup } from "./gradebook-setup.js";

const reloadDelayMs = 300; // coalesce reloads when many grades change at once

/** cellText is what a grade shows: the points that count, EX, or —. */
export function cellText(g) {
  if (!g) return "—";
  if (g.excused) return "EX";
  if (g.override !== undefined && g.override !== null) return `${points(g.override)}*`;
  return g.graded ? points(g.points) : "—";
}

/** catName is " · Category" for an item in a category. */
function catName(b, it) {
  const c = it.category_id && (b.categories || []).find((x) => x.id === it.category_id);
  return c ? ` · ${c.name}` : "";
}

/** dropped says the item is one of the learner's lowest grades left out of its category. */
const dropped = (r, itemID) => (r.totals.categories || []).some((c) => (c.dropped || []).includes(itemID));

const percent = (t) => (t && t.counted ? `${points(t.percent)}%` : "—");

function OverrideForm({ item, row, onDone }) {
  const g = row.grades[item.id] || {};
  const manual = item.source === "manual";
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const body = { excused: f.excused.checked, reason: f.reason.value.trim() };
    if (manual) {
      if (f.points.value !== "") body.points = Number(f.points.value);
      body.released = f.released.checked;
    }
    if (f.override.value !== "") body.override = Number(f.override.value);
    else if (g.override !== undefined && g.override !== null) body.clear_override = true;
    if (await run(() => editGrade(item.id, row.user_id, body))) {
      toast("Grade changed", "success");
      onDone();
    }
  }
  return html`
    <form class="card form" onSubmit=${onSubmit} data-testid="grade-override-form" noValidate>
      <h3>${row.name || row.username}: ${item.title}</h3>
      <${FormError} error=${error} fields=${["points", "override", "reason", "excused", "released"]} />
      ${manual && html`<div class="grid-2">
        <div class="field"><label for="manual-points">Grade (out of ${points(item.max_points)})</label>
          <input id="manual-points" name="points" type="number" min="0" step="any" defaultValue=${g.graded ? g.points : ""} /></div>
        <label class="check"><input type="checkbox" name="released" defaultChecked=${g.graded ? !!g.released : true} /> Show it to the learner</label>
      </div>`}
      <div class="grid-2">
        <div class="field"><label for="override-points">Override (out of ${points(item.max_points)}; empty: none)</label>
          <input id="override-points" name="override" type="number" min="0" step="any" defaultValue=${g.override ?? ""} /></div>
        <div class="field"><label for="override-reason">Reason</label>
          <input id="override-reason" name="reason" maxlength="500" defaultValue=${g.reason || ""} /></div>
      </div>
      <label class="check"><input type="checkbox" name="excused" defaultChecked=${!!g.excused} /> Excused</label>
      <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…">Save<//>
        <button type="button" class="btn" onClick=${onDone}>Cancel</button></div>
    </form>`;
}

function ImportForm({ course, onDone }) {
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState(null);
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    if (!file) return;
    const rep = await run(() => importGrades(course.id, file, { dryRun: true }));
    if (rep) setPreview(rep);
  }
  async function apply() {
    const rep = await run(() => importGrades(course.id, file, { validOnly: true, release: true }));
    if (!rep) return;
    toast(`Imported ${plural(rep.changes, "grade")}`, "success");
    setPreview(null);
    setFile(null);
    onDone();
  }
  return html`
    <form class="form" onSubmit=${onSubmit} data-testid="grade-import-form" noValidate>
      <${FormError} error=${error} />
      <div class="field"><label for="grade-import-file">CSV of manual grades (username, then a column per manual item)</label>
        <input id="grade-import-file" type="file" accept=".csv,text/csv"
            onChange=${(e) => { setFile(e.currentTarget.files[0] || null); setPreview(null); }} /></div>
      <div class="actions"><${Submit} pending=${pending} pendingLabel="Checking…">Preview<//></div>
      ${preview && html`<div data-testid="import-preview">
        <p>${plural(preview.changes, "grade")} would change; ${plural(preview.errors, "row")} with problems.</p>
        ${preview.errors > 0 && html`<ul class="alert alert-warning" data-testid="import-problems">${preview.rows.filter((r) => r.problems)
          .map((r) => html`<li key=${r.line}>Line ${r.line}${r.login ? ` (${r.login})` : ""}: ${r.problems.map((p) => `${p.column ? `${p.column}: ` : ""}${p.reason}`).join("; ")}</li>`)}</ul>`}
        <button type="button" class="btn btn-primary" data-testid="import-apply" disabled=${pending || preview.changes === 0}
            onClick=${apply}>Import ${preview.errors > 0 ? "the valid rows" : "them"}</button></div>`}
    </form>`;
}

function Book({ course }) {
  const book = useLoad((signal) => getGradebook(course.id, signal), [course.id]);
  const [edit, setEdit] = useState(null); // {item, row}
  const [updates, setUpdates] = useState(0);
  const timer = useRef(0);
  const reloadRef = useRef(book.reload);
  reloadRef.current = book.reload;
  useEffect(() => {
    const schedule = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => { reloadRef.current(); setUpdates((n) => n + 1); }, reloadDelayMs);
    };
    // onStart: the first load may predate the subscription; read it again.
    const off = live.subscribe(gradebookTopic(course.id), schedule, { onReset: schedule, onStart: schedule });
    return () => { off(); clearTimeout(timer.current); };
  }, [course.id]);
  const b = book.data;
  if (book.loading && !b) return html`<${Loading} label="Loading the gradebook…" />`;
  if (book.error && !b) return html`<${ErrorState} error=${book.error} onRetry=${book.reload} />`;
  const csv = html`<a class="btn btn-small" href=${gradebookCSVURL(course.id)} download data-native data-testid="gradebook-csv">Export CSV</a>`;
  return html`
    <div data-testid="gradebook" data-updates=${updates}>
      <${Section} id="book" title="Gradebook" actions=${csv}
          description=${`${plural(b.items.length, "learner")} · ${plural(b.grade_items.length, "graded item")} · ${b.settings.mode === "points" ? "total points" : "weighted categories"}. Updates live; * marks an override.`}>
        ${b.items.length === 0 || b.grade_items.length === 0
          ? html`<${EmptyState} title=${b.grade_items.length === 0 ? "Nothing graded yet" : "No learners yet"} testid="gradebook-empty">
              <p>Grades appear here as assignments and quizzes are graded.</p><//>`
          : html`<div class="table-scroll gradebook-scroll"><table class="table gradebook-table" data-testid="gradebook-table">
            <caption class="visually-hidden">Grades by learner and item</caption>
            <thead><tr><th scope="col" class="sticky-col">Learner</th>
              ${b.grade_items.map((it) => html`<th key=${it.id} scope="col" data-item-id=${it.id}>${it.title}
                <span class="muted small block">/ ${points(it.max_points)}${catName(b, it)}${it.hidden ? " · hidden" : ""}</span></th>`)}
              <th scope="col">Total</th><th scope="col">Letter</th></tr></thead>
            <tbody>${b.items.map((r) => html`<tr key=${r.user_id} data-testid="gradebook-row" data-username=${r.username}>
              <th scope="row" class="sticky-col">${r.name || r.username}<span class="muted small block">@${r.username}</span></th>
              ${b.grade_items.map((it) => {
                const g = r.grades[it.id];
                return html`<td key=${it.id} data-item-id=${it.id} data-testid="grade-cell">
                  <button type="button" class="link-button" onClick=${() => setEdit({ item: it, row: r })}
                      aria-label=${`${r.name || r.username}, ${it.title}: ${cellText(g)}. Change`}>${cellText(g)}</button>
                  ${g && g.graded && !g.released ? html`<span class="muted small block">not released</span>` : ""}
                  ${dropped(r, it.id) ? html`<span class="muted small block" data-testid="dropped">dropped</span>` : ""}</td>`;
              })}
              <td data-testid="row-total">${percent(r.totals)}</td><td data-testid="row-letter">${r.totals.counted ? r.totals.letter : "—"}</td>
            </tr>`)}</tbody></table></div>`}
      <//>
      ${edit && html`<${OverrideForm} key=${`${edit.item.id}-${edit.row.user_id}`} item=${edit.item} row=${edit.row}
          onDone=${() => { setEdit(null); book.reload(); }} />`}
      <${Section} id="import" title="Import grades" description="Upload a CSV, check the preview, then import.">
        <${ImportForm} course=${course} onDone=${book.reload} />
      <//>
      ${can(course, "edit_content") && html`<${Setup} course=${course} b=${b} onChange=${book.reload} />`}
    </div>`;
}

function Mine({ course }) {
  const book = useLoad((signal) => myGrades(course.id, signal), [course.id]);
  const b = book.data;
  if (book.loading && !b) return html`<${Loading} label="Loading your grades…" />`;
  if (book.error && !b) return html`<${ErrorState} error=${book.error} onRetry=${book.reload} />`;
  const row = b.items[0];
  if (!row || b.grade_items.length === 0) {
    return html`<${EmptyState} title="No grades yet" testid="my-grades-empty"><p>Your grades appear here once they are released.</p><//>`;
  }
  return html`
    <${Section} id="mine" title="My grades" testid="my-grades"
        description=${html`Total <strong data-testid="my-total">${percent(row.totals)}</strong>${row.totals.counted && row.totals.letter ? html` · <${Badge} kind="success">${row.totals.letter}<//>` : ""}`}>
      <table class="table" data-testid="my-grades-table"><caption class="visually-hidden">Your grades</caption>
        <thead><tr><th scope="col">Item</th><th scope="col">Grade</th><th scope="col">Out of</th></tr></thead>
        <tbody>${b.grade_items.map((it) => html`<tr key=${it.id} data-testid="my-grade-row" data-item-id=${it.id}>
          <th scope="row">${it.title}</th><td>${cellText(row.grades[it.id])}</td><td>${points(it.max_points)}</td></tr>`)}</tbody>
      </table>
    <//>`;
}

export default function GradesPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="grades" title="Grades">
      ${(course) => (can(course, "view_grades") ? html`<${Book} course=${course} />` : html`<${Mine} course=${course} />`)}
    <//>`;
}

// /courses/{id}/questions: the course's question bank for staff: nested
// categories, the questions of one (type, version, the lessons it tests,
// edit, duplicate, delete), a new question of any type in the editor with
// its preview, GIFT import (upload, preview of what will be created and
// skipped with line numbers, confirm, optionally only the valid questions)
// and export of a category or the whole bank.
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, EmptyState, Badge } from "../ui.js";
import { errorMessage } from "../api.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { plural } from "../format.js";
import { CourseFrame, can, isStaff } from "./course-common.js";
import {
  listCategories, createCategory, listQuestions, getQuestion, deleteQuestion, duplicateQuestion, importGIFT,
  categoryGIFTURL, bankGIFTURL, typeLabels,
} from "./quiz-api.js";
import { QuestionEditor } from "./question-edit.js";
import { getOutline } from "./course-api.js";
import { courseQuestionLessons } from "./reports-api.js";

/**
 * useLessonTags loads the lessons each question of the course tests (one
 * call for the bank): a map of family id to lesson titles; empty while
 * loading or on error (the tags are a hint: the list works without them).
 * version changes after a save, to reload.
 */
function useLessonTags(courseID, version) {
  const tags = useLoad(async (signal) => {
    const [o, list] = await Promise.all([getOutline(courseID, signal), courseQuestionLessons(courseID, signal)]);
    const titles = new Map(o.modules.flatMap((m) => m.lessons.map((l) => [l.id, l.title])));
    return Object.fromEntries(list.map((x) => [x.family_id, x.lesson_ids.map((id) => titles.get(id) || `lesson ${id}`)]));
  }, [courseID, version]);
  return tags.data || {};
}

/** catPaths maps category ids to "A / B / C" paths, in tree order. */
function catTree(cats) {
  const byParent = new Map();
  for (const c of cats) {
    const p = c.parent_id || 0;
    if (!byParent.has(p)) byParent.set(p, []);
    byParent.get(p).push(c);
  }
  const out = [];
  const walk = (p, depth) => (byParent.get(p) || []).forEach((c) => { out.push({ ...c, depth }); walk(c.id, depth + 1); });
  walk(0, 0);
  return out;
}

function NewCategory({ courseID, parentID, onDone }) {
  const act = useAction();
  const [name, setName] = useState("");
  const submit = async (e) => {
    e.preventDefault();
    const c = await act.run(() => createCategory(courseID, { name, parent_id: parentID || undefined }));
    if (c) { setName(""); onDone(c); }
  };
  return html`<form class="form form-inline" onSubmit=${submit} data-testid="category-form">
    <${Field} id="category-name" name="name" label=${parentID ? "New category inside this one" : "New category"} value=${name}
        onInput=${(e) => setName(e.currentTarget.value)} error=${act.error} required />
    <${FormError} error=${act.error} fields=${["name"]} />
    <${Submit} pending=${act.pending} kind="secondary" testid="add-category">Add<//>
  </form>`;
}

function GIFTImport({ category, onImported }) {
  const [file, setFile] = useState(null);
  const [plan, setPlan] = useState(null);
  const [validOnly, setValidOnly] = useState(false);
  const act = useAction();
  const choose = async (e) => {
    const f = e.currentTarget.files[0];
    setPlan(null);
    if (!f) return;
    setFile(f);
    const p = await act.run(() => importGIFT(category.id, f, { dryRun: true }));
    if (p) setPlan(p);
  };
  const confirmImport = async () => {
    const p = await act.run(() => importGIFT(category.id, file, { validOnly }));
    if (p) {
      toast(`Imported ${plural(p.created, "question")}.`);
      setPlan(null);
      setFile(null);
      onImported();
    }
  };
  const blocked = plan && plan.skipped.length > 0 && !validOnly;
  return html`<section class="card section" data-testid="gift-import">
    <h2>Import GIFT into “${category.name}”</h2>
    <div class="field">
      <label for="gift-file">GIFT file (Moodle's text format)</label>
      <input id="gift-file" type="file" accept=".gift,.txt,text/plain" onChange=${choose} data-testid="gift-file" />
    </div>
    <${FormError} error=${act.error} />
    ${plan && html`<div class="gift-preview" data-testid="gift-preview">
      <p><strong data-testid="gift-count">${plan.questions.length}</strong> ${plan.questions.length === 1 ? "question" : "questions"} will be created
        ${plan.new_categories.length > 0 && html` with ${plural(plan.new_categories.length, "new category", "new categories")} (${plan.new_categories.join(", ")})`}.</p>
      <ul class="list small">${plan.questions.slice(0, 50).map((q) => html`<li key=${q.line} class="list-row">
        <span class="muted">line ${q.line}</span> ${q.title || "(untitled)"} <${Badge}>${typeLabels[q.type] || q.type}<//>
        ${q.category && html`<span class="muted"> in ${q.category}</span>`}</li>`)}</ul>
      ${plan.skipped.length > 0 && html`<div class="alert alert-warning" data-testid="gift-skipped">
        <strong>${plural(plan.skipped.length, "question")} cannot be imported:</strong>
        <ul>${plan.skipped.map((s) => html`<li key=${s.line} data-testid="gift-problem">Line ${s.line}: ${s.reason}</li>`)}</ul>
        <label class="check"><input type="checkbox" checked=${validOnly} data-testid="gift-valid-only"
          onChange=${(e) => setValidOnly(e.currentTarget.checked)} /> Import only the valid questions</label>
      </div>`}
      <button type="button" class="btn btn-primary" disabled=${act.pending || blocked || plan.questions.length === 0}
              onClick=${confirmImport} data-testid="gift-confirm">Import ${plural(plan.questions.length, "question")}</button>
    </div>`}
  </section>`;
}

function Bank({ course }) {
  const id = course.id;
  const cats = useLoad((signal) => listCategories(id, signal), [id]);
  const [catID, setCatID] = useState(0);
  const [editing, setEditing] = useState(null); // a question or {type, category_id}
  const [newType, setNewType] = useState("single");
  const tree = cats.data ? catTree(cats.data.items) : [];
  const cat = tree.find((c) => c.id === catID) || tree[0];
  const qs = useLoad((signal) => (cat ? listQuestions(id, { category_id: cat.id, limit: 200 }, signal) : Promise.resolve(null)), [id, cat && cat.id]);
  const editor = can(course, "edit_content");
  const tags = useLessonTags(id, qs.data);
  if (cats.loading && !cats.data) return html`<${Loading} />`;
  if (cats.error && !cats.data) return html`<${ErrorState} error=${cats.error} onRetry=${cats.reload} />`;
  const edit = async (q) => {
    try { setEditing(await getQuestion(q.id)); } catch (e) { toast(errorMessage(e), "error"); }
  };
  const remove = async (q) => {
    if (!(await confirm({ title: `Delete “${q.title}”?`, body: "Attempts that asked it keep it.", confirmLabel: "Delete", danger: true }))) return;
    try { await deleteQuestion(q.id); qs.reload(); } catch (e) { toast(errorMessage(e), "error"); }
  };
  const dup = async (q) => {
    try { await duplicateQuestion(q.id); qs.reload(); } catch (e) { toast(errorMessage(e), "error"); }
  };
  return html`<div class="bank-layout" data-testid="question-bank">
    <aside class="card section bank-cats">
      <h2>Categories</h2>
      ${tree.length === 0 ? html`<p class="muted small">No categories yet: add one to start.</p>`
        : html`<ul class="bank-cat-list">${tree.map((c) => html`<li key=${c.id}>
            <button type="button" class=${`bank-cat depth-${Math.min(c.depth, 5)}${cat && c.id === cat.id ? " bank-cat-on" : ""}`}
                    aria-current=${cat && c.id === cat.id ? "true" : undefined} data-testid="category" data-name=${c.name}
                    onClick=${() => { setCatID(c.id); setEditing(null); }}>${c.name}</button></li>`)}</ul>`}
      ${editor && html`<${NewCategory} courseID=${id} onDone=${(c) => { cats.reload(); setCatID(c.id); }} />`}
      <p><a class="btn btn-small" href=${bankGIFTURL(id)} download data-testid="export-bank">Export the bank (GIFT)</a></p>
    </aside>
    <div class="bank-main">
      ${editing ? html`<${QuestionEditor} key=${editing.id || editing.type} courseID=${id} question=${editing}
            onCancel=${() => setEditing(null)} onSaved=${() => { setEditing(null); qs.reload(); toast("Question saved."); }} />`
        : cat && html`<section class="card section">
          <div class="section-head">
            <h2>${cat.name}</h2>
            <a class="btn btn-small" href=${categoryGIFTURL(cat.id)} download data-testid="export-category">Export (GIFT)</a>
          </div>
          ${editor && html`<div class="form-inline">
            <div class="field"><label for="new-type">New question</label>
              <select id="new-type" value=${newType} onChange=${(e) => setNewType(e.currentTarget.value)} data-testid="new-question-type">
                ${Object.entries(typeLabels).map(([k, v]) => html`<option key=${k} value=${k}>${v}</option>`)}</select></div>
            <button type="button" class="btn btn-primary" data-testid="new-question"
                    onClick=${() => setEditing({ type: newType, category_id: cat.id })}>Write it</button>
          </div>`}
          ${qs.data && qs.data.items.length === 0 ? html`<p class="muted">No questions in this category yet.</p>`
            : qs.data && html`<ul class="list" data-testid="question-list">${qs.data.items.map((q) => html`
              <li key=${q.id} class="list-row bank-question" data-testid="bank-question" data-title=${q.title}>
                <span class="bank-q-title">${q.title}</span>
                <${Badge}>${typeLabels[q.type] || q.type}<//>
                ${q.version > 1 && html`<span class="muted small">v${q.version}</span>`}
                ${tags[q.family_id] && html`<span class="small muted bank-q-lessons" data-testid="question-lessons">
                  Tests: ${tags[q.family_id].join(", ")}</span>`}
                ${editor && html`<span class="row-actions">
                  <button type="button" class="btn btn-small" onClick=${() => edit(q)}>Edit</button>
                  <button type="button" class="btn btn-small" onClick=${() => dup(q)}>Duplicate</button>
                  <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(q)}>Delete</button></span>`}
              </li>`)}</ul>`}
        </section>`}
      ${!editing && cat && editor && html`<${GIFTImport} category=${cat} onImported=${() => { cats.reload(); qs.reload(); }} />`}
      ${!cat && html`<${EmptyState} title="An empty bank" icon="book"><p>Add a category, then write or import questions.</p><//>`}
    </div>
  </div>`;
}

export default function QuestionBankPage({ params }) {
  return html`<${CourseFrame} id=${params.id} tab="questions" title="Question bank" allow=${isStaff}>
    ${(course) => html`<${Bank} course=${course} />`}<//>`;
}

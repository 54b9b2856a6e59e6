// The gradebook's setup, under the table on /courses/{id}/grades (staff
// who edit content): how the total is counted (weighted categories or
// total points), the letter scale, the grade categories (weight, drop the
// lowest N), and the graded items (category, hidden; manual items are
// added, renamed, re-pointed and deleted here).
import { html, useState } from "../html.js";
import { Section, Badge, useBusy } from "../ui.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { ApiError } from "../api.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import {
  patchGradebookSettings, createGradeCategory, patchGradeCategory, deleteGradeCategory,
  createGradeItem, patchGradeItem, deleteGradeItem, scaleText, parseScale, points,
} from "./grades-api.js";

const sourceLabels = { quiz: "Quiz", assignment: "Assignment", live_quiz: "Live quiz", manual: "Manual" };

function SettingsForm({ course, settings, onDone }) {
  const { pending, error, run, setError } = useAction();
  const [mode, setMode] = useState(settings.mode);
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget.elements;
    let scale;
    try {
      scale = parseScale(f.scale.value);
    } catch (err) {
      setError(new ApiError({ code: "invalid", field: "scale", detail: err.message }));
      return;
    }
    const body = { mode: f.mode.value, scale, uncategorised_weight: Number(f.uncategorised_weight.value || 0) };
    if (await run(() => patchGradebookSettings(course.id, body))) {
      toast("Gradebook settings saved", "success");
      onDone();
    }
  }
  return html`<form class="form" onSubmit=${onSubmit} data-testid="gradebook-settings-form" noValidate>
    <${FormError} error=${error} fields=${["mode", "scale", "uncategorised_weight"]} />
    <div class="form-row">
      <${Field} id="gb-mode" name="mode" type="select" label="Course total" value=${mode}
          onChange=${(e) => setMode(e.currentTarget.value)} error=${error}>
        <option value="weighted">Weighted categories (each category's percentage × its weight)</option>
        <option value="points">Total points (every point counts the same)</option><//>
      <${Field} id="gb-uncat" name="uncategorised_weight" type="number" min="0" step="any" label="Weight of uncategorised items"
          defaultValue=${settings.uncategorised_weight} hint="Weighted mode only; 0: they do not count." error=${error} />
    </div>
    <${Field} id="gb-scale" name="scale" label="Letter scale (letter and lowest percentage)" defaultValue=${scaleText(settings.scale)}
        hint="For example: A 90; B 80; C 70; D 60; F 0" error=${error} />
    <div class="form-actions"><${Submit} pending=${pending} testid="save-gradebook-settings">Save the settings<//></div>
  </form>`;
}

/** CategoryForm adds a category, or edits cat when given. */
function CategoryForm({ course, cat, onDone, onDelete, deleting }) {
  const { pending, error, run } = useAction();
  const id = cat ? `cat-${cat.id}` : "cat-new";
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = form.elements;
    const body = { name: f.name.value.trim(), weight: Number(f.weight.value || 0), drop_lowest: Number(f.drop_lowest.value || 0) };
    const saved = await run(() => (cat ? patchGradeCategory(course.id, cat.id, body) : createGradeCategory(course.id, body)));
    if (saved) {
      toast(cat ? "Category saved" : "Category added", "success");
      if (!cat) form.reset();
      onDone();
    }
  }
  return html`<form class="form grade-category" onSubmit=${onSubmit} data-testid="grade-category-form" data-name=${cat ? cat.name : ""} noValidate>
    <${FormError} error=${error} fields=${["name", "weight", "drop_lowest"]} />
    <div class="form-row">
      <${Field} id=${`${id}-name`} name="name" label="Category" required maxlength="200" defaultValue=${cat ? cat.name : ""} error=${error} />
      <${Field} id=${`${id}-weight`} name="weight" type="number" min="0" step="any" label="Weight" defaultValue=${cat ? cat.weight : 1} error=${error} />
      <${Field} id=${`${id}-drop`} name="drop_lowest" type="number" min="0" max="100" label="Drop lowest"
          defaultValue=${cat ? cat.drop_lowest : 0} error=${error} />
    </div>
    <div class="form-actions"><${Submit} pending=${pending} kind=${cat ? "small" : "primary"}>${cat ? "Save" : "Add the category"}<//>
      ${onDelete && html`<button type="button" class="btn btn-small btn-danger" disabled=${deleting} onClick=${onDelete}
          aria-label=${`Delete the category ${cat.name}`}>Delete</button>`}</div>
  </form>`;
}

/** ItemRow edits one graded item: its category and hidden flag; manual items also their title and points. */
function ItemRow({ item, cats, onDone }) {
  const { pending, error, run } = useAction();
  const [busy, runBusy] = useBusy();
  const manual = item.source === "manual";
  const id = `item-${item.id}`;
  const [catID, setCatID] = useState(String(item.category_id || 0));
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const body = { category_id: Number(f.category_id.value), hidden: f.hidden.checked };
    if (manual) Object.assign(body, { title: f.title.value.trim(), max_points: Number(f.max_points.value) });
    if (await run(() => patchGradeItem(item.id, body))) {
      toast("Item saved", "success");
      onDone();
    }
  }
  const remove = async () => {
    if (!(await confirm({ title: `Delete “${item.title}”?`, body: "Its grades are deleted with it.", confirmLabel: "Delete", danger: true }))) return;
    if (await runBusy(() => deleteGradeItem(item.id), "Item deleted")) onDone();
  };
  return html`<li class="card grade-item" data-testid="grade-item" data-item-id=${item.id}>
    <form class="form" onSubmit=${onSubmit} data-testid="grade-item-edit-form" noValidate>
      <p><strong>${item.title}</strong> <${Badge}>${sourceLabels[item.source] || item.source}<//>
        ${item.hidden && html` <${Badge} kind="warning">hidden<//>`} <span class="muted small">/ ${points(item.max_points)}</span></p>
      <${FormError} error=${error} fields=${["title", "max_points", "category_id", "hidden"]} />
      ${manual && html`<div class="form-row">
        <${Field} id=${`${id}-title`} name="title" label="Title" required maxlength="200" defaultValue=${item.title} error=${error} />
        <${Field} id=${`${id}-points`} name="max_points" type="number" min="0" step="any" label="Out of" defaultValue=${item.max_points} error=${error} />
      </div>`}
      <div class="form-row">
        <${Field} id=${`${id}-cat`} name="category_id" type="select" label="Category" value=${catID}
            onChange=${(e) => setCatID(e.currentTarget.value)} error=${error}>
          <option value="0">None</option>
          ${cats.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}<//>
      </div>
      <label class="check"><input type="checkbox" name="hidden" defaultChecked=${item.hidden} /> Hidden from learners (and not counted)</label>
      <div class="actions"><${Submit} pending=${pending} kind="small">Save<//>
        ${manual && html`<button type="button" class="btn btn-small btn-danger" disabled=${busy} onClick=${remove}>Delete</button>`}</div>
    </form>
  </li>`;
}

function NewItemForm({ course, cats, onDone }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = form.elements;
    const body = { title: f.title.value.trim(), max_points: Number(f.max_points.value || 0),
      category_id: Number(f.category_id.value), hidden: f.hidden.checked };
    if (await run(() => createGradeItem(course.id, body))) {
      toast("Item added", "success");
      form.reset();
      onDone();
    }
  }
  return html`<form class="form" onSubmit=${onSubmit} data-testid="grade-item-form" noValidate>
    <${FormError} error=${error} fields=${["title", "max_points", "category_id"]} />
    <div class="form-row">
      <${Field} id="new-item-title" name="title" label="Manual item" required maxlength="200" placeholder="Participation" error=${error} />
      <${Field} id="new-item-points" name="max_points" type="number" min="0" step="any" label="Out of" defaultValue="10" error=${error} />
      <${Field} id="new-item-cat" name="category_id" type="select" label="Category" error=${error}>
        <option value="0">None</option>
        ${cats.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}<//>
    </div>
    <label class="check"><input type="checkbox" name="hidden" /> Hidden from learners</label>
    <div class="form-actions"><${Submit} pending=${pending}>Add the item<//></div>
  </form>`;
}

/** Setup is the gradebook's setup sections for b, a gradebook page. */
export function Setup({ course, b, onChange }) {
  const [busy, runBusy] = useBusy();
  const cats = b.categories || [];
  const removeCat = async (cat) => {
    if (!(await confirm({ title: `Delete the category “${cat.name}”?`, body: "Its items stay, uncategorised.", confirmLabel: "Delete", danger: true }))) return;
    if (await runBusy(() => deleteGradeCategory(course.id, cat.id), "Category deleted")) onChange();
  };
  return html`
    <${Section} id="gradebook-settings" title="Totals and letters" testid="gradebook-settings"
        description="How the course total is counted and which letter each percentage earns.">
      <${SettingsForm} key=${JSON.stringify(b.settings)} course=${course} settings=${b.settings} onDone=${onChange} />
    <//>
    <${Section} id="grade-categories" title="Categories" testid="grade-categories"
        description=${b.settings.mode === "weighted" ? "Each category counts by its weight; drop lowest leaves out a learner's N lowest grades in it."
          : "In total-points mode weights do not count; drop lowest still applies."}>
      ${cats.length === 0 ? html`<p class="muted" data-testid="categories-empty">No categories: every item counts on its own.</p>`
        : html`<ul class="list grade-categories">${cats.map((c) => html`<li key=${`${c.id}-${c.name}-${c.weight}-${c.drop_lowest}`} class="card" data-testid="grade-category">
            <${CategoryForm} course=${course} cat=${c} onDone=${onChange} onDelete=${() => removeCat(c)} deleting=${busy} /></li>`)}</ul>`}
      <h3>Add a category</h3>
      <${CategoryForm} course=${course} onDone=${onChange} />
    <//>
    <${Section} id="grade-items" title="Graded items" testid="grade-items"
        description="Quizzes and assignments appear here by themselves; add manual items for anything else.">
      <ul class="list grade-items">${b.grade_items.map((it) => html`<${ItemRow}
          key=${`${it.id}-${it.title}-${it.max_points}-${it.category_id}-${it.hidden}`} item=${it} cats=${cats} onDone=${onChange} />`)}</ul>
      <h3>Add a manual item</h3>
      <${NewItemForm} course=${course} cats=${cats} onDone=${onChange} />
    <//>`;
}

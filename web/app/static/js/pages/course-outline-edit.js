// The outline editor on the course page (edit_content): add, rename and
// delete modules, add lessons, and reorder modules and lessons by drag and
// drop or with the up/down buttons (keyboard). Each move sends the whole
// layout as this page saw it; a 409 means someone else changed the course
// meanwhile: the page says so and reloads the outline.
import { html, useState, useRef, useEffect } from "../html.js";
import { errorMessage } from "../api.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { Badge } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { createModule, renameModule, deleteModule, reorder } from "./course-api.js";
import { coursePath, lessonPath, moveItem } from "./course-common.js";

/** layoutOf is the reorder request body for modules as shown. */
export const layoutOf = (modules) => modules.map((m) => ({ module_id: m.id, lesson_ids: m.lessons.map((l) => l.id) }));

/** moveLesson moves a lesson to module toID at index (clamped); returns new modules. */
export function moveLesson(modules, lessonID, toID, index) {
  let lesson = null;
  const without = modules.map((m) => {
    const i = m.lessons.findIndex((l) => l.id === lessonID);
    if (i < 0) return m;
    lesson = m.lessons[i];
    return { ...m, lessons: m.lessons.filter((l) => l.id !== lessonID) };
  });
  if (!lesson) return modules;
  return without.map((m) => {
    if (m.id !== toID) return m;
    const ls = m.lessons.slice();
    ls.splice(Math.max(0, Math.min(index, ls.length)), 0, { ...lesson, module_id: toID });
    return { ...m, lessons: ls };
  });
}

// stepLesson moves a lesson one place up (-1) or down (+1), crossing into
// the neighbouring module at the ends. Returns null when it can't move.
function stepLesson(modules, lessonID, dir) {
  const mi = modules.findIndex((m) => m.lessons.some((l) => l.id === lessonID));
  if (mi < 0) return null;
  const li = modules[mi].lessons.findIndex((l) => l.id === lessonID);
  const target = li + dir;
  if (target >= 0 && target < modules[mi].lessons.length) {
    return modules.map((m, i) => (i === mi ? { ...m, lessons: moveItem(m.lessons, li, target) } : m));
  }
  const nmi = mi + dir;
  if (nmi < 0 || nmi >= modules.length) return null;
  return moveLesson(modules, lessonID, modules[nmi].id, dir < 0 ? modules[nmi].lessons.length : 0);
}

function ModuleTitle({ module, disabled, onRenamed }) {
  const [editing, setEditing] = useState(false);
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const title = new FormData(e.currentTarget).get("title").trim();
    const m = await run(() => renameModule(module.id, title));
    if (m) { onRenamed(m); setEditing(false); }
  }
  if (!editing) {
    return html`
      <h2 class="module-title">${module.title}</h2>
      <button type="button" class="btn btn-small btn-ghost" disabled=${disabled} onClick=${() => setEditing(true)}
              aria-label=${`Rename the module “${module.title}”`} data-testid="rename-module">Rename</button>`;
  }
  return html`
    <form class="form form-inline module-rename" onSubmit=${onSubmit} data-testid="rename-module-form">
      <${FormError} error=${error} fields=${["title"]} />
      <${Field} id=${`module-title-${module.id}`} name="title" label="Module title" required maxlength="200"
          defaultValue=${module.title} error=${error} autofocus />
      <${Submit} pending=${pending} kind="primary">Save<//>
      <button type="button" class="btn" onClick=${() => setEditing(false)}>Cancel</button>
    </form>`;
}

function AddModule({ courseID, onAdded }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const m = await run(() => createModule(courseID, new FormData(form).get("title").trim()));
    if (m) { form.reset(); onAdded(m); }
  }
  return html`
    <form class="form form-inline card add-module" onSubmit=${onSubmit} data-testid="add-module-form">
      <${FormError} error=${error} fields=${["title"]} />
      <${Field} id="new-module-title" name="title" label="New module" required maxlength="200"
          placeholder="Week 1: Getting started" error=${error} />
      <${Submit} pending=${pending} pendingLabel="Adding…" kind="primary" testid="add-module">Add module<//>
    </form>`;
}

export function OutlineEditor({ outline, setOutline, reload }) {
  const courseID = outline.course.id;
  const modules = outline.modules;
  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState("");
  const [over, setOver] = useState(""); // drop target marker "m:<id>" | "l:<id>" | "end:<moduleID>"
  const drag = useRef(null); // {kind: "lesson"|"module", id}
  const focusAfter = useRef(""); // data-move value to focus after a keyboard move

  useEffect(() => {
    if (!focusAfter.current) return;
    const el = document.querySelector(`[data-move="${focusAfter.current}"]:not([disabled])`) ||
      document.querySelector(`[data-move^="${focusAfter.current.replace(/-(up|down)$/, "")}"]:not([disabled])`);
    focusAfter.current = "";
    if (el) el.focus();
  });

  async function apply(next, message) {
    if (!next || busy) return;
    const before = modules;
    setOutline((o) => ({ ...o, modules: next }));
    setBusy(true);
    try {
      const fresh = await reorder(courseID, layoutOf(next));
      if (fresh && fresh.modules) setOutline(fresh);
      setAnnounce(message);
    } catch (e) {
      if (e.status === 409) {
        toast("Someone else changed the order; reloaded.", "info");
        reload();
      } else {
        setOutline((o) => ({ ...o, modules: before }));
        toast(errorMessage(e), "error");
      }
    } finally {
      setBusy(false);
    }
  }

  const moduleName = (id) => (modules.find((m) => m.id === id) || {}).title || "";
  function stepL(lesson, dir) {
    const next = stepLesson(modules, lesson.id, dir);
    if (!next) return;
    focusAfter.current = `l-${lesson.id}-${dir < 0 ? "up" : "down"}`;
    const m = next.find((x) => x.lessons.some((l) => l.id === lesson.id));
    const pos = m.lessons.findIndex((l) => l.id === lesson.id) + 1;
    apply(next, `Moved “${lesson.title}” to position ${pos} in “${m.title}”.`);
  }
  function stepM(index, dir) {
    const to = index + dir;
    if (to < 0 || to >= modules.length) return;
    focusAfter.current = `m-${modules[index].id}-${dir < 0 ? "up" : "down"}`;
    apply(moveItem(modules, index, to), `Moved module “${modules[index].title}” to position ${to + 1}.`);
  }

  // ---- drag and drop ----
  const onDragStart = (kind, id) => (e) => {
    drag.current = { kind, id };
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", `${kind}:${id}`);
    e.stopPropagation();
  };
  const onDragEnd = () => { drag.current = null; setOver(""); };
  const allow = (kind, marker) => (e) => {
    if (!drag.current || drag.current.kind !== kind) return;
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = "move";
    if (over !== marker) setOver(marker);
  };
  function dropLessonAt(moduleID, index) {
    const d = drag.current;
    drag.current = null;
    setOver("");
    if (!d || d.kind !== "lesson") return;
    const from = modules.find((m) => m.lessons.some((l) => l.id === d.id));
    let i = index;
    if (from && from.id === moduleID) {
      const cur = from.lessons.findIndex((l) => l.id === d.id);
      if (cur < index) i--; // removing it first shifts the target up
      if (cur === i) return;
    }
    const title = (from.lessons.find((l) => l.id === d.id) || {}).title;
    apply(moveLesson(modules, d.id, moduleID, i), `Moved “${title}” to “${moduleName(moduleID)}”.`);
  }
  function dropModuleAt(index) {
    const d = drag.current;
    drag.current = null;
    setOver("");
    if (!d || d.kind !== "module") return;
    const cur = modules.findIndex((m) => m.id === d.id);
    const to = cur < index ? index - 1 : index;
    if (cur < 0 || cur === to) return;
    apply(moveItem(modules, cur, to), `Moved module “${modules[cur].title}” to position ${to + 1}.`);
  }

  async function removeModule(m) {
    const ok = await confirm({
      title: `Delete the module “${m.title}”?`,
      body: m.lessons.length > 0
        ? `Its ${m.lessons.length === 1 ? "lesson is" : `${m.lessons.length} lessons are`} deleted too, with the learners' progress in them. This cannot be undone.`
        : "The module is empty.",
      confirmLabel: "Delete module", danger: true,
    });
    if (!ok) return;
    try {
      await deleteModule(m.id);
      toast(`Module “${m.title}” deleted.`);
      reload();
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }

  return html`
    <div class="outline-editor" aria-busy=${busy ? "true" : "false"} data-testid="outline-editor">
      <p class="muted small">Drag modules and lessons by their handle, or use the arrow buttons. Changes are saved at once.</p>
      <p class="visually-hidden" aria-live="polite" data-testid="outline-announce">${announce}</p>
      <ol class="outline">
        ${modules.map((m, mi) => html`
          <li key=${m.id} class=${`card module module-edit${over === `m:${m.id}` ? " drop-before" : ""}`}
              data-testid="module" data-module-id=${m.id}
              onDragOver=${allow("module", `m:${m.id}`)} onDrop=${(e) => { e.preventDefault(); dropModuleAt(mi); }}>
            <div class="module-head">
              <span class="drag-handle" draggable="true" title="Drag to move the module" aria-hidden="true"
                    onDragStart=${onDragStart("module", m.id)} onDragEnd=${onDragEnd}>⋮⋮</span>
              <${ModuleTitle} module=${m} disabled=${busy}
                  onRenamed=${(nm) => setOutline((o) => ({ ...o, modules: o.modules.map((x) => (x.id === nm.id ? { ...x, title: nm.title } : x)) }))} />
              <div class="move-buttons">
                <button type="button" class="btn btn-small btn-ghost" data-move=${`m-${m.id}-up`} disabled=${busy || mi === 0}
                        aria-label=${`Move module “${m.title}” up`} onClick=${() => stepM(mi, -1)}>↑</button>
                <button type="button" class="btn btn-small btn-ghost" data-move=${`m-${m.id}-down`}
                        disabled=${busy || mi === modules.length - 1}
                        aria-label=${`Move module “${m.title}” down`} onClick=${() => stepM(mi, 1)}>↓</button>
                <button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy}
                        aria-label=${`Delete the module “${m.title}”`} onClick=${() => removeModule(m)}
                        data-testid="delete-module">Delete</button>
              </div>
            </div>
            <ol class="lesson-list lesson-list-edit" onDragOver=${allow("lesson", `end:${m.id}`)}
                onDrop=${(e) => { e.preventDefault(); e.stopPropagation(); dropLessonAt(m.id, m.lessons.length); }}>
              ${m.lessons.map((l, li) => html`
                <li key=${l.id} class=${`lesson-row lesson-edit${over === `l:${l.id}` ? " drop-before" : ""}`}
                    data-testid="lesson-row" data-lesson-id=${l.id}
                    onDragOver=${allow("lesson", `l:${l.id}`)}
                    onDrop=${(e) => { e.preventDefault(); e.stopPropagation(); dropLessonAt(m.id, li); }}>
                  <span class="drag-handle" draggable="true" title="Drag to move the lesson" aria-hidden="true"
                        onDragStart=${onDragStart("lesson", l.id)} onDragEnd=${onDragEnd}>⋮⋮</span>
                  <div class="lesson-row-main">
                    <a href=${lessonPath(courseID, l.id)}>${l.title}</a>
                    ${l.draft && html` <${Badge}>Draft<//>`}
                  </div>
                  <div class="move-buttons">
                    <button type="button" class="btn btn-small btn-ghost" data-move=${`l-${l.id}-up`}
                            disabled=${busy || (mi === 0 && li === 0)} aria-label=${`Move “${l.title}” up`}
                            onClick=${() => stepL(l, -1)}>↑</button>
                    <button type="button" class="btn btn-small btn-ghost" data-move=${`l-${l.id}-down`}
                            disabled=${busy || (mi === modules.length - 1 && li === m.lessons.length - 1)}
                            aria-label=${`Move “${l.title}” down`} onClick=${() => stepL(l, 1)}>↓</button>
                    <a class="btn btn-small" href=${`${lessonPath(courseID, l.id)}/edit`} aria-label=${`Edit “${l.title}”`}
                       data-testid="edit-lesson">Edit</a>
                  </div>
                </li>`)}
              <li class=${`lesson-drop-end${over === `end:${m.id}` ? " drop-before" : ""}`} aria-hidden="true"></li>
            </ol>
            <a class="btn btn-small" href=${coursePath(courseID, `modules/${m.id}/lessons/new`)}
               aria-label=${`New lesson in “${m.title}”`} data-testid="new-lesson">+ New lesson</a>
          </li>`)}
        <li class=${`module-drop-end${over === "m:end" ? " drop-before" : ""}`} aria-hidden="true"
            onDragOver=${allow("module", "m:end")} onDrop=${(e) => { e.preventDefault(); dropModuleAt(modules.length); }}></li>
      </ol>
      <${AddModule} courseID=${courseID}
          onAdded=${(m) => { setOutline((o) => ({ ...o, modules: [...o.modules, { ...m, lessons: [] }] })); toast(`Module “${m.title}” added.`); }} />
    </div>`;
}

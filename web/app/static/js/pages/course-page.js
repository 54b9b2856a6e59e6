// /courses/{id}: the course's Lessons tab: the outline of modules and
// lessons with the caller's completion ticks and locked lessons (with the
// reason), "continue where you left off", search, and for those who edit
// content the outline editor (modules, drag-and-drop order, new lessons);
// members pick their own group and can leave the course. Announcements
// (course-announcements.js) come first.
import { html, useState } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, useDebounced, Loading, ErrorState, EmptyState, Badge } from "../ui.js";
import { Icon } from "../icons.js";
import { plural } from "../format.js";
import { getOutline, searchCourse } from "./course-api.js";
import {
  CourseHeader, can, isStaff, lessonPath, coursePath, continueLesson, isDone, lessonCount, humanizeTimes,
} from "./course-common.js";
import { OutlineEditor } from "./course-outline-edit.js";
import { GroupChoice, LeaveCourse } from "./course-membership.js";
import { listQuizzes, quizPath } from "./quiz-api.js";
import { Announcements } from "./course-announcements.js";

const searchDelayMs = 300;

function LessonRow({ courseID, lesson, staff, index, quiz }) {
  const done = isDone(lesson);
  const state = lesson.locked ? "locked" : done ? "done" : "todo";
  const label = lesson.locked ? "Locked" : done ? "Completed" : "Not completed";
  return html`
    <li class=${`lesson-row lesson-${state}`} data-testid="lesson-row" data-lesson-id=${lesson.id} data-state=${state}>
      <span class="lesson-mark" title=${label}>
        ${state === "done" ? html`<${Icon} name="check" size=${18} />` : state === "locked" ? html`<${Icon} name="lock" size=${16} />`
                           : html`<span class="lesson-num" aria-hidden="true">${index}</span>`}
        <span class="visually-hidden">${label}: </span>
      </span>
      <div class="lesson-row-main">
        ${lesson.locked
          ? html`<span class="lesson-title-locked">${lesson.title}</span>
              <div class="muted small" data-testid="locked-reason">${humanizeTimes(lesson.locked_reason)}</div>`
          : html`<a href=${quiz ? quizPath(courseID, quiz.id) : lessonPath(courseID, lesson.id)} class="lesson-link"
                 data-testid=${quiz ? "quiz-link" : undefined}>${lesson.title}</a>`}
      </div>
      <span class="lesson-badges">
        ${quiz && html`<${Badge} kind="accent">Quiz<//>`}
        ${staff && lesson.draft && html`<${Badge}>Draft<//>`}
        ${staff && lesson.requires_previous && html`<${Badge}>After previous<//>`}
        ${staff && lesson.available_from && html`<${Badge}>Scheduled<//>`}
      </span>
    </li>`;
}

function Outline({ outline, staff, quizzes }) {
  const learner = outline.course.role === "learner";
  const id = outline.course.id;
  if (outline.modules.length === 0 || lessonCount(outline) === 0) {
    return html`<${EmptyState} title="No lessons yet" icon="book" testid="outline-empty">
      <p>${can(outline.course, "edit_content") ? "Use “Edit outline” to add a module and its first lesson."
                                               : "Your teacher hasn't added lessons yet. Check back soon."}</p><//>`;
  }
  let n = 0;
  return html`
    <ol class="outline" data-testid="outline">
      ${outline.modules.map((m) => html`
        <li key=${m.id} class="card module" data-testid="module" data-module-id=${m.id}>
          <div class="module-head">
            <h2>${m.title}</h2>
            <span class="muted small module-count">${learner && m.lessons.length > 0
              ? `${m.lessons.filter(isDone).length} of ${m.lessons.length} done` : plural(m.lessons.length, "lesson")}</span>
          </div>
          ${m.lessons.length === 0
            ? html`<p class="muted small">No lessons in this module yet.</p>`
            : html`<ol class="lesson-list">
                ${m.lessons.map((l) => html`<${LessonRow} key=${l.id} courseID=${id} lesson=${l} staff=${staff}
                    index=${++n} quiz=${quizzes[l.id]} />`)}</ol>`}
        </li>`)}
    </ol>`;
}

function Search({ courseID }) {
  const [text, setText] = useState("");
  const q = useDebounced(text.trim(), searchDelayMs);
  const res = useLoad((signal) => (q ? searchCourse(courseID, q, signal) : Promise.resolve(null)), [courseID, q]);
  return html`
    <div class="course-search">
      <div class="field">
        <label for="course-search">Search this course</label>
        <input id="course-search" type="search" placeholder="Lesson titles and text" value=${text}
               autocomplete="off" onInput=${(e) => setText(e.currentTarget.value)} data-testid="course-search" />
      </div>
      ${q && html`
        <div class="search-results" aria-live="polite" data-testid="search-results">
          ${res.loading && !res.data ? html`<p class="muted small">Searching…</p>`
            : res.error ? html`<p class="field-error">Search failed. Try again.</p>`
            : res.data && res.data.items.length === 0 ? html`<p class="muted small">No lesson mentions “${q}”.</p>`
            : res.data && html`<ul class="list">${res.data.items.map((l) => html`
                <li key=${l.id} class="list-row"><a href=${lessonPath(courseID, l.id)}>${l.title}</a>
                  ${l.draft && html`<${Badge}>Draft<//>`}</li>`)}</ul>`}
        </div>`}
    </div>`;
}

function Aside({ outline, reload }) {
  const c = outline.course;
  const next = continueLesson(outline);
  const learner = c.role === "learner";
  const p = outline.progress;
  return html`
    <aside class="course-aside">
      ${learner && html`
        <section class="card section continue-card" data-testid="continue-card">
          <h2>${p && p.completed > 0 ? "Continue where you left off" : "Start the course"}</h2>
          ${next ? html`<p class="muted small">Next: <strong>${next.title}</strong></p>
              <a class="btn btn-primary" href=${lessonPath(c.id, next.id)} data-testid="continue">
                ${p && p.completed > 0 ? "Continue" : "Start"}</a>`
            : p && p.total > 0 && p.completed >= p.total
              ? html`<p data-testid="course-complete">You've completed every lesson. Well done!</p>`
              : html`<p class="muted small">Nothing to open yet.</p>`}
        </section>`}
      ${c.description && html`<section class="card section course-about">
          <h2>About</h2><p class="prewrap">${c.description}</p></section>`}
      <section class="card section"><${Search} courseID=${c.id} /></section>
      ${learner && html`<${GroupChoice} course=${c} onChange=${reload} />`}
      ${c.role && html`<div class="center"><${LeaveCourse} course=${c} /></div>`}
    </aside>`;
}

export default function CoursePage({ params }) {
  const { site } = useApp();
  const id = params.id;
  const outline = useLoad((signal) => getOutline(id, signal), [id]);
  // Quizzes stand at lessons: the outline links those lessons to their quiz.
  const quizzes = useLoad((signal) => listQuizzes(id, signal).then(
    (r) => Object.fromEntries(r.items.filter((q) => q.lesson_id).map((q) => [q.lesson_id, q])), () => ({})), [id]);
  const [editing, setEditing] = useState(false);
  const o = outline.data;
  useTitle(o ? o.course.title : "Course", site);
  if (outline.loading && !o) return html`<${Loading} label="Loading the course…" />`;
  if (outline.error && !o) {
    return html`<${ErrorState} error=${outline.error} onRetry=${outline.reload}
        title=${outline.error.status === 404 ? "Course not found" : "We couldn't load this course"} />`;
  }
  const c = o.course;
  const editor = can(c, "edit_content");
  const actions = editor && html`
    <a class="btn" href=${`/courses/${c.id}/quizzes/new`} data-testid="new-quiz">New quiz</a>
    <button type="button" class=${editing ? "btn btn-primary" : "btn"} aria-pressed=${editing ? "true" : "false"}
            onClick=${() => setEditing(!editing)} data-testid="edit-outline">
      ${editing ? "Done editing" : "Edit outline"}</button>`;
  return html`
    <div class="page course-page" data-course-id=${c.id}>
      <${CourseHeader} course=${c} active="lessons" progress=${o.progress} actions=${actions} />
      ${c.visibility === "draft" && isStaff(c) && html`
        <div class="alert alert-warning" role="status" data-testid="draft-notice">
          <strong>This course is a draft.</strong>
          <span>Only staff can see it. ${can(c, "manage_course")
            ? html`<a href=${coursePath(c.id, "settings")}>Publish it</a> when it's ready.` : ""}</span>
        </div>`}
      <div class="course-layout">
        <div class="course-main">
          ${!editing && html`<${Announcements} course=${c} />`}
          ${editing
            ? html`<${OutlineEditor} outline=${o} setOutline=${outline.setData} reload=${outline.reload} />`
            : html`<${Outline} outline=${o} staff=${isStaff(c)} quizzes=${quizzes.data || {}} />`}
        </div>
        <${Aside} outline=${o} reload=${outline.reload} />
      </div>
    </div>`;
}

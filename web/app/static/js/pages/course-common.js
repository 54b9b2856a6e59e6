// Shared pieces of the course pages: permission checks on a CourseView,
// the course header with its tabs, progress bars, date helpers, the course
// frame that loads a course for a tab, and small list helpers.
import { html, useRef, useEffect } from "../html.js";
import { get } from "../api.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, Loading, ErrorState, Badge } from "../ui.js";
import { when, fullTime } from "../format.js";

/** can reports whether the caller may do act in course (CourseView.can). */
export const can = (course, act) => !!course && Array.isArray(course.can) && course.can.includes(act);

/** isStaff: instructors, TAs and admins (those who see drafts). */
export const isStaff = (course) => can(course, "view_drafts");

/** coursePath builds /courses/{id}[/rest]. */
export const coursePath = (id, rest = "") => `/courses/${id}${rest ? `/${rest}` : ""}`;

/** lessonPath is the lesson view's URL. */
export const lessonPath = (courseID, lessonID) => `/courses/${courseID}/lessons/${lessonID}`;

export const roleLabels = { instructor: "Instructor", ta: "Teaching assistant", learner: "Learner" };

const visibilityBadges = {
  draft: ["Draft", "neutral"],
  published: ["Published", "success"],
  archived: ["Archived", "danger"],
};

/** VisibilityBadge shows draft / published / archived. */
export function VisibilityBadge({ visibility }) {
  const [label, kind] = visibilityBadges[visibility] || [visibility, "neutral"];
  return html`<${Badge} kind=${kind}>${label}<//>`;
}

/**
 * ProgressBar is a labelled <progress> with the percentage beside it
 * (no inline styles: the CSP forbids them).
 */
export function ProgressBar({ percent = 0, label = "Progress", detail, testid, size }) {
  const p = Math.max(0, Math.min(100, Math.round(percent || 0)));
  return html`
    <div class=${size === "lg" ? "progress progress-lg" : "progress"} data-testid=${testid} data-percent=${p}>
      <progress max="100" value=${p} aria-label=${label}>${p}%</progress>
      <span class="progress-text">${p}%${detail && html` <span class="muted">· ${detail}</span>`}</span>
    </div>`;
}

const rfc3339 = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/** humanizeTimes replaces RFC 3339 times in a server message with local, readable ones. */
export function humanizeTimes(text) {
  return (text || "").replace(rfc3339, (m) => fullTime(m) || m);
}

/** dateInput turns an RFC 3339 time into a date input's "YYYY-MM-DD" (local). */
export function dateInput(iso) {
  const d = when(iso);
  if (!d) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** dateTimeInput turns an RFC 3339 time into a datetime-local value. */
export function dateTimeInput(iso) {
  const d = when(iso);
  if (!d) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${dateInput(iso)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** fromDateInput turns a date or datetime-local value into RFC 3339 (local time), or undefined. */
export function fromDateInput(v) {
  if (!v) return undefined;
  const d = new Date(v.length === 10 ? `${v}T00:00` : v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** shortDate is "12 Mar 2026". */
export function shortDate(iso) {
  const d = when(iso);
  return d ? d.toLocaleDateString(undefined, { dateStyle: "medium" }) : "";
}

/** courseDates says "12 Mar 2026 – 30 Jun 2026" (or one end). */
export function courseDates(c) {
  const s = shortDate(c.starts_at);
  const e = shortDate(c.ends_at);
  if (s && e) return `${s} – ${e}`;
  if (s) return `Starts ${s}`;
  if (e) return `Ends ${e}`;
  return "";
}

/** tabsFor lists the course tabs the caller may open: [key, label, href]. */
export function tabsFor(course) {
  const id = course.id;
  const tabs = [
    ["lessons", "Lessons", coursePath(id)],
    ["discussion", "Discussion", coursePath(id, "discussion")],
    ["rooms", "Rooms", coursePath(id, "rooms")],
    ["assignments", "Assignments", coursePath(id, "assignments")],
    ["calendar", "Calendar", `/calendar?course=${id}`],
    ["grades", can(course, "view_grades") ? "Gradebook" : "My grades", coursePath(id, "grades")],
  ];
  if (isStaff(course)) tabs.push(["people", "People", coursePath(id, "people")]);
  if (isStaff(course)) tabs.push(["questions", "Questions", coursePath(id, "questions")]);
  if (can(course, "view_grades")) tabs.push(["progress", "Progress", coursePath(id, "progress")]);
  if (can(course, "view_grades")) tabs.push(["reports", "Reports", coursePath(id, "reports")]);
  else if (course.role === "learner") tabs.push(["reports", "My report", coursePath(id, "reports/learners/me")]);
  if (can(course, "manage_course")) tabs.push(["settings", "Settings", coursePath(id, "settings")]);
  return tabs;
}

/** CourseTabs is the course's navigation; active names the current tab. */
export function CourseTabs({ course, active }) {
  const nav = useRef(null);
  useEffect(() => { // on phones the tabs scroll sideways: show the current one
    const el = nav.current && nav.current.querySelector('[aria-current="page"]');
    if (el && nav.current.scrollWidth > nav.current.clientWidth) {
      nav.current.scrollLeft = el.offsetLeft - (nav.current.clientWidth - el.offsetWidth) / 2;
    }
  }, [active]);
  return html`
    <nav class="course-tabs" aria-label="Course sections" data-testid="course-tabs" ref=${nav}>
      ${tabsFor(course).map(([key, label, href]) => html`
        <a key=${key} href=${href} class="course-tab" data-tab=${key}
           aria-current=${key === active ? "page" : undefined}>${label}</a>`)}
    </nav>`;
}

/** CourseHeader: code, title, visibility, dates, the caller's progress and the tabs. */
export function CourseHeader({ course, active, progress, actions }) {
  const dates = courseDates(course);
  return html`
    <header class="course-header" data-testid="course-header">
      <div class="course-header-main">
        <div class="course-header-text">
          <p class="course-eyebrow">
            ${course.code && html`<span class="course-code" data-testid="course-code">${course.code}</span>`}
            ${course.visibility !== "published" && html`<${VisibilityBadge} visibility=${course.visibility} />`}
            ${course.role && html`<${Badge} kind="accent">${roleLabels[course.role] || course.role}<//>`}
          </p>
          <h1 id="page-title" tabindex="-1" data-testid="course-title">${course.title}</h1>
          ${dates && html`<p class="muted small course-dates">${dates}</p>`}
        </div>
        ${actions && html`<div class="page-actions">${actions}</div>`}
      </div>
      ${progress && course.role === "learner" && html`
        <${ProgressBar} percent=${progress.percent} label="Your progress in this course"
            detail=${`${progress.completed} of ${progress.total} lessons`} testid="course-progress" />`}
      <${CourseTabs} course=${course} active=${active} />
    </header>`;
}

/**
 * useCourse loads GET /courses/{id}: {data, error, loading, reload, setData}.
 */
export function useCourse(id) {
  return useLoad((signal) => get(`/courses/${id}`, { signal }), [id]);
}

/**
 * CourseFrame loads the course and renders the header with the tab active,
 * then children(course, reload, setCourse). title names the tab for the
 * document title; allow(course) hides the tab's content from those who
 * may not see it.
 */
export function CourseFrame({ id, tab, title, allow, children, actions }) {
  const { site } = useApp();
  const course = useCourse(id);
  const c = course.data;
  useTitle(c ? (title ? `${title} · ${c.title}` : c.title) : title || "Course", site);
  if (course.loading && !c) return html`<${Loading} label="Loading the course…" />`;
  if (course.error && !c) {
    return html`<${ErrorState} error=${course.error} onRetry=${course.reload}
        title=${course.error.status === 404 ? "Course not found" : "We couldn't load this course"} />`;
  }
  const denied = allow && !allow(c);
  return html`
    <div class="page course-page" data-course-id=${c.id}>
      <${CourseHeader} course=${c} active=${tab} actions=${actions && actions(c)} />
      ${denied
        ? html`<div class="state state-error" role="alert" data-testid="forbidden">
            <h2>Not available to you</h2><p>Only the course's staff can open this part of the course.</p></div>`
        : children(c, course.reload, course.setData)}
    </div>`;
}

/** moveItem returns a copy of list with the item at from moved to to. */
export function moveItem(list, from, to) {
  const out = list.slice();
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/** lessonCount says how many lessons an outline has. */
export function lessonCount(outline) {
  return (outline.modules || []).reduce((n, m) => n + (m.lessons || []).length, 0);
}

/** flatLessons lists an outline's lessons in course order. */
export function flatLessons(outline) {
  return (outline.modules || []).flatMap((m) => m.lessons || []);
}

/** continueLesson picks where a learner left off: the last lesson, else the first not completed. */
export function continueLesson(outline) {
  const all = flatLessons(outline).filter((l) => !l.locked);
  const p = outline.progress;
  if (p && p.last_lesson_id) {
    const last = all.find((l) => l.id === p.last_lesson_id);
    if (last && !(last.progress && last.progress.completed_at)) return last;
  }
  return all.find((l) => !(l.progress && l.progress.completed_at)) || null;
}

/** isDone reports whether a lesson state is completed by the caller. */
export const isDone = (lesson) => !!(lesson.progress && when(lesson.progress.completed_at));

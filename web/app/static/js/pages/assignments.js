// /courses/{id}/assignments: the course's assignments with their due dates;
// staff add new ones (drafts are marked).
import { html } from "../html.js";
import { useLoad, Loading, ErrorState, EmptyState, Time, Badge } from "../ui.js";
import { CourseFrame, coursePath, can } from "./course-common.js";
import { listAssignments, points } from "./grades-api.js";

function List({ course }) {
  const list = useLoad((signal) => listAssignments(course.id, signal), [course.id]);
  if (list.loading && !list.data) return html`<${Loading} label="Loading assignments…" />`;
  if (list.error && !list.data) return html`<${ErrorState} error=${list.error} onRetry=${list.reload} />`;
  const items = list.data.items;
  if (items.length === 0) {
    return html`<${EmptyState} title="No assignments yet" icon="book" testid="assignments-empty">
      <p>${can(course, "edit_content") ? "Add the first one with “New assignment”." : "Your teachers haven't set any work yet."}</p><//>`;
  }
  return html`
    <ul class="list card" data-testid="assignment-list">
      ${items.map((a) => html`
        <li key=${a.id} class="list-row" data-testid="assignment-row" data-assignment-id=${a.id}>
          <a href=${coursePath(course.id, `assignments/${a.id}`)} class="lesson-link">${a.title}</a>
          ${a.draft && html` <${Badge} kind="warning">Draft<//>`}
          ${a.extended && html` <${Badge} kind="success">Extension granted<//>`}
          <span class="muted small block">Due <${Time} at=${a.due_at} fallback="any time" /> · ${points(a.max_points)} points</span>
        </li>`)}
    </ul>`;
}

export default function AssignmentsPage({ params }) {
  const actions = (c) => can(c, "edit_content") && html`<a class="btn btn-primary" data-testid="new-assignment"
      href=${coursePath(c.id, "assignments/new")}>New assignment</a>`;
  return html`
    <${CourseFrame} id=${params.id} tab="assignments" title="Assignments" actions=${actions}>
      ${(course) => html`<${List} course=${course} />`}
    <//>`;
}

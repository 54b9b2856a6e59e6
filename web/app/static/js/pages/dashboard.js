// /: the dashboard, "My courses".
import { html } from "../html.js";
import { get } from "../api.js";
import { useApp, isAdmin } from "../session.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState, EmptyState, Badge } from "../ui.js";

function CourseCard({ course }) {
  const title = course.title || course.name || "Untitled course";
  const summary = course.summary || course.description || "";
  const body = html`
    <h2 class="course-title">${title}</h2>
    ${summary && html`<p class="muted">${summary}</p>`}
    ${course.role && html`<${Badge}>${course.role}<//>`}`;
  return html`
    <li class="card course-card" data-testid="course-card">
      ${course.url ? html`<a class="card-link" href=${course.url}>${body}</a>` : body}
    </li>`;
}

function AdminHint() {
  return html`
    <div class="card hint-card" data-testid="admin-hint">
      <h2>You're an administrator</h2>
      <p>Start by adding people: create accounts yourself or send invitation links
      from <a href="/admin/users">Users</a>. You can also open sign-up to your organisation's email
      domain in <a href="/admin/settings">Settings</a>.</p>
    </div>`;
}

export default function DashboardPage() {
  const { site, me } = useApp();
  useTitle("My courses", site);
  const courses = useLoad((signal) => get("/me/courses", { signal }), []);
  const firstName = (me.name || me.username).split(/\s+/)[0];

  let content;
  if (courses.loading && !courses.data) content = html`<${Loading} label="Loading your courses…" />`;
  else if (courses.error) content = html`<${ErrorState} error=${courses.error} onRetry=${courses.reload} />`;
  else if (!courses.data.items || courses.data.items.length === 0) {
    content = html`
      <${EmptyState} title="No courses yet" testid="dashboard-empty" icon="book">
        <p>You're not enrolled in any course yet. When a teacher adds you to a course, it appears here
        with your progress and what's due next.</p>
        <p class="muted">Expecting a course? Check with your teacher that they used <strong>${me.email}</strong>.</p>
      <//>`;
  } else {
    content = html`<ul class="course-grid" data-testid="course-list">
      ${courses.data.items.map((c) => html`<${CourseCard} key=${c.id} course=${c} />`)}</ul>`;
  }

  return html`
    <div class="page">
      <${PageTitle} sub=${`Welcome, ${firstName}.`}>My courses<//>
      ${isAdmin(me) && html`<${AdminHint} />`}
      ${content}
    </div>`;
}

// /: the dashboard, "My courses": a card per course with its cover, the
// learner's progress bar and unread chat count, "continue where you left
// off" for the course worked on most recently, and a first-run empty state
// per role.
import { html, useState } from "../html.js";
import { useApp, isAdmin } from "../session.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState, EmptyState, Badge, Time } from "../ui.js";
import { when, initials } from "../format.js";
import { myCourses, coverURL } from "./course-api.js";
import { ProgressBar, VisibilityBadge, roleLabels, coursePath, lessonPath, courseDates } from "./course-common.js";

// continueHref is where "continue" goes: the last lesson opened, else the course.
const continueHref = (c) => (c.progress && c.progress.last_lesson_id
  ? lessonPath(c.id, c.progress.last_lesson_id) : coursePath(c.id));

function CourseCard({ course }) {
  const [broken, setBroken] = useState(false); // an unreadable cover falls back to the initials
  const cover = broken ? "" : coverURL(course);
  const p = course.progress;
  const learner = course.role === "learner";
  const dates = courseDates(course);
  return html`
    <li class="card course-card" data-testid="course-card" data-course-id=${course.id}>
      <a class="course-card-cover" href=${coursePath(course.id)} tabindex="-1" aria-hidden="true">
        ${cover ? html`<img src=${cover} alt="" loading="lazy" onError=${() => setBroken(true)} />` : html`<span class="cover-fallback">${initials(course.title)}</span>`}
      </a>
      <div class="course-card-body">
        <div class="course-card-meta">
          ${course.code && html`<span class="course-code">${course.code}</span>`}
          ${course.visibility !== "published" && html`<${VisibilityBadge} visibility=${course.visibility} />`}
          ${!learner && course.role && html`<${Badge} kind="accent">${roleLabels[course.role]}<//>`}
        </div>
        <h2 class="course-title"><a class="card-title-link" href=${coursePath(course.id)} data-testid="course-link">${course.title}</a></h2>
        ${dates && html`<p class="muted small">${dates}</p>`}
        ${learner && p && html`<${ProgressBar} percent=${p.percent} label=${`Your progress in ${course.title}`}
            detail=${`${p.completed}/${p.total} lessons`} testid="card-progress" />`}
        <div class="course-card-foot">
          ${learner && p && p.total > 0 && p.completed < p.total && html`
            <a class="btn btn-small btn-primary" href=${continueHref(course)} data-testid="card-continue">
              ${p.completed > 0 || p.last_lesson_id ? "Continue" : "Start"}</a>`}
          ${course.unread > 0 && html`<a class="unread-link" href=${coursePath(course.id, "rooms")} data-testid="card-unread">
              <${Badge} kind="accent">${course.unread > 99 ? "99+" : course.unread} unread<//></a>`}
        </div>
      </div>
    </li>`;
}

// ContinueCard is the learner course worked on most recently and not finished.
function ContinueCard({ courses }) {
  const open = courses.filter((c) => c.role === "learner" && c.progress && c.progress.total > 0 &&
    c.progress.completed < c.progress.total && when(c.progress.last_activity));
  if (open.length === 0) return null;
  open.sort((a, b) => when(b.progress.last_activity) - when(a.progress.last_activity));
  const c = open[0];
  return html`
    <section class="card continue-hero" data-testid="continue-hero" aria-labelledby="continue-title">
      <div>
        <p class="muted small" id="continue-title">Continue where you left off</p>
        <h2>${c.title}</h2>
        <p class="muted small">Last active <${Time} at=${c.progress.last_activity} /></p>
      </div>
      <div class="continue-hero-side">
        <${ProgressBar} percent=${c.progress.percent} label=${`Your progress in ${c.title}`} size="lg" />
        <a class="btn btn-primary" href=${continueHref(c)} data-testid="continue-hero-link">Continue</a>
      </div>
    </section>`;
}

// EmptyDashboard is the first-run dashboard, by role: administrators set
// up the site, people who may create courses start one, learners find one.
function EmptyDashboard({ me, canCreate }) {
  if (isAdmin(me)) {
    return html`
      <${EmptyState} title="Let's set up your site" testid="dashboard-empty" icon="book">
        <p data-role="admin">You're an administrator and not in any course yet. Create the first course, add people
        (accounts or invitation links), and choose who may sign up or create courses.</p>
        <div class="empty-actions">
          <a class="btn btn-primary" href="/courses/new" data-testid="empty-create-course">Create a course</a>
          <a class="btn" href="/admin/users" data-testid="empty-invite">Invite people</a>
          <a class="btn" href="/admin/settings" data-testid="empty-settings">Site settings</a>
        </div>
      <//>`;
  }
  if (canCreate) {
    return html`
      <${EmptyState} title="No courses yet" testid="dashboard-empty" icon="book">
        <p data-role="creator">Create a course to teach: you become its instructor and can invite learners. Or find
        one to take in the catalogue.</p>
        <div class="empty-actions">
          <a class="btn btn-primary" href="/courses/new" data-testid="empty-create-course">Create a course</a>
          <a class="btn" href="/catalogue" data-testid="empty-catalogue">Browse the catalogue</a>
          <a class="btn" href="/join" data-testid="dashboard-join">Join with a code</a>
        </div>
      <//>`;
  }
  return html`
    <${EmptyState} title="No courses yet" testid="dashboard-empty" icon="book">
      <p data-role="learner">Find a course in the catalogue, or join one with the code your teacher gave you.
      Courses you join appear here with your progress.</p>
      <div class="empty-actions">
        <a class="btn btn-primary" href="/catalogue" data-testid="empty-catalogue">Browse the catalogue</a>
        <a class="btn" href="/join" data-testid="dashboard-join">Join with a code</a>
      </div>
      <p class="muted">Expecting a course? Check with your teacher that they used <strong>${me.email}</strong>.</p>
    <//>`;
}

export default function DashboardPage() {
  const { site, me } = useApp();
  useTitle("My courses", site);
  const courses = useLoad((signal) => myCourses(signal), []);
  const firstName = (me.name || me.username).split(/\s+/)[0];
  const items = (courses.data && courses.data.items) || [];

  let content;
  if (courses.loading && !courses.data) content = html`<${Loading} label="Loading your courses…" />`;
  else if (courses.error) content = html`<${ErrorState} error=${courses.error} onRetry=${courses.reload} />`;
  else if (items.length === 0) content = html`<${EmptyDashboard} me=${me} canCreate=${!!courses.data.can_create} />`;
  else {
    content = html`
      <${ContinueCard} courses=${items} />
      <ul class="course-grid" data-testid="course-list">
        ${items.map((c) => html`<${CourseCard} key=${c.id} course=${c} />`)}</ul>`;
  }

  return html`
    <div class="page">
      <div class="page-head">
        <${PageTitle} sub=${`Welcome, ${firstName}.`}>My courses<//>
        <div class="page-actions">
          <a class="btn" href="/join" data-testid="join-link">Join a course</a>
          <a class="btn" href="/courses" data-testid="all-courses">All courses</a>
        </div>
      </div>
      ${content}
    </div>`;
}

// /courses: the courses you belong to (administrators: every course), with
// search, a "join with a code" form, the way to the catalogue and the
// button to create a course.
import { html, useState } from "../html.js";
import { useApp, isAdmin } from "../session.js";
import {
  useTitle, useLoad, useDebounced, PageTitle, Loading, ErrorState, EmptyState,
} from "../ui.js";
import { plural } from "../format.js";
import { VisibilityBadge, roleLabels, courseDates, coursePath } from "./course-common.js";
import { JoinCodeForm } from "./join.js";
import { listCourses } from "./course-api.js";

const searchDelayMs = 250;
const pageSize = 50;

function CourseRow({ course }) {
  const dates = courseDates(course);
  return html`
    <li class="list-row course-row" data-testid="course-row" data-course-id=${course.id}>
      <div class="list-main">
        <a href=${coursePath(course.id)} class="course-row-title"><strong>${course.title}</strong></a>
        ${course.code && html` <span class="course-code">${course.code}</span>`}
        <div class="muted small">
          ${[course.role ? roleLabels[course.role] : "Administrator (not a member)", dates].filter(Boolean).join(" · ")}
        </div>
      </div>
      <div class="list-actions">
        <${VisibilityBadge} visibility=${course.visibility} />
      </div>
    </li>`;
}

export default function CourseListPage() {
  const { site, me } = useApp();
  useTitle("Courses", site);
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), searchDelayMs);
  const courses = useLoad((signal) => listCourses({ q, limit: pageSize }, signal), [q]);
  const admin = isAdmin(me);
  const canCreate = !!(courses.data && courses.data.can_create);

  let body;
  if (courses.loading && !courses.data) body = html`<${Loading} label="Loading courses…" />`;
  else if (courses.error) body = html`<${ErrorState} error=${courses.error} onRetry=${courses.reload} />`;
  else if (courses.data.items.length === 0) {
    body = q
      ? html`<${EmptyState} title="No matching courses" icon="search" testid="courses-empty">
          <p>No course title or code contains “${q}”.
          <button type="button" class="link" onClick=${() => setSearch("")}>Clear the search</button>.</p><//>`
      : html`<${EmptyState} title="No courses yet" icon="book" testid="courses-empty">
          <p>Find one in the <a href="/catalogue">catalogue</a>, join with the code your teacher gave
          you${canCreate ? ", or create your own" : ""}.</p><//>`;
  } else {
    const d = courses.data;
    body = html`
      <div class=${courses.loading ? "card is-refreshing" : "card"} aria-busy=${courses.loading ? "true" : "false"}>
        <ul class="list" data-testid="course-rows">
          ${d.items.map((c) => html`<${CourseRow} key=${c.id} course=${c} />`)}
        </ul>
      </div>
      <p class="muted small pager-note">
        ${d.total !== undefined ? `${plural(d.total, "course")}` : plural(d.items.length, "course")}
        ${d.next_cursor ? " · refine the search to see more" : ""}
      </p>`;
  }

  return html`
    <div class="page">
      <div class="page-head">
        <${PageTitle} sub=${admin ? "Every course on this site." : "The courses you teach or take."}>Courses<//>
        <div class="page-actions">
          <a class="btn" href="/catalogue" data-testid="browse-catalogue">Browse the catalogue</a>
          ${canCreate && html`<a class="btn btn-primary" href="/courses/new" data-testid="new-course">New course</a>`}
        </div>
      </div>
      <div class="course-list-layout">
        <div class="course-list-main">
          <div class="toolbar">
            <div class="field field-search">
              <label for="course-q">Search courses</label>
              <input id="course-q" type="search" placeholder="Title or code" value=${search} autocomplete="off"
                     onInput=${(e) => setSearch(e.currentTarget.value)} data-testid="course-search" />
            </div>
          </div>
          ${body}
        </div>
        <aside class="course-list-side">
          <section class="card section" aria-labelledby="join-title">
            <h2 id="join-title">Join a course</h2>
            <p class="muted small">Type the code your teacher shows or shares.</p>
            <${JoinCodeForm} />
          </section>
        </aside>
      </div>
    </div>`;
}

// /courses/{id}/progress (view_grades): learners × lessons with completion
// states, the completion rate per lesson as a chart, a CSV export, and live
// updates from the course's progress topic (no reload needed).
import { html, useEffect, useRef, useState } from "../html.js";
import { live } from "../live.js";
import { useLoad, Loading, ErrorState, EmptyState, Time, Section } from "../ui.js";
import { Icon } from "../icons.js";
import { when, plural } from "../format.js";
import { progressReport, progressCSVURL, progressTopic } from "./course-api.js";
import { CourseFrame, ProgressBar, can, coursePath } from "./course-common.js";
import { RateChart } from "./progress-chart.js";
import { AttendanceReport } from "./attendance-report.js";

const reloadDelayMs = 500; // coalesce reloads when many unknown pushes arrive at once

/** rateOf recomputes the completion rates from the rows (as the server does). */
export function ratesOf(report) {
  return report.lessons.map((l, i) => {
    const completed = report.learners.filter((r) => r.lessons[i] && when(r.lessons[i].completed_at)).length;
    const learners = report.learners.length;
    return { lesson_id: l.id, completed, learners, percent: learners ? Math.floor((completed * 100) / learners) : 0 };
  });
}

/**
 * applyPush folds a progress event into the report; returns the new report,
 * or null when the report must be reloaded (a learner or lesson it lacks).
 */
export function applyPush(report, ev) {
  if (!ev || ev.kind !== "progress" || !ev.progress) return report;
  const p = ev.progress;
  const ri = report.learners.findIndex((r) => r.user_id === p.user_id);
  const li = report.lessons.findIndex((l) => l.id === p.lesson_id);
  if (ri < 0 || li < 0) return null;
  const learners = report.learners.slice();
  const row = { ...learners[ri], lessons: learners[ri].lessons.slice() };
  row.lessons[li] = p;
  if (ev.course_progress) {
    row.progress = ev.course_progress;
  } else if (row.progress) {
    const done = row.lessons.filter((x) => x && when(x.completed_at)).length;
    row.progress = { ...row.progress, completed: done, last_activity: p.last_seen_at || row.progress.last_activity,
      percent: row.progress.total ? Math.floor((done * 100) / row.progress.total) : 0 };
  }
  learners[ri] = row;
  const next = { ...report, learners };
  next.rates = ratesOf(next);
  return next;
}

function Cell({ p, lesson, learner }) {
  const done = p && when(p.completed_at);
  const state = done ? "done" : p ? "opened" : "none";
  const label = done ? "Completed" : p ? "Opened" : "Not opened";
  const mins = p && p.seconds_spent ? Math.round(p.seconds_spent / 60) : 0;
  const title = `${learner}: ${lesson} — ${label}${mins ? `, ${mins} min` : ""}`;
  return html`
    <td class=${`pcell pcell-${state}`} title=${title} data-state=${state} data-lesson-id=${lesson && lesson.id}>
      ${state === "done" ? html`<${Icon} name="check" size=${16} />` : state === "opened" ? html`<span class="dot" aria-hidden="true"></span>` : ""}
      <span class="visually-hidden">${label}</span>
    </td>`;
}

function Matrix({ report }) {
  return html`
    <div class="table-scroll">
      <table class="table progress-table" data-testid="progress-table">
        <caption class="visually-hidden">Completion by learner and lesson</caption>
        <thead><tr>
          <th scope="col" class="sticky-col">Learner</th>
          <th scope="col">Progress</th>
          ${report.lessons.map((l, i) => html`<th key=${l.id} scope="col" class="pcol" title=${l.title}>
            <span aria-hidden="true">${i + 1}</span><span class="visually-hidden">${l.title}</span></th>`)}
          <th scope="col">Last active</th>
        </tr></thead>
        <tbody>
          ${report.learners.map((r) => html`
            <tr key=${r.user_id} data-testid="progress-row" data-user-id=${r.user_id} data-username=${r.username}>
              <th scope="row" class="sticky-col">
                <span class="cell-wrap">${r.name || r.username}</span>
                <span class="muted small block">@${r.username}</span>
              </th>
              <td class="pbar-cell"><${ProgressBar} percent=${r.progress ? r.progress.percent : 0}
                  label=${`${r.name || r.username}'s progress`} testid="learner-progress" /></td>
              ${report.lessons.map((l, i) => html`<${Cell} key=${l.id} p=${r.lessons[i]} lesson=${l}
                  learner=${r.name || r.username} />`)}
              <td><${Time} at=${r.progress && r.progress.last_activity} fallback="Never" /></td>
            </tr>`)}
        </tbody>
      </table>
    </div>`;
}

function Legend({ lessons }) {
  return html`
    <details class="lesson-legend">
      <summary>Lesson numbers</summary>
      <ol>${lessons.map((l) => html`<li key=${l.id}>${l.title}</li>`)}</ol>
    </details>`;
}

function Dashboard({ course }) {
  const report = useLoad((signal) => progressReport(course.id, signal), [course.id]);
  const [flash, setFlash] = useState(0);
  const reloadTimer = useRef(0);
  const reloadRef = useRef(report.reload);
  reloadRef.current = report.reload;
  const dataRef = useRef(report.data); // the report as shown, for the live handler
  dataRef.current = report.data;

  useEffect(() => {
    const scheduleReload = () => {
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(() => reloadRef.current(), reloadDelayMs);
    };
    const off = live.subscribe(progressTopic(course.id), (ev) => {
      const cur = dataRef.current;
      if (!cur) { scheduleReload(); return; } // the first load may have missed it
      const next = applyPush(cur, ev);
      if (next === null) {
        scheduleReload();
        return;
      }
      dataRef.current = next;
      // apply: also to the answer of a load on its way, which may have read
      // the report before this change (applyPush sets the cell: replaying it
      // is harmless).
      report.apply((d) => applyPush(d, ev) || d);
      if (ev && ev.progress && ev.progress.completed_at) setFlash((n) => n + 1);
    }, { onReset: scheduleReload, onStart: scheduleReload }); // onStart: the first load may predate the subscription
    return () => { off(); clearTimeout(reloadTimer.current); };
  }, [course.id]);

  const r = report.data;
  if (report.loading && !r) return html`<${Loading} label="Loading progress…" />`;
  if (report.error && !r) return html`<${ErrorState} error=${report.error} onRetry=${report.reload} />`;
  const csv = html`<a class="btn btn-small" href=${progressCSVURL(course.id)} download data-native
      data-testid="progress-csv">Export CSV</a>`;
  if (r.learners.length === 0 || r.lessons.length === 0) {
    return html`<${EmptyState} title=${r.lessons.length === 0 ? "No published lessons yet" : "No learners yet"}
        icon="book" testid="progress-empty">
      <p>${r.lessons.length === 0 ? "Progress appears here once the course has lessons that aren't drafts."
        : html`Share the join code from <a href=${coursePath(course.id, "settings")}>Settings</a>, or add people
          under <a href=${coursePath(course.id, "people")}>People</a>.`}</p><//>`;
  }
  const completedAll = r.learners.filter((x) => x.progress && x.progress.total > 0 && x.progress.completed >= x.progress.total).length;
  const avg = Math.round(r.learners.reduce((n, x) => n + (x.progress ? x.progress.percent : 0), 0) / r.learners.length);
  return html`
    <div class="progress-dash" data-testid="progress-dashboard" data-updates=${flash}>
      <div class="stat-row">
        <div class="card stat"><span class="stat-num" data-testid="stat-learners">${r.learners.length}</span>
          <span class="muted small">${r.learners.length === 1 ? "learner" : "learners"}</span></div>
        <div class="card stat"><span class="stat-num" data-testid="stat-average">${avg}%</span>
          <span class="muted small">average completion</span></div>
        <div class="card stat"><span class="stat-num" data-testid="stat-finished">${completedAll}</span>
          <span class="muted small">finished every lesson</span></div>
      </div>
      <${Section} id="rates" title="Completion per lesson" description=${plural(r.lessons.length, "published lesson")}>
        <${RateChart} lessons=${r.lessons} rates=${r.rates} />
        <${Legend} lessons=${r.lessons} />
      <//>
      <${Section} id="learners" title="Learners" actions=${csv}
          description="Updates live as learners open and complete lessons.">
        <${Matrix} report=${r} />
        <p class="legend-row muted small">
          <span class="legend-item"><span class="pcell-key pcell-done"><${Icon} name="check" size=${14} /></span> completed</span>
          <span class="legend-item"><span class="pcell-key pcell-opened"><span class="dot"></span></span> opened</span>
          <span class="legend-item"><span class="pcell-key pcell-none"></span> not opened</span>
        </p>
      <//>
    </div>`;
}

export default function ProgressPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="progress" title="Progress" allow=${(c) => can(c, "view_grades")}>
      ${(course) => html`<${Dashboard} course=${course} /><${AttendanceReport} course=${course} />`}
    <//>`;
}

// Shared parts of the course reports pages: the frame (course header,
// the reports' own navigation, print and CSV actions) and small helpers.
import { html, useEffect } from "../html.js";
import { CourseFrame, can } from "./course-common.js";
import { reportPath } from "./reports-api.js";

/** openDetailsForPrint unfolds every table before printing (the print view shows them all). */
function useOpenDetailsForPrint() {
  useEffect(() => {
    const open = () => document.querySelectorAll("details.chart-table").forEach((d) => { d.open = true; });
    window.addEventListener("beforeprint", open);
    return () => window.removeEventListener("beforeprint", open);
  }, []);
}

const pages = [["engagement", "Engagement", ""], ["performance", "Performance", "/performance"]];

/** ReportsNav links the course's reports; active names the current one. */
function ReportsNav({ course, active }) {
  return html`
    <nav class="report-nav no-print" aria-label="Reports" data-testid="report-nav">
      ${pages.map(([key, label, rest]) => html`
        <a key=${key} href=${reportPath(course.id, rest)} class="btn btn-small ${key === active ? "" : "btn-ghost"}"
           aria-current=${key === active ? "page" : undefined}>${label}</a>`)}
      <button type="button" class="btn btn-small btn-ghost" data-testid="print-report"
          onClick=${() => window.print()}>Print</button>
    </nav>`;
}

/**
 * ReportsFrame is a staff report page: children(course) under the course
 * header and the reports' navigation.
 */
export function ReportsFrame({ id, active, title, children }) {
  useOpenDetailsForPrint();
  return html`
    <${CourseFrame} id=${id} tab="reports" title=${title} allow=${(c) => can(c, "view_grades")}>
      ${(course) => html`
        <div class="report-page" data-testid=${`report-${active}`}>
          <${ReportsNav} course=${course} active=${active} />
          ${children(course)}
        </div>`}
    <//>`;
}

/** LearnerFrame is a learner report page: staff and the learner themself may open it. */
export function LearnerFrame({ id, title, children }) {
  useOpenDetailsForPrint();
  return html`
    <${CourseFrame} id=${id} tab="reports" title=${title}>
      ${(course) => html`<div class="report-page" data-testid="report-learner">
        ${can(course, "view_grades") && html`<${ReportsNav} course=${course} active="learner" />`}
        ${children(course)}
      </div>`}
    <//>`;
}

/** CSVLink downloads one table. */
export function CSVLink({ href, testid, label = "CSV" }) {
  return html`<a class="btn btn-small no-print" href=${href} download data-native data-testid=${testid}>${label}</a>`;
}

/** Stat is one figure card. */
export function Stat({ value, label, testid }) {
  return html`<div class="card stat"><span class="stat-num" data-testid=${testid}>${value}</span>
    <span class="muted small">${label}</span></div>`;
}

/** minutes formats seconds as whole minutes. */
export const minutes = (secs) => Math.round(secs / 60);

/** dayLabel formats a report day (UTC midnight) as "14 Mar". */
export const dayLabel = (iso) => new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });

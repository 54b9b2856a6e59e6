// /courses/{id}/reports (view_grades): course engagement over a period —
// active learners per day, lesson views and time, discussion and chat
// activity, the completion funnel per module, live sessions — and the
// at-risk list. Every chart has its table; every table a CSV download.
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, Section, Time } from "../ui.js";
import { plural } from "../format.js";
import { Chart, ChartWithTable, DataTable } from "../chart.js";
import { engagementReport, engagementCSV } from "./reports-api.js";
import { ReportsFrame, CSVLink, Stat, minutes, dayLabel } from "./report-common.js";
import { AtRiskList } from "./report-at-risk.js";

const periods = [[7, "Last 7 days"], [30, "Last 30 days"], [90, "Last 90 days"], [365, "Last year"]];

/** periodParams is the from/to of the last n days, today included (UTC). */
function periodParams(n) {
  const to = new Date();
  const from = new Date(to.getTime() - (n - 1) * 86400000);
  const day = (d) => d.toISOString().slice(0, 10);
  return { from: day(from), to: day(to) };
}

function Engagement({ course }) {
  const [days, setDays] = useState(30);
  const params = periodParams(days);
  const rep = useLoad((signal) => engagementReport(course.id, params, signal), [course.id, days]);
  const picker = html`
    <div class="field field-inline no-print">
      <label for="report-period">Period</label>
      <select id="report-period" data-testid="report-period" value=${days}
          onChange=${(e) => setDays(Number(e.currentTarget.value))}>
        ${periods.map(([n, label]) => html`<option key=${n} value=${n}>${label}</option>`)}
      </select>
    </div>`;
  const r = rep.data;
  if (rep.loading && !r) return html`${picker}<${Loading} label="Loading engagement…" />`;
  if (rep.error && !r) return html`${picker}<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  const x = r.days.map((d) => d.day);
  const totalViews = r.days.reduce((n, d) => n + d.views, 0);
  const totalSecs = r.days.reduce((n, d) => n + d.seconds, 0);
  const avgActive = r.days.length ? (r.days.reduce((n, d) => n + d.active, 0) / r.days.length).toFixed(1) : "0";
  const csv = (table) => html`<${CSVLink} href=${engagementCSV(course.id, table, params)} testid=${`csv-${table}`} />`;
  return html`
    ${picker}
    <div class="stat-row" data-testid="engagement-stats">
      <${Stat} value=${r.learners} label=${r.learners === 1 ? "learner" : "learners"} testid="stat-learners" />
      <${Stat} value=${avgActive} label="active learners a day (average)" testid="stat-active" />
      <${Stat} value=${`${minutes(totalSecs)} min`} label=${`on lessons, ${plural(totalViews, "view")}`} testid="stat-minutes" />
    </div>
    <${Section} id="activity" title="Active learners per day" actions=${csv("days")}
        description="Learners who spent time on a lesson, posted or wrote in the chat that day (UTC).">
      <${ChartWithTable}
        chart=${html`<${Chart} label="Active learners and lesson views per day" x=${x} testid="chart-active"
            series=${[{ label: "Active learners", values: r.days.map((d) => d.active) },
              { label: "Lesson views", values: r.days.map((d) => d.views) }]} />`}
        table=${html`<${DataTable} caption="Activity per day" testid="table-days"
            head=${["Day", "Active learners", "Lesson views", "Minutes on lessons", "Posts", "Chat messages"]}
            rows=${r.days.map((d) => [dayLabel(d.day), d.active, d.views, minutes(d.seconds), d.posts, d.messages])} />`} />
    <//>
    <${AtRiskList} course=${course} />
    <${Section} id="discussion" title="Discussion and chat" description="Posts and chat messages per day, by everyone.">
      <${ChartWithTable}
        chart=${html`<${Chart} label="Discussion posts and chat messages per day" x=${x} bars testid="chart-discussion"
            series=${[{ label: "Posts", values: r.days.map((d) => d.posts) }, { label: "Chat messages", values: r.days.map((d) => d.messages) }]} />`}
        table=${html`<${DataTable} caption="Posts and messages per day" head=${["Day", "Posts", "Chat messages"]}
            rows=${r.days.map((d) => [dayLabel(d.day), d.posts, d.messages])} />`} />
    <//>
    <${Section} id="funnel" title="Completion funnel per module" actions=${csv("modules")}
        description="Of the active learners: who opened a lesson of the module, who completed all of it.">
      <${ChartWithTable}
        chart=${r.modules.length > 0 && html`<${Chart} label="Learners who started and completed each module (%)" time=${false} bars
            testid="chart-funnel" x=${r.modules.map((m) => m.title)}
            series=${[{ label: "Started %", values: r.modules.map((m) => m.started_percent) },
              { label: "Completed %", values: r.modules.map((m) => m.completed_percent) }]} />`}
        table=${html`<${DataTable} caption="Completion funnel per module" testid="table-modules" empty="No modules yet."
            head=${["Module", "Lessons", "Started", "Completed", "Started %", "Completed %"]}
            rows=${r.modules.map((m) => [m.title, m.lessons, m.started, m.completed, `${m.started_percent}%`, `${m.completed_percent}%`])} />`} />
    <//>
    <${Section} id="lessons" title="Lesson views and time" actions=${csv("lessons")}
        description="A view is a learner on a lesson on one day; time is what the lesson page reported while open.">
      <${DataTable} caption="Views and time per lesson" testid="table-lessons" empty="No published lessons yet."
          head=${["Lesson", "Module", "Views", "Learners", "Minutes"]}
          rows=${r.lessons.map((l) => [l.title, l.module, l.views, l.learners, l.minutes])} />
    <//>
    <${Section} id="live" title="Live sessions" actions=${csv("live")} description="Sessions started in the period.">
      <${DataTable} caption="Live sessions" testid="table-live" empty="No live sessions in this period."
          head=${["Room", "Started", "People", "Minutes (everyone)"]}
          rows=${r.live.map((s) => [s.room, html`<${Time} at=${s.started_at} />`, s.people, s.minutes])} />
    <//>`;
}

export default function EngagementPage({ params }) {
  return html`
    <${ReportsFrame} id=${params.id} active="engagement" title="Reports">
      ${(course) => html`<${Engagement} course=${course} />`}
    <//>`;
}

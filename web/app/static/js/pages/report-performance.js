// /courses/{id}/reports/performance (view_grades): the distribution of
// grades per gradebook item and of the course totals, and the item
// analysis of every quiz (facility and discrimination per question).
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, Section } from "../ui.js";
import { Chart, ChartWithTable, DataTable } from "../chart.js";
import { performanceReport, performanceCSV } from "./reports-api.js";
import { ReportsFrame, CSVLink } from "./report-common.js";

const bands = Array.from({ length: 10 }, (_, i) => (i === 9 ? "90–100%" : `${i * 10}–${i * 10 + 9}%`));

function Distribution({ title, d, testid }) {
  return html`
    <${ChartWithTable}
      chart=${html`<${Chart} label=${`${title}: learners per grade band (mean ${d.mean}%, median ${d.median}%)`}
          time=${false} bars x=${bands} testid=${testid} series=${[{ label: "Learners", values: d.bins }]} />`}
      table=${html`<${DataTable} caption=${`${title}: learners per grade band`} head=${["Band", "Learners"]}
          rows=${bands.map((b, i) => [b, d.bins[i]])} />`} />`;
}

function Performance({ course }) {
  const rep = useLoad((signal) => performanceReport(course.id, signal), [course.id]);
  const [item, setItem] = useState(null);
  const r = rep.data;
  if (rep.loading && !r) return html`<${Loading} label="Loading performance…" />`;
  if (rep.error && !r) return html`<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  const shown = r.grade_items.find((it) => it.item_id === item) || r.grade_items[0];
  return html`
    <${Section} id="total" title="Course total" actions=${html`<${CSVLink} href=${performanceCSV(course.id, "grades")} testid="csv-grades" />`}
        description=${r.total.count ? `${r.total.count} learners with a grade; mean ${r.total.mean}%, median ${r.total.median}%.` : "No learner has a counted grade yet."}>
      ${r.total.count > 0 && html`<${Distribution} title="Course total" d=${r.total} testid="chart-total" />`}
    <//>
    <${Section} id="items" title="Grades per item" description="Graded, not excused grades (overrides count).">
      ${r.grade_items.length === 0 ? html`<p class="muted">No graded items yet.</p>` : html`
        <div class="field field-inline no-print">
          <label for="report-item">Item</label>
          <select id="report-item" value=${shown.item_id} onChange=${(e) => setItem(Number(e.currentTarget.value))}>
            ${r.grade_items.map((it) => html`<option key=${it.item_id} value=${it.item_id}>${it.title}</option>`)}
          </select>
        </div>
        <${Distribution} title=${shown.title} d=${shown} testid="chart-item" />
        <${DataTable} caption="Every item" testid="table-items"
            head=${["Item", "Out of", "Graded", "Mean %", "Median %"]}
            rows=${r.grade_items.map((it) => [it.title, it.max_points, it.count, it.mean, it.median])} />`}
    <//>
    <${Section} id="quizzes" title="Quiz item analysis" actions=${html`<${CSVLink} href=${performanceCSV(course.id, "questions")} testid="csv-questions" />`}
        description="Facility: the mean share of the marks scored. Discrimination: how well the question separates strong from weak attempts (needs several attempts).">
      ${r.quizzes.length === 0 ? html`<p class="muted">No quizzes yet.</p>` : r.quizzes.map((q) => html`
        <h3 key=${`h${q.quiz_id}`}>${q.title} <span class="muted small">${q.attempts} attempts, mean ${q.mean_percent}%</span></h3>
        <${DataTable} key=${q.quiz_id} caption=${`${q.title}: questions`} testid="table-questions"
            head=${["Question", "Asked", "Facility %", "Discrimination"]}
            rows=${q.questions.map((x) => [x.title, x.asked, x.facility.toFixed(1), x.discrimination == null ? "—" : x.discrimination.toFixed(2)])} />`)}
    <//>`;
}

export default function PerformancePage({ params }) {
  return html`
    <${ReportsFrame} id=${params.id} active="performance" title="Performance">
      ${(course) => html`<${Performance} course=${course} />`}
    <//>`;
}

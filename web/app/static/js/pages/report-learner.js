// /courses/{id}/reports/learners/{uid}: one learner's report — completion,
// grades, what to review next (lessons tagged on questions they got wrong),
// their activity timeline and, for staff, the at-risk reasons. A learner
// opens their own ("My report"); staff anyone's.
import { html } from "../html.js";
import { useApp } from "../session.js";
import { useLoad, Loading, ErrorState, Section, Time } from "../ui.js";
import { Chart, ChartWithTable, DataTable } from "../chart.js";
import { learnerReport, learnerCSV } from "./reports-api.js";
import { LearnerFrame, CSVLink, Stat, minutes, dayLabel } from "./report-common.js";
import { lessonPath } from "./course-common.js";

const kindLabels = { lesson: "Lesson", post: "Posted in", chat: "Chat in", quiz: "Quiz", assignment: "Handed in" };

function detail(e) {
  switch (e.kind) {
    case "lesson": return `${minutes(e.seconds || 0)} min`;
    case "chat": return `${e.count} messages`;
    case "quiz": return `${e.points || 0} / ${e.max_points || 0}`;
    default: return "";
  }
}

function Learner({ course, uid }) {
  const rep = useLoad((signal) => learnerReport(course.id, uid, signal), [course.id, uid]);
  const r = rep.data;
  if (rep.loading && !r) return html`<${Loading} label="Loading the report…" />`;
  if (rep.error && !r) return html`<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  const csv = (table) => html`<${CSVLink} href=${learnerCSV(course.id, uid, table)} testid=${`csv-${table}`} />`;
  const graded = r.grades.filter((g) => g.points != null && g.max_points > 0);
  return html`
    <h2 class="report-learner-name" data-testid="learner-name">${r.name || r.username} <span class="muted small">@${r.username}</span></h2>
    <div class="stat-row">
      <${Stat} value=${`${r.progress.percent}%`} label=${`${r.progress.completed} of ${r.progress.total} lessons`} testid="stat-completion" />
      <${Stat} value=${r.total != null ? `${r.total}%` : "—"} label=${r.letter ? `course grade (${r.letter})` : "course grade"} testid="stat-grade" />
      <${Stat} value=${r.review.length} label="lessons to review" testid="stat-review" />
    </div>
    ${r.reasons.length > 0 && html`
      <div class="alert alert-warning" role="status" data-testid="learner-reasons">
        <strong>At risk</strong>
        <ul class="reasons">${r.reasons.map((x) => html`<li key=${x.rule}>${x.text}</li>`)}</ul>
      </div>`}
    <${Section} id="review" title="What to review next" actions=${csv("review")}
        description="Lessons that the questions answered wrongly in the latest attempt of each quiz test.">
      ${r.review.length === 0 ? html`<p class="muted" data-testid="review-empty">Nothing to review: no wrong answers point to a lesson.</p>` : html`
        <ul class="review-list" data-testid="review-list">
          ${r.review.map((x) => html`<li key=${x.lesson_id}><a href=${lessonPath(course.id, x.lesson_id)}>${x.title}</a>
            <span class="muted small"> — ${x.questions.join("; ")}</span></li>`)}
        </ul>`}
    <//>
    <${Section} id="grades" title="Grades" actions=${csv("grades")}>
      ${graded.length === 0 ? html`<p class="muted" data-testid="grades-empty">No grades yet.</p>` : html`<${ChartWithTable}
        chart=${html`<${Chart} label="Grade per item (%)" time=${false} bars testid="chart-grades"
            x=${graded.map((g) => g.title)} series=${[{ label: "Percent", values: graded.map((g) => Math.round((1000 * g.points) / g.max_points) / 10) }]} />`}
        table=${html`<${DataTable} caption="Grades" testid="table-grades"
            head=${["Item", "Points", "Out of"]}
            rows=${r.grades.map((g) => [g.title, g.excused ? "excused" : g.points == null ? "—" : g.points, g.max_points])} />`} />`}
    <//>
    <${Section} id="timeline" title="Activity" actions=${csv("timeline")} description="The latest first.">
      ${r.timeline.length === 0 ? html`<p class="muted" data-testid="timeline-empty">No activity yet.</p>` : html`
        <ol class="timeline" data-testid="timeline">
          ${r.timeline.map((e, i) => html`<li key=${i} data-kind=${e.kind}>
            <span class="muted small">${e.kind === "lesson" || e.kind === "chat" ? dayLabel(e.at) : html`<${Time} at=${e.at} />`}</span>
            <span>${kindLabels[e.kind] || e.kind} <strong>${e.title}</strong></span>
            <span class="muted small">${detail(e)}</span></li>`)}
        </ol>`}
    <//>`;
}

export default function LearnerReportPage({ params }) {
  const { me } = useApp();
  const uid = params.uid === "me" && me ? me.id : params.uid;
  return html`
    <${LearnerFrame} id=${params.id} title="Learner report">
      ${(course) => html`<${Learner} course=${course} uid=${uid} />`}
    <//>`;
}

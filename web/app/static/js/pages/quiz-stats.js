// /courses/{id}/quizzes/{qid}/stats: a quiz's statistics for staff: the
// score distribution (a hand-drawn SVG bar chart), per question its
// facility, discrimination and most frequent answers, the average time,
// every attempt (to review), the responses as CSV, and a regrade with a
// dry run first.
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, Badge } from "../ui.js";
import { useAction, FormError } from "../forms.js";
import { toast } from "../toast.js";
import { fullTime, plural } from "../format.js";
import { getAll } from "../api.js";
import { CourseFrame, can } from "./course-common.js";
import { getQuiz, quizStats, listAttempts, regrade, responsesCSVURL, attemptPath, quizPath, typeLabels } from "./quiz-api.js";

const chartW = 320;
const chartH = 160;
const barGap = 4;

/** Histogram draws counts (one bar per 10 % band) as an SVG bar chart. */
function Histogram({ counts }) {
  const maxN = Math.max(1, ...counts);
  const w = (chartW - 30) / counts.length;
  const base = chartH - 20;
  return html`<svg class="hist" viewBox=${`0 0 ${chartW} ${chartH}`} role="img" data-testid="score-chart"
      aria-label=${`Score distribution: ${counts.map((n, i) => `${i * 10}–${i * 10 + 10} %: ${n}`).join(", ")}`}>
    <line x1="24" y1=${base} x2=${chartW} y2=${base} class="hist-axis" />
    <text x="20" y="12" class="hist-label" text-anchor="end">${maxN}</text>
    <text x="20" y=${base} class="hist-label" text-anchor="end">0</text>
    ${counts.map((n, i) => {
      const h = (n / maxN) * (base - 10);
      return html`<g key=${i}>
        <rect x=${26 + i * w} y=${base - h} width=${w - barGap} height=${h} class="hist-bar"><title>${i * 10}–${i * 10 + 10} %: ${n}</title></rect>
        ${i % 2 === 0 && html`<text x=${26 + i * w} y=${chartH - 4} class="hist-label">${i * 10}%</text>`}
      </g>`;
    })}
  </svg>`;
}

function secs(s) {
  const m = Math.floor(s / 60);
  return m ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}

function Regrade({ quizID, onDone }) {
  const act = useAction();
  const [report, setReport] = useState(null);
  const run = async (dry) => {
    const r = await act.run(() => regrade(quizID, dry));
    if (r) { setReport(r); if (!dry) { toast(`Regraded: ${r.changes.length} attempts changed.`); onDone(); } }
  };
  return html`<section class="card section" data-testid="regrade">
    <h2>Regrade</h2>
    <p class="muted small">After fixing a question, grade every submitted attempt again with its latest version.</p>
    <button type="button" class="btn" disabled=${act.pending} onClick=${() => run(true)} data-testid="regrade-dry">See what would change</button>
    ${report && report.dry_run && html`<div data-testid="regrade-report">
      <p>${report.changes.length} of ${report.attempts} attempts would change.</p>
      <ul class="list small">${report.changes.map((c) => html`<li key=${c.attempt_id} class="list-row">Attempt ${c.attempt_id}:
        ${c.old_points} → ${c.new_points}</li>`)}</ul>
      ${report.changes.length > 0 && html`<button type="button" class="btn btn-primary" disabled=${act.pending} onClick=${() => run(false)}
          data-testid="regrade-apply">Regrade now</button>`}</div>`}
    <${FormError} error=${act.error} />
  </section>`;
}

function Stats({ course, qid }) {
  const data = useLoad(async (signal) => {
    const [quiz, stats, attempts, members] = await Promise.all([getQuiz(qid, signal), quizStats(qid, signal),
      listAttempts(qid, signal), getAll(`/courses/${course.id}/members?role=learner`, { signal })]);
    const names = new Map(members.items.map((m) => [m.user_id, m.name || m.username]));
    return { quiz, stats, attempts: attempts.items, names };
  }, [qid]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error && !data.data) return html`<${ErrorState} error=${data.error} onRetry=${data.reload} />`;
  const { quiz, stats, attempts, names } = data.data;
  return html`<div class="quiz-stats" data-testid="quiz-stats">
    <p class="muted small"><a href=${quizPath(course.id, quiz.id)}>← ${quiz.title}</a></p>
    <div class="stats-grid">
      <section class="card section">
        <h2>Scores</h2>
        <p data-testid="stats-summary">${`${plural(stats.attempts, "finished attempt")} by ${plural(stats.learners, "learner")}`}
          ${` · average ${Math.round(stats.mean_percent)} % · average time ${secs(stats.average_seconds)}`}</p>
        <${Histogram} counts=${stats.distribution} />
        <p><a class="btn btn-small" href=${responsesCSVURL(quiz.id)} download data-testid="responses-csv">Download the responses (CSV)</a></p>
      </section>
      ${can(course, "grade") && html`<${Regrade} quizID=${quiz.id} onDone=${data.reload} />`}
    </div>
    <section class="card section">
      <h2>Questions</h2>
      <div class="table-scroll"><table class="table" data-testid="stats-questions">
        <thead><tr><th scope="col">Question</th><th scope="col">Asked</th><th scope="col">Facility</th>
          <th scope="col">Discrimination</th><th scope="col">Most frequent answers</th></tr></thead>
        <tbody>${stats.questions.map((q) => html`<tr key=${q.question_id} data-testid="stats-question">
          <th scope="row">${q.title} <span class="muted small">${typeLabels[q.type] || q.type}${q.version > 1 ? ` v${q.version}` : ""}</span></th>
          <td>${q.asked}</td>
          <td><progress max="100" value=${q.facility} aria-label="Facility"></progress> ${Math.round(q.facility)} %</td>
          <td>${q.discrimination == null ? "—" : q.discrimination.toFixed(2)}</td>
          <td><ul class="answer-freq">${q.answers.map((a) => html`<li key=${a.key}>
            ${a.label}${a.credit > 0 ? html` <${Badge} kind="success">right<//>` : ""} <span class="muted">× ${a.count}</span></li>`)}</ul></td>
        </tr>`)}</tbody>
      </table></div>
    </section>
    <section class="card section">
      <h2>Attempts</h2>
      <ul class="list" data-testid="all-attempts">${attempts.map((a) => html`<li key=${a.id} class="list-row">
        <a href=${attemptPath(course.id, a.id)}>${names.get(a.user_id) || `A former learner (#${a.user_id})`}, attempt ${a.number}</a>
        <span class="muted small">${a.state === "open" ? "in progress" : fullTime(a.submitted_at)}</span>
        ${a.needs_grading && html`<${Badge} kind="accent">needs grading<//>`}
        ${a.state !== "open" && html`<span>${a.points} / ${a.max_points}</span>`}</li>`)}</ul>
    </section>
  </div>`;
}

export default function QuizStatsPage({ params }) {
  return html`<${CourseFrame} id=${params.id} tab="questions" title="Quiz statistics" allow=${(c) => can(c, "view_grades")}>
    ${(course) => html`<${Stats} course=${course} qid=${params.qid} />`}<//>`;
}

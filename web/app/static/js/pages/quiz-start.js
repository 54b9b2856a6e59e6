// /courses/{id}/quizzes/{qid}: a quiz's start page: its rules (time limit,
// attempts allowed and left, dates, grading, feedback), the caller's
// attempts with links to their reviews, and Start / Continue (with the
// access code when the quiz asks for one). Staff get the builder and the
// statistics.
import { html, useState } from "../html.js";
import { useTitle, useLoad, Loading, ErrorState, Badge } from "../ui.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { fullTime } from "../format.js";
import { getQuiz, listAttempts, startAttempt, quizPath, attemptPath } from "./quiz-api.js";
import { useCourse, can, coursePath } from "./course-common.js";

const behaviourLabels = { deferred: "Feedback after you submit", immediate: "Check each answer as you go",
  interactive: "Several tries per question, with hints" };
const gradingLabels = { highest: "your highest attempt counts", last: "your last attempt counts",
  first: "your first attempt counts", average: "the average of your attempts counts" };

function minutes(s) {
  if (!s) return "";
  const m = Math.round(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60 ? `${m % 60} min` : ""}` : `${m} minutes`;
}

export default function QuizStart({ params }) {
  const { site, me } = useApp();
  const quiz = useLoad((signal) => getQuiz(params.qid, signal), [params.qid]);
  const attempts = useLoad((signal) => listAttempts(params.qid, signal), [params.qid]);
  const course = useCourse(params.id);
  const start = useAction();
  const [code, setCode] = useState("");
  const q = quiz.data;
  useTitle(q ? q.title : "Quiz", site);
  if ((quiz.loading && !q) || (attempts.loading && !attempts.data)) return html`<${Loading} label="Loading the quiz…" />`;
  if (quiz.error && !q) return html`<${ErrorState} error=${quiz.error} onRetry=${quiz.reload} />`;
  const c = course.data;
  const own = (attempts.data ? attempts.data.items : []).filter((a) => a.user_id === me.id);
  const open = own.find((a) => a.state === "open");
  const used = own.length;
  const left = q.attempts_allowed ? Math.max(0, q.attempts_allowed - used) : null;
  const closed = q.closes_at && Date.parse(q.closes_at) < Date.now();
  const notYet = q.opens_at && Date.parse(q.opens_at) > Date.now();
  const go = async (e) => {
    e.preventDefault();
    const v = await start.run(() => startAttempt(q.id, code));
    if (v) navigate(attemptPath(params.id, v.attempt.id));
  };
  return html`
    <div class="page quiz-start" data-testid="quiz-start">
      <p class="muted small"><a href=${coursePath(params.id)}>← ${c ? c.title : "Course"}</a></p>
      <div class="page-title">
        <h1 id="page-title" tabindex="-1">${q.title}</h1>
        ${q.draft && html`<${Badge}>Draft<//>`}
      </div>
      ${q.intro_md && html`<p class="prewrap lede">${q.intro_md}</p>`}
      <section class="card section">
        <h2>Rules</h2>
        <ul class="quiz-rules" data-testid="quiz-rules">
          <li data-testid="rule-time">${q.time_limit_seconds ? `Time limit: ${minutes(q.time_limit_seconds)}. The timer starts when you start and does not stop.` : "No time limit."}</li>
          <li data-testid="rule-attempts">${q.attempts_allowed ? `Attempts allowed: ${q.attempts_allowed}; you have ${left} left.` : "You may try as often as you like."}
            ${" "}(${gradingLabels[q.grading_method] || q.grading_method})</li>
          <li>${behaviourLabels[q.behaviour] || q.behaviour}.</li>
          ${q.pass_percent > 0 && html`<li>Pass mark: ${q.pass_percent} %.</li>`}
          ${q.opens_at && html`<li>Opens ${fullTime(q.opens_at)}.</li>`}
          ${q.closes_at && html`<li>Closes ${fullTime(q.closes_at)}; an attempt still open then is submitted for you.</li>`}
        </ul>
        <form class="form" onSubmit=${go} data-testid="start-quiz-form">
          ${q.has_access_code && !open && html`<${Field} id="access_code" label="Access code" value=${code} error=${start.error}
              onInput=${(e) => setCode(e.currentTarget.value)} autocomplete="off" />`}
          <${FormError} error=${start.error} fields=${["access_code"]} />
          ${open ? html`<${Submit} pending=${start.pending} testid="continue-attempt">Continue your attempt<//>`
            : closed ? html`<p class="muted">This quiz is closed.</p>`
            : notYet ? html`<p class="muted">This quiz is not open yet.</p>`
            : left === 0 ? html`<p class="muted" data-testid="no-attempts-left">You have no attempts left.</p>`
            : html`<${Submit} pending=${start.pending} testid="start-attempt">${used ? "Start a new attempt" : "Start the quiz"}<//>`}
        </form>
      </section>
      ${own.length > 0 && html`<section class="card section">
        <h2>Your attempts</h2>
        <ul class="list" data-testid="attempt-list">${own.map((a) => html`
          <li key=${a.id} class="list-row" data-testid="attempt-row" data-state=${a.state}>
            <a href=${attemptPath(params.id, a.id)}>Attempt ${a.number}</a>
            <span class="muted small">${a.state === "open" ? "in progress" : a.submitted_at ? `submitted ${fullTime(a.submitted_at)}` : a.state}</span>
            ${a.state !== "open" && a.max_points > 0 && a.points > 0 && html`<span>${Math.round((100 * a.points) / a.max_points)} %</span>`}
          </li>`)}</ul>
      </section>`}
      ${c && can(c, "edit_content") && html`<p class="page-actions">
        <a class="btn" href=${quizPath(params.id, q.id, "edit")} data-testid="edit-quiz">Edit the quiz</a>
        <a class="btn" href=${quizPath(params.id, q.id, "stats")} data-testid="quiz-stats-link">Statistics</a></p>`}
    </div>`;
}

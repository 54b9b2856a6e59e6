// /courses/{id}/attempts/{aid}: a learner's attempt, one question per page
// (phone first: big targets, a sticky bar with the timer and the autosave
// status), with Check for quizzes that give feedback at once, flags, and a
// summary before submitting. Every change is autosaved; the deadline is the
// server's, counted down with the server's clock (the hub's hello, else the
// attempt's "now"). A submitted attempt shows its review; graders grade
// its essays there (quiz-grade.js).
import { html, useState, useEffect, useRef } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, Loading, ErrorState, Badge } from "../ui.js";
import { errorMessage } from "../api.js";
import { serverClockOffset } from "../live.js";
import { toast } from "../toast.js";
import { getAttempt, saveAnswer, checkAnswer, flagSlot, submitAttempt, quizPath } from "./quiz-api.js";
import { QuestionView, Text } from "./quiz-question.js";
import { SlotGrading } from "./quiz-grade.js";
import { useCourse, can } from "./course-common.js";

const autosaveDelayMs = 500;

const statusLabels = { saved: "All answers saved", saving: "Saving…", pending: "Saving…", error: "Not saved: retrying" };

function fmtLeft(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** useServerNow ticks every second with the server's time (ms). */
function useServerNow(viewNow, loadedAt) {
  const fallback = viewNow ? Date.parse(viewNow) - loadedAt : 0;
  const offset = () => (serverClockOffset() ?? fallback);
  const [now, setNow] = useState(Date.now() + offset());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + offset()), 1000);
    return () => clearInterval(t);
  }, [fallback]);
  return now;
}

function Timer({ deadline, view, loadedAt, onExpire }) {
  const now = useServerNow(view.now, loadedAt);
  const left = Date.parse(deadline) - now;
  const fired = useRef(false);
  useEffect(() => {
    if (left <= 0 && !fired.current) { fired.current = true; onExpire(); }
  }, [left <= 0]);
  return html`<span class=${`attempt-timer${left < 60000 ? " attempt-timer-low" : ""}`} role="timer" aria-live="off"
      data-testid="attempt-timer" data-deadline=${deadline}><span class="muted small">Time left </span>${fmtLeft(left)}</span>`;
}

function Summary({ view, responses, onBack, onSubmit, pending }) {
  const unanswered = view.slots.filter((s) => s.view.type !== "description" && !responses[s.slot]);
  const flagged = view.slots.filter((s) => s.flagged);
  return html`<section class="card section attempt-summary" data-testid="attempt-summary">
    <h2>Ready to submit?</h2>
    ${unanswered.length > 0
      ? html`<p data-testid="summary-unanswered">Not answered: ${unanswered.map((s) => `question ${s.slot + 1}`).join(", ")}.</p>`
      : html`<p>Every question is answered.</p>`}
    ${flagged.length > 0 && html`<p>Flagged: ${flagged.map((s) => `question ${s.slot + 1}`).join(", ")}.</p>`}
    <p class="muted small">After submitting you cannot change your answers.</p>
    <div class="form-actions">
      <button type="button" class="btn" onClick=${onBack}>Back to the questions</button>
      <button type="button" class="btn btn-primary btn-big" disabled=${pending} onClick=${onSubmit} data-testid="submit-attempt">
        Submit</button>
    </div>
  </section>`;
}

function Review({ view, courseID, grader, onGraded }) {
  const a = view.attempt;
  return html`<div class="attempt-review" data-testid="attempt-review">
    <section class="card section">
      <h2>${grader ? "Result" : "Your result"}</h2>
      ${view.marks_hidden
        ? html`<p data-testid="review-marks-hidden">Your marks will be shown later.</p>`
        : html`<p class="attempt-score" data-testid="review-score">${fmtPoints(a.points)} / ${fmtPoints(a.max_points)}
            <span class="muted"> (${a.max_points ? Math.round((100 * a.points) / a.max_points) : 0} %)</span></p>`}
      ${a.needs_grading && html`<p class="muted">Some answers wait for a grader.</p>`}
      <a class="btn" href=${quizPath(courseID, a.quiz_id)}>Back to the quiz</a>
    </section>
    ${view.slots.map((s) => html`
      <section key=${s.slot} class="card section attempt-question" data-testid="review-question" data-slot=${s.slot}>
        <h2 class="attempt-qhead">Question ${s.slot + 1}
          ${s.points != null && html`<span class="muted small"> ${fmtPoints(s.points)} / ${fmtPoints(s.max_points)}</span>`}</h2>
        <${QuestionView} view=${s.view} response=${s.review ? s.review.response : s.response} disabled=${true}
            review=${s.review} name=${`r${s.slot}`} />
        ${s.comment && html`<p class="q-feedback prewrap"><strong>Grader:</strong> ${s.comment}</p>`}
        ${grader && html`<${SlotGrading} key=${`${s.slot}-${s.points}-${s.comment}`} attemptID=${a.id} s=${s} onGraded=${onGraded} />`}
      </section>`)}
  </div>`;
}

const fmtPoints = (p) => (Math.round((p || 0) * 100) / 100).toString();

function Attempt({ data, setData, courseID }) {
  const view = data;
  const aid = view.attempt.id;
  const [loadedAt] = useState(Date.now());
  const [page, setPage] = useState(() => Math.max(0, view.unanswered && view.unanswered.length ? view.unanswered[0] : 0));
  const [responses, setResponses] = useState(() => Object.fromEntries(view.slots.filter((s) => s.response).map((s) => [s.slot, s.response])));
  const [status, setStatus] = useState("saved");
  const [summary, setSummary] = useState(false);
  const [pending, setPending] = useState(false);
  const timers = useRef({});
  const queue = useRef({}); // slot -> latest unsaved response

  const replaceSlot = (sv) => setData((v) => ({ ...v, slots: v.slots.map((s) => (s.slot === sv.slot ? sv : s)) }));

  const flush = async (slot) => {
    const r = queue.current[slot];
    if (!r) return;
    delete queue.current[slot];
    setStatus("saving");
    try {
      const sv = await saveAnswer(aid, slot, r);
      replaceSlot(sv);
      if (Object.keys(queue.current).length === 0) setStatus("saved");
    } catch (e) {
      if (e.status === 409 || e.status === 403) { setStatus("error"); toast(errorMessage(e), "error"); return; }
      queue.current[slot] = queue.current[slot] || r;
      setStatus("error");
      timers.current[slot] = setTimeout(() => flush(slot), 3000);
    }
  };
  const change = (slot, r) => {
    setResponses((rs) => ({ ...rs, [slot]: r }));
    queue.current[slot] = r;
    setStatus("pending");
    clearTimeout(timers.current[slot]);
    timers.current[slot] = setTimeout(() => flush(slot), autosaveDelayMs);
  };
  const flushAll = () => Promise.all(Object.keys(queue.current).map((s) => { clearTimeout(timers.current[s]); return flush(Number(s)); }));
  useEffect(() => () => Object.values(timers.current).forEach(clearTimeout), []);

  const submit = async () => {
    setPending(true);
    try {
      await flushAll();
      setData(await submitAttempt(aid));
      window.scrollTo(0, 0);
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setPending(false);
    }
  };
  const check = async (slot) => {
    setPending(true);
    try {
      clearTimeout(timers.current[slot]);
      delete queue.current[slot];
      replaceSlot(await checkAnswer(aid, slot, responses[slot] || {}));
      setStatus("saved");
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setPending(false);
    }
  };
  const flag = async (s) => {
    try { replaceSlot(await flagSlot(aid, s.slot, !s.flagged)); } catch (e) { toast(errorMessage(e), "error"); }
  };

  const s = view.slots[page];
  const last = page === view.slots.length - 1;
  const feedbackNow = view.behaviour !== "deferred";
  return html`
    <div class="attempt" data-testid="attempt" data-attempt-id=${aid}>
      <div class="attempt-bar" data-testid="attempt-bar">
        <span class="attempt-progress">Question ${page + 1} of ${view.slots.length}</span>
        ${view.attempt.deadline && html`<${Timer} deadline=${view.attempt.deadline} view=${view} loadedAt=${loadedAt}
            onExpire=${() => getAttempt(aid).then(setData, () => {})} />`}
        <span class=${`autosave autosave-${status}`} role="status" data-testid="autosave" data-status=${status}>${statusLabels[status]}</span>
      </div>
      <nav class="attempt-nav" aria-label="Questions">
        ${view.slots.map((x) => html`<button key=${x.slot} type="button" data-testid="attempt-nav-item"
            class=${`attempt-dot${x.slot === page && !summary ? " attempt-dot-current" : ""}${responses[x.slot] ? " attempt-dot-answered" : ""}${x.flagged ? " attempt-dot-flagged" : ""}`}
            aria-current=${x.slot === page && !summary ? "step" : undefined} aria-label=${`Question ${x.slot + 1}`}
            onClick=${() => { setSummary(false); setPage(x.slot); }}>${x.slot + 1}</button>`)}
      </nav>
      ${summary
        ? html`<${Summary} view=${view} responses=${responses} pending=${pending} onBack=${() => setSummary(false)} onSubmit=${submit} />`
        : html`<section class="card section attempt-question" data-testid="attempt-question" data-slot=${s.slot}>
            <div class="attempt-qhead">
              <h2>Question ${s.slot + 1}</h2>
              <span class="muted small">${fmtPoints(s.max_points)} ${s.max_points === 1 ? "point" : "points"}</span>
              <button type="button" class=${`btn btn-small${s.flagged ? " btn-flagged" : ""}`} aria-pressed=${s.flagged ? "true" : "false"}
                      onClick=${() => flag(s)} data-testid="flag">${s.flagged ? "Flagged" : "Flag"}</button>
            </div>
            <${QuestionView} view=${s.view} response=${responses[s.slot]} disabled=${s.finished || pending}
                review=${s.review} name=${`q${s.slot}`} onChange=${(r) => change(s.slot, r)} />
            ${s.hint_md && html`<div class="q-hint" data-testid="hint"><strong>Hint:</strong>
              <${Text} md=${s.hint_md} html=${s.hint_html} /></div>`}
            ${feedbackNow && !s.finished && s.view.type !== "description" && html`
              <button type="button" class="btn btn-big" disabled=${pending || !responses[s.slot]} onClick=${() => check(s.slot)}
                      data-testid="check-answer">Check${s.tries_left ? ` (${s.tries_left} tries left)` : ""}</button>`}
          </section>`}
      ${!summary && html`<div class="attempt-pager">
        <button type="button" class="btn btn-big" disabled=${page === 0} onClick=${() => setPage(page - 1)} data-testid="prev-question">Previous</button>
        ${last
          ? html`<button type="button" class="btn btn-primary btn-big" onClick=${() => { flushAll(); setSummary(true); }} data-testid="finish-attempt">Finish</button>`
          : html`<button type="button" class="btn btn-primary btn-big" onClick=${() => setPage(page + 1)} data-testid="next-question">Next</button>`}
      </div>`}
    </div>`;
}

export default function AttemptPage({ params }) {
  const { site } = useApp();
  const att = useLoad((signal) => getAttempt(params.aid, signal), [params.aid]);
  const course = useCourse(params.id);
  const v = att.data;
  useTitle(v ? v.quiz_title : "Quiz", site);
  if (att.loading && !v) return html`<${Loading} label="Loading your attempt…" />`;
  if (att.error && !v) return html`<${ErrorState} error=${att.error} onRetry=${att.reload} />`;
  const open = v.attempt.state === "open";
  return html`
    <div class="page attempt-page" data-testid="attempt-page" data-state=${v.attempt.state}>
      <div class="page-title">
        <h1 id="page-title" tabindex="-1">${v.quiz_title}</h1>
        <p class="lede">Attempt ${v.attempt.number}${!open ? html` · <${Badge} kind="success">Submitted<//>` : ""}</p>
      </div>
      ${open ? html`<${Attempt} data=${v} setData=${att.setData} courseID=${params.id} />`
             : html`<${Review} view=${v} courseID=${params.id} grader=${can(course.data, "grade")} onGraded=${att.reload} />`}
    </div>`;
}

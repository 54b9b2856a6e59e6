// Live quizzes (docs/livequiz.md): the API calls, the server clock
// estimator (the mirror of livequiz.ClockEstimator), the countdown and the
// pieces the control panel, the presenter, the player and the results
// pages share (chart, leaderboard, podium).
import { html, useState, useEffect, useRef } from "../html.js";
import { get, post, put, api, BASE } from "../api.js";
import { live } from "../live.js";

const g = (id, rest = "") => `/live-quizzes/${id}${rest}`;

export const listGames = (roomID, signal) => get(`/rooms/${roomID}/live-quizzes`, { signal });
export const createGame = (roomID, body) => post(`/rooms/${roomID}/live-quizzes`, body);
export const getGame = (id, signal) => get(g(id), { signal });
export const putQuestions = (id, questions) => put(g(id, "/questions"), { questions });
export const deleteGame = (id) => api("DELETE", g(id));
export const control = (id, body) => post(g(id, "/control"), body);
export const joinGame = (id, nickname) => post(g(id, "/join"), nickname ? { nickname } : {});
export const getMe = (id, signal) => get(g(id, "/me"), { signal });
export const getResults = (id, signal) => get(g(id, "/results"), { signal });
export const resultsCSVURL = (id) => `${BASE}${g(id, "/results.csv")}`;
export const guestJoin = (pin, nickname) => post("/live-quiz/join", { pin, nickname });
export const guestMe = (token, signal) => api("GET", "/live-quiz/me", { signal, headers: { "X-Quiz-Token": token } });

/** guestKey is where a guest keeps its token (localStorage) to resume. */
export const guestKey = "lyceum.liveQuizGuest";

/** Paths of the live quiz pages. */
export const gamePath = (courseID, gameID, rest = "") => `/courses/${courseID}/live-quizzes/${gameID}${rest ? `/${rest}` : ""}`;

/** Topics of a game (docs/livequiz.md, Protocol). */
export const topics = {
  players: (id) => `quiz:${id}`,
  staff: (id) => `quiz:${id}:staff`,
  player: (id, pid) => `quiz:${id}:p${pid}`,
};

export const typeLabels = {
  single: "Single choice", multiple: "Multiple choice", truefalse: "True or false", shortanswer: "Short answer",
  numerical: "Numerical", ordering: "Ordering", poll: "Poll", wordcloud: "Word cloud",
};

/**
 * ClockEstimator keeps the last 8 sync samples and uses the offset of the
 * one with the smallest round trip (docs/livequiz.md, Clock):
 * offset = server_time − (t0 + t1) / 2.
 */
export class ClockEstimator {
  constructor(size = 8) { this.size = size; this.samples = []; }
  add(t0, serverTime, t1) {
    if (!(t1 >= t0)) return;
    this.samples.push({ rtt: t1 - t0, offset: serverTime - (t0 + t1) / 2 });
    if (this.samples.length > this.size) this.samples.shift();
  }
  /** offset is server minus client in ms (null before any sample). */
  offset() {
    if (this.samples.length === 0) return null;
    let best = this.samples[0];
    for (const s of this.samples) if (s.rtt < best.rtt) best = s;
    return best.offset;
  }
}

/**
 * useServerClock runs the sync rounds on a player topic (5 back to back,
 * then one every 10 s) and returns a function giving the server's time now;
 * before any round it uses the offset of a state's server_time.
 */
export function useServerClock(topic, fallbackServerTime) {
  const est = useRef(new ClockEstimator());
  const rough = useRef(0);
  const [, setTick] = useState(0);
  useEffect(() => {
    if (fallbackServerTime) rough.current = Date.parse(fallbackServerTime) - Date.now();
  }, [fallbackServerTime]);
  useEffect(() => {
    if (!topic) return undefined;
    let stop = false;
    let timer = 0;
    async function round(n, echo) {
      if (stop) return;
      const t0 = Date.now();
      try {
        const ack = await live.publish(topic, { type: "sync", t0, echo });
        const t1 = Date.now();
        const st = Number(ack.result.server_time); // unix ms
        est.current.add(t0, st, t1);
        setTick((x) => x + 1);
        if (n > 1) return round(n - 1, st);
      } catch { /* the next round retries */ }
      return undefined;
    }
    round(5, 0);
    timer = setInterval(() => round(1, 0), 10000);
    return () => { stop = true; clearInterval(timer); };
  }, [topic]);
  return () => {
    const o = est.current.offset();
    return Date.now() + (o === null ? rough.current : o);
  };
}

/** secondsLeft is the countdown of an open question at server time now. */
export function secondsLeft(state, now) {
  if (!state || state.phase !== "open" || !state.closes_at) return null;
  const end = Date.parse(state.closes_at);
  const at = state.paused_at ? Date.parse(state.paused_at) : now;
  return Math.max(0, Math.ceil((end - at) / 1000));
}

/** useTicker re-renders every 200 ms while on. */
export function useTicker(on) {
  const [, setT] = useState(0);
  useEffect(() => {
    if (!on) return undefined;
    const id = setInterval(() => setT((x) => x + 1), 200);
    return () => clearInterval(id);
  }, [on]);
}

/** Countdown shows the seconds left of an open question. */
export function Countdown({ state, now, big }) {
  useTicker(state && state.phase === "open" && !state.paused_at);
  const left = secondsLeft(state, now());
  if (left === null) return null;
  return html`<div class=${`lq-countdown${big ? " lq-countdown-big" : ""}${left <= 5 ? " lq-countdown-low" : ""}`}
      role="timer" aria-live="off" data-testid="lq-countdown">
    ${state.paused_at ? "Paused" : `${left}`}</div>`;
}

// chartRows turns a Chart into labelled rows for the question as shown.
function chartRows(q, chart, right) {
  if (!chart) return [];
  const counts = chart.counts || {};
  const rightSet = new Set((right && right.choices) || []);
  if (q && (q.choices || []).length) {
    return q.choices.map((c) => ({ key: c.id, label: c.text, n: counts[c.id] || 0, right: rightSet.has(c.id) }));
  }
  if (q && q.type === "truefalse") {
    const rb = right && right.bool;
    return [["true", "True"], ["false", "False"]].map(([k, label]) => ({
      key: k, label, n: counts[k] || 0, right: rb !== undefined && String(rb) === k,
    }));
  }
  if (chart.top && chart.top.length) return chart.top.map((t) => ({ key: t.key, label: t.key, n: t.count }));
  return [
    { key: "correct", label: "Right", n: chart.correct || 0, right: true },
    { key: "partial", label: "Partly right", n: chart.partial || 0 },
    { key: "wrong", label: "Wrong", n: chart.wrong || 0 },
  ].filter((r) => r.n > 0 || r.key !== "partial");
}

// barWidth sets a bar's width through the CSSOM (the CSP forbids style attributes).
const barWidth = (pct) => (el) => { if (el) el.style.width = `${pct}%`; };

/** AnswerChart is the answer distribution as bars (right answers marked). */
export function AnswerChart({ question, chart, right, testid = "lq-chart" }) {
  const rows = chartRows(question, chart, right);
  if (rows.length === 0) return html`<p class="muted" data-testid=${testid}>No answers yet.</p>`;
  const max = Math.max(1, ...rows.map((r) => r.n));
  return html`<ul class="lq-chart" data-testid=${testid}>
    ${rows.map((r) => html`<li key=${r.key} class=${`lq-bar-row${r.right ? " lq-right" : ""}`} data-testid="lq-bar">
      <span class="lq-bar-label">${r.right ? "✓ " : ""}${r.label}</span>
      <span class="lq-bar-track"><span class="lq-bar" ref=${barWidth((100 * r.n) / max)}></span></span>
      <span class="lq-bar-n">${r.n}</span>
    </li>`)}
  </ul>`;
}

/** rightText says the right answer of a question in words. */
export function rightText(q, right) {
  if (!right || !q) return "";
  if (right.choices) {
    const byID = new Map([...(q.choices || []), ...(q.items || [])].map((c) => [c.id, c.text]));
    return right.choices.map((id) => byID.get(id) || id).join(", ");
  }
  if (right.bool !== undefined) return right.bool ? "True" : "False";
  if (right.order) {
    const byID = new Map((q.items || []).map((c) => [c.id, c.text]));
    return right.order.map((id) => byID.get(id) || id).join(" → ");
  }
  return right.text || "";
}

/** Leaderboard lists standings (and team standings when given). */
export function Leaderboard({ top, teams, testid = "lq-leaderboard", me }) {
  if (!top || top.length === 0) return html`<p class="muted" data-testid=${testid}>No one has scored yet.</p>`;
  return html`<div data-testid=${testid}>
    <ol class="lq-board">
      ${top.map((s) => html`<li key=${s.player_id} class=${me && me === s.player_id ? "lq-me" : ""} data-testid="lq-standing">
        <span class="lq-rank">${s.rank}</span><span class="lq-name">${s.nickname}</span>
        ${s.streak >= 2 && html`<span class="badge badge-accent">${s.streak} in a row</span>`}
        <span class="lq-score">${Math.round(s.score)}</span></li>`)}
    </ol>
    ${teams && teams.length > 0 && html`<h3>Teams</h3><ol class="lq-board">
      ${teams.map((t) => html`<li key=${t.team} data-testid="lq-team"><span class="lq-rank">${t.rank}</span>
        <span class="lq-name">Team ${t.team}</span><span class="lq-score">${Math.round(t.average ?? t.score ?? 0)}</span></li>`)}
    </ol>`}
  </div>`;
}

/** Podium shows the first three. */
export function Podium({ top }) {
  const three = (top || []).slice(0, 3);
  if (three.length === 0) return html`<p class="muted" data-testid="lq-podium">No one scored.</p>`;
  return html`<ol class="lq-podium" data-testid="lq-podium">
    ${three.map((s, i) => html`<li key=${s.player_id} class=${`lq-place lq-place-${i + 1}`} data-testid="lq-podium-place">
      <span class="lq-place-rank">${s.rank}</span>
      <span class="lq-place-name">${s.nickname}</span>
      <span class="lq-place-score">${Math.round(s.score)} points</span></li>`)}
  </ol>`;
}

/** phaseLabel names a game phase for people. */
export function phaseLabel(phase) {
  return { lobby: "Lobby", open: "Question open", results: "Results", leaderboard: "Leaderboard", finished: "Finished" }[phase] || phase;
}

// The player view for phones: /courses/{id}/live-quizzes/{gid}/play
// (course members join or resume) and /quiz (a guest, with the token kept
// in localStorage by the /join page). It follows the players' topic and the
// player's own topic (docs/livequiz.md), keeps the server clock estimate,
// and answers with an idempotency key, so a reload or a lost ack never
// counts an answer twice.
import { html, useState, useEffect, useRef } from "../html.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { live, isRunning, LiveError } from "../live.js";
import { errorMessage } from "../api.js";
import { useTitle, Loading, ErrorState } from "../ui.js";
import { joinGame, guestMe, guestKey, topics, useServerClock, Countdown, Leaderboard, Podium, AnswerChart, rightText } from "./livequiz-api.js";
import { AnswerInput } from "./livequiz-answer.js";


const answerErrors = {
  too_late: "Too late: time was up when your answer arrived.",
  not_open: "The question is paused. Try again when it resumes.",
  answered: "You already answered this question.",
  removed: "The teacher removed you from this game.",
  unknown_question: "This question isn't open.",
  rate_limited: "Slow down a little, then try again.",
};

function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Feedback is the player's result for the question just closed.
function Feedback({ me, results, q, summary }) {
  const st = me && me.standing;
  const last = st && st.last && st.last.index === (results ? results.index : -1) ? st.last : null;
  const ungraded = q && (q.type === "poll" || q.type === "wordcloud");
  return html`<div class="lq-feedback" data-testid="lq-feedback">
    ${summary ? null : ungraded ? html`<p class="lq-verdict">Thanks for answering!</p>`
      : last ? html`<p class=${`lq-verdict ${last.correct ? "lq-verdict-right" : "lq-verdict-wrong"}`} data-testid="lq-verdict">
          ${last.correct ? "Right!" : last.fraction > 0 ? "Partly right" : "Wrong"}</p>
          <p class="lq-points" data-testid="lq-points">+${Math.round(last.points + (last.bonus || 0))} points${last.bonus ? ` (streak bonus ${Math.round(last.bonus)})` : ""}</p>`
        : html`<p class="lq-verdict lq-verdict-wrong" data-testid="lq-verdict">No answer</p>`}
    ${results && results.right && q && html`<p>Right answer: <strong>${rightText(q, results.right)}</strong></p>`}
    ${st && html`<p class="lq-standing" data-testid="lq-standing-line">Score <strong data-testid="lq-score">${Math.round(st.score)}</strong>${" "}
      · rank ${st.rank} of ${me.players}${st.streak >= 2 ? ` · ${st.streak} in a row` : ""}</p>`}
  </div>`;
}

// Player is the game as one player sees it.
function Player({ initial, reloadMe }) {
  const gameID = initial.state.game_id;
  const pid = initial.player.id;
  const [me, setMe] = useState(initial);
  const [state, setState] = useState(initial.state);
  const [results, setResults] = useState(initial.results || null);
  const [sent, setSent] = useState(initial.answer ? { index: initial.answer.index, status: "stored" } : null);
  const [count, setCount] = useState(null);
  const [gone, setGone] = useState("");
  const now = useServerClock(topics.player(gameID, pid), initial.state.server_time);
  const stateRef = useRef(state);
  stateRef.current = state;

  const applyMe = (m) => {
    setMe(m);
    if (m.state && (!stateRef.current || m.state.version >= stateRef.current.version)) setState(m.state);
    if (m.results) setResults(m.results);
    if (m.answer && m.answer.index === m.state.index) setSent({ index: m.answer.index, status: "stored" });
  };
  const refresh = () => (reloadMe ? reloadMe() : live.publish(topics.player(gameID, pid), { type: "me" }).then((a) => a.result))
    .then(applyMe, () => {});

  useEffect(() => {
    // The player's state was read (joining) before these subscriptions: a
    // state change in between would be pushed to no one, leaving the phone
    // on an old phase. Read it once more when both are in place — instead
    // of at mount, so a crowd joining at once costs no extra request.
    const waiting = new Set(["players", "player"]);
    const started = (which) => () => { if (waiting.delete(which) && waiting.size === 0) refresh(); };
    const offA = live.subscribe(topics.players(gameID), (d) => {
      if (!d) return;
      if (d.type === "state") {
        if (stateRef.current && d.version < stateRef.current.version) return;
        if (!stateRef.current || d.index !== stateRef.current.index) { setResults(null); setCount(null); }
        if (d.phase === "open") setResults(null);
        setState(d);
      } else if (d.type === "count") setCount(d);
      else if (d.type === "results" || d.type === "leaderboard" || d.type === "finished") setResults(d);
      else if (d.type === "deleted") setGone("The teacher deleted this game.");
    }, { onReset: refresh, onStart: started("players"), quiet: true, onError: (e) => setGone(errorMessage(e) || e.message) });
    const offB = live.subscribe(topics.player(gameID, pid), (d) => { if (d && d.type === "me") applyMe(d); },
      { onReset: refresh, onStart: started("player"), quiet: true,
        onError: (e) => setGone(e.code === "forbidden" ? answerErrors.removed : e.message) });
    return () => { offA(); offB(); };
  }, [gameID, pid]);

  async function answer(response) {
    const index = state.index;
    const key = newKey();
    setSent({ index, status: "sending", response });
    try {
      await live.publish(topics.player(gameID, pid), { type: "answer", index, response }, key);
      setSent({ index, status: "stored", response });
    } catch (e) {
      const code = e instanceof LiveError ? e.code : "";
      setSent({ index, status: code === "answered" ? "stored" : "error", code, message: answerErrors[code] || errorMessage(e) || e.message });
    }
  }

  const q = state.question;
  let body;
  if (gone) body = html`<div class="alert alert-error" role="alert" data-testid="lq-gone">${gone}</div>`;
  else if (state.phase === "lobby") {
    body = html`<div class="lq-wait" data-testid="lq-lobby"><p class="lq-verdict">You're in!</p>
      <p>Playing as <strong data-testid="lq-nickname">${me.player.nickname}</strong>${me.player.team > 0 ? ` · team ${me.player.team}` : ""}.</p>
      <p class="muted">The game starts when your teacher is ready.</p></div>`;
  } else if (state.phase === "finished") {
    body = html`<h2>Final results</h2><${Podium} top=${results && results.top} />
      <${Feedback} me=${me} results=${null} q=${null} summary />`;
  } else if (state.phase === "open" && q) {
    const mine = sent && sent.index === state.index ? sent : null;
    body = html`
      <div class="lq-play-head"><span class="muted small">Question ${state.index + 1} of ${state.questions}</span>
        <${Countdown} state=${state} now=${now} /></div>
      <p class="lq-q-text" data-testid="lq-question">${q.text_md}</p>
      ${q.image_path && html`<img class="lq-image" src=${q.image_path} alt="" />`}
      ${mine && mine.status === "stored" ? html`<div class="lq-wait" data-testid="lq-sent"><p class="lq-verdict">Answer sent</p>
          <p class="muted">${count ? `${count.answered} of ${count.players} answered. ` : ""}Wait for the results.</p></div>`
        : mine && mine.status === "error" && mine.code === "too_late"
          ? html`<div class="alert alert-error lq-too-late" role="alert" data-testid="lq-too-late"><strong>Too late!</strong> ${mine.message}</div>`
          : html`${mine && mine.status === "error" && html`<div class="alert alert-error" role="alert" data-testid="lq-answer-error">${mine.message}</div>`}
            <${AnswerInput} key=${state.index} q=${q} busy=${mine && mine.status === "sending"} onAnswer=${answer} />`}`;
  } else if (q) {
    body = html`
      <p class="muted small">Question ${state.index + 1} of ${state.questions}</p>
      <p class="lq-q-text">${q.text_md}</p>
      ${state.phase === "results" && html`<${Feedback} me=${me} results=${results} q=${q} />
        ${results && html`<${AnswerChart} question=${q} chart=${results.chart} right=${results.right} />`}`}
      ${state.phase === "leaderboard" && html`<${Feedback} me=${me} results=${null} q=${null} summary />
        <h3>Leaderboard</h3><${Leaderboard} top=${results && results.top} teams=${results && results.teams} me=${pid} />`}`;
  }
  return html`<div class="lq-player" data-testid="lq-player-view" data-phase=${state.phase} data-index=${state.index}>
    <p class="muted small lq-title">${state.title}</p>${body}</div>`;
}

/** MemberPlay is the route for course members: join (or resume), then play. */
function MemberPlay({ gid }) {
  const { site } = useApp();
  useTitle("Live quiz", site);
  const [me, setMe] = useState(null);
  const [err, setErr] = useState(null);
  const load = () => joinGame(gid).then((m) => { setMe(m); return m; });
  useEffect(() => { load().catch(setErr); }, [gid]);
  if (err) return html`<${ErrorState} error=${err} title="You can't join this game" onRetry=${() => { setErr(null); load().catch(setErr); }} />`;
  if (!me) return html`<${Loading} label="Joining…" />`;
  return html`<div class="page lq-page"><${Player} initial=${me} reloadMe=${load} /></div>`;
}

/** GuestPlay is /quiz: a guest's game, resumed from the kept token. */
function GuestPlay() {
  const { site, me: user } = useApp();
  useTitle("Live quiz", site);
  const saved = (() => { try { return JSON.parse(localStorage.getItem(guestKey) || "null"); } catch { return null; } })();
  const token = saved && saved.token;
  const [me, setMe] = useState(null);
  const [err, setErr] = useState(null);
  const [started] = useState(() => !user && !isRunning());
  useEffect(() => {
    if (!token) { navigate("/join", { replace: true }); return undefined; }
    if (started) live.start({ url: "/api/v1/live-quiz/ws" });
    guestMe(token).then(setMe, setErr);
    return () => { if (started) live.stop(); };
  }, [token]);
  if (!token) return null;
  if (err) {
    return html`<div class="page lq-page"><${ErrorState} error=${err} title="You're no longer in this game" />
      <p><a class="btn" href="/join" onClick=${() => localStorage.removeItem(guestKey)}>Join another game</a></p></div>`;
  }
  if (!me) return html`<${Loading} label="Joining…" />`;
  return html`<div class="page lq-page"><${Player} initial=${me} reloadMe=${() => guestMe(token).then((m) => { setMe(m); return m; })} /></div>`;
}

export default function LiveQuizPlayPage({ params }) {
  if (params.gid) return html`<${MemberPlay} gid=${params.gid} />`;
  return html`<${GuestPlay} />`;
}

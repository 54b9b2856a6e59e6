// /courses/{id}/live-quizzes/{gid} (control panel) and …/present (the
// presenter view for a projector). Both follow the game's staff topic
// (docs/livequiz.md): state, lobby with players, live count with chart,
// results, leaderboard and podium; the control panel drives the game with
// POST …/control, sending the state version it saw (two tabs cannot
// advance twice).
import { html, useState, useEffect, useRef } from "../html.js";
import { useApp } from "../session.js";
import { live, serverClockOffset } from "../live.js";
import { errorMessage } from "../api.js";
import { useTitle, useLoad, Loading, ErrorState, Section, Badge, CopyButton } from "../ui.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { getGame, getResults, control, topics, gamePath, resultsCSVURL, phaseLabel, rightText, typeLabels,
  Countdown, AnswerChart, Leaderboard, Podium } from "./livequiz-api.js";

// useStaffGame loads a game and follows its staff topic.
function useStaffGame(id) {
  const detail = useLoad((signal) => getGame(id, signal), [id]);
  const [st, setSt] = useState({ state: null, players: null, count: null, results: null });
  const roster = useLoad((signal) => getResults(id, signal).then((r) => r.players || []), [id]);
  // A lobby push carries the whole list: it wins over a roster read asked
  // for before it arrived.
  const lobbyPushed = useRef(false);
  useEffect(() => {
    if (detail.data) setSt((s) => ({ ...s, state: s.state && s.state.version >= detail.data.state.version ? s.state : detail.data.state }));
  }, [detail.data]);
  useEffect(() => {
    if (roster.data) setSt((s) => ({ ...s, players: s.players && lobbyPushed.current ? s.players : roster.data.filter((p) => !p.removed_at) }));
  }, [roster.data]);
  useEffect(() => {
    // Read the game and its roster again after missed pushes, and once the
    // subscription is in place (the first loads may predate it: a player
    // joining or the game moving on in between would be pushed to no one).
    const reread = () => { lobbyPushed.current = false; detail.reload(); roster.reload(); };
    const off = live.subscribe(topics.staff(id), (d) => {
      if (!d) return;
      if (d.type === "state") {
        setSt((s) => {
          if (s.state && d.version < s.state.version) return s;
          const moved = !s.state || s.state.index !== d.index;
          return { ...s, state: d, count: moved ? null : s.count, results: moved || d.phase === "open" ? null : s.results };
        });
      } else if (d.type === "lobby") {
        lobbyPushed.current = true;
        setSt((s) => ({ ...s, players: d.players || s.players }));
      } else if (d.type === "count") setSt((s) => ({ ...s, count: d }));
      else if (d.type === "results" || d.type === "leaderboard" || d.type === "finished") setSt((s) => ({ ...s, results: d }));
      else if (d.type === "deleted") toast("This live quiz was deleted.", "info");
    }, { onReset: reread, onStart: reread, quiet: true });
    return off;
  }, [id]);
  // Results of a closed question after a reload: ask the API once.
  const ph = st.state && st.state.phase;
  useEffect(() => {
    if (!ph || ph === "lobby" || ph === "open" || st.results) return;
    getResults(id).then((r) => {
      const q = r.questions[st.state.index];
      if (q) setSt((s) => (s.results ? s : { ...s, results: { type: ph, index: st.state.index, chart: q.chart, right: q.right, top: r.standings.slice(0, 10), teams: r.teams } }));
    }, () => {});
  }, [ph, st.state && st.state.index]);
  const now = () => Date.now() + (serverClockOffset() || 0);
  return { detail, ...st, setState: (state) => setSt((s) => (s.state && s.state.version > state.version ? s : { ...s, state })), now };
}

// Buttons allowed per phase (docs/livequiz.md, Flow and state).
const actionsByPhase = {
  lobby: [["start", "Start", "btn-primary"]],
  open: [["close", "Close now", "btn-primary"], ["pause", "Pause", ""], ["resume", "Resume", ""], ["extend", "+15 s", ""], ["skip", "Skip", ""]],
  results: [["leaderboard", "Leaderboard", "btn-primary"], ["next", "Next question", ""], ["skip", "Skip", ""]],
  leaderboard: [["next", "Next question", "btn-primary"], ["skip", "Skip", ""]],
  finished: [],
};

function ControlBar({ game, g }) {
  const [busy, setBusy] = useState("");
  const s = g.state;
  async function act(action, extra = {}) {
    if (action === "end" && !(await confirm({ title: "End the game now?", body: "Players see the podium.", confirmLabel: "End game", danger: true }))) return;
    setBusy(action);
    try {
      g.setState(await control(game.id, { action, version: s.version, ...extra }));
    } catch (e) {
      toast(e.code === "conflict" ? "The game moved on meanwhile (another tab?). The panel shows where it is now." : errorMessage(e), "error");
      g.detail.reload();
    } finally { setBusy(""); }
  }
  const list = (actionsByPhase[s.phase] || []).filter(([a]) => (a === "pause" ? !s.paused_at : a === "resume" ? !!s.paused_at : true));
  const last = s.index + 1 >= s.questions;
  return html`<div class="actions lq-controls" data-testid="lq-controls">
    ${list.map(([a, label, kind]) => html`<button type="button" class=${`btn btn-big ${kind}`} disabled=${!!busy}
        onClick=${() => act(a, a === "extend" ? { seconds: 15 } : {})} data-testid=${`lq-${a}`}>
        ${a === "next" && last ? "Podium" : label}</button>`)}
    ${s.phase !== "finished" && html`<button type="button" class="btn btn-danger-ghost" disabled=${!!busy} onClick=${() => act("end")} data-testid="lq-end">End game</button>`}
  </div>`;
}

function Players({ game, g }) {
  const players = g.players || [];
  async function remove(p) {
    if (!(await confirm({ title: `Remove ${p.nickname}?`, body: "Their answers stop counting and they cannot come back.", confirmLabel: "Remove", danger: true }))) return;
    try { await control(game.id, { action: "remove", player_id: p.id }); } catch (e) { toast(errorMessage(e), "error"); }
  }
  return html`<${Section} id="lq-players" title=${`Players (${players.length})`} testid="lq-players">
    ${players.length === 0 ? html`<p class="muted">No one has joined yet.</p>`
      : html`<ul class="list lq-player-list">${players.map((p) => html`<li key=${p.id} class="list-row" data-testid="lq-player">
          <span>${p.nickname} ${!p.user_id && html`<${Badge}>Guest<//>`} ${p.team > 0 && html`<${Badge} kind="accent">Team ${p.team}<//>`}</span>
          <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => remove(p)} data-testid="lq-remove">Remove</button></li>`)}</ul>`}
  <//>`;
}

function ControlPanel({ courseID, id }) {
  const g = useStaffGame(id);
  const { site } = useApp();
  const d = g.detail.data;
  useTitle(d ? `Control · ${d.game.title}` : "Live quiz", site);
  if (g.detail.loading && !d) return html`<${Loading} />`;
  if (g.detail.error && !d) return html`<${ErrorState} error=${g.detail.error} onRetry=${g.detail.reload} />`;
  if (!d.can_run) return html`<${ErrorState} title="Not available to you" error=${{ code: "forbidden" }} />`;
  const s = g.state || d.state;
  const full = (d.questions || [])[s.index];
  const q = s.question;
  const joinURL = `${location.origin}/join`;
  return html`<div class="page lq-page" data-testid="lq-control" data-phase=${s.phase}>
    <div class="page-head">
      <div class="page-title"><h1 id="page-title" tabindex="-1">${d.game.title}</h1>
        <p class="lede"><${Badge} kind="accent">${phaseLabel(s.phase)}<//> ${s.index >= 0 && html`Question ${s.index + 1} of ${s.questions}`}</p></div>
      <div class="actions">
        <a class="btn" href=${gamePath(courseID, id, "present")} target="_blank" rel="noopener" data-testid="lq-open-present">Presenter view</a>
        <a class="btn" href=${gamePath(courseID, id, "results")} data-testid="lq-open-results">Results</a>
      </div>
    </div>
    ${d.game.pin && s.phase !== "finished" && html`<div class="card lq-pin-card">
      <span>Guests join at <strong>${joinURL}</strong> with the PIN</span>
      <span class="lq-pin" data-testid="lq-pin">${d.game.pin}</span><${CopyButton} text=${d.game.pin} label="Copy PIN" /></div>`}
    <div class="card lq-now">
      <${ControlBar} game=${d.game} g=${{ ...g, state: s }} />
      ${q && html`<div class="lq-now-q">
        <p class="muted small">${typeLabels[q.type]} · ${q.seconds} s</p>
        <p class="lq-q-text" data-testid="lq-control-question">${q.text_md}</p>
        <${Countdown} state=${s} now=${g.now} />
        ${g.count && html`<p data-testid="lq-answered">${g.count.answered} of ${g.count.players} answered</p>`}
        <${AnswerChart} question=${q} chart=${(g.results && g.results.chart) || (g.count && g.count.chart)} right=${g.results && g.results.right} />
        ${g.results && g.results.right && html`<p>Right answer: <strong data-testid="lq-right">${rightText(q, g.results.right)}</strong></p>`}
        ${full && !g.results && html`<p class="muted small">Only you see this: the question's source ${full.source_id ? `#${full.source_id}` : "was typed here"}.</p>`}
      </div>`}
      ${s.phase === "finished" && html`<${Podium} top=${g.results && g.results.top} />`}
    </div>
    <${Players} game=${d.game} g=${g} />
  </div>`;
}

function Presenter({ id }) {
  const g = useStaffGame(id);
  const { site } = useApp();
  const d = g.detail.data;
  useTitle(d ? d.game.title : "Live quiz", site);
  const ref = useRef(null);
  if (g.detail.loading && !d) return html`<${Loading} />`;
  if (g.detail.error && !d) return html`<${ErrorState} error=${g.detail.error} onRetry=${g.detail.reload} />`;
  const s = g.state || d.state;
  const q = s.question;
  const r = g.results;
  let body;
  if (s.phase === "lobby") {
    body = html`<p class="projector-lede">Join from the room page${d.game.pin ? html`, or at <strong>${location.origin}/join</strong> with the PIN` : ""}</p>
      ${d.game.pin && html`<p class="lq-pin lq-pin-big" data-testid="lq-present-pin">${d.game.pin}</p>`}
      <p class="lq-big-count" data-testid="lq-present-players">${(g.players || []).length} joined</p>
      <ul class="lq-names">${(g.players || []).map((p) => html`<li key=${p.id}>${p.nickname}</li>`)}</ul>`;
  } else if (s.phase === "finished") {
    body = html`<h2 class="projector-title">Podium</h2><${Podium} top=${r && r.top} />`;
  } else if (s.phase === "leaderboard") {
    body = html`<h2 class="projector-title">Leaderboard</h2><${Leaderboard} top=${r && r.top} teams=${r && r.teams} />`;
  } else if (q) {
    body = html`
      <div class="lq-present-head"><span class="muted">Question ${s.index + 1} of ${s.questions}</span>
        <${Countdown} state=${s} now=${g.now} big /></div>
      <h2 class="projector-title" data-testid="lq-present-question">${q.text_md}</h2>
      ${q.image_path && html`<img class="lq-image" src=${q.image_path} alt="" />`}
      ${s.phase === "open" && html`<p class="lq-big-count" data-testid="lq-present-answered">${g.count ? g.count.answered : 0} answers</p>
        ${(q.choices || []).length > 0 && html`<ol class="lq-present-choices">${q.choices.map((c) => html`<li key=${c.id}>${c.text}</li>`)}</ol>`}`}
      ${s.phase === "results" && html`<${AnswerChart} question=${q} chart=${r && r.chart} right=${r && r.right} testid="lq-present-chart" />
        ${r && r.right && html`<p class="projector-lede">Right answer: <strong>${rightText(q, r.right)}</strong></p>`}`}`;
  }
  const full = () => (ref.current && ref.current.requestFullscreen ? ref.current.requestFullscreen().catch(() => {}) : null);
  return html`<div class="page"><div class="projector lq-presenter" ref=${ref} data-testid="lq-presenter" data-phase=${s.phase}>
    <p class="muted">${d.game.title}</p>
    ${body}
    <div class="actions projector-actions"><button type="button" class="btn btn-small" onClick=${full}>Full screen</button></div>
  </div></div>`;
}

export default function LiveQuizRunPage({ params }) {
  if (params.view === "present") return html`<${Presenter} id=${params.gid} />`;
  return html`<${ControlPanel} courseID=${params.id} id=${params.gid} />`;
}

export { resultsCSVURL };

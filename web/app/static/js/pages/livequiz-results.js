// /courses/{id}/live-quizzes/{gid}/results: a live quiz's results for its
// staff: the standings (and teams), then per question its chart, the right
// answer and who answered what and when; a CSV export.
import { html } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, Loading, ErrorState, Section } from "../ui.js";
import { getResults, resultsCSVURL, gamePath, rightText, typeLabels, AnswerChart, Leaderboard } from "./livequiz-api.js";

function responseText(view, r) {
  if (!r) return "";
  if (r.choices || r.order || r.bool !== undefined) return rightText(view, r.order ? { order: r.order } : r);
  return r.text || "";
}

function QuestionResult({ qr, n }) {
  const v = qr.view;
  const graded = v.type !== "poll" && v.type !== "wordcloud";
  return html`<${Section} id=${`lq-q-${n}`} title=${`${n + 1}. ${v.text_md}`} description=${typeLabels[v.type]} testid="lq-result-question">
    <${AnswerChart} question=${v} chart=${qr.chart} right=${qr.right} testid="lq-result-chart" />
    ${qr.right && html`<p>Right answer: <strong>${rightText(v, qr.right)}</strong></p>`}
    ${qr.answers.length === 0 ? html`<p class="muted">No answers.</p>` : html`<div class="gradebook-scroll"><table class="table">
      <thead><tr><th scope="col">Player</th><th scope="col">Answer</th>${graded && html`<th scope="col">Points</th>`}<th scope="col">Time</th></tr></thead>
      <tbody>${qr.answers.map((a) => html`<tr key=${a.player_id} data-testid="lq-answer-row">
        <td>${a.nickname}</td><td>${responseText(v, a.response)}</td>
        ${graded && html`<td>${Math.round(a.points)}${a.fraction >= 1 ? " ✓" : ""}</td>`}
        <td>${(a.elapsed_ms / 1000).toFixed(1)} s</td></tr>`)}</tbody></table></div>`}
  <//>`;
}

export default function LiveQuizResultsPage({ params }) {
  const { site } = useApp();
  const res = useLoad((signal) => getResults(params.gid, signal), [params.gid]);
  const r = res.data;
  useTitle(r ? `Results · ${r.game.title}` : "Live quiz results", site);
  if (res.loading && !r) return html`<${Loading} />`;
  if (res.error && !r) return html`<${ErrorState} error=${res.error} onRetry=${res.reload} />`;
  return html`<div class="page lq-page" data-testid="lq-results">
    <a class="back-link" href=${gamePath(params.id, params.gid)}>← Control panel</a>
    <div class="page-head"><div class="page-title"><h1 id="page-title" tabindex="-1">${r.game.title}: results</h1>
      <p class="lede">${r.players.length} players · ${r.questions.length} questions${r.game.settings.graded ? " · graded" : ""}</p></div>
      <div class="actions"><a class="btn" href=${resultsCSVURL(params.gid)} download data-native data-testid="lq-csv">Download CSV</a></div></div>
    <${Section} id="lq-standings" title="Standings"><${Leaderboard} top=${r.standings} teams=${r.teams} testid="lq-result-standings" /><//>
    ${r.questions.map((qr, i) => html`<${QuestionResult} key=${i} qr=${qr} n=${i} />`)}
  </div>`;
}

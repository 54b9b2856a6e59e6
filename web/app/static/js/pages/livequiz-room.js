// /courses/{id}/rooms/{roomId}/quizzes: a room's live quizzes. Members see
// the running ones and join; staff (run_live) also create one (questions
// from the bank, from a quiz, or typed on the spot; the game's rules) and
// open its control panel, presenter view and results.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { useLoad, Loading, ErrorState, EmptyState, Section, Badge, Time } from "../ui.js";
import { CourseFrame, can } from "./course-common.js";
import { listQuestions, listQuizzes } from "./quiz-api.js";
import { listGames, createGame, gamePath, typeLabels, phaseLabel } from "./livequiz-api.js";

const liveKinds = new Set(Object.keys(typeLabels));
const spotKinds = ["single", "truefalse", "poll", "wordcloud", "shortanswer"];

// spotQuestion builds a typed-on-the-spot question from the little form.
function spotQuestion(kind, text, lines, right) {
  const q = { type: kind, text_md: text, body: {} };
  const opts = lines.split("\n").map((s) => s.trim()).filter(Boolean);
  if (kind === "single" || kind === "poll") {
    const r = Math.max(0, Math.min(opts.length - 1, (parseInt(right, 10) || 1) - 1));
    q.body.choice = { choices: opts.map((t, i) => ({ id: `c${i + 1}`, text_md: t, fraction: kind === "single" && i === r ? 1 : 0 })), shuffle: false };
  } else if (kind === "truefalse") {
    q.body.truefalse = { answer: !/^f/i.test(right || "true") };
  } else if (kind === "shortanswer") {
    q.body.shortanswer = { answers: opts.map((p, i) => ({ id: `a${i + 1}`, pattern: p, fraction: 1 })), case_sensitive: false };
  }
  return q;
}

// QuestionPicker adds questions to the list: bank, quiz or typed.
function QuestionPicker({ courseID, onAdd }) {
  const bank = useLoad((signal) => listQuestions(courseID, { limit: 200 }, signal), [courseID]);
  const quizzes = useLoad((signal) => listQuizzes(courseID, signal), [courseID]);
  const [kind, setKind] = useState("single");
  const [text, setText] = useState("");
  const [lines, setLines] = useState("");
  const [right, setRight] = useState("1");
  const [secs, setSecs] = useState("20");
  const seconds = Math.min(300, Math.max(5, parseInt(secs, 10) || 20));
  const bankItems = ((bank.data && bank.data.items) || []).filter((q) => liveKinds.has(q.type));
  const quizItems = (quizzes.data && (quizzes.data.items || quizzes.data)) || [];
  const addBank = (e) => {
    const q = bankItems.find((x) => String(x.id) === e.currentTarget.value);
    if (q) onAdd({ bank_question_id: q.id, seconds, label: q.title, type: q.type });
    e.currentTarget.value = "";
  };
  const addQuiz = (e) => {
    const q = quizItems.find((x) => String(x.id) === e.currentTarget.value);
    if (q) onAdd({ quiz_id: q.id, seconds, label: `Every question of “${q.title}”`, type: "quiz" });
    e.currentTarget.value = "";
  };
  const addSpot = () => {
    if (!text.trim()) return;
    onAdd({ question: spotQuestion(kind, text.trim(), lines, right), seconds, label: text.trim(), type: kind });
    setText(""); setLines(""); setRight("1");
  };
  const needsLines = kind === "single" || kind === "poll" || kind === "shortanswer";
  const opts = lines.split("\n").map((x) => x.trim()).filter(Boolean);
  return html`<div class="lq-picker">
    <${Field} id="lq-seconds" type="select" label="Time to answer" hint="For the questions you add next; change each one in the list."
        value=${secs} onChange=${(e) => setSecs(e.currentTarget.value)}>
      ${[10, 20, 30, 45, 60, 90, 120].map((n) => html`<option value=${String(n)}>${n} seconds</option>`)}<//>
    <div class="grid-2">
      <${Field} id="lq-bank" type="select" label="Add from the question bank" onChange=${addBank} data-testid="lq-add-bank">
        <option value="">${bank.loading ? "Loading…" : bankItems.length ? "Pick a question…" : "No suitable questions"}</option>
        ${bankItems.map((q) => html`<option value=${q.id}>${q.title} (${typeLabels[q.type]})</option>`)}
      <//>
      <${Field} id="lq-quiz" type="select" label="Add every question of a quiz" onChange=${addQuiz} data-testid="lq-add-quiz">
        <option value="">${quizzes.loading ? "Loading…" : quizItems.length ? "Pick a quiz…" : "No quizzes"}</option>
        ${quizItems.map((q) => html`<option value=${q.id}>${q.title}</option>`)}
      <//>
    </div>
    <fieldset class="fieldset lq-spot">
      <legend>Or type one now</legend>
      <div class="grid-2">
        <${Field} id="lq-spot-kind" type="select" label="Kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
          ${spotKinds.map((k) => html`<option value=${k}>${typeLabels[k]}</option>`)}
        <//>
        <${Field} id="lq-spot-text" label="Question" value=${text} onInput=${(e) => setText(e.currentTarget.value)} maxlength="500" />
        ${needsLines && html`<${Field} id="lq-spot-lines" type="textarea" rows="3" label=${kind === "shortanswer" ? "Accepted answers (one a line)" : "Options (one a line)"}
            value=${lines} onInput=${(e) => setLines(e.currentTarget.value)} />`}
        ${kind === "single" && html`<${Field} id="lq-spot-right" type="select" label="Right option" value=${right}
            onChange=${(e) => setRight(e.currentTarget.value)}>
            ${opts.length === 0 ? html`<option value="1">Type the options first</option>`
              : opts.map((o, i) => html`<option value=${String(i + 1)}>${o}</option>`)}<//>`}
        ${kind === "truefalse" && html`<${Field} id="lq-spot-tf" type="select" label="Right answer" value=${right === "false" ? "false" : "true"}
            onChange=${(e) => setRight(e.currentTarget.value)}><option value="true">True</option><option value="false">False</option><//>`}
      </div>
      <div><button type="button" class="btn" onClick=${addSpot} data-testid="lq-add-spot">Add this question</button></div>
    </fieldset>
  </div>`;
}

// NewGameForm creates a game in the room and opens its control panel.
function NewGameForm({ course, roomID }) {
  const { pending, error, run } = useAction();
  const [qs, setQs] = useState([]);
  const [teams, setTeams] = useState("");
  async function onSubmit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const settings = {
      scoring: f.get("scoring"), streak: f.has("streak"), guests: f.has("guests"), graded: f.has("graded"),
      auto_close: f.has("auto_close"), teams: teams || undefined,
      team_count: teams === "random" ? parseInt(f.get("team_count"), 10) || 2 : 0, points: 1000,
    };
    const questions = qs.map(({ label, type, ...q }) => q);
    const d = await run(() => createGame(roomID, { title: f.get("title"), settings, questions }));
    if (d) navigate(gamePath(course.id, d.game.id));
  }
  const setSeconds = (i, v) => setQs(qs.map((q, j) => (j === i ? { ...q, seconds: parseInt(v, 10) || 20 } : q)));
  return html`<form class="form" onSubmit=${onSubmit} data-testid="live-quiz-form">
    <${FormError} error=${error} fields=${["title"]} />
    <${Field} id="lq-title" name="title" label="Title" required maxlength="200" error=${error} />
    <h3>Questions</h3>
    ${qs.length === 0 ? html`<p class="muted" data-testid="lq-no-questions">No questions yet: add some below.</p>`
      : html`<ol class="lq-qlist" data-testid="lq-qlist">${qs.map((q, i) => html`<li key=${i} class="list-row">
          <span><strong>${q.label}</strong> <span class="muted small">${typeLabels[q.type] || "Quiz"}</span></span>
          <span class="lq-qtools">
            <label class="small">Seconds <input type="number" min="5" max="300" class="input-narrow" value=${q.seconds}
              onInput=${(e) => setSeconds(i, e.currentTarget.value)} aria-label=${`Seconds for question ${i + 1}`} /></label>
            <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => setQs(qs.filter((_, j) => j !== i))}>Remove</button>
          </span></li>`)}</ol>`}
    <${QuestionPicker} courseID=${course.id} onAdd=${(q) => setQs((cur) => [...cur, q])} />
    <fieldset class="fieldset">
      <legend>Rules</legend>
      <div class="grid-2">
        <${Field} id="lq-scoring" name="scoring" type="select" label="Scoring">
          <option value="speed">Accuracy and speed</option><option value="accuracy">Accuracy only</option><//>
        <${Field} id="lq-teams" type="select" label="Teams" value=${teams} onChange=${(e) => setTeams(e.currentTarget.value)}>
          <option value="">No teams</option><option value="random">Random teams</option><//>
        ${teams === "random" && html`<${Field} id="lq-team-count" name="team_count" type="number" min="2" max="10" value="2" label="Number of teams" />`}
      </div>
      <label class="check"><input type="checkbox" name="streak" checked /><span>Streak bonus</span></label>
      <label class="check"><input type="checkbox" name="guests" data-testid="lq-guests" /><span>Guests may join with a PIN
        <span class="muted small">Anyone with the PIN joins with a nickname and sees nothing else of the course.</span></span></label>
      <label class="check"><input type="checkbox" name="graded" /><span>Graded <span class="muted small">Results go to the gradebook.</span></span></label>
      <label class="check"><input type="checkbox" name="auto_close" checked /><span>Close a question once everyone answered</span></label>
    </fieldset>
    <div class="form-actions"><${Submit} pending=${pending} pendingLabel="Creating…" testid="lq-create">Create live quiz<//></div>
  </form>`;
}

function GameRow({ course, game, staff }) {
  const ph = game.state.phase;
  return html`<li class="list-row" data-testid="lq-game" data-game-id=${game.id}>
    <span class="list-main"><strong>${game.title}</strong> <${Badge} kind=${ph === "finished" ? "neutral" : "accent"}>${phaseLabel(ph)}<//>
      <span class="muted small"> <${Time} at=${game.created_at} /></span></span>
    <span class="actions">
      ${ph !== "finished" && html`<a class="btn btn-small btn-primary" href=${gamePath(course.id, game.id, "play")} data-testid="lq-play-link">Join</a>`}
      ${staff && html`<a class="btn btn-small" href=${gamePath(course.id, game.id)} data-testid="lq-control-link">Control</a>
        <a class="btn btn-small" href=${gamePath(course.id, game.id, "present")} data-testid="lq-present-link">Present</a>
        <a class="btn btn-small" href=${gamePath(course.id, game.id, "results")} data-testid="lq-results-link">Results</a>`}
    </span></li>`;
}

function RoomQuizzes({ course, roomID }) {
  const games = useLoad((signal) => listGames(roomID, signal), [roomID]);
  const staff = can(course, "run_live");
  const [creating, setCreating] = useState(false);
  let list;
  if (games.loading && !games.data) list = html`<${Loading} />`;
  else if (games.error) list = html`<${ErrorState} error=${games.error} onRetry=${games.reload} />`;
  else if (games.data.items.length === 0) {
    list = html`<${EmptyState} title="No live quizzes in this room yet" testid="lq-empty">
      <p class="muted">${staff ? "Create one: players join from this page or with a PIN." : "When your teacher starts one, it shows here."}</p><//>`;
  } else {
    list = html`<ul class="list" data-testid="lq-games">${games.data.items.map((gm) => html`<${GameRow} key=${gm.id} course=${course} game=${gm} staff=${staff} />`)}</ul>`;
  }
  return html`
    <a class="back-link" href=${`/courses/${course.id}/rooms/${roomID}`}>← Back to the room</a>
    <${Section} id="lq-games" title="Live quizzes" testid="lq-room"
        actions=${staff && !creating && html`<button type="button" class="btn btn-primary" onClick=${() => setCreating(true)} data-testid="lq-new">New live quiz</button>`}>
      ${list}
    <//>
    ${creating && html`<${Section} id="lq-new" title="New live quiz"><${NewGameForm} course=${course} roomID=${roomID} /><//>`}`;
}

export default function LiveQuizRoomPage({ params }) {
  return html`<${CourseFrame} id=${params.id} tab="rooms" title="Live quizzes">
    ${(course) => html`<${RoomQuizzes} course=${course} roomID=${params.roomId} />`}
  <//>`;
}

// /courses/{id}/quizzes/new and /courses/{id}/quizzes/{qid}/edit: the quiz
// builder. Settings (behaviour, time limit, attempts, grading, pass mark,
// dates, shuffles, review options, access code, draft) and the slots: a
// question from the bank or N at random from a category, each with its
// points, dragged (or moved with the arrows) into order. A new quiz stands
// at a new lesson of the chosen module, so it appears in the outline. A
// saved quiz also lists its overrides (quiz-overrides.js).
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState } from "../ui.js";
import { navigate } from "../router.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { getOutline, createLesson } from "./course-api.js";
import { CourseFrame, can, dateTimeInput, fromDateInput, moveItem } from "./course-common.js";
import { Overrides } from "./quiz-overrides.js";
import { getQuiz, createQuiz, updateQuiz, listCategories, listQuestions, quizPath, typeLabels } from "./quiz-api.js";

const reviewMoments = [["during", "While answering (after Check)"], ["after", "After submitting"], ["closed", "After the quiz closes"]];
const reviewOptions = [["correctness", "Right or wrong"], ["marks", "Marks"], ["feedback", "Feedback"],
  ["general_feedback", "General feedback"], ["right_answer", "Right answer"]];

const allShown = { correctness: true, marks: true, feedback: true, general_feedback: true, right_answer: true };
const blankQuiz = { title: "", intro_md: "", draft: false, slots: [], shuffle_questions: false, shuffle_answers: true,
  time_limit_seconds: 0, attempts_allowed: 1, grading_method: "highest", pass_percent: 0, behaviour: "deferred",
  review: { during: allShown, after: allShown, closed: allShown }, access_code: "" };

function SlotList({ slots, setSlots, names }) {
  const [drag, setDrag] = useState(-1);
  const set = (i, k, v) => setSlots(slots.map((s, j) => (j === i ? { ...s, [k]: v } : s)));
  if (slots.length === 0) return html`<p class="muted" data-testid="no-slots">No questions yet: add some from the bank below.</p>`;
  return html`<ol class="slot-list" data-testid="slot-list">
    ${slots.map((s, i) => html`<li key=${`${i}-${s.family_id || `c${s.category_id}`}`} class=${`slot-row${drag === i ? " slot-dragging" : ""}`}
        draggable="true" data-testid="slot" onDragStart=${(e) => { setDrag(i); e.dataTransfer.effectAllowed = "move"; }}
        onDragOver=${(e) => e.preventDefault()} onDrop=${(e) => { e.preventDefault(); if (drag >= 0) setSlots(moveItem(slots, drag, i)); setDrag(-1); }}
        onDragEnd=${() => setDrag(-1)}>
      <span class="slot-handle" aria-hidden="true">⠿</span>
      <span class="slot-what">${s.family_id ? names.q[s.family_id] || `Question ${s.family_id}`
        : `${s.count} at random from “${names.c[s.category_id] || s.category_id}”`}</span>
      <label class="slot-points"><span class="small muted">Points</span>
        <input type="number" min="0" step="any" value=${s.points} aria-label="Points"
               onInput=${(e) => set(i, "points", Number(e.currentTarget.value))} data-testid="slot-points" /></label>
      <span class="slot-moves">
        <button type="button" class="btn btn-small" aria-label="Move up" disabled=${i === 0} onClick=${() => setSlots(moveItem(slots, i, i - 1))}>↑</button>
        <button type="button" class="btn btn-small" aria-label="Move down" disabled=${i === slots.length - 1} onClick=${() => setSlots(moveItem(slots, i, i + 1))}>↓</button>
        <button type="button" class="btn btn-small" aria-label="Remove" onClick=${() => setSlots(slots.filter((_, j) => j !== i))}>✕</button>
      </span>
    </li>`)}
  </ol>`;
}

function AddFromBank({ courseID, cats, onAdd }) {
  const [catID, setCatID] = useState(cats[0] ? cats[0].id : 0);
  const [count, setCount] = useState(1);
  const [points, setPoints] = useState(1);
  const qs = useLoad((signal) => (catID ? listQuestions(courseID, { category_id: catID, limit: 200 }, signal) : Promise.resolve(null)), [catID]);
  if (cats.length === 0) return html`<p class="muted">The question bank is empty: write or import questions first.</p>`;
  return html`<div class="add-from-bank" data-testid="add-from-bank">
    <div class="form-row">
      <${Field} id="bank-category" type="select" label="Category" value=${catID} onChange=${(e) => setCatID(Number(e.currentTarget.value))}>
        ${cats.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}<//>
    </div>
    <ul class="list">${qs.data && qs.data.items.map((q) => html`<li key=${q.id} class="list-row" data-testid="bank-pick" data-title=${q.title}>
      <span>${q.title}</span> <span class="muted small">${typeLabels[q.type]}</span>
      <button type="button" class="btn btn-small" data-testid="add-question"
              onClick=${() => onAdd({ family_id: q.family_id, points: q.default_points }, q.title)}>Add</button></li>`)}</ul>
    <div class="form-row">
      <${Field} id="random-count" type="number" min="1" label="Random questions" value=${count} onInput=${(e) => setCount(Number(e.currentTarget.value))} />
      <${Field} id="random-points" type="number" min="0" step="any" label="Points each" value=${points} onInput=${(e) => setPoints(Number(e.currentTarget.value))} />
      <button type="button" class="btn" data-testid="add-random"
              onClick=${() => onAdd({ category_id: catID, count, points })}>Add random from this category</button>
    </div>
  </div>`;
}

function Builder({ course, quiz, outline, cats }) {
  const [q, setQ] = useState(quiz || blankQuiz);
  const [moduleID, setModuleID] = useState(outline.modules[0] ? outline.modules[0].id : 0);
  const [names, setNames] = useState(() => ({ q: {}, c: Object.fromEntries(cats.map((c) => [c.id, c.name])) }));
  const save = useAction();
  const set = (k, conv = (v) => v) => (e) => setQ({ ...q, [k]: conv(e.currentTarget.type === "checkbox" ? e.currentTarget.checked : e.currentTarget.value) });
  const setReview = (m, k, v) => setQ({ ...q, review: { ...q.review, [m]: { ...q.review[m], [k]: v } } });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await save.run(async () => {
      if (quiz) return updateQuiz(quiz.id, q);
      if (!moduleID) throw Object.assign(new Error("no module"), { name: "Error" });
      const lesson = await createLesson(moduleID, { title: q.title || "Quiz", draft: q.draft });
      return createQuiz(course.id, { ...q, lesson_id: lesson.id });
    });
    if (saved) navigate(quizPath(course.id, saved.id));
  };
  return html`<form class="form quiz-builder" onSubmit=${submit} data-testid="quiz-form">
    <section class="card section">
      <h2>Settings</h2>
      <${Field} id="quiz-title" name="title" label="Title" value=${q.title} onInput=${set("title")} error=${save.error} required />
      <${Field} id="quiz-intro" name="intro_md" type="textarea" rows="3" label="Introduction" optional value=${q.intro_md} onInput=${set("intro_md")} error=${save.error} />
      ${!quiz && html`<${Field} id="quiz-module" type="select" label="Module (the quiz appears there in the outline)" value=${moduleID}
          onChange=${(e) => setModuleID(Number(e.currentTarget.value))}>
          ${outline.modules.map((m) => html`<option key=${m.id} value=${m.id}>${m.title}</option>`)}<//>`}
      <div class="form-row">
        <${Field} id="quiz-behaviour" name="behaviour" type="select" label="Feedback" value=${q.behaviour} onChange=${set("behaviour")} error=${save.error}>
          <option value="deferred">After submitting (deferred)</option>
          <option value="immediate">Check each answer (immediate)</option>
          <option value="interactive">Several tries with hints (interactive)</option><//>
        <${Field} id="quiz-time" name="time_limit_seconds" type="number" min="0" label="Time limit (minutes, 0: none)"
            value=${Math.round(q.time_limit_seconds / 60)} onInput=${set("time_limit_seconds", (v) => Math.round(Number(v) * 60))} error=${save.error} />
      </div>
      <div class="form-row">
        <${Field} id="quiz-attempts" name="attempts_allowed" type="number" min="0" label="Attempts (0: unlimited)"
            value=${q.attempts_allowed} onInput=${set("attempts_allowed", Number)} error=${save.error} />
        <${Field} id="quiz-grading" name="grading_method" type="select" label="Grade" value=${q.grading_method} onChange=${set("grading_method")}>
          <option value="highest">Highest attempt</option><option value="last">Last attempt</option>
          <option value="first">First attempt</option><option value="average">Average</option><//>
        <${Field} id="quiz-pass" name="pass_percent" type="number" min="0" max="100" step="any" label="Pass mark %"
            value=${q.pass_percent} onInput=${set("pass_percent", Number)} error=${save.error} />
      </div>
      <div class="form-row">
        <${Field} id="quiz-opens" name="opens_at" type="datetime-local" label="Opens" optional value=${dateTimeInput(q.opens_at)}
            onInput=${set("opens_at", fromDateInput)} error=${save.error} />
        <${Field} id="quiz-closes" name="closes_at" type="datetime-local" label="Closes" optional value=${dateTimeInput(q.closes_at)}
            onInput=${set("closes_at", fromDateInput)} error=${save.error} />
      </div>
      <${Field} id="quiz-code" name="access_code" label="Access code" optional value=${q.access_code || ""} onInput=${set("access_code")} error=${save.error} />
      <label class="check"><input type="checkbox" checked=${q.shuffle_questions} onChange=${set("shuffle_questions")} /> Shuffle the questions</label>
      <label class="check"><input type="checkbox" checked=${q.shuffle_answers} onChange=${set("shuffle_answers")} /> Shuffle the answers</label>
      <label class="check"><input type="checkbox" checked=${q.draft} onChange=${set("draft")} data-testid="quiz-draft" /> Draft (hidden from learners)</label>
      <fieldset class="review-grid"><legend>What learners see</legend>
        <table class="table"><thead><tr><th></th>${reviewMoments.map(([m, l]) => html`<th key=${m} scope="col">${l}</th>`)}</tr></thead>
          <tbody>${reviewOptions.map(([k, l]) => html`<tr key=${k}><th scope="row">${l}</th>
            ${reviewMoments.map(([m]) => html`<td key=${m}><input type="checkbox" aria-label=${`${l}: ${m}`} checked=${!!q.review[m][k]}
                onChange=${(e) => setReview(m, k, e.currentTarget.checked)} /></td>`)}</tr>`)}</tbody></table>
      </fieldset>
    </section>
    <section class="card section">
      <h2>Questions</h2>
      <${SlotList} slots=${q.slots} names=${names} setSlots=${(slots) => setQ({ ...q, slots })} />
      <h3>Add from the bank</h3>
      <${AddFromBank} courseID=${course.id} cats=${cats} onAdd=${(slot, title) => {
        if (title) setNames({ ...names, q: { ...names.q, [slot.family_id]: title } });
        setQ({ ...q, slots: [...q.slots, slot] });
      }} />
    </section>
    <${FormError} error=${save.error} fields=${["title", "intro_md", "behaviour", "time_limit_seconds", "attempts_allowed", "pass_percent", "opens_at", "closes_at", "access_code"]} />
    <div class="form-actions"><${Submit} pending=${save.pending} testid="save-quiz">${quiz ? "Save the quiz" : "Create the quiz"}<//></div>
  </form>`;
}

function Load({ course, qid }) {
  const data = useLoad(async (signal) => {
    const [outline, cats, quiz] = await Promise.all([getOutline(course.id, signal), listCategories(course.id, signal),
      qid ? getQuiz(qid, signal) : null]);
    return { outline, cats: cats.items, quiz };
  }, [course.id, qid]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error && !data.data) return html`<${ErrorState} error=${data.error} onRetry=${data.reload} />`;
  return html`<${Builder} course=${course} ...${data.data} />
    ${data.data.quiz && html`<${Overrides} course=${course} quiz=${data.data.quiz} />`}`;
}

export default function QuizEditPage({ params }) {
  return html`<${CourseFrame} id=${params.id} tab="questions" title=${params.qid ? "Edit quiz" : "New quiz"}
      allow=${(c) => can(c, "edit_content")}>
    ${(course) => html`<${Load} course=${course} qid=${params.qid} />`}<//>`;
}

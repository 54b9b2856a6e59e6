// QuestionEditor edits one question of the bank, any type, beside a live
// preview as a learner will see it (POST /courses/{id}/questions/preview,
// which also says what is wrong before saving; "try other values" asks for
// another learner's draw). Every type has its own fields; fill in the
// blanks and calculated questions are in question-edit-parts.js. The
// lessons a question tests (the learner report's "what to review next")
// are picked from the course's outline and saved with the question.
import { html, useState, useEffect } from "../html.js";
import { useDebounced } from "../ui.js";
import { errorMessage } from "../api.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { createQuestion, updateQuestion, previewQuestion, typeLabels } from "./quiz-api.js";
import { QuestionView } from "./quiz-question.js";
import { getOutline } from "./course-api.js";
import { questionLessons, setQuestionLessons } from "./reports-api.js";
import { insertBlock, markdownFor, UploadButtons, imageUpload } from "./lesson-edit.js";
import { Rows, newID, BlanksEditor, CalculatedEditor } from "./question-edit-parts.js";

const previewDelayMs = 400;

/** defaultBody is a starting body for each type. */
export function defaultBody(type) {
  switch (type) {
    case "single": case "multiple": return { choice: { shuffle: true, choices: [
      { id: newID("c"), text_md: "", fraction: type === "single" ? 1 : 0.5 },
      { id: newID("c"), text_md: "", fraction: type === "single" ? 0 : 0.5 }] } };
    case "truefalse": return { truefalse: { answer: true } };
    case "shortanswer": return { shortanswer: { case_sensitive: false, answers: [{ id: newID("a"), pattern: "", fraction: 1 }] } };
    case "numerical": return { numerical: { answers: [{ id: newID("a"), kind: "exact", value: 0, tolerance: 0, fraction: 1 }] } };
    case "matching": return { matching: { shuffle: true, pairs: [{ id: newID("p"), stem_md: "", answer: "" }, { id: newID("p"), stem_md: "", answer: "" }] } };
    case "ordering": return { ordering: { all_or_nothing: false, items: [{ id: newID("i"), text_md: "" }, { id: newID("i"), text_md: "" }] } };
    case "blanks": return { blanks: { gaps: [] } };
    case "calculated": return { calculated: { variables: [{ name: "x", min: 1, max: 10, decimals: 0 }],
      answers: [{ id: "a1", formula: "{x} * 2", fraction: 1, tolerance: 0.01, tolerance_kind: "relative", format: "decimals", digits: 2 }] } };
    case "essay": return { essay: { min_words: 0, max_words: 0 } };
    default: return {};
  }
}

function BodyEditor({ type, body, setBody, text, setText, onTry }) {
  switch (type) {
    case "single": case "multiple": {
      const b = body.choice;
      return html`<${Rows} testid="choice-rows" items=${b.choices}
        cols=${[["text_md", "Answer"], ["fraction", "Credit %", "percent"], ["feedback_md", "Feedback"]]}
        add=${() => ({ id: newID("c"), text_md: "", fraction: 0 })} min=${2}
        onChange=${(choices) => setBody({ choice: { ...b, choices } })} />`;
    }
    case "truefalse": {
      const b = body.truefalse;
      return html`<div>
        <${Field} id="tf-answer" type="select" label="The statement is" value=${b.answer ? "true" : "false"}
            onChange=${(e) => setBody({ truefalse: { ...b, answer: e.currentTarget.value === "true" } })}>
          <option value="true">True</option><option value="false">False</option><//>
        <${Field} id="tf-fb-true" label="Feedback for “true”" optional value=${b.feedback_true_md || ""}
            onInput=${(e) => setBody({ truefalse: { ...b, feedback_true_md: e.currentTarget.value } })} />
        <${Field} id="tf-fb-false" label="Feedback for “false”" optional value=${b.feedback_false_md || ""}
            onInput=${(e) => setBody({ truefalse: { ...b, feedback_false_md: e.currentTarget.value } })} />
      </div>`;
    }
    case "shortanswer": {
      const b = body.shortanswer;
      return html`<div>
        <${Rows} testid="answer-rows" items=${b.answers} cols=${[["pattern", "Accepted answer (* is a wildcard)"], ["fraction", "Credit %", "percent"], ["feedback_md", "Feedback"]]}
          add=${() => ({ id: newID("a"), pattern: "", fraction: 0 })} onChange=${(answers) => setBody({ shortanswer: { ...b, answers } })} />
        <label class="check"><input type="checkbox" checked=${b.case_sensitive}
          onChange=${(e) => setBody({ shortanswer: { ...b, case_sensitive: e.currentTarget.checked } })} /> Case matters</label>
      </div>`;
    }
    case "numerical": {
      const b = body.numerical;
      return html`<${Rows} testid="answer-rows" items=${b.answers}
        cols=${[["value", "Value", "number"], ["tolerance", "± tolerance", "number"], ["fraction", "Credit %", "percent"], ["feedback_md", "Feedback"]]}
        add=${() => ({ id: newID("a"), kind: "exact", value: 0, tolerance: 0, fraction: 0 })}
        onChange=${(answers) => setBody({ numerical: { ...b, answers } })} />`;
    }
    case "matching": {
      const b = body.matching;
      return html`<${Rows} testid="pair-rows" items=${b.pairs} cols=${[["stem_md", "Item"], ["answer", "Matches"]]} min=${2}
        add=${() => ({ id: newID("p"), stem_md: "", answer: "" })} onChange=${(pairs) => setBody({ matching: { ...b, pairs } })} />`;
    }
    case "ordering": {
      const b = body.ordering;
      return html`<div><p class="hint">List the items in the right order; learners get them shuffled.</p>
        <${Rows} testid="item-rows" items=${b.items} cols=${[["text_md", "Item"]]} min=${2}
        add=${() => ({ id: newID("i"), text_md: "" })} onChange=${(items) => setBody({ ordering: { ...b, items } })} /></div>`;
    }
    case "essay": {
      const b = body.essay;
      return html`<div class="form-row">
        <${Field} id="essay-min" type="number" min="0" label="Minimum words" optional value=${b.min_words || 0}
            onInput=${(e) => setBody({ essay: { ...b, min_words: Number(e.currentTarget.value) } })} />
        <${Field} id="essay-max" type="number" min="0" label="Maximum words" optional value=${b.max_words || 0}
            onInput=${(e) => setBody({ essay: { ...b, max_words: Number(e.currentTarget.value) } })} />
      </div>`;
    }
    case "blanks":
      return html`<${BlanksEditor} body=${body} setBody=${setBody} text=${text} setText=${setText} />`;
    case "calculated":
      return html`<${CalculatedEditor} body=${body} setBody=${setBody} onTry=${onTry} />`;
    default:
      return null;
  }
}

/** sameIDs says whether two id lists hold the same ids. */
const sameIDs = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * useLessons loads the course's lessons (by module) and the lessons the
 * question tests: {modules, ids, saved, error}; ids is null until loaded.
 */
function useLessons(courseID, questionID) {
  const [st, setSt] = useState({ modules: null, ids: null, saved: [], error: "" });
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all([getOutline(courseID, ctl.signal), questionID ? questionLessons(questionID, ctl.signal) : { lesson_ids: [] }]).then(
      ([o, tags]) => setSt({ modules: o.modules, ids: tags.lesson_ids || [], saved: tags.lesson_ids || [], error: "" }),
      (e) => { if (e.name !== "AbortError") setSt((cur) => ({ ...cur, error: errorMessage(e) })); });
    return () => ctl.abort();
  }, [courseID, questionID]);
  return [st, (ids) => setSt((cur) => ({ ...cur, ids }))];
}

/** LessonPicker picks the lessons a question tests, module by module. */
function LessonPicker({ lessons, setIDs }) {
  const { modules, ids, error } = lessons;
  const toggle = (id, on) => setIDs(on ? [...ids, id] : ids.filter((x) => x !== id));
  let inner;
  if (error) inner = html`<p class="field-error">The lessons did not load: ${error}</p>`;
  else if (!modules || !ids) inner = html`<p class="muted small">Loading the lessons…</p>`;
  else if (!modules.some((m) => m.lessons.length > 0)) inner = html`<p class="muted small">This course has no lessons yet.</p>`;
  else {
    inner = modules.filter((m) => m.lessons.length > 0).map((m) => html`<div key=${m.id} class="q-lesson-module">
      <p class="small muted">${m.title}</p>
      ${m.lessons.map((l) => html`<label key=${l.id} class="check"><input type="checkbox" checked=${ids.includes(l.id)}
          data-testid="lesson-tag" data-title=${l.title} onChange=${(e) => toggle(l.id, e.currentTarget.checked)} /> ${l.title}</label>`)}
    </div>`);
  }
  return html`<fieldset class="q-lessons" data-testid="lesson-picker">
    <legend>Lessons it tests <span class="optional">(optional)</span></legend>
    <p class="hint">A learner who gets it wrong is told to review these lessons.</p>
    ${inner}
  </fieldset>`;
}

/**
 * QuestionEditor: question is the version to edit, or a new question
 * ({type, category_id}); onSaved(question) after saving.
 */
export function QuestionEditor({ courseID, question, onSaved, onCancel }) {
  const isNew = !question.id;
  const [q, setQ] = useState(() => ({ default_points: 1, text_md: "", title: "", ...question,
    body: question.body && Object.keys(question.body).length ? question.body : defaultBody(question.type) }));
  const [lessons, setLessonIDs] = useLessons(courseID, question.id);
  const [seed, setSeed] = useState(0);
  const save = useAction();
  const full = { ...q, default_points: q.type === "description" ? 0 : Number(q.default_points) };
  const still = useDebounced(JSON.stringify(full), previewDelayMs);
  const [preview, setPreview] = useState({ view: null, error: "" });
  useEffect(() => {
    const ctl = new AbortController();
    previewQuestion(courseID, JSON.parse(still), ctl.signal, seed).then(
      (view) => setPreview({ view, error: "" }),
      (e) => { if (e.name !== "AbortError") setPreview({ view: null, error: errorMessage(e) }); });
    return () => ctl.abort();
  }, [still, seed]);
  const set = (k) => (e) => setQ({ ...q, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await save.run(async () => {
      const sq = await (isNew ? createQuestion(courseID, full) : updateQuestion(q.id, full));
      if (lessons.ids && !sameIDs(lessons.ids, lessons.saved)) await setQuestionLessons(sq.id, lessons.ids);
      return sq;
    });
    if (saved) onSaved(saved);
  };
  return html`<div class="question-editor" data-testid="question-editor">
    <form class="form card section" onSubmit=${submit} data-testid="question-form">
      <h2>${isNew ? `New ${typeLabels[q.type].toLowerCase()} question` : `Edit “${q.title}” (version ${q.version})`}</h2>
      <${Field} id="q-title" name="title" label="Title (only staff see it)" value=${q.title} onInput=${set("title")} error=${save.error} required />
      <${Field} id="q-text" name="text_md" type="textarea" rows="4" label="Question" value=${q.text_md} onInput=${set("text_md")} error=${save.error} />
      <${UploadButtons} courseID=${courseID} kinds=${imageUpload} onUploaded=${(up) => setQ((cur) => ({ ...cur,
        text_md: insertBlock(cur.text_md || "", (cur.text_md || "").length, (cur.text_md || "").length, markdownFor(up)).value }))} />
      ${q.type !== "description" && html`<${Field} id="q-points" name="default_points" type="number" min="0" step="any"
          label="Default points" value=${q.default_points} onInput=${set("default_points")} error=${save.error} />`}
      <${BodyEditor} type=${q.type} body=${q.body} setBody=${(b) => setQ((cur) => ({ ...cur, body: b }))}
          text=${q.text_md} setText=${(t) => setQ((cur) => ({ ...cur, text_md: t }))} onTry=${() => setSeed((n) => (n || 1) + 1)} />
      <${Field} id="q-general" name="general_feedback_md" label="General feedback" optional value=${q.general_feedback_md || ""}
          onInput=${set("general_feedback_md")} error=${save.error} />
      <${Field} id="q-tags" name="tags" label="Tags" optional hint="Separated by commas." value=${(q.tags || []).join(", ")}
          onInput=${(e) => setQ({ ...q, tags: e.currentTarget.value.split(",").map((t) => t.trim()).filter(Boolean) })} />
      <${LessonPicker} lessons=${lessons} setIDs=${setLessonIDs} />
      <${FormError} error=${save.error} fields=${["title", "text_md", "default_points", "general_feedback_md"]} />
      <div class="form-actions">
        <${Submit} pending=${save.pending} testid="save-question">Save question<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>
    <section class="card section question-preview" data-testid="question-preview" aria-live="polite">
      <h2>Preview</h2>
      ${preview.error ? html`<p class="field-error" data-testid="preview-error">${preview.error}</p>`
        : preview.view ? html`<${QuestionView} view=${preview.view} name="preview" />` : html`<p class="muted">…</p>`}
      ${preview.view && preview.view.right_answer && html`<p class="small" data-testid="preview-right-answer">
        Right answer for these values: <strong>${preview.view.right_answer}</strong></p>`}
    </section>
  </div>`;
}

// QuestionEditor edits one question of the bank, any type, beside a live
// preview as a learner will see it (POST /courses/{id}/questions/preview,
// which also says what is wrong before saving). Choice-like types get rows
// to fill in; fill-in-the-blanks and calculated questions edit their body
// as JSON (docs/questions.md has every field).
import { html, useState, useEffect } from "../html.js";
import { useDebounced } from "../ui.js";
import { errorMessage } from "../api.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { createQuestion, updateQuestion, previewQuestion, typeLabels } from "./quiz-api.js";
import { QuestionView } from "./quiz-question.js";
import { toast } from "../toast.js";
import { uploadFile } from "./course-api.js";
import { insertBlock, markdownFor } from "./lesson-edit.js";

const previewDelayMs = 400;

let seq = 0;
const newID = (p) => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;

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
    case "blanks": return { blanks: { gaps: [{ id: "gap1", kind: "text", weight: 1,
      text: { case_sensitive: false, answers: [{ id: "a1", pattern: "answer", fraction: 1 }] } }] } };
    case "calculated": return { calculated: { variables: [{ name: "x", min: 1, max: 10, decimals: 0 }],
      answers: [{ id: "a1", formula: "{x} * 2", fraction: 1, tolerance: 0.01, tolerance_kind: "relative", format: "decimals", digits: 2 }] } };
    case "essay": return { essay: { min_words: 0, max_words: 0 } };
    default: return {};
  }
}

/** Rows edits a list of objects: cols are [key, label, type]. */
function Rows({ items, cols, onChange, add, testid, min = 1 }) {
  const set = (i, k, v) => onChange(items.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
  return html`<div class="q-rows" data-testid=${testid}>
    ${items.map((it, i) => html`<div key=${it.id || i} class="q-row" data-testid="q-row">
      ${cols.map(([k, label, type]) => html`<label key=${k} class=${`q-cell q-cell-${type || "text"}`}>
        <span class="small muted">${label}</span>
        ${type === "percent"
          ? html`<input type="number" step="any" min="-100" max="100" value=${Math.round((it[k] || 0) * 10000) / 100}
                   onInput=${(e) => set(i, k, Number(e.currentTarget.value) / 100)} />`
          : type === "number"
            ? html`<input type="number" step="any" value=${it[k] ?? 0} onInput=${(e) => set(i, k, Number(e.currentTarget.value))} />`
            : html`<input type="text" value=${it[k] || ""} onInput=${(e) => set(i, k, e.currentTarget.value)} />`}
      </label>`)}
      <button type="button" class="btn btn-small" disabled=${items.length <= min} aria-label="Remove"
              onClick=${() => onChange(items.filter((_, j) => j !== i))}>✕</button>
    </div>`)}
    <button type="button" class="btn btn-small" onClick=${() => onChange([...items, add()])}>Add</button>
  </div>`;
}

function BodyEditor({ type, body, setBody, jsonText, setJSONText }) {
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
    case "blanks": case "calculated":
      return html`<${Field} id="q-body-json" type="textarea" rows="10" label="Body (JSON, see docs/questions.md)"
          hint=${type === "blanks" ? "Mark each gap in the text as [[id]]." : "Use {name} for each variable in the text."}
          value=${jsonText} onInput=${(e) => setJSONText(e.currentTarget.value)} />`;
    default:
      return null;
  }
}

/**
 * QuestionEditor: question is the version to edit, or a new question
 * ({type, category_id}); onSaved(question) after saving.
 */
/** ImageUpload uploads an image for the question's text (the upload service) and hands it to onUploaded. */
function ImageUpload({ courseID, onUploaded }) {
  const [busy, setBusy] = useState(false);
  async function onChange(e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!f) return;
    setBusy(true);
    try {
      const up = await uploadFile(courseID, f);
      onUploaded(up);
      toast(`“${up.name}” uploaded and inserted.`);
    } catch (err) {
      toast(`Upload failed: ${errorMessage(err)}`, "error");
    } finally {
      setBusy(false);
    }
  }
  return html`<div class="editor-tools" role="group" aria-label="Insert">
    <label class=${`btn btn-small upload-btn${busy ? " is-disabled" : ""}`} aria-busy=${busy ? "true" : "false"}>
      ${busy ? html`<span class="spinner" aria-hidden="true"></span> Uploading…` : "Insert an image"}
      <input type="file" class="visually-hidden" accept="image/png,image/jpeg,image/gif,image/webp" disabled=${busy}
             onChange=${onChange} data-testid="question-image" />
    </label></div>`;
}

export function QuestionEditor({ courseID, question, onSaved, onCancel }) {
  const isNew = !question.id;
  const [q, setQ] = useState(() => ({ default_points: 1, text_md: "", title: "", ...question,
    body: question.body && Object.keys(question.body).length ? question.body : defaultBody(question.type) }));
  const [jsonText, setJSONText] = useState(() => JSON.stringify(q.body, null, 2));
  const save = useAction();
  const json = q.type === "blanks" || q.type === "calculated";
  let body = q.body;
  let jsonError = "";
  if (json) {
    try { body = JSON.parse(jsonText); } catch { jsonError = "The body is not valid JSON."; }
  }
  const full = { ...q, body, default_points: q.type === "description" ? 0 : Number(q.default_points) };
  const still = useDebounced(JSON.stringify(full), previewDelayMs);
  const [preview, setPreview] = useState({ view: null, error: "" });
  useEffect(() => {
    if (jsonError) { setPreview({ view: null, error: jsonError }); return undefined; }
    const ctl = new AbortController();
    previewQuestion(courseID, JSON.parse(still), ctl.signal).then(
      (view) => setPreview({ view, error: "" }),
      (e) => { if (e.name !== "AbortError") setPreview({ view: null, error: errorMessage(e) }); });
    return () => ctl.abort();
  }, [still]);
  const set = (k) => (e) => setQ({ ...q, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await save.run(() => (isNew ? createQuestion(courseID, full) : updateQuestion(q.id, full)));
    if (saved) onSaved(saved);
  };
  return html`<div class="question-editor" data-testid="question-editor">
    <form class="form card section" onSubmit=${submit} data-testid="question-form">
      <h2>${isNew ? `New ${typeLabels[q.type].toLowerCase()} question` : `Edit “${q.title}” (version ${q.version})`}</h2>
      <${Field} id="q-title" name="title" label="Title (only staff see it)" value=${q.title} onInput=${set("title")} error=${save.error} required />
      <${Field} id="q-text" name="text_md" type="textarea" rows="4" label="Question" value=${q.text_md} onInput=${set("text_md")} error=${save.error} />
      <${ImageUpload} courseID=${courseID} onUploaded=${(up) => setQ((cur) => ({ ...cur,
        text_md: insertBlock(cur.text_md || "", (cur.text_md || "").length, (cur.text_md || "").length, markdownFor(up)).value }))} />
      ${q.type !== "description" && html`<${Field} id="q-points" name="default_points" type="number" min="0" step="any"
          label="Default points" value=${q.default_points} onInput=${set("default_points")} error=${save.error} />`}
      <${BodyEditor} type=${q.type} body=${q.body} setBody=${(b) => setQ({ ...q, body: b })} jsonText=${jsonText} setJSONText=${setJSONText} />
      <${Field} id="q-general" name="general_feedback_md" label="General feedback" optional value=${q.general_feedback_md || ""}
          onInput=${set("general_feedback_md")} error=${save.error} />
      <${Field} id="q-tags" name="tags" label="Tags" optional hint="Separated by commas." value=${(q.tags || []).join(", ")}
          onInput=${(e) => setQ({ ...q, tags: e.currentTarget.value.split(",").map((t) => t.trim()).filter(Boolean) })} />
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
    </section>
  </div>`;
}

// Parts of the question editor: Rows (a list of answer rows) and the
// editors of the two types with nested bodies: fill in the blanks (gaps
// marked [[id]] in the question's text, each typed, numeric or a
// drop-down) and calculated (variables, formula answers, units).
// docs/questions.md has every field.
import { html } from "../html.js";
import { Field } from "../forms.js";

let seq = 0;
/** newID is a fresh answer-level id with prefix p (lms.ValidAnswerID). */
export const newID = (p) => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;

/**
 * Rows edits a list of objects: cols are [key, label, type, options] with
 * type text (default), number, percent (a 0..1 fraction shown as %),
 * select (options: [[value, label]]) or right (a radio: the row whose
 * fraction is 1, the others 0).
 */
export function Rows({ items, cols, onChange, add, testid, min = 1, name = testid }) {
  const set = (i, k, v) => onChange(items.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
  const cell = (it, i, [k, label, type, options]) => {
    switch (type) {
      case "percent":
        return html`<input type="number" step="any" min="-100" max="100" value=${Math.round((it[k] || 0) * 10000) / 100}
                 onInput=${(e) => set(i, k, Number(e.currentTarget.value) / 100)} />`;
      case "number":
        return html`<input type="number" step="any" value=${it[k] ?? 0} onInput=${(e) => set(i, k, Number(e.currentTarget.value))} />`;
      case "select":
        return html`<select value=${it[k] || ""} onChange=${(e) => set(i, k, e.currentTarget.value)}>
          ${options.map(([v, l]) => html`<option key=${v} value=${v}>${l}</option>`)}</select>`;
      case "right":
        return html`<input type="radio" name=${name} checked=${it[k] === 1}
                 onChange=${() => onChange(items.map((x, j) => ({ ...x, [k]: j === i ? 1 : 0 })))} />`;
      default:
        return html`<input type="text" value=${it[k] || ""} onInput=${(e) => set(i, k, e.currentTarget.value)} />`;
    }
  };
  return html`<div class="q-rows" data-testid=${testid}>
    ${items.map((it, i) => html`<div key=${it.id || i} class="q-row" data-testid="q-row">
      ${cols.map((col) => html`<label key=${col[0]} class=${`q-cell q-cell-${col[2] || "text"}`}>
        <span class="small muted">${col[1]}</span>${cell(it, i, col)}</label>`)}
      <button type="button" class="btn btn-small" disabled=${items.length <= min} aria-label="Remove"
              onClick=${() => onChange(items.filter((_, j) => j !== i))}>✕</button>
    </div>`)}
    <button type="button" class="btn btn-small" onClick=${() => onChange([...items, add()])}>Add</button>
  </div>`;
}

// ---- Fill in the blanks ----

const markerRE = /\[\[([A-Za-z0-9_-]{1,32})\]\]/g;

/** gapMarkers lists the gap ids marked [[id]] in text, in order (lms.GapMarkers). */
export const gapMarkers = (text) => [...(text || "").matchAll(markerRE)].map((m) => m[1]);

const textAnswer = (pattern = "", fraction = 0) => ({ id: newID("a"), pattern, fraction });
const numberAnswer = (fraction = 0) => ({ id: newID("n"), kind: "exact", value: 0, tolerance: 0, fraction });
const option = (fraction = 0) => ({ id: newID("o"), text_md: "", fraction });

/** newGap is a gap of a kind with one right answer to fill in. */
export function newGap(id, kind = "text", weight = 1) {
  switch (kind) {
    case "number": return { id, kind, weight, number: { answers: [numberAnswer(1)] } };
    case "dropdown": return { id, kind, weight, dropdown: { shuffle: true, choices: [option(1), option(0)] } };
    default: return { id, kind: "text", weight, text: { case_sensitive: false, answers: [textAnswer("", 1)] } };
  }
}

/** freeGapID is the first "gapN" neither a gap nor a marker uses. */
function freeGapID(gaps, text) {
  const used = new Set([...gaps.map((g) => g.id), ...gapMarkers(text)]);
  let n = 1;
  while (used.has(`gap${n}`)) n++;
  return `gap${n}`;
}

function GapEditor({ gap, index, onChange, onRename, onRemove }) {
  const p = `gap-${index}`;
  let kindPart = null;
  if (gap.kind === "text") {
    const t = gap.text;
    kindPart = html`<${Rows} testid="gap-answers" items=${t.answers}
        cols=${[["pattern", "Accepted answer (* is a wildcard)"], ["fraction", "Credit %", "percent"], ["feedback_md", "Feedback"]]}
        add=${() => textAnswer()} onChange=${(answers) => onChange({ ...gap, text: { ...t, answers } })} />
      <label class="check"><input type="checkbox" checked=${t.case_sensitive} data-testid="gap-case"
        onChange=${(e) => onChange({ ...gap, text: { ...t, case_sensitive: e.currentTarget.checked } })} /> Case matters</label>`;
  } else if (gap.kind === "number") {
    const n = gap.number;
    kindPart = html`<${Rows} testid="gap-answers" items=${n.answers}
      cols=${[["value", "Value", "number"], ["tolerance", "± tolerance", "number"], ["fraction", "Credit %", "percent"], ["feedback_md", "Feedback"]]}
      add=${() => numberAnswer()} onChange=${(answers) => onChange({ ...gap, number: { ...n, answers } })} />`;
  } else {
    const d = gap.dropdown;
    kindPart = html`<${Rows} testid="gap-options" name=${`${p}-right`} items=${d.choices} min=${2}
      cols=${[["text_md", "Option"], ["fraction", "Right", "right"], ["feedback_md", "Feedback"]]}
      add=${() => option()} onChange=${(choices) => onChange({ ...gap, dropdown: { ...d, choices } })} />`;
  }
  return html`<fieldset class="q-gap-edit" data-testid="gap" data-gap=${gap.id}>
    <legend>Gap <code>[[${gap.id}]]</code></legend>
    <div class="form-row">
      <${Field} id=${`${p}-id`} label="Name in the text" value=${gap.id} hint="Letters, digits, - and _."
          onInput=${(e) => onRename(e.currentTarget.value)} />
      <${Field} id=${`${p}-kind`} type="select" label="The learner" value=${gap.kind}
          onChange=${(e) => onChange(newGap(gap.id, e.currentTarget.value, gap.weight))}>
        <option value="text">types a word</option><option value="number">types a number</option>
        <option value="dropdown">picks from a drop-down</option><//>
      <${Field} id=${`${p}-weight`} type="number" min="0" step="any" label="Weight" value=${gap.weight}
          onInput=${(e) => onChange({ ...gap, weight: Number(e.currentTarget.value) })} />
    </div>
    ${kindPart}
    <button type="button" class="btn btn-small btn-danger" onClick=${onRemove}>Remove this gap</button>
  </fieldset>`;
}

/**
 * BlanksEditor edits a fill-in-the-blanks body beside the question's text
 * (text, setText): adding a gap appends its marker to the text, renaming
 * or removing one changes its marker too, and markers typed in the text
 * without a gap get a button to define them.
 */
export function BlanksEditor({ body, setBody, text, setText }) {
  const gaps = body.blanks.gaps;
  const set = (next, nextText = text) => { setBody({ blanks: { ...body.blanks, gaps: next } }); if (nextText !== text) setText(nextText); };
  const marked = gapMarkers(text);
  const undefinedMarks = [...new Set(marked.filter((id) => !gaps.some((g) => g.id === id)))];
  const add = (id) => set([...gaps, newGap(id)], marked.includes(id) ? text : `${text}${text && !/\s$/.test(text) ? " " : ""}[[${id}]]`);
  return html`<div class="q-blanks" data-testid="blanks-editor">
    <p class="hint">Write the text in “Question” above and mark each gap as <code>[[name]]</code>; “Add a gap” puts one at the end.</p>
    ${undefinedMarks.length > 0 && html`<div class="alert alert-warning" data-testid="undefined-gaps">
      <span>The text marks gaps with no answers yet:</span>
      ${undefinedMarks.map((id) => html`<button key=${id} type="button" class="btn btn-small" onClick=${() => add(id)}>Define [[${id}]]</button>`)}
    </div>`}
    ${gaps.map((g, i) => html`<${GapEditor} key=${i} gap=${g} index=${i}
        onChange=${(ng) => set(gaps.map((x, j) => (j === i ? ng : x)))}
        onRename=${(id) => set(gaps.map((x, j) => (j === i ? { ...x, id } : x)), text.split(`[[${g.id}]]`).join(`[[${id}]]`))}
        onRemove=${() => set(gaps.filter((_, j) => j !== i), text.split(`[[${g.id}]]`).join(""))} />`)}
    <button type="button" class="btn btn-small" data-testid="add-gap" disabled=${gaps.length >= 50}
            onClick=${() => add(freeGapID(gaps, text))}>Add a gap</button>
  </div>`;
}

// ---- Calculated ----

const tolKinds = [["relative", "relative"], ["absolute", "absolute (±)"], ["geometric", "geometric"]];
const formats = [["decimals", "decimals"], ["significant", "sig. figures"]];

/** formulaAnswer is a new formula answer. */
const formulaAnswer = (fraction = 0) => ({ id: newID("a"), formula: "", fraction, tolerance: 0.01, tolerance_kind: "relative",
  format: "decimals", digits: 2 });

/** UnitsEditor edits an optional units section (numerical, calculated). */
function UnitsEditor({ units, onChange }) {
  const mode = units ? units.mode : "";
  return html`<fieldset class="q-gap-edit" data-testid="units-editor">
    <legend>Units</legend>
    <div class="form-row">
      <${Field} id="units-mode" type="select" label="A unit after the number is" value=${mode}
          onChange=${(e) => { const m = e.currentTarget.value; onChange(m ? { penalty: 0.1, list: [{ name: "", multiplier: 1 }], ...units, mode: m } : undefined); }}>
        <option value="">not allowed</option><option value="optional">optional</option><option value="required">required</option><//>
      ${units && html`<${Field} id="units-penalty" type="number" min="0" max="100" step="any" label="Penalty (%)" hint="For a missing or unknown unit."
          value=${Math.round(units.penalty * 10000) / 100} onInput=${(e) => onChange({ ...units, penalty: Number(e.currentTarget.value) / 100 })} />`}
    </div>
    ${units && html`<p class="hint">The first unit is the one the answers are in (multiplier 1); e.g. with m first, cm has multiplier 100.</p>
      <${Rows} testid="unit-rows" items=${units.list} cols=${[["name", "Unit"], ["multiplier", "Multiplier", "number"]]}
        add=${() => ({ name: "", multiplier: 1 })} onChange=${(list) => onChange({ ...units, list })} />`}
  </fieldset>`;
}

/**
 * CalculatedEditor edits a calculated body: the variables (drawn per
 * learner in [min, max] with that many decimals), the formula answers with
 * their tolerance and rounding, and the units. onTry draws other values in
 * the preview.
 */
export function CalculatedEditor({ body, setBody, onTry }) {
  const b = body.calculated;
  const set = (k, v) => setBody({ calculated: { ...b, [k]: v } });
  return html`<div class="q-calculated" data-testid="calculated-editor">
    <h3>Variables</h3>
    <p class="hint">Write <code>{name}</code> in the question where each value goes; each learner gets their own values.</p>
    <${Rows} testid="variable-rows" items=${b.variables}
      cols=${[["name", "Name"], ["min", "From", "number"], ["max", "To", "number"], ["decimals", "Decimals", "number"]]}
      add=${() => ({ name: "", min: 1, max: 10, decimals: 0 })} onChange=${(v) => set("variables", v)} />
    <h3>Answers</h3>
    <p class="hint">A formula over the variables, e.g. <code>{m} * {a}</code> or <code>sqrt({x}^2 + {y}^2)</code>; the first worth 100 % is the right one.
      A relative tolerance of 0.01 accepts answers within 1 %.</p>
    <${Rows} testid="formula-rows" items=${b.answers}
      cols=${[["formula", "Formula"], ["fraction", "Credit %", "percent"], ["tolerance", "Tolerance", "number"],
        ["tolerance_kind", "Tolerance is", "select", tolKinds], ["digits", "Shown to", "number"], ["format", "Counting", "select", formats],
        ["feedback_md", "Feedback"]]}
      add=${() => formulaAnswer()} onChange=${(v) => set("answers", v)} />
    <${UnitsEditor} units=${b.units} onChange=${(u) => set("units", u)} />
    <p><button type="button" class="btn btn-small" data-testid="try-values" onClick=${onTry}>Try other values</button>
      <span class="hint"> draws another learner's values in the preview.</span></p>
  </div>`;
}

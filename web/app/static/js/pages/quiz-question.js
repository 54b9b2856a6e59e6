// QuestionView shows one question as a learner sees it (question.View from
// the API) with their answer, editable or not, and what the review allows
// (state, per-part feedback, general feedback, right answer). The attempt
// page, the review page and the bank editor's preview share it. Question
// Markdown comes rendered and sanitised by the server (the *_html fields,
// as lessons' body_html); where there is none the text is shown as plain
// text, never as HTML.
import { html } from "../html.js";

const stateLabels = { correct: "Correct", partial: "Partly correct", incorrect: "Incorrect", needs_grading: "Waiting for a grader",
  not_answered: "Not answered", info: "" };

/** Text shows question Markdown: the server's sanitised HTML, else the plain text. */
export function Text({ md, html: rendered, cls = "" }) {
  if (rendered) return html`<div class=${`q-text prose q-md ${cls}`} dangerouslySetInnerHTML=${{ __html: rendered }}></div>`;
  return md ? html`<div class=${`q-text prewrap ${cls}`}>${md}</div>` : null;
}

/** Inline is Text inside a label or a list item: a span, with the rendered paragraphs' margins removed. */
export function Inline({ text, html: rendered, cls = "", testid }) {
  if (rendered) return html`<span class=${`q-md q-md-inline ${cls}`} data-testid=${testid} dangerouslySetInnerHTML=${{ __html: rendered }}></span>`;
  return html`<span class=${`prewrap ${cls}`} data-testid=${testid}>${text}</span>`;
}

function partOf(review, id) {
  return review && review.parts ? review.parts.find((p) => (p.id || "") === id) : null;
}

function PartNote({ part }) {
  if (!part) return null;
  // The whole answer's part ("" id) repeats the question's state: show only its feedback.
  const state = part.id ? part.state : "";
  if (!state && !part.feedback_md) return null;
  return html`<span class=${`q-part q-part-${part.state || "none"}`} data-testid="part-state" data-state=${part.state || ""}>
    ${state && html`<span class="q-part-state">${stateLabels[part.state] || part.state}</span>`}
    ${part.feedback_md && html`<${Inline} cls="q-feedback" testid="part-feedback" text=${part.feedback_md} html=${part.feedback_html} />`}</span>`;
}

function Choices({ view, response, onChange, disabled, review, multiple, name }) {
  const chosen = new Set((response && response.choices) || []);
  const toggle = (id, on) => {
    const next = multiple ? view.choices.map((c) => c.id).filter((x) => (x === id ? on : chosen.has(x))) : [id];
    onChange({ choices: next });
  };
  return html`<div class="q-options" role=${multiple ? "group" : "radiogroup"}>
    ${view.choices.map((c) => html`
      <label key=${c.id} class=${`q-option${chosen.has(c.id) ? " q-option-on" : ""}`} data-testid="q-option" data-id=${c.id}>
        <input type=${multiple ? "checkbox" : "radio"} name=${name} value=${c.id} checked=${chosen.has(c.id)}
               disabled=${disabled} onChange=${(e) => toggle(c.id, e.currentTarget.checked)} />
        <${Inline} cls="q-option-text" text=${c.text} html=${c.html} />
        <${PartNote} part=${partOf(review, c.id)} />
      </label>`)}
  </div>`;
}

function TrueFalse({ response, onChange, disabled, review, name }) {
  const v = response && typeof response.bool === "boolean" ? response.bool : null;
  return html`<div class="q-options" role="radiogroup">
    ${[[true, "True"], [false, "False"]].map(([b, label]) => html`
      <label key=${label} class=${`q-option${v === b ? " q-option-on" : ""}`} data-testid="q-option" data-id=${String(b)}>
        <input type="radio" name=${name} checked=${v === b} disabled=${disabled} onChange=${() => onChange({ bool: b })} />
        <span class="q-option-text">${label}</span>
      </label>`)}
    <${PartNote} part=${partOf(review, "")} />
  </div>`;
}

function Typed({ view, response, onChange, disabled, review, name }) {
  const numeric = view.type !== "shortanswer";
  return html`<div class="field q-typed">
    <label for=${name}>Your answer${view.units === "required" ? " (with its unit)" : ""}</label>
    <input id=${name} type="text" inputmode=${numeric ? "decimal" : "text"} autocomplete="off" maxlength="1000"
           value=${(response && response.text) || ""} disabled=${disabled} data-testid="q-text-answer"
           onInput=${(e) => onChange({ text: e.currentTarget.value })} />
    <${PartNote} part=${partOf(review, "")} />
  </div>`;
}

function Matching({ view, response, onChange, disabled, review, name }) {
  const m = (response && response.matches) || {};
  return html`<div class="q-matching">
    ${view.stems.map((s) => html`
      <div key=${s.id} class="field q-match">
        <label for=${`${name}-${s.id}`}><${Inline} text=${s.text} html=${s.html} /></label>
        <select id=${`${name}-${s.id}`} value=${m[s.id] || ""} disabled=${disabled}
                onChange=${(e) => onChange({ matches: { ...m, [s.id]: e.currentTarget.value } })}>
          <option value="">Choose…</option>
          ${view.answers.map((a) => html`<option key=${a.id} value=${a.id}>${a.text}</option>`)}
        </select>
        <${PartNote} part=${partOf(review, s.id)} />
      </div>`)}
  </div>`;
}

function Ordering({ view, response, onChange, disabled, review }) {
  const order = (response && response.order && response.order.length ? response.order : view.items.map((i) => i.id));
  const byID = Object.fromEntries(view.items.map((i) => [i.id, i]));
  const move = (from, to) => {
    const next = order.slice();
    const [x] = next.splice(from, 1);
    next.splice(to, 0, x);
    onChange({ order: next });
  };
  return html`<ol class="q-ordering">
    ${order.map((id, i) => html`
      <li key=${id} class="q-order-item" data-testid="q-order-item">
        ${byID[id] ? html`<${Inline} text=${byID[id].text} html=${byID[id].html} />` : html`<span>${id}</span>`}
        <span class="q-order-moves">
          <button type="button" class="btn btn-small" disabled=${disabled || i === 0} aria-label="Move up" onClick=${() => move(i, i - 1)}>↑</button>
          <button type="button" class="btn btn-small" disabled=${disabled || i === order.length - 1} aria-label="Move down" onClick=${() => move(i, i + 1)}>↓</button>
        </span>
        <${PartNote} part=${partOf(review, id)} />
      </li>`)}
  </ol>`;
}

function Blanks({ view, response, onChange, disabled, review, name }) {
  const g = (response && response.gaps) || {};
  const gaps = Object.fromEntries((view.gaps || []).map((x) => [x.id, x]));
  const pieces = (view.text_md || "").split(/\[\[([A-Za-z0-9_-]+)\]\]/);
  const set = (id, v) => onChange({ gaps: { ...g, [id]: v } });
  return html`<div class="q-text q-blanks prewrap">
    ${pieces.map((p, i) => {
      if (i % 2 === 0) return p;
      const gap = gaps[p];
      if (!gap) return `[[${p}]]`;
      const input = gap.kind === "dropdown"
        ? html`<select aria-label=${`Gap ${p}`} value=${g[p] || ""} disabled=${disabled} onChange=${(e) => set(p, e.currentTarget.value)}>
            <option value="">…</option>${gap.options.map((o) => html`<option key=${o.id} value=${o.id}>${o.text}</option>`)}</select>`
        : html`<input type="text" aria-label=${`Gap ${p}`} class="q-gap" value=${g[p] || ""} disabled=${disabled}
                 inputmode=${gap.kind === "number" ? "decimal" : "text"} onInput=${(e) => set(p, e.currentTarget.value)} />`;
      return html`<span key=${p} class="q-gap-wrap" data-testid="q-gap">${input}<${PartNote} part=${partOf(review, p)} /></span>`;
    })}
  </div>`;
}

function Essay({ view, response, onChange, disabled, name }) {
  const text = (response && response.text) || "";
  const words = text.trim() ? text.trim().split(/\s+/).length : 0;
  const e = view.essay || {};
  return html`<div class="field q-essay">
    <label for=${name}>Your answer</label>
    <textarea id=${name} rows="8" disabled=${disabled} data-testid="q-essay" value=${text}
              placeholder=${e.response_template_md || ""} onInput=${(ev) => onChange({ text: ev.currentTarget.value })}></textarea>
    <p class="hint">${words} words${e.min_words ? ` · at least ${e.min_words}` : ""}${e.max_words ? ` · at most ${e.max_words}` : ""}</p>
  </div>`;
}

/** rightAnswerText describes a right answer (presented ids) with the view's texts. */
function rightAnswerText(view, r) {
  if (!r) return "";
  const text = (list, id) => ((list || []).find((o) => o.id === id) || {}).text || id;
  if (r.choices) return r.choices.map((id) => text(view.choices, id)).join("; ");
  if (typeof r.bool === "boolean") return r.bool ? "True" : "False";
  if (r.matches) return Object.entries(r.matches).map(([s, a]) => `${text(view.stems, s)} → ${text(view.answers, a)}`).join("; ");
  if (r.order) return r.order.map((id) => text(view.items, id)).join(", ");
  if (r.gaps) return Object.entries(r.gaps).map(([gid, v]) => {
    const gap = (view.gaps || []).find((x) => x.id === gid);
    return `${gid}: ${gap && gap.options ? text(gap.options, v) : v}`;
  }).join("; ");
  return r.text || "";
}

/**
 * QuestionView renders view with response; onChange(response) gets the
 * whole new response. review (optional) is question.Review.
 */
export function QuestionView({ view, response, onChange = () => {}, disabled, review, name = "q" }) {
  const props = { view, response, onChange, disabled, review, name };
  let body = null;
  switch (view.type) {
    case "single": case "multiple": body = html`<${Choices} ...${props} multiple=${view.type === "multiple"} />`; break;
    case "truefalse": body = html`<${TrueFalse} ...${props} />`; break;
    case "shortanswer": case "numerical": case "calculated": body = html`<${Typed} ...${props} />`; break;
    case "matching": body = html`<${Matching} ...${props} />`; break;
    case "ordering": body = html`<${Ordering} ...${props} />`; break;
    case "blanks": body = html`<${Blanks} ...${props} />`; break;
    case "essay": body = html`<${Essay} ...${props} />`; break;
    default: body = null;
  }
  return html`<div class="q-view" data-type=${view.type} data-testid="question-view">
    ${view.type !== "blanks" && html`<${Text} md=${view.text_md} html=${view.text_html} />`}
    ${body}
    ${review && html`<div class="q-review" data-testid="q-review" data-state=${review.state || ""}>
      ${review.state && stateLabels[review.state] && html`<p class=${`q-state q-state-${review.state}`} data-testid="q-state">${stateLabels[review.state]}</p>`}
      ${review.general_feedback_md && html`<div class="q-feedback" data-testid="general-feedback">
        <${Text} md=${review.general_feedback_md} html=${review.general_feedback_html} /></div>`}
      ${review.right_answer && html`<p class="q-right" data-testid="right-answer"><strong>Right answer:</strong> ${rightAnswerText(view, review.right_answer)}</p>`}
    </div>`}
  </div>`;
}

// AnswerInput: a live quiz question's answer controls for phones (big tap
// targets), one per question kind; onAnswer(response) gets the Response in
// presented ids (docs/livequiz.md).
import { html, useState } from "../html.js";

function ChoiceButtons({ q, busy, onAnswer }) {
  return html`<div class="lq-choices" data-testid="lq-choices">
    ${q.choices.map((c, i) => html`<button key=${c.id} type="button" class=${`lq-choice lq-choice-${i % 4}`} disabled=${busy}
        onClick=${() => onAnswer({ choices: [c.id] })} data-testid="lq-choice" data-choice-id=${c.id} data-label=${c.text}>${c.text}</button>`)}
  </div>`;
}

function MultipleChoice({ q, busy, onAnswer }) {
  const [on, setOn] = useState([]);
  const flip = (id) => setOn(on.includes(id) ? on.filter((x) => x !== id) : [...on, id]);
  return html`<div class="lq-choices" data-testid="lq-choices">
    ${q.choices.map((c, i) => html`<button key=${c.id} type="button" aria-pressed=${on.includes(c.id) ? "true" : "false"}
        class=${`lq-choice lq-choice-${i % 4}${on.includes(c.id) ? " lq-choice-on" : ""}`} disabled=${busy}
        onClick=${() => flip(c.id)} data-testid="lq-choice" data-choice-id=${c.id} data-label=${c.text}>${on.includes(c.id) ? "✓ " : ""}${c.text}</button>`)}
  </div>
  <button type="button" class="btn btn-primary btn-big lq-send" disabled=${busy || on.length === 0}
      onClick=${() => onAnswer({ choices: on })} data-testid="lq-send">Send answer</button>`;
}

function TrueFalse({ busy, onAnswer }) {
  return html`<div class="lq-choices lq-choices-2" data-testid="lq-choices">
    <button type="button" class="lq-choice lq-choice-2" disabled=${busy} onClick=${() => onAnswer({ bool: true })} data-testid="lq-true">True</button>
    <button type="button" class="lq-choice lq-choice-0" disabled=${busy} onClick=${() => onAnswer({ bool: false })} data-testid="lq-false">False</button>
  </div>`;
}

function Typed({ q, busy, onAnswer }) {
  const [text, setText] = useState("");
  const numeric = q.type === "numerical";
  const label = q.type === "wordcloud" ? "Your word" : numeric ? `Your number${q.units ? " (with its unit)" : ""}` : "Your answer";
  function onSubmit(e) {
    e.preventDefault();
    if (text.trim()) onAnswer({ text: text.trim() });
  }
  return html`<form class="form lq-typed" onSubmit=${onSubmit} data-testid="lq-answer-form">
    <div class="field"><label for="lq-text">${label}</label>
      <input id="lq-text" name="text" autocomplete="off" maxlength=${q.type === "wordcloud" ? 40 : 200}
        inputmode=${numeric && !q.units ? "decimal" : "text"} value=${text} onInput=${(e) => setText(e.currentTarget.value)} /></div>
    <button type="submit" class="btn btn-primary btn-big lq-send" disabled=${busy || !text.trim()} data-testid="lq-send">Send answer</button>
  </form>`;
}

function Ordering({ q, busy, onAnswer }) {
  const [items, setItems] = useState(q.items || []);
  const move = (i, d) => {
    const j = i + d;
    if (j < 0 || j >= items.length) return;
    const out = items.slice();
    [out[i], out[j]] = [out[j], out[i]];
    setItems(out);
  };
  return html`<ol class="lq-order" data-testid="lq-order">
    ${items.map((it, i) => html`<li key=${it.id} class="lq-order-item">
      <span class="lq-order-text">${it.text}</span>
      <button type="button" class="btn btn-icon" disabled=${busy || i === 0} onClick=${() => move(i, -1)} aria-label=${`Move “${it.text}” up`}>↑</button>
      <button type="button" class="btn btn-icon" disabled=${busy || i === items.length - 1} onClick=${() => move(i, 1)} aria-label=${`Move “${it.text}” down`}>↓</button>
    </li>`)}
  </ol>
  <button type="button" class="btn btn-primary btn-big lq-send" disabled=${busy}
      onClick=${() => onAnswer({ order: items.map((x) => x.id) })} data-testid="lq-send">Send answer</button>`;
}

/** AnswerInput picks the controls for the question's kind. */
export function AnswerInput({ q, busy, onAnswer }) {
  switch (q.type) {
    case "single":
    case "poll":
      return html`<${ChoiceButtons} q=${q} busy=${busy} onAnswer=${onAnswer} />`;
    case "multiple":
      return html`<${MultipleChoice} q=${q} busy=${busy} onAnswer=${onAnswer} />`;
    case "truefalse":
      return html`<${TrueFalse} busy=${busy} onAnswer=${onAnswer} />`;
    case "ordering":
      return html`<${Ordering} q=${q} busy=${busy} onAnswer=${onAnswer} />`;
    default:
      return html`<${Typed} q=${q} busy=${busy} onAnswer=${onAnswer} />`;
  }
}

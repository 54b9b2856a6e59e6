// The at-risk list of a course (on the engagement report): learners the
// server's rules flag, each with the reasons in words, and a message to
// them (one, or all flagged) sent as an in-app notification.
import { html, useState } from "../html.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useLoad, Loading, ErrorState, Section, Time } from "../ui.js";
import { toast } from "../toast.js";
import { plural } from "../format.js";
import { atRiskReport, atRiskCSV, sendMessage, reportPath } from "./reports-api.js";
import { CSVLink } from "./report-common.js";

/** defaultText is the message offered for the learners chosen. */
function defaultText(course, learners) {
  const hi = learners.length === 1 ? `Hi ${learners[0].name || learners[0].username},` : "Hi,";
  return `${hi} we noticed you may be falling behind in ${course.title}. Is there anything we can help with? Reply in the course discussion or come to office hours.`;
}

function MessageForm({ course, learners, onDone }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const res = await run(() => sendMessage(course.id, learners.map((l) => l.user_id), v.text));
    if (res) {
      toast(`Message sent to ${plural(res.sent, "learner")}.`);
      onDone();
    }
  }
  return html`
    <form class="form card-inset no-print" onSubmit=${onSubmit} data-testid="report-message-form">
      <${FormError} error=${error} fields=${["text"]} />
      <${Field} id="report-message-text" name="text" type="textarea" rows="4" maxlength="2000" required
          label=${`Message to ${learners.length === 1 ? learners[0].name || learners[0].username : plural(learners.length, "learner")}`}
          hint="They get it as a notification." defaultValue=${defaultText(course, learners)} error=${error} />
      <div class="form-actions">
        <${Submit} pending=${pending} testid="report-message-send">Send<//>
        <button type="button" class="btn" onClick=${onDone}>Cancel</button>
      </div>
    </form>`;
}

/** AtRiskList is the at-risk section of a course's reports. */
export function AtRiskList({ course }) {
  const rep = useLoad((signal) => atRiskReport(course.id, signal), [course.id]);
  const [to, setTo] = useState(null); // the learners a message is being written to
  let body;
  if (rep.loading && !rep.data) body = html`<${Loading} label="Loading the at-risk list…" />`;
  else if (rep.error) body = html`<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  else if (rep.data.learners.length === 0) {
    body = html`<p class="muted" data-testid="at-risk-empty">No learner is flagged: everyone has been active,
      handed in on time and scores at or above ${rep.data.rules.low_score_percent}%.</p>`;
  } else {
    const list = rep.data.learners;
    body = html`
      ${to && to.length > 1 && html`<${MessageForm} course=${course} learners=${to} onDone=${() => setTo(null)} />`}
      <ul class="at-risk-list" data-testid="at-risk-list">
        ${list.map((l) => html`
          <li key=${l.user_id} class="at-risk-item" data-testid="at-risk-learner" data-username=${l.username}>
            <div class="at-risk-head">
              <a href=${reportPath(course.id, `/learners/${l.user_id}`)}><strong>${l.name || l.username}</strong></a>
              <span class="muted small">Last active <${Time} at=${l.last_activity} fallback="never" /></span>
              <button type="button" class="btn btn-small no-print" data-testid="message-learner"
                  onClick=${() => setTo([l])}>Message</button>
            </div>
            <ul class="reasons">
              ${l.reasons.map((r) => html`<li key=${r.rule} data-rule=${r.rule} data-testid="at-risk-reason">${r.text}</li>`)}
            </ul>
            ${to && to.length === 1 && to[0].user_id === l.user_id
              && html`<${MessageForm} course=${course} learners=${to} onDone=${() => setTo(null)} />`}
          </li>`)}
      </ul>`;
  }
  const rules = rep.data && rep.data.rules;
  const actions = rep.data && rep.data.learners.length > 0 && html`
    <button type="button" class="btn btn-small no-print" data-testid="message-all"
        onClick=${() => setTo(rep.data.learners)}>Message all</button>
    <${CSVLink} href=${atRiskCSV(course.id)} testid="at-risk-csv" />`;
  return html`
    <${Section} id="at-risk" title="Learners at risk" testid="at-risk" actions=${actions}
        description=${rules ? `Flagged when inactive for ${rules.inactive_days}+ days, with ${plural(rules.missed_deadlines, "missed deadline")} or more, or a course grade under ${rules.low_score_percent}%.`
          : "Flagged by inactivity, missed deadlines and low scores."}>
      ${body}
    <//>`;
}

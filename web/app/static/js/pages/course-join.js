// The join settings of a course (staff who manage people): the join code
// and link to share, regenerate, enable/disable, expiry and approval.
import { html } from "../html.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, CopyButton, Time, Badge } from "../ui.js";
import { when } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { configureJoin } from "./course-api.js";
import { coursePath, dateTimeInput, fromDateInput } from "./course-common.js";

/** joinURL is the link that joins a course with code. */
export const joinURL = (code) => `${location.origin}/join/${encodeURIComponent(code)}`;

/** joinState says whether the code works now: [label, badge kind]. */
export function joinState(course) {
  if (!course.join_code) return ["No code yet", "neutral"];
  if (!course.join_enabled) return ["Disabled", "danger"];
  const exp = when(course.join_expires_at);
  if (exp && exp.getTime() <= Date.now()) return ["Expired", "danger"];
  if (course.visibility !== "published") return ["Works once published", "neutral"];
  return ["Open", "success"];
}

function settingsOf(course) {
  return {
    enabled: !!course.join_enabled,
    needs_approval: !!course.join_needs_approval,
    ...(course.join_expires_at ? { expires_at: course.join_expires_at } : {}),
  };
}

export function JoinSettings({ course, onChange }) {
  const { pending, error, run } = useAction();
  const [label, kind] = joinState(course);

  async function save(body, message) {
    const c = await run(() => configureJoin(course.id, body));
    if (c) {
      onChange(c);
      if (message) toast(message);
    }
    return c;
  }
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const body = { enabled: v.enabled === "on", needs_approval: v.needs_approval === "on" };
    const exp = fromDateInput(v.expires_at);
    if (exp) body.expires_at = exp;
    await save(body, "Join settings saved.");
  }
  async function regenerate() {
    const ok = await confirm({
      title: "Make a new join code?",
      body: "The current code and link stop working at once. People already in the course stay.",
      confirmLabel: "Make new code", danger: true,
    });
    if (ok) await save({ ...settingsOf(course), regenerate: true }, "New join code made. Share the new one.");
  }

  if (!course.join_code) {
    return html`
      <${Section} id="join" title="Join code" testid="join-settings"
          description="Let people join the course themselves with a short code or a link.">
        <${FormError} error=${error} />
        <button type="button" class="btn btn-primary" disabled=${pending} data-testid="join-create"
                onClick=${() => save({ enabled: true, needs_approval: false }, "Join code created.")}>
          Create a join code</button>
      <//>`;
  }

  const url = joinURL(course.join_code);
  return html`
    <${Section} id="join" title="Join code" testid="join-settings"
        description="Share the code or the link; anyone signed in who has it can join as a learner.">
      <div class="join-share">
        <div class="join-code-box">
          <span class="muted small">Code</span>
          <span class="join-code" data-testid="join-code">${course.join_code}</span>
          <${Badge} kind=${kind}>${label}<//>
        </div>
        <div class="join-share-actions">
          <div class="secret-row">
            <code class="secret" data-testid="join-link">${url}</code>
            <${CopyButton} text=${url} label="Copy link" testid="copy-join-link" />
          </div>
          <div class="actions">
            <${CopyButton} text=${course.join_code} label="Copy code" testid="copy-join-code" />
            <a class="btn btn-small" href=${coursePath(course.id, "projector")} data-testid="projector-link">
              Show on projector</a>
            <button type="button" class="btn btn-small btn-danger-ghost" disabled=${pending} onClick=${regenerate}
                    data-testid="join-regenerate">Make new code</button>
          </div>
        </div>
      </div>
      <form class="form join-form" onSubmit=${onSubmit} data-testid="join-settings-form"
            key=${`${course.join_code}-${course.updated_at}`}>
        <${FormError} error=${error} fields=${["expires_at"]} />
        <label class="check">
          <input type="checkbox" name="enabled" defaultChecked=${course.join_enabled} data-testid="join-enabled" />
          <span><strong>Code works</strong><span class="hint">Turn off to stop new people joining; the code is kept.</span></span>
        </label>
        <label class="check">
          <input type="checkbox" name="needs_approval" defaultChecked=${course.join_needs_approval}
                 data-testid="join-approval" />
          <span><strong>Staff approve each joiner</strong>
            <span class="hint">People who join wait under People → Waiting for approval.</span></span>
        </label>
        <${Field} id="join-expires" name="expires_at" label="Code expires" type="datetime-local" optional
            defaultValue=${dateTimeInput(course.join_expires_at)} error=${error}
            hint=${course.join_expires_at ? html`Expires <${Time} at=${course.join_expires_at} />. Clear to never expire.`
                                          : "Leave empty to never expire."} />
        <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…" kind="primary">Save join settings<//></div>
      </form>
    <//>`;
}

// Profile sections: change password, and the list of signed-in sessions.
import { html } from "../html.js";
import { getAll, post, del, errorMessage } from "../api.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, Loading, ErrorState, EmptyState, Time, Badge, useLoad } from "../ui.js";
import { describeAgent } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { minPassword, passwordHint } from "./auth-shell.js";

export function PasswordSection({ username, onChanged }) {
  const { pending, error, run, setError } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    if (v.new_password !== v.confirm_password) {
      setError({ field: "confirm_password", message: "The two new passwords don't match.", code: "invalid" });
      return;
    }
    const res = await run(() => post("/me/password", {
      current_password: v.current_password, new_password: v.new_password,
    }));
    if (res !== undefined) {
      form.reset();
      toast("Password changed. Your other devices were signed out.");
      onChanged();
    }
  }
  const confirmError = error && error.field === "confirm_password" ? error.message : "";
  return html`
    <${Section} id="password-section" title="Password"
        description="Changing your password signs you out everywhere else.">
      <form class="form" onSubmit=${onSubmit} data-testid="password-form">
        <${FormError} error=${error} fields=${["current_password", "new_password", "confirm_password"]} />
        <input type="text" class="visually-hidden" name="username" autocomplete="username" value=${username}
               readOnly tabindex="-1" aria-hidden="true" />
        <${Field} id="current_password" label="Current password" type="password" required
            autocomplete="current-password" error=${error} />
        <${Field} id="new_password" label="New password" type="password" required minlength=${minPassword}
            autocomplete="new-password" hint=${passwordHint} error=${error} />
        <${Field} id="confirm_password" label="Repeat the new password" type="password" required
            autocomplete="new-password" error=${confirmError} />
        <div class="actions"><${Submit} pending=${pending} pendingLabel="Changing…">Change password<//></div>
      </form>
    <//>`;
}

export function SessionsSection({ version }) {
  const sessions = useLoad((signal) => getAll("/me/sessions", { signal }), [version]);

  async function revoke(s) {
    const ok = await confirm({
      title: "Sign out this device?",
      body: `${describeAgent(s.user_agent)} (${s.ip || "unknown address"}) will have to sign in again.`,
      confirmLabel: "Sign out device", danger: true,
    });
    if (!ok) return;
    try {
      await del(`/me/sessions/${s.id}`);
      sessions.setData((d) => ({ ...d, items: d.items.filter((x) => x.id !== s.id) }));
      toast("The device was signed out.");
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }

  let body;
  if (sessions.loading && !sessions.data) body = html`<${Loading} label="Loading sessions…" />`;
  else if (sessions.error) body = html`<${ErrorState} error=${sessions.error} onRetry=${sessions.reload} />`;
  else if (sessions.data.items.length === 0) {
    body = html`<${EmptyState} title="No active sessions">
      <p>Sessions appear here when you sign in from a browser.</p><//>`;
  } else {
    const items = [...sessions.data.items].sort((a, b) => (b.current ? 1 : 0) - (a.current ? 1 : 0));
    body = html`
      <ul class="list" data-testid="session-list">
        ${items.map((s) => html`
          <li key=${s.id} class="list-row" data-testid="session-row">
            <div class="list-main">
              <strong>${describeAgent(s.user_agent)}</strong>
              ${s.current && html` <${Badge} kind="accent"><span data-testid="this-device">This device</span><//>`}
              <div class="muted small">
                ${s.ip || "Unknown address"} · last active <${Time} at=${s.last_seen_at} /> ·
                signed in <${Time} at=${s.created_at} />
              </div>
            </div>
            <div class="list-actions">
              ${s.current
                ? html`<span class="muted small">Use “Sign out” in the menu</span>`
                : html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => revoke(s)}
                          data-testid="session-revoke">Sign out</button>`}
            </div>
          </li>`)}
      </ul>`;
  }
  return html`
    <${Section} id="sessions-section" title="Where you're signed in"
        description="Sign out devices you don't recognise, then change your password." testid="sessions">
      ${body}
    <//>`;
}

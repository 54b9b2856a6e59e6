// Admin users page pieces: the create-user form, the invite form (shows
// the link to copy) and the list of invitations.
import { html, useState } from "../html.js";
import { get, getAll, post, del, errorMessage } from "../api.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, Loading, ErrorState, Time, Badge, CopyButton, useLoad } from "../ui.js";
import { when } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { minPassword, usernameHint } from "./auth-shell.js";

const userFields = ["email", "username", "name", "password", "role"];

export function CreateUserForm({ onCreated, onCancel }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const user = await run(() => post("/admin/users", {
      email: v.email.trim(), username: v.username.trim(), name: v.name.trim(), password: v.password, role: v.role,
    }));
    if (user) {
      toast(`Account created for ${user.name}. Share the password with them privately; they can change it in their profile.`);
      onCreated(user);
    }
  }
  return html`
    <${Section} id="create-user" title="Create a user" testid="create-user"
        description="Set a first password and share it privately. For self-service, send an invitation instead.">
      <form class="form grid-2" onSubmit=${onSubmit} data-testid="create-user-form">
        <${FormError} error=${error} fields=${userFields} />
        <${Field} id="create-name" name="name" label="Full name" required maxlength="200" error=${error} />
        <${Field} id="create-email" name="email" label="Email address" type="email" required error=${error} />
        <${Field} id="create-username" name="username" label="Username" required minlength="3" maxlength="40"
            autocapitalize="none" spellcheck="false" hint=${usernameHint} error=${error} />
        <${Field} id="create-password" name="password" label="First password" type="password" required
            minlength=${minPassword} autocomplete="new-password" hint=${`At least ${minPassword} characters.`}
            error=${error} />
        <${Field} id="create-role" name="role" label="Role" type="select" error=${error}>
          <option value="user">Member</option>
          <option value="admin">Administrator</option>
        <//>
        <div class="actions span-2">
          <${Submit} pending=${pending} pendingLabel="Creating…">Create user<//>
          <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
        </div>
      </form>
    <//>`;
}

export function InviteForm({ onInvited, onCancel }) {
  const { pending, error, run } = useAction();
  const [result, setResult] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const res = await run(() => post("/admin/invites", {
      email: v.email.trim(), role: v.role, expires_in_hours: Number(v.expires_in_hours),
    }));
    if (res) {
      setResult(res);
      form.reset();
      form.elements.expires_in_hours.value = "168";
      onInvited(res.invite);
    }
  }
  return html`
    <${Section} id="invite-user" title="Invite someone" testid="invite"
        description="They get a link to choose their own username and password. Links work once.">
      ${result && html`
        <div class="alert alert-success" role="status" data-testid="invite-result">
          <strong>Invitation created for ${result.invite.email}.</strong>
          <span>Send them this link. It expires <${Time} at=${result.invite.expires_at} />.</span>
          <div class="secret-row">
            <code class="secret" data-testid="invite-link">${result.url}</code>
            <${CopyButton} text=${result.url} label="Copy link" testid="copy-invite" />
          </div>
        </div>`}
      <form class="form grid-2" onSubmit=${onSubmit} data-testid="invite-form">
        <${FormError} error=${error} fields=${["email", "role", "expires_in_hours"]} />
        <${Field} id="invite-email" name="email" label="Email address" type="email" required error=${error} />
        <${Field} id="invite-role" name="role" label="Role" type="select" error=${error}>
          <option value="user">Member</option>
          <option value="admin">Administrator</option>
        <//>
        <${Field} id="invite-hours" name="expires_in_hours" label="Link expires" type="select" error=${error}>
          <option value="24">After 1 day</option>
          <option value="72">After 3 days</option>
          <option value="168" selected=${true}>After 7 days</option>
          <option value="336">After 14 days</option>
        <//>
        <div class="actions span-2">
          <${Submit} pending=${pending} pendingLabel="Creating link…">Create invitation link<//>
          <button type="button" class="btn" onClick=${onCancel}>Close</button>
        </div>
      </form>
    <//>`;
}

function inviteState(inv) {
  if (when(inv.accepted_at)) return ["Accepted", "success"];
  const exp = when(inv.expires_at);
  if (exp && exp.getTime() < Date.now()) return ["Expired", "neutral"];
  return ["Pending", "accent"];
}

export function InvitesList({ version }) {
  const invites = useLoad((signal) => getAll("/admin/invites", { signal }), [version]);
  async function revoke(inv) {
    const ok = await confirm({
      title: `Revoke the invitation for ${inv.email}?`,
      body: "The link stops working. You can send a new invitation later.",
      confirmLabel: "Revoke invitation", danger: true,
    });
    if (!ok) return;
    try {
      await del(`/admin/invites/${inv.id}`);
      invites.setData((d) => ({ ...d, items: d.items.filter((x) => x.id !== inv.id) }));
      toast("Invitation revoked.");
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  let body;
  if (invites.loading && !invites.data) body = html`<${Loading} label="Loading invitations…" />`;
  else if (invites.error) body = html`<${ErrorState} error=${invites.error} onRetry=${invites.reload} />`;
  else if (invites.data.items.length === 0) {
    body = html`<p class="muted" data-testid="invites-empty">No invitations yet. Use “Invite someone” to
      send a sign-up link.</p>`;
  } else {
    body = html`
      <ul class="list">
        ${invites.data.items.map((inv) => {
          const [label, kind] = inviteState(inv);
          return html`
            <li key=${inv.id} class="list-row" data-testid="invite-row">
              <div class="list-main">
                <strong>${inv.email}</strong> <${Badge} kind=${kind}>${label}<//>
                ${inv.role === "admin" && html` <${Badge}>Administrator<//>`}
                <div class="muted small">sent <${Time} at=${inv.created_at} /> · expires <${Time} at=${inv.expires_at} /></div>
              </div>
              <div class="list-actions">
                ${label === "Pending" && html`<button type="button" class="btn btn-small btn-danger-ghost"
                    onClick=${() => revoke(inv)} data-testid="invite-revoke">Revoke</button>`}
              </div>
            </li>`;
        })}
      </ul>`;
  }
  return html`<${Section} id="invites" title="Invitations" testid="invites">${body}<//>`;
}

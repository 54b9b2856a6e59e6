// /invite/{token}: accept an invitation and create the account.
import { html } from "../html.js";
import { get, post } from "../api.js";
import { useApp, signOut } from "../session.js";
import { navigate } from "../router.js";
import { useAction, formValues, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, Loading, ErrorState, EmptyState, Time } from "../ui.js";
import { toast } from "../toast.js";
import { AuthShell, AccountFields } from "./auth-shell.js";

const fields = ["name", "username", "password"];

export default function InvitePage({ params }) {
  const { site, me, setMe } = useApp();
  useTitle("Accept invitation", site);
  const token = params.token;
  const inv = useLoad((signal) => get(`/invites/${encodeURIComponent(token)}`, { signal }), [token]);
  const { pending, error, run } = useAction();

  if (me) {
    return html`
      <${AuthShell} title="You're already signed in" testid="invite-signed-in">
        <p>You're signed in as <strong>${me.email}</strong>. To accept this invitation with a new account,
        sign out first, then open the invitation link again.</p>
        <div class="actions">
          <a class="btn" href="/">Go to my courses</a>
          <button type="button" class="btn btn-primary" onClick=${() => signOut(setMe).then(() =>
            navigate(`/invite/${encodeURIComponent(token)}`, { replace: true }))}>Sign out</button>
        </div>
      <//>`;
  }
  if (inv.loading) return html`<${AuthShell} title="Accept invitation"><${Loading} /><//>`;
  if (inv.error) {
    if (inv.error.code === "not_found") {
      return html`
        <${AuthShell} title="This invitation can't be used" testid="invite-invalid">
          <${EmptyState} title="Invalid, expired or already used" icon="mail">
            <p>Invitation links work once and expire after a while. Ask the person who invited you for a new
            link. If you already accepted it, <a href="/login">sign in</a>.</p>
          <//>
        <//>`;
    }
    return html`<${AuthShell} title="Accept invitation">
      <${ErrorState} error=${inv.error} onRetry=${inv.reload} /><//>`;
  }

  const invite = inv.data;
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const res = await run(() => post(`/invites/${encodeURIComponent(token)}/accept`, {
      username: v.username.trim(), name: v.name.trim(), password: v.password,
    }));
    if (res && res.user) {
      setMe(res.user);
      toast(`Welcome to ${invite.site_name || site.site_name}!`);
      navigate("/", { replace: true });
    }
  }
  return html`
    <${AuthShell} title=${`Join ${invite.site_name || site.site_name}`} testid="invite-page"
        sub=${html`You were invited as ${invite.role === "admin" ? "an administrator" : "a member"}.
          The invitation expires <${Time} at=${invite.expires_at} />.`}>
      <form class="form" onSubmit=${onSubmit} data-testid="accept-invite-form">
        <${FormError} error=${error} fields=${fields} />
        <div class="field">
          <label for="email">Email address</label>
          <input id="email" name="email" type="email" value=${invite.email} readOnly aria-describedby="email-hint" />
          <p class="hint" id="email-hint">The invitation is for this address.</p>
        </div>
        <${AccountFields} error=${error} email=${false} />
        <${Submit} pending=${pending} pendingLabel="Creating your account…">Create account<//>
      </form>
    <//>`;
}

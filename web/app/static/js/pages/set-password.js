// /set-password/{token}: an imported account chooses its password with the
// one-time link an administrator passed on, and is signed in.
import { html } from "../html.js";
import { get, post } from "../api.js";
import { useApp, signOut } from "../session.js";
import { navigate } from "../router.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, Loading, ErrorState, EmptyState, Time } from "../ui.js";
import { toast } from "../toast.js";
import { AuthShell, minPassword, passwordHint } from "./auth-shell.js";

export default function SetPasswordPage({ params }) {
  const { site, me, setMe } = useApp();
  useTitle("Set your password", site);
  const token = params.token;
  const path = `/password-links/${encodeURIComponent(token)}`;
  const link = useLoad((signal) => get(path, { signal }), [token]);
  const { pending, error, run } = useAction();

  if (me) {
    return html`
      <${AuthShell} title="You're already signed in" testid="set-password-signed-in">
        <p>You're signed in as <strong>${me.email}</strong>. To set the password of another account with this
        link, sign out first, then open the link again.</p>
        <div class="actions">
          <a class="btn" href="/">Go to my courses</a>
          <button type="button" class="btn btn-primary" onClick=${() => signOut(setMe).then(() =>
            navigate(`/set-password/${encodeURIComponent(token)}`, { replace: true }))}>Sign out</button>
        </div>
      <//>`;
  }
  if (link.loading) return html`<${AuthShell} title="Set your password"><${Loading} /><//>`;
  if (link.error) {
    if (link.error.code === "not_found") {
      return html`
        <${AuthShell} title="This link can't be used" testid="set-password-invalid">
          <${EmptyState} title="Invalid, expired or already used" icon="mail">
            <p>A set-password link works once and expires after two weeks. Ask your administrator for a new
            one. If you already set your password, <a href="/login">sign in</a>.</p>
          <//>
        <//>`;
    }
    return html`<${AuthShell} title="Set your password">
      <${ErrorState} error=${link.error} onRetry=${link.reload} /><//>`;
  }

  const info = link.data;
  async function onSubmit(e) {
    e.preventDefault();
    const res = await run(() => post(path, { password: formValues(e.currentTarget).password }));
    if (res && res.user) {
      setMe(res.user);
      toast(`Welcome to ${info.site_name || site.site_name}!`);
      navigate("/", { replace: true });
    }
  }
  return html`
    <${AuthShell} title=${`Welcome, ${info.name || info.username}`} testid="set-password-page"
        sub=${html`Choose a password for your ${info.site_name || site.site_name} account.
          This link expires <${Time} at=${info.expires_at} />.`}>
      <form class="form" onSubmit=${onSubmit} data-testid="set-password-form">
        <${FormError} error=${error} fields=${["password"]} />
        <div class="field">
          <label for="account">Your account</label>
          <input id="account" type="text" value=${`${info.username} · ${info.email}`} readOnly
                 aria-describedby="account-hint" />
          <p class="hint" id="account-hint">Sign in later with your username or your email address.</p>
        </div>
        <input type="text" name="username" value=${info.username} autocomplete="username" hidden readOnly />
        <${Field} id="password" label="New password" type="password" required autocomplete="new-password"
            minlength=${minPassword} error=${error} hint=${passwordHint} />
        <${Submit} pending=${pending} pendingLabel="Saving…">Set password and sign in<//>
      </form>
    <//>`;
}

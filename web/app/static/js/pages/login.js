// /login: sign in with email or username; returns to ?next= afterwards.
import { html } from "../html.js";
import { post } from "../api.js";
import { useApp, signInNotice } from "../session.js";
import { useStore } from "../store.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useTitle } from "../ui.js";
import { toast } from "../toast.js";
import { AuthShell } from "./auth-shell.js";

export default function LoginPage({ query }) {
  const { site, setMe } = useApp();
  useTitle("Sign in", site);
  const { pending, error, run } = useAction();
  const next = query.get("next");
  const notice = useStore(signInNotice); // why we were signed out, if it happened elsewhere

  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const res = await run(() => post("/auth/login", { login: v.login.trim(), password: v.password }));
    if (res && res.user) {
      signInNotice.set("");
      toast(`Welcome back, ${res.user.name || res.user.username}.`);
      setMe(res.user); // the router then moves on to ?next= or the dashboard
    }
  }

  const footer = site.signup_policy === "open"
    ? html`New here? <a href="/signup">Create an account</a>`
    : html`No account yet? Ask an administrator of ${site.site_name} for an invitation.`;

  return html`
    <${AuthShell} title="Sign in" sub=${`to ${site.site_name}`} footer=${footer} testid="login-page">
      ${site.setup_needed && html`
        <div class="alert alert-info" data-testid="setup-notice">
          <strong>This site isn't set up yet.</strong>
          <span>When the server started, it wrote a one-time setup link to its log. Open that link to create
          the first administrator account, then sign in here.</span>
        </div>`}
      ${notice && html`<p class="alert alert-info" role="status" data-testid="signin-notice">${notice}</p>`}
      ${next && !notice && !site.setup_needed && html`<p class="alert alert-info">Sign in to continue.</p>`}
      <form class="form" onSubmit=${onSubmit} data-testid="login-form">
        <${FormError} error=${error} fields=${["login", "password"]} />
        <${Field} id="login" label="Email or username" required autocomplete="username"
            autocapitalize="none" spellcheck="false" error=${error} />
        <${Field} id="password" label="Password" type="password" required autocomplete="current-password"
            error=${error} />
        <${Submit} pending=${pending} pendingLabel="Signing in…">Sign in<//>
      </form>
    <//>`;
}

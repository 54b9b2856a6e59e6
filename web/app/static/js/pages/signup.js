// /signup: create an account when the site's sign-up policy is open.
import { html } from "../html.js";
import { post } from "../api.js";
import { useApp } from "../session.js";
import { navigate, safeNext } from "../router.js";
import { useAction, formValues, FormError, Submit } from "../forms.js";
import { useTitle, EmptyState } from "../ui.js";
import { toast } from "../toast.js";
import { AuthShell, AccountFields } from "./auth-shell.js";

const fields = ["email", "name", "username", "password"];

export default function SignupPage({ query }) {
  const { site, setMe } = useApp();
  useTitle("Create an account", site);
  const { pending, error, run } = useAction();

  if (site.signup_policy !== "open") {
    return html`
      <${AuthShell} title="Sign-up is closed" testid="signup-closed"
          footer=${html`Already have an account? <a href="/login">Sign in</a>`}>
        <${EmptyState} title="Accounts are created by invitation" icon="mail">
          <p>${site.site_name} doesn't take open sign-ups. Ask an administrator to invite you; the invitation
          email contains a link to create your account.</p>
        <//>
      <//>`;
  }

  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const res = await run(() => post("/auth/signup", {
      email: v.email.trim(), username: v.username.trim(), name: v.name.trim(), password: v.password,
    }));
    if (res && res.user) {
      setMe(res.user);
      toast(`Welcome to ${site.site_name}, ${res.user.name}!`);
      navigate(safeNext(query.get("next")), { replace: true });
    }
  }

  const domain = site.signup_domain;
  const emailHint = domain
    ? `Use your @${domain} address: only those can sign up here.`
    : "We'll use it for sign-in and notifications.";
  return html`
    <${AuthShell} title="Create an account" sub=${`Join ${site.site_name}`} testid="signup-page"
        footer=${html`Already have an account? <a href="/login">Sign in</a>`}>
      ${domain && html`<p class="alert alert-info" data-testid="signup-domain">
        Sign-up is open to email addresses ending in <strong>@${domain}</strong>.</p>`}
      <form class="form" onSubmit=${onSubmit} data-testid="signup-form">
        <${FormError} error=${error} fields=${fields} />
        <${AccountFields} error=${error} emailHint=${emailHint} />
        <${Submit} pending=${pending} pendingLabel="Creating your account…">Create account<//>
      </form>
    <//>`;
}

// /setup?token=...: first run, create the first administrator.
import { html } from "../html.js";
import { post } from "../api.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { useAction, formValues, FormError, Submit } from "../forms.js";
import { useTitle, EmptyState } from "../ui.js";
import { toast } from "../toast.js";
import { AuthShell, AccountFields } from "./auth-shell.js";

const fields = ["email", "name", "username", "password"];

export default function SetupPage({ query }) {
  const { site, setMe, reloadSite } = useApp();
  useTitle("Set up", site);
  const { pending, error, run } = useAction();
  const token = query.get("token") || "";

  if (!site.setup_needed) {
    return html`
      <${AuthShell} title="Setup is complete" testid="setup-done">
        <${EmptyState} title="This site already has an administrator" icon="check">
          <p>First-run setup can only be done once. <a href="/login">Sign in</a> instead, or ask an
          administrator for an account.</p>
        <//>
      <//>`;
  }
  if (!token) {
    return html`
      <${AuthShell} title=${`Set up ${site.site_name}`} testid="setup-no-token">
        <div class="alert alert-error" role="alert">
          <strong>The setup link is incomplete.</strong>
          <span>Open the full link the server wrote to its log when it started (it ends
          in <code>/setup?token=…</code>). Restarting the server prints it again.</span>
        </div>
      <//>`;
  }

  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const res = await run(() => post("/setup", {
      token, email: v.email.trim(), username: v.username.trim(), name: v.name.trim(), password: v.password,
    }));
    if (res && res.user) {
      // Signed in and on the dashboard in one render: waiting for the site
      // in between left the setup form under a top bar that already had
      // the user menu, which a click opened just before the page moved on
      // (and closed it). Only the setup and sign-in pages read setup_needed.
      setMe(res.user);
      navigate("/", { replace: true });
      toast("Your administrator account is ready. Next: create users or invite people.");
      reloadSite();
    }
  }

  const forbidden = error && error.code === "forbidden";
  return html`
    <${AuthShell} title=${`Set up ${site.site_name}`}
        sub="Create the first administrator account. You can add everyone else afterwards.">
      ${forbidden && html`<div class="alert alert-error" role="alert" data-testid="setup-forbidden">
        <strong>This setup link doesn't work.</strong>
        <span>It was already used or is not the current one. Copy the link from the latest server log,
        or <a href="/login">sign in</a> if setup is already done.</span></div>`}
      <form class="form" onSubmit=${onSubmit} data-testid="setup-form">
        ${!forbidden && html`<${FormError} error=${error} fields=${fields} />`}
        <${AccountFields} error=${error} emailHint="Your own address: you'll sign in with it." />
        <${Submit} pending=${pending} pendingLabel="Creating account…">Create administrator<//>
      </form>
    <//>`;
}

// /admin/settings: site name, sign-up policy and the allowed email domain.
import { html, useState } from "../html.js";
import { get, patch } from "../api.js";
import { useApp } from "../session.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, PageTitle, Section, Loading, ErrorState } from "../ui.js";
import { toast } from "../toast.js";

const fields = ["site_name", "signup_policy", "signup_domain", "course_creators"];

function SettingsForm({ settings, onSaved }) {
  const { pending, error, run } = useAction();
  const [policy, setPolicy] = useState(settings.signup_policy);
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const saved = await run(() => patch("/admin/settings", {
      site_name: v.site_name.trim(),
      signup_policy: v.signup_policy,
      signup_domain: v.signup_domain.trim().replace(/^@/, ""),
      course_creators: v.course_creators,
    }));
    if (saved) onSaved(saved);
  }
  return html`
    <form class="form" onSubmit=${onSubmit} data-testid="settings-form">
      <${FormError} error=${error} fields=${fields} />
      <${Section} id="site" title="Site">
        <${Field} id="site_name" label="Site name" required maxlength="200" defaultValue=${settings.site_name}
            hint="Shown in the top bar, page titles and invitations." error=${error} />
      <//>
      <${Section} id="signup" title="Sign-up"
          description="Who may create an account without an invitation.">
        <${Field} id="signup_policy" label="Sign-up policy" type="select" error=${error}
            onChange=${(e) => setPolicy(e.currentTarget.value)}>
          <option value="closed" selected=${settings.signup_policy === "closed"}>Closed: only administrators add people (users or invitations)</option>
          <option value="open" selected=${settings.signup_policy === "open"}>Open: anyone can sign up</option>
        <//>
        <${Field} id="signup_domain" label="Allowed email domain" optional defaultValue=${settings.signup_domain}
            placeholder="e.g. school.edu" autocapitalize="none" spellcheck="false" error=${error}
            hint=${policy === "open"
              ? "Only addresses ending in @this domain may sign up. Leave empty to allow any address."
              : "Only used while sign-up is open."} />
      <//>
      <${Section} id="courses" title="Courses" description="Who may create courses. The creator becomes the course's instructor.">
        <${Field} id="course_creators" label="Who may create courses" type="select" error=${error}>
          <option value="anyone" selected=${settings.course_creators !== "admins"}>Anyone with an account</option>
          <option value="admins" selected=${settings.course_creators === "admins"}>Only administrators</option>
        <//>
      <//>
      <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…">Save settings<//></div>
    </form>`;
}

export default function AdminSettingsPage() {
  const { site, setSite } = useApp();
  useTitle("Settings", site);
  const settings = useLoad((signal) => get("/admin/settings", { signal }), []);
  function onSaved(saved) {
    settings.setData(saved);
    setSite({ ...site, ...saved });
    toast("Settings saved.");
  }
  let body;
  if (settings.loading && !settings.data) body = html`<${Loading} label="Loading settings…" />`;
  else if (settings.error) body = html`<${ErrorState} error=${settings.error} onRetry=${settings.reload} />`;
  else body = html`<${SettingsForm} settings=${settings.data} onSaved=${onSaved} />`;
  return html`
    <div class="page narrow">
      <${PageTitle} sub="Settings for the whole site. Changes are recorded in the audit log.">Settings<//>
      ${body}
    </div>`;
}

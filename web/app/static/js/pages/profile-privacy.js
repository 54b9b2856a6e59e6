// The profile's "Your data" section: download everything Lyceum stores
// about me (a zip), and ask the administrators to delete my account (or
// take the request back).
import { html } from "../html.js";
import { get, post, del, errorMessage } from "../api.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useLoad, Section, Loading } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { fullTime } from "../format.js";

/** myRequest resolves to the caller's deletion request, or null. */
async function myRequest(signal) {
  try {
    return await get("/me/deletion-request", { signal });
  } catch (e) {
    if (e && e.status === 404) return null;
    throw e;
  }
}

export function PrivacySection() {
  const req = useLoad((signal) => myRequest(signal), []);
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    if (!(await confirm({ title: "Ask to delete your account?",
      body: "An administrator will anonymise your account: your name, email and sign-in go; your posts stay as \"Deleted user\".",
      confirmLabel: "Send request", danger: true }))) return;
    const saved = await run(() => post("/me/deletion-request", { reason: v.reason.trim() }));
    if (!saved) return;
    req.setData(saved);
    toast("Your request was sent to the administrators.");
  }
  async function withdraw() {
    try {
      await del("/me/deletion-request");
      req.setData(null);
      toast("Your deletion request was taken back.");
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  return html`
    <${Section} id="privacy" title="Your data" testid="privacy-section"
        description="Download everything Lyceum stores about you, or ask for your account to be deleted.">
      <div class="actions">
        <a class="btn" href="/api/v1/me/export" download data-testid="export-data">Download my data (zip)</a>
        <span class="muted small" data-testid="export-contents">Your profile, courses, progress, posts, chat messages,
          course announcements you wrote, submissions with their files, quiz attempts, released grades and
          notifications.</span>
      </div>
      ${req.loading && req.data === undefined && html`<${Loading} />`}
      ${req.data && html`
        <div class="alert alert-info" data-testid="deletion-pending">
          <span>You asked to delete your account on ${fullTime(req.data.created_at)}. An administrator will handle it.</span>
          <button type="button" class="btn btn-small" data-testid="withdraw-deletion" onClick=${withdraw}>Take back</button>
        </div>`}
      ${req.data === null && html`
        <form class="form" onSubmit=${onSubmit} data-testid="deletion-request-form">
          <${FormError} error=${error} fields=${["reason"]} />
          <${Field} id="deletion-reason" name="reason" label="Why (for the administrators)" type="textarea" rows="2"
              optional maxlength="1000" error=${error} />
          <div class="actions"><${Submit} kind="danger" pending=${pending} pendingLabel="Sending…">Ask to delete my account<//></div>
        </form>`}
    <//>`;
}

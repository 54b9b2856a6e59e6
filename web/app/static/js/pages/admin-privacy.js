// /admin/privacy: the retention setting (keep or remove an anonymised
// person's grades) and the open deletion requests, each with "Anonymise".
import { html } from "../html.js";
import { get, patch, post, getAll, errorMessage } from "../api.js";
import { useApp } from "../session.js";
import { useAction, formValues, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, PageTitle, Section, Loading, ErrorState, EmptyState } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { fullTime } from "../format.js";

function RetentionForm({ retention, onSaved }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const saved = await run(() => patch("/admin/privacy", { keep_grades: v.keep_grades === "on" }));
    if (saved) onSaved(saved);
  }
  return html`
    <form class="form" onSubmit=${onSubmit} data-testid="retention-form">
      <${FormError} error=${error} />
      <label class="check"><input type="checkbox" name="keep_grades" id="keep-grades" defaultChecked=${retention.keep_grades} />
        Keep an anonymised person's grades, submissions and quiz attempts (under "Deleted user") for the school's records</label>
      <p class="hint">Unticked, anonymising removes them too. Posts, chat messages and course announcements always stay, as "Deleted user".</p>
      <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…">Save retention<//></div>
    </form>`;
}

function Requests({ list, keep, onDone }) {
  async function anonymise(r) {
    if (!(await confirm({ title: `Anonymise ${r.name || r.username}?`,
      body: `Their account becomes "Deleted user" and can no longer sign in; their posts stay under that name. ${keep
        ? "Their grades are kept." : "Their grades, submissions and quiz attempts are removed."} This cannot be undone.`,
      confirmLabel: "Anonymise", danger: true }))) return;
    try {
      await post(`/admin/users/${r.user_id}/anonymise`);
      toast(`${r.username} was anonymised.`);
      onDone();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  if (!list.length) {
    return html`<${EmptyState} title="No deletion requests" testid="no-deletion-requests">
      <p class="muted">People ask from their profile page ("Your data").</p><//>`;
  }
  return html`
    <ul class="list" data-testid="deletion-requests">
      ${list.map((r) => html`
        <li key=${r.user_id} class="list-row" data-testid="deletion-request" data-username=${r.username}>
          <div class="list-main">
            <strong>${r.name || r.username}</strong> <span class="muted">@${r.username}</span>
            <div class="muted small">Asked ${fullTime(r.created_at)}</div>
            ${r.reason && html`<p class="prewrap">${r.reason}</p>`}
          </div>
          <button type="button" class="btn btn-danger-ghost" data-testid="anonymise" onClick=${() => anonymise(r)}>Anonymise</button>
        </li>`)}
    </ul>`;
}

export default function AdminPrivacyPage() {
  const { site } = useApp();
  useTitle("Privacy", site);
  const retention = useLoad((signal) => get("/admin/privacy", { signal }), []);
  const requests = useLoad((signal) => getAll("/admin/deletion-requests", { signal }), []);
  return html`
    <div class="page narrow">
      <${PageTitle} sub="Deletion requests and what anonymising keeps. Every action is in the audit log.">Privacy<//>
      <${Section} id="retention" title="Retention">
        ${retention.loading && !retention.data && html`<${Loading} />`}
        ${retention.error && !retention.data && html`<${ErrorState} error=${retention.error} onRetry=${retention.reload} />`}
        ${retention.data && html`<${RetentionForm} retention=${retention.data}
            onSaved=${(r) => { retention.setData(r); toast("Retention saved."); }} />`}
      <//>
      <${Section} id="requests" title="Deletion requests">
        ${requests.loading && !requests.data && html`<${Loading} />`}
        ${requests.error && !requests.data && html`<${ErrorState} error=${requests.error} onRetry=${requests.reload} />`}
        ${requests.data && html`<${Requests} list=${requests.data.items} keep=${!retention.data || retention.data.keep_grades}
            onDone=${requests.reload} />`}
      <//>
    </div>`;
}

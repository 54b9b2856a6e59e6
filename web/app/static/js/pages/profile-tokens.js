// Profile section: personal API tokens (create, shown once; list; revoke).
import { html, useState } from "../html.js";
import { getAll, post, del, errorMessage } from "../api.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, Loading, ErrorState, Time, CopyButton, useLoad } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";

const defaultExpiryDays = "30";

function NewToken({ created, onDone }) {
  return html`
    <div class="alert alert-warning new-token" role="status" data-testid="new-token">
      <strong>Copy your new token now. You won't be able to see it again.</strong>
      <span>Use it as <code>Authorization: Bearer …</code>. Treat it like a password.</span>
      <div class="secret-row">
        <code class="secret" data-testid="new-token-value">${created.token}</code>
        <${CopyButton} text=${created.token} label="Copy token" testid="copy-token" />
      </div>
      <div><button type="button" class="btn btn-small" onClick=${onDone}>I've copied it</button></div>
    </div>`;
}

export function TokensSection() {
  const tokens = useLoad((signal) => getAll("/me/tokens", { signal }), []);
  const [created, setCreated] = useState(null);
  const { pending, error, run } = useAction();

  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const body = { name: v.name.trim() };
    if (v.expires_in_days) body.expires_in_days = Number(v.expires_in_days);
    const res = await run(() => post("/me/tokens", body));
    if (res) {
      form.reset();
      form.elements.expires_in_days.value = defaultExpiryDays;
      setCreated(res);
      tokens.setData((d) => (d ? { ...d, items: [res.api_token, ...d.items] } : d));
    }
  }
  async function revoke(t) {
    const ok = await confirm({
      title: `Revoke “${t.name}”?`,
      body: "Scripts and integrations using this token stop working immediately. This can't be undone.",
      confirmLabel: "Revoke token", danger: true,
    });
    if (!ok) return;
    try {
      await del(`/me/tokens/${t.id}`);
      tokens.setData((d) => ({ ...d, items: d.items.filter((x) => x.id !== t.id) }));
      toast("Token revoked.");
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }

  let list;
  if (tokens.loading && !tokens.data) list = html`<${Loading} label="Loading tokens…" />`;
  else if (tokens.error) list = html`<${ErrorState} error=${tokens.error} onRetry=${tokens.reload} />`;
  else if (tokens.data.items.length === 0) {
    list = html`<p class="muted" data-testid="tokens-empty">You have no API tokens. Create one to use the
      Lyceum API from scripts or other tools.</p>`;
  } else {
    list = html`
      <table class="table table-cards" data-testid="token-list">
        <thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th>
          <th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${tokens.data.items.map((t) => html`
            <tr key=${t.id} data-testid="token-row">
              <td data-label="Name"><strong>${t.name}</strong></td>
              <td data-label="Token"><code>${t.prefix}…</code></td>
              <td data-label="Created"><${Time} at=${t.created_at} /></td>
              <td data-label="Last used"><${Time} at=${t.last_used_at} fallback="Never" /></td>
              <td data-label="Expires"><${Time} at=${t.expires_at} fallback="Never" /></td>
              <td class="cell-actions">
                <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => revoke(t)}
                        data-testid="token-revoke">Revoke</button>
              </td>
            </tr>`)}
        </tbody>
      </table>`;
  }
  return html`
    <${Section} id="tokens-section" title="API tokens" testid="tokens"
        description="Personal tokens let scripts act as you. Give each one a name you'll recognise.">
      ${created && html`<${NewToken} created=${created} onDone=${() => setCreated(null)} />`}
      <form class="form form-inline" onSubmit=${onSubmit} data-testid="token-form">
        <${FormError} error=${error} fields=${["name", "expires_in_days"]} />
        <${Field} id="token_name" name="name" label="Token name" required maxlength="200"
            placeholder="e.g. Grade export script" error=${error} />
        <${Field} id="token_expiry" name="expires_in_days" label="Expires" type="select" error=${error}>
          <option value="7">In 7 days</option>
          <option value="30" selected=${true}>In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
          <option value="">Never</option>
        <//>
        <${Submit} pending=${pending} pendingLabel="Creating…">Create token<//>
      </form>
      ${list}
    <//>`;
}

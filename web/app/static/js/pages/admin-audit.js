// /admin/audit: the audit log, newest first, filtered by action, with
// "load older" pagination.
import { html, useState, useEffect } from "../html.js";
import { get, query } from "../api.js";
import { useApp } from "../session.js";
import { useAction } from "../forms.js";
import { useTitle, PageTitle, Loading, ErrorState, EmptyState, Time } from "../ui.js";
import { auditActions, actionLabel, fullTime } from "../format.js";

const pageSize = 50;

function AuditRow({ e }) {
  const failed = e.action.endsWith("_failed");
  return html`
    <tr data-testid="audit-row" data-action=${e.action} class=${failed ? "row-warn" : ""}>
      <td data-label="When"><div><${Time} at=${e.at} /><div class="muted small">${fullTime(e.at)}</div></div></td>
      <td data-label="Who">${e.actor_name || html`<span class="muted">anonymous</span>`}</td>
      <td data-label="Action"><span title=${e.action}>${actionLabel(e.action)}</span></td>
      <td data-label="Target"><code>${e.target || "—"}</code></td>
      <td data-label="Address" class="muted">${e.ip || "—"}</td>
      <td data-label="Detail" class="cell-detail">${e.detail || null}</td>
    </tr>`;
}

export default function AdminAuditPage() {
  const { site } = useApp();
  useTitle("Audit log", site);
  const [action, setAction] = useState("");
  const [items, setItems] = useState(null);
  const [next, setNext] = useState("");
  const [loadError, setLoadError] = useState(null);
  const [tick, setTick] = useState(0);
  const more = useAction();

  useEffect(() => {
    const ctl = new AbortController();
    setItems(null);
    setLoadError(null);
    get(`/admin/audit${query({ action, limit: pageSize })}`, { signal: ctl.signal }).then(
      (d) => { setItems(d.items); setNext(d.next_cursor || ""); },
      (e) => { if (e.name !== "AbortError") setLoadError(e); },
    );
    return () => ctl.abort();
  }, [action, tick]);

  async function loadOlder() {
    const d = await more.run(() => get(`/admin/audit${query({ action, limit: pageSize, cursor: next })}`));
    if (d) {
      setItems((cur) => [...cur, ...d.items]);
      setNext(d.next_cursor || "");
    }
  }

  let body;
  if (loadError) body = html`<${ErrorState} error=${loadError} onRetry=${() => setTick((t) => t + 1)} />`;
  else if (!items) body = html`<${Loading} label="Loading the audit log…" />`;
  else if (items.length === 0) {
    body = html`<${EmptyState} title="No matching entries" testid="audit-empty">
      <p>${action ? "Nothing of this kind was recorded yet. Choose “All actions” to see everything."
                  : "Sign-ins, user changes and settings changes will be listed here."}</p><//>`;
  } else {
    body = html`
      <table class="table table-cards" data-testid="audit-table">
        <caption class="visually-hidden">Audit log entries, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>
          <th scope="col">Target</th><th scope="col">Address</th><th scope="col">Detail</th></tr></thead>
        <tbody>${items.map((e) => html`<${AuditRow} key=${e.id} e=${e} />`)}</tbody>
      </table>
      <div class="pager">
        <span class="muted">${items.length} entries shown</span>
        ${next ? html`<button type="button" class="btn" onClick=${loadOlder} disabled=${more.pending}
                        data-testid="audit-more">${more.pending ? "Loading…" : "Load older entries"}</button>`
               : html`<span class="muted">That's the beginning of the log.</span>`}
      </div>
      ${more.error && html`<${ErrorState} error=${more.error} onRetry=${loadOlder} title="Couldn't load older entries" />`}`;
  }

  return html`
    <div class="page">
      <${PageTitle} sub="Administrative actions and sign-ins, newest first.">Audit log<//>
      <div class="toolbar">
        <div class="field">
          <label for="action">Show</label>
          <select id="action" name="action" value=${action} onChange=${(e) => setAction(e.currentTarget.value)}
                  data-testid="audit-filter">
            <option value="">All actions</option>
            <optgroup label="Groups">
              <option value="auth.">Sign-in and accounts (auth.*)</option>
              <option value="user.">User changes (user.*)</option>
              <option value="invite.">Invitations (invite.*)</option>
              <option value="token.">API tokens (token.*)</option>
            </optgroup>
            <optgroup label="Single actions">
              ${auditActions.map(([value, label]) => html`<option value=${value}>${label} (${value})</option>`)}
            </optgroup>
          </select>
        </div>
      </div>
      ${body}
    </div>`;
}

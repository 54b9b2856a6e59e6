// /admin/email: whether email is on (the SMTP server, never its password,
// or how to turn it on) and the emails that could not be sent, each with
// "Send again".
import { html } from "../html.js";
import { get, post, getAll, errorMessage } from "../api.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, PageTitle, Section, Loading, ErrorState, EmptyState } from "../ui.js";
import { toast } from "../toast.js";
import { fullTime, plural } from "../format.js";

const tlsLabels = { starttls: "STARTTLS (required)", tls: "TLS from the first byte", none: "None (no encryption)" };

function Server({ status }) {
  if (!status.enabled) {
    return html`<${EmptyState} title="Email is off" icon="mail" testid="email-off">
      <p class="muted">No notification, digest or reminder is emailed. To turn email on, set
      <code>LYCEUM_SMTP_HOST</code> and <code>LYCEUM_SMTP_FROM</code> (and, as your mail server needs,
      <code>LYCEUM_SMTP_PORT</code>, <code>LYCEUM_SMTP_TLS</code>, <code>LYCEUM_SMTP_USER</code> and
      <code>LYCEUM_SMTP_PASSWORD</code>), then restart Lyceum.</p><//>`;
  }
  return html`
    <dl class="facts" data-testid="email-on">
      <dt>Server</dt><dd data-testid="email-host">${status.host}:${status.port}</dd>
      <dt>Encryption</dt><dd>${tlsLabels[status.tls] || status.tls}</dd>
      <dt>Sender</dt><dd data-testid="email-from">${status.from}</dd>
      <dt>Sign-in</dt><dd>${status.auth ? `as ${status.user} (the password is set on the server)` : "none"}</dd>
    </dl>`;
}

function Failed({ list, onDone }) {
  async function retry(e, f) {
    e.preventDefault();
    try {
      await post(`/admin/email/failed/${f.id}/retry`);
      toast(`The email to ${f.to} is being sent again.`);
      onDone();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  if (!list.length) {
    return html`<${EmptyState} title="No failed emails" testid="no-failed-emails">
      <p class="muted">An email the mail server refuses is tried again five times over about half an hour;
      those that still fail are listed here.</p><//>`;
  }
  return html`
    <ul class="list" data-testid="failed-emails">
      ${list.map((f) => html`
        <li key=${f.id} class="list-row" data-testid="failed-email" data-id=${f.id}>
          <div class="list-main">
            <strong>${f.subject || "(no subject)"}</strong> <span class="muted">to ${f.to || "?"}</span>
            <div class="muted small">Failed ${fullTime(f.failed_at)} after ${plural(f.attempts, "attempt")}</div>
            <p class="small error-text prewrap">${f.last_error}</p>
          </div>
          <form data-testid="email-retry-form" onSubmit=${(e) => retry(e, f)}>
            <button type="submit" class="btn">Send again</button>
          </form>
        </li>`)}
    </ul>`;
}

export default function AdminEmailPage() {
  const { site } = useApp();
  useTitle("Email", site);
  const status = useLoad((signal) => get("/admin/email", { signal }), []);
  const failed = useLoad((signal) => getAll("/admin/email/failed", { signal }), []);
  return html`
    <div class="page narrow">
      <${PageTitle} sub="The mail server notifications are sent through, and the emails it could not take.">Email<//>
      <${Section} id="server" title="Mail server">
        ${status.loading && !status.data && html`<${Loading} />`}
        ${status.error && !status.data && html`<${ErrorState} error=${status.error} onRetry=${status.reload} />`}
        ${status.data && html`<${Server} status=${status.data} />`}
      <//>
      <${Section} id="failed" title="Failed emails">
        ${failed.loading && !failed.data && html`<${Loading} />`}
        ${failed.error && !failed.data && html`<${ErrorState} error=${failed.error} onRetry=${failed.reload} />`}
        ${failed.data && html`<${Failed} list=${failed.data.items} onDone=${failed.reload} />`}
      <//>
    </div>`;
}

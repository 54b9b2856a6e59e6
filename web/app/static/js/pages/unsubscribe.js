// /unsubscribe?t=...: the link at the foot of every notification email.
// Opening it turns that kind of email off (no sign-in: the signed token
// names the person and the kind), then offers Undo and the settings.
import { html, useState } from "../html.js";
import { post, patch, errorMessage } from "../api.js";
import { useApp } from "../session.js";
import { useTitle, useLoad, Loading, EmptyState } from "../ui.js";
import { useAction, FormError } from "../forms.js";
import { AuthShell } from "./auth-shell.js";

export default function UnsubscribePage({ query }) {
  const { site } = useApp();
  useTitle("Unsubscribe", site);
  const token = query.get("t") || "";
  const path = `/unsubscribe?t=${encodeURIComponent(token)}`;
  const done = useLoad(() => post(path), [token]);
  const [undone, setUndone] = useState(false);
  const { pending, error, run } = useAction();

  if (done.loading) return html`<${AuthShell} title="Unsubscribing…"><${Loading} /><//>`;
  if (done.error) {
    return html`
      <${AuthShell} title="This link can't be used" testid="unsubscribe-invalid">
        <${EmptyState} title="Nothing was changed" icon="mail">
          <p>${errorMessage(done.error)}</p>
          <p><a href="/notifications/settings">Open your notification settings</a></p>
        <//>
      <//>`;
  }
  const what = done.data.kind === "digest" ? "the daily digest" : `“${done.data.label}”`;
  async function undo() {
    if (await run(() => patch(path, { kinds: done.data.changed }))) setUndone(true);
  }
  return html`
    <${AuthShell} title=${undone ? "Emails are back on" : "You're unsubscribed"} testid="unsubscribe-page">
      <${FormError} error=${error} />
      <p data-testid="unsubscribe-message">${undone
        ? `You will get emails about ${what} again, as before.`
        : html`You will no longer get emails about ${what}. You still see these notifications in Lyceum.`}</p>
      <div class="actions">
        ${!undone && Object.keys(done.data.changed).length > 0 && html`
          <button type="button" class="btn" data-testid="unsubscribe-undo" disabled=${pending} onClick=${undo}>Undo</button>`}
        <a class="btn btn-primary" href="/notifications/settings">Settings</a>
      </div>
    <//>`;
}

// /admin/users/import: create accounts (and enrolments) from a CSV file.
// Choosing a file shows a preview of every row (nothing is written yet);
// the administrator then imports all rows, or only the valid ones, and
// gets the set-password links of the new accounts to pass on.
import { html, useState, useRef } from "../html.js";
import { api, query } from "../api.js";
import { useApp } from "../session.js";
import { useAction, FormError } from "../forms.js";
import { useTitle, PageTitle, Section, EmptyState } from "../ui.js";
import { plural } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { pickFile } from "../file-pick.js";
import { Counts, RowsTable, Links } from "./user-import-report.js";

const maxImportBytes = 8 << 20; // mirrors the server's 8 MiB limit

const example = `email,username,name,password,course,role
lea@school.example,lea,Léa Martin,,12,learner
lea@school.example,lea,,,14,learner
max@school.example,max,Max Müller,a long first password,12,ta
`;

/** importUsers sends the file; dryRun asks for a preview only. */
const importUsers = (file, { dryRun, validOnly, update }) => api("POST", `/admin/users/import${query({
  dry_run: dryRun ? 1 : "", valid_only: validOnly ? 1 : "", existing: update ? "update" : "",
})}`, { body: file, contentType: "text/csv" });

function Help() {
  return html`
    <details class="small" data-testid="import-help">
      <summary>What goes in the file?</summary>
      <p>The first row names the columns. <strong>email</strong>, <strong>username</strong> and
        <strong>name</strong> are required; <strong>password</strong> is optional (without one, the account gets a
        one-time link to set it); <strong>course</strong> (the number in the course's address) and
        <strong>role</strong> (learner, ta or instructor) enrol the account. Repeat a person on several rows to
        enrol them in several courses.</p>
      <pre class="prewrap"><code>${example}</code></pre>
    </details>`;
}

export default function AdminUserImportPage() {
  const { site } = useApp();
  useTitle("Import users", site);
  const { pending, error, run, setError } = useAction();
  const [file, setFile] = useState(null);
  const [update, setUpdate] = useState(false);
  const [report, setReport] = useState(null);
  const [localError, setLocalError] = useState("");
  const input = useRef(null);

  function reset() {
    setReport(null);
    setFile(null);
    setLocalError("");
    setError(null);
    if (input.current) input.current.value = "";
  }
  async function preview(f, upd) {
    setReport(null);
    const rep = await run(() => importUsers(f, { dryRun: true, update: upd }));
    if (rep) setReport(rep);
  }
  function onFile(e) {
    const { file: f, tooLarge } = pickFile(e, maxImportBytes);
    setLocalError(tooLarge);
    setError(null);
    setFile(f);
    if (f) preview(f, update);
    else setReport(null);
  }
  function onUpdate(e) {
    setUpdate(e.currentTarget.checked);
    if (file) preview(file, e.currentTarget.checked);
  }
  async function apply() {
    const validOnly = report.errors > 0;
    if (validOnly) {
      const ok = await confirm({
        title: `Import the valid rows and skip ${plural(report.errors, "row")}?`,
        body: "The rows with problems are not imported. You can fix them and import that part of the file later.",
        confirmLabel: "Import valid rows",
      });
      if (!ok) return;
    }
    const rep = await run(() => importUsers(file, { validOnly, update }));
    if (!rep) return;
    setReport(rep);
    if (rep.applied) {
      setFile(null);
      if (input.current) input.current.value = "";
      toast(rep.message);
    }
  }

  const valid = report && !report.applied ? report.create + report.update + report.enrol : 0;
  let body = null;
  if (pending && !report) body = html`<p class="muted" role="status">Checking the file…</p>`;
  else if (report && report.rows.length === 0) {
    body = html`<${EmptyState} title="The file has no rows" testid="import-empty">
      <p>It has a header row but nobody in it. Add one row per person, then choose the file again.</p><//>`;
  } else if (report) {
    body = html`
      <div data-testid=${report.applied ? "import-result" : "import-preview"}>
        <p class="roster-summary" role="status" data-testid="import-message"><strong>${report.message}</strong></p>
        <${Counts} report=${report} />
        ${report.applied && html`<${Links} report=${report} />`}
        ${!report.applied && html`
          <div class="actions">
            <button type="button" class="btn btn-primary" disabled=${pending || valid === 0} onClick=${apply}
                    data-testid="import-confirm">
              ${pending ? "Importing…" : valid === 0 ? "Nothing to import"
                : report.errors > 0 ? `Import the ${plural(valid, "valid row")}` : `Import ${plural(valid, "row")}`}</button>
            <button type="button" class="btn" onClick=${reset} disabled=${pending}>Cancel</button>
          </div>
          ${report.errors > 0 && html`<p class="hint">Or fix the rows with problems in your file and choose it again:
            nothing has been imported yet.</p>`}`}
        ${report.applied && html`<div class="actions">
          <a class="btn btn-primary" href="/admin/users" data-testid="import-see-users">See the users</a>
          <button type="button" class="btn" onClick=${reset}>Import another file</button></div>`}
        <${RowsTable} report=${report} />
      </div>`;
  }

  return html`
    <div class="page">
      <div class="back-link-row"><a class="back-link" href="/admin/users">← Users</a></div>
      <div class="page-head">
        <${PageTitle} sub="Create accounts from a CSV file and enrol them in courses. You see what each row does before anything changes.">
          Import users<//>
      </div>
      <${Section} id="import-file" title="Choose a file" testid="import-file-section"
          description="A CSV file (up to 8 MB) with a header row. Existing accounts (same email and username) are kept; their enrolments are added.">
        <div class="field">
          <label for="import-file-input">CSV file</label>
          <input id="import-file-input" type="file" accept=".csv,text/csv" ref=${input} onChange=${onFile}
                 data-testid="import-file" aria-describedby="import-file-hint" disabled=${pending} />
          <p class="hint" id="import-file-hint">Nothing is imported until you confirm the preview.</p>
          ${localError && html`<p class="field-error" role="alert">${localError}</p>`}
        </div>
        <label class="check">
          <input type="checkbox" checked=${update} onChange=${onUpdate} data-testid="import-update" disabled=${pending} />
          <span><strong>Update existing accounts</strong>
            <span class="hint">Take their names from the file, and give accounts that never set a password a new link.</span></span>
        </label>
        <${Help} />
        <${FormError} error=${error} />
      <//>
      ${body}
    </div>`;
}

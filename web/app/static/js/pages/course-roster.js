// The CSV roster import of the People tab: choose a file, see a preview of
// what each row would do, import the valid rows, and read the per-row report.
import { html, useState, useRef } from "../html.js";
import { useAction, FormError } from "../forms.js";
import { Section, Badge } from "../ui.js";
import { plural } from "../format.js";
import { toast } from "../toast.js";
import { pickFile } from "../file-pick.js";
import { importRoster } from "./course-api.js";
import { roleLabels } from "./course-common.js";

const maxRosterBytes = 1 << 20; // mirrors the server's 1 MiB limit

const outcomes = {
  enrol: ["Will enrol", "Enrolled", "success"],
  update: ["Will update", "Updated", "accent"],
  unchanged: ["No change", "No change", "neutral"],
  error: ["Skipped", "Skipped", "danger"],
};

function Report({ report }) {
  return html`
    <div class="roster-report" data-testid=${report.applied ? "roster-result" : "roster-preview"}>
      <p class="roster-summary" role="status">
        ${report.applied ? "Imported: " : "Preview: "}
        <strong>${plural(report.enrol, "new member")}</strong>, ${plural(report.update, "change")},${" "}
        <strong class=${report.errors ? "text-danger" : ""}>${plural(report.errors, "row")} with problems</strong>.
      </p>
      <div class="table-scroll">
        <table class="table roster-table">
          <caption class="visually-hidden">${report.applied ? "Import report" : "Import preview"}</caption>
          <thead><tr><th scope="col">Line</th><th scope="col">Login</th><th scope="col">Role</th>
            <th scope="col">Group</th><th scope="col">Outcome</th></tr></thead>
          <tbody>
            ${report.rows.map((r) => {
              const [will, did, kind] = outcomes[r.outcome] || [r.outcome, r.outcome, "neutral"];
              return html`<tr key=${r.line} class=${r.outcome === "error" ? "row-warn" : ""} data-testid="roster-row"
                              data-outcome=${r.outcome}>
                <td>${r.line}</td><td class="cell-wrap">${r.login}</td>
                <td>${r.role ? roleLabels[r.role] || r.role : ""}</td><td>${r.group || ""}</td>
                <td><${Badge} kind=${kind}>${report.applied ? did : will}<//>
                  ${r.reason && html`<div class="small">${r.reason}</div>`}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
    </div>`;
}

export function RosterImport({ courseID, onApplied }) {
  const { pending, error, run, setError } = useAction();
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [localError, setLocalError] = useState("");
  const input = useRef(null);

  async function onChange(e) {
    const { file: f, tooLarge } = pickFile(e, maxRosterBytes);
    setReport(null);
    setLocalError(tooLarge);
    setError(null);
    setFile(f);
    if (!f) return;
    const rep = await run(() => importRoster(courseID, f, false));
    if (rep) setReport(rep);
  }
  async function apply() {
    const rep = await run(() => importRoster(courseID, file, true));
    if (!rep) return;
    setReport(rep);
    setFile(null);
    if (input.current) input.current.value = "";
    toast(`Roster imported: ${plural(rep.enrol, "new member")}, ${plural(rep.errors, "row")} skipped.`);
    onApplied();
  }
  const valid = report && !report.applied ? report.enrol + report.update : 0;
  return html`
    <${Section} id="roster" title="Import a roster" testid="roster-import"
        description="A CSV file with a header row: login (email or username; required), role (learner, ta or instructor) and group (optional).">
      <div class="field">
        <label for="roster-file">CSV file</label>
        <input id="roster-file" type="file" accept=".csv,text/csv" ref=${input} onChange=${onChange}
               data-testid="roster-file" aria-describedby="roster-hint" />
        <p class="hint" id="roster-hint">You'll see what each row does before anything changes. People need an account already.</p>
        ${localError && html`<p class="field-error">${localError}</p>`}
      </div>
      <${FormError} error=${error} />
      ${pending && !report && html`<p class="muted small">Checking the file…</p>`}
      ${report && html`<${Report} report=${report} />`}
      ${report && !report.applied && html`
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled=${pending || valid === 0} onClick=${apply}
                  data-testid="roster-apply">
            ${valid === 0 ? "Nothing to import" : `Import ${plural(valid, "row")}`}</button>
          <button type="button" class="btn" onClick=${() => { setReport(null); setFile(null); if (input.current) input.current.value = ""; }}>
            Cancel</button>
        </div>`}
    <//>`;
}

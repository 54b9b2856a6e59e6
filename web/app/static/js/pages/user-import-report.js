// The pieces of the user import page that show a report: the counts, the
// table of rows (each row's action, course and problems; cards on a
// phone), and the set-password links to pass on.
import { html, useState } from "../html.js";
import { Badge, CopyButton } from "../ui.js";
import { plural } from "../format.js";

/** Rows rendered at first; a button shows the rest (a file may have 20,000). */
const firstRows = 200;

// action -> [label before importing, label after importing, badge kind]
const actions = {
  create: ["Will create", "Created", "success"],
  update: ["Will update", "Updated", "accent"],
  enrol: ["Will enrol", "Enrolled", "accent"],
  skip: ["No change", "No change", "neutral"],
  error: ["Has problems", "Skipped", "danger"],
};

const roleLabels = { learner: "Learner", ta: "Teaching assistant", instructor: "Instructor" };
const fieldLabels = { email: "Email", username: "Username", name: "Name", password: "Password", course: "Course", role: "Role" };

/** Counts shows what the rows do, as a row of numbers. */
export function Counts({ report }) {
  const created = report.applied ? "created" : "new";
  const items = [
    [report.create, `${report.create === 1 ? "account" : "accounts"} ${created}` +
      (report.update > 0 ? `, ${report.update} ${report.applied ? "updated" : "to update"}` : ""), "create"],
    [report.enrolments, `${report.enrolments === 1 ? "enrolment" : "enrolments"} ${report.applied ? "added" : "to add"}`,
      "enrolments"],
    [report.errors, `${report.errors === 1 ? "row" : "rows"} with problems${report.applied && report.errors ? ", skipped" : ""}`,
      "errors"],
  ];
  return html`
    <div class="stat-row import-counts">
      ${items.map(([n, label, key]) => html`
        <div class="card stat" key=${key}>
          <span class=${`stat-num${key === "errors" && n > 0 ? " text-danger" : ""}`} data-testid=${`import-count-${key}`}>${n}</span>
          <span class="muted small">${label}</span></div>`)}
    </div>`;
}

function Problems({ row }) {
  if (!row.problems || row.problems.length === 0) return null;
  return html`
    <ul class="list small text-danger" data-testid="import-problems">
      ${row.problems.map((p, i) => html`<li key=${i}>
        ${p.field && html`<strong>${fieldLabels[p.field] || p.field}:</strong> `}${p.reason}</li>`)}
    </ul>`;
}

function Row({ row, applied }) {
  const [will, did, kind] = actions[row.action] || [row.action, row.action, "neutral"];
  const course = row.course_id
    ? html`<div>${row.course_title || `Course ${row.course_id}`}
        <div class="muted small">${roleLabels[row.role] || row.role}</div></div>`
    : html`<span class="muted">—</span>`;
  return html`
    <tr class=${row.action === "error" ? "row-warn" : ""} data-testid="import-row" data-line=${row.line}
        data-action=${row.action}>
      <td data-label="Line">${row.line}</td>
      <td data-label="Account">
        <div class="cell-wrap"><strong>${row.name || row.username || "—"}</strong>
          <div class="muted small">${row.username && `@${row.username}`}${row.email && ` · ${row.email}`}</div></div>
      </td>
      <td data-label="Course">${course}</td>
      <td data-label="What happens"><div>
        <div><${Badge} kind=${kind}>${applied ? did : will}<//>
          ${row.password === "link" && row.action !== "error" && html` <span class="small muted">set-password link</span>`}</div>
        <${Problems} row=${row} />
        ${row.note && html`<div class="small muted">${row.note}</div>`}
      </div></td>
    </tr>`;
}

/** RowsTable lists the rows, problems first on request. */
export function RowsTable({ report }) {
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [all, setAll] = useState(false);
  const rows = onlyProblems ? report.rows.filter((r) => r.action === "error") : report.rows;
  const shown = all ? rows : rows.slice(0, firstRows);
  return html`
    <div class="import-rows">
      ${report.errors > 0 && html`
        <label class="check check-inline">
          <input type="checkbox" checked=${onlyProblems} data-testid="import-only-problems"
                 onChange=${(e) => setOnlyProblems(e.currentTarget.checked)} />
          <span>Show only the rows with problems</span>
        </label>`}
      <div class="table-scroll">
        <table class="table table-cards roster-table" data-testid="import-table">
          <caption class="visually-hidden">${report.applied ? "Import result" : "Import preview"}, one row per line of the file</caption>
          <thead><tr><th scope="col">Line</th><th scope="col">Account</th><th scope="col">Course</th>
            <th scope="col">What happens</th></tr></thead>
          <tbody>${shown.map((r) => html`<${Row} key=${r.line} row=${r} applied=${report.applied} />`)}</tbody>
        </table>
      </div>
      ${shown.length < rows.length && html`
        <p class="muted small">Showing the first ${shown.length} of ${plural(rows.length, "row")}.
          <button type="button" class="link" onClick=${() => setAll(true)}>Show all</button></p>`}
    </div>`;
}

/** linksCSV is the links as a CSV to paste into a spreadsheet or mail merge. */
function linksCSV(rows) {
  const cell = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return ["username,name,email,link", ...rows.map((r) =>
    [r.username, r.name, r.email, r.set_password_url].map(cell).join(","))].join("\n") + "\n";
}

/** Links lists the one-time set-password links of an applied import. */
export function Links({ report }) {
  const rows = report.rows.filter((r) => r.set_password_url);
  if (rows.length === 0) return null;
  return html`
    <div class="alert alert-warning" role="note" data-testid="import-links">
      <strong>${plural(rows.length, "set-password link")} to pass on</strong>
      <span>Each link works once and expires in two weeks. They are shown only now: copy them before you leave
        this page. Give each person their own link, privately.</span>
      <div class="actions">
        <${CopyButton} text=${linksCSV(rows)} label="Copy all links as CSV" testid="copy-all-links" />
      </div>
      <ul class="list" aria-label="Set-password links">
        ${rows.map((r) => html`<li class="list-row" key=${r.line} data-testid="import-link" data-username=${r.username}>
          <div class="list-main cell-wrap"><strong>${r.name || r.username}</strong>
            <span class="muted small"> · ${r.email}</span>
            <div class="secret-row">
              <code class="secret">${r.set_password_url}</code>
              <${CopyButton} text=${r.set_password_url} label="Copy" />
            </div></div>
        </li>`)}
      </ul>
    </div>`;
}

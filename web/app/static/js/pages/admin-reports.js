// /admin/reports: the site report — accounts and how many were active,
// courses, uploads and the storage they use, live connections now — with
// a CSV download.
import { html } from "../html.js";
import { useApp } from "../session.js";
import { useLoad, useTitle, Loading, ErrorState, Section, PageTitle } from "../ui.js";
import { DataTable } from "../chart.js";
import { siteReport, siteCSV } from "./reports-api.js";
import { CSVLink, Stat } from "./report-common.js";

function bytes(n) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export default function AdminReportsPage() {
  const { site } = useApp();
  useTitle("Site report", site);
  const rep = useLoad((signal) => siteReport(signal), []);
  const r = rep.data;
  let body;
  if (rep.loading && !r) body = html`<${Loading} label="Loading the site report…" />`;
  else if (rep.error && !r) body = html`<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  else {
    body = html`
      <div class="stat-row" data-testid="site-stats">
        <${Stat} value=${r.active_week} label=${`of ${r.users} accounts active this week`} testid="stat-active-week" />
        <${Stat} value=${r.courses} label="courses" testid="stat-courses" />
        <${Stat} value=${r.connections} label="live connections on this server now" testid="stat-connections" />
      </div>
      <${Section} id="site" title="Figures" actions=${html`<${CSVLink} href=${siteCSV()} testid="csv-site" />`}
          description="Active: signed in or seen in the period.">
        <${DataTable} caption="Site figures" testid="table-site" head=${["Figure", "Value"]} rows=${[
          ["Accounts (not disabled)", r.users], ["Active in the last day", r.active_day], ["Active in the last 7 days", r.active_week],
          ["Active in the last 30 days", r.active_month], ["Courses", r.courses], ["Uploaded files", r.uploads],
          ["Storage used by uploads", bytes(r.storage_bytes)], ["Live connections (this server)", r.connections]]} />
      <//>`;
  }
  return html`
    <div class="page report-page" data-testid="report-site">
      <${PageTitle}>Site report<//>
      ${body}
    </div>`;
}

// The attendance of a course's live sessions, on the course's progress
// report (view_grades): per session, who joined and left when, and their
// total minutes; a CSV export with one row per stay.
import { html } from "../html.js";
import { useLoad, Loading, ErrorState, Section, Time } from "../ui.js";
import { plural } from "../format.js";
import { attendanceReport, attendanceCSVURL } from "./course-api.js";

function Session({ s }) {
  return html`
    <details class="attendance-session" data-testid="attendance-session" data-session-id=${s.session_id}>
      <summary><strong>${s.room_name}</strong> · <${Time} at=${s.started_at} /> · ${plural(s.people.length, "person", "people")}</summary>
      <div class="table-scroll">
        <table class="table">
          <thead><tr><th scope="col">Person</th><th scope="col">Joined</th><th scope="col">Left</th><th scope="col">Minutes</th></tr></thead>
          <tbody>
            ${s.people.map((p) => p.stays.map((st, i) => html`
              <tr key=${`${p.user_id}-${i}`} data-testid="attendance-row" data-user-id=${p.user_id}>
                ${i === 0 && html`<td rowspan=${p.stays.length}><strong>${p.name || p.username || "Deleted account"}</strong></td>`}
                <td><${Time} at=${st.joined_at} /></td>
                <td>${st.left_at ? html`<${Time} at=${st.left_at} />` : html`<span class="muted">still there</span>`}</td>
                ${i === 0 && html`<td rowspan=${p.stays.length} data-testid="attendance-minutes">${p.minutes}</td>`}
              </tr>`))}
          </tbody>
        </table>
      </div>
    </details>`;
}

/** AttendanceReport lists the course's live sessions, newest first. */
export function AttendanceReport({ course }) {
  const rep = useLoad((signal) => attendanceReport(course.id, signal), [course.id]);
  const csv = html`<a class="btn btn-small" href=${attendanceCSVURL(course.id)} download data-native
      data-testid="attendance-csv">Export CSV</a>`;
  let body;
  if (rep.loading && !rep.data) body = html`<${Loading} label="Loading attendance…" />`;
  else if (rep.error) body = html`<${ErrorState} error=${rep.error} onRetry=${rep.reload} />`;
  else if (rep.data.sessions.length === 0) body = html`<p class="muted" data-testid="attendance-empty">No live sessions yet.</p>`;
  else body = [...rep.data.sessions].reverse().map((s) => html`<${Session} key=${s.session_id} s=${s} />`);
  return html`
    <${Section} id="attendance" title="Live session attendance" testid="attendance"
        actions=${rep.data && rep.data.sessions.length > 0 ? csv : null}
        description="Who joined each live session, when they joined and left, and their minutes in it.">
      ${body}
    <//>`;
}

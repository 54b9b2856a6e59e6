// /calendar: every dated thing across my courses (lesson releases, quiz
// opening and closing, assignment due and cut-off dates, course events,
// scheduled live sessions) in a month, week or agenda view (agenda by
// default on phones), in the browser's time zone; ?course= one course,
// ?event= one event's details. Instructors add course events; everyone
// can subscribe to their own iCal feed.
import { html, useState, useEffect } from "../html.js";
import { useApp } from "../session.js";
import { useLocation, navigate } from "../router.js";
import { query } from "../api.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState, EmptyState } from "../ui.js";
import { can } from "./course-common.js";
import { myCourses } from "./course-api.js";
import { listCalendar } from "./calendar-api.js";
import { Agenda, Week, Month, viewRange, step, dayKey, parseDay } from "./calendar-views.js";
import { EventForm, EventPanel, SubscribePanel } from "./calendar-forms.js";

const views = [["agenda", "Agenda"], ["week", "Week"], ["month", "Month"]];
const phone = () => window.matchMedia("(max-width: 640px)").matches;

function heading(view, anchor, range) {
  if (view === "month") return anchor.toLocaleDateString(undefined, { month: "long", year: "numeric" });
  const last = new Date(range.to.getTime() - 1);
  const f = (d) => d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  return `${f(range.from)} – ${f(last)}`;
}

export default function CalendarPage() {
  const { site } = useApp();
  useTitle("Calendar", site);
  const loc = useLocation();
  const q = loc.query;
  const view = views.some(([v]) => v === q.get("view")) ? q.get("view") : (phone() ? "agenda" : "month");
  const anchor = parseDay(q.get("date")) || new Date();
  const courseID = Number(q.get("course") || 0);
  const eventID = Number(q.get("event") || 0);
  const range = viewRange(view, anchor);
  const [panel, setPanel] = useState(""); // "", "add" or "subscribe"

  const courses = useLoad((signal) => myCourses(signal), []);
  const items = useLoad((signal) => listCalendar({ from: range.from.toISOString(), to: range.to.toISOString(),
    course_id: courseID || "" }, signal), [range.from.getTime(), range.to.getTime(), courseID]);
  useEffect(() => { if (eventID) setPanel(""); }, [eventID]);

  const go = (changes) => {
    const next = { view, date: dayKey(anchor), course: courseID || "", ...changes };
    for (const k of Object.keys(next)) if (next[k] === "" || next[k] === 0) delete next[k];
    navigate(`/calendar${query(next)}`);
  };
  const myList = (courses.data && courses.data.items) || [];
  const editable = myList.filter((c) => can(c, "edit_content"));
  const list = (items.data && items.data.items) || [];
  const selected = eventID ? `event-${eventID}` : "";
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return html`
    <div class="page cal-page">
      <div class="page-head">
        <${PageTitle} sub=${`Dates across your courses, in your time zone (${tz}).`}>Calendar<//>
        <div class="page-actions">
          ${editable.length > 0 && html`<button type="button" class="btn btn-primary" data-testid="add-event"
              aria-expanded=${panel === "add" ? "true" : "false"} onClick=${() => setPanel(panel === "add" ? "" : "add")}>Add event</button>`}
          <button type="button" class="btn" data-testid="subscribe" aria-expanded=${panel === "subscribe" ? "true" : "false"}
              onClick=${() => setPanel(panel === "subscribe" ? "" : "subscribe")}>Subscribe</button>
        </div>
      </div>
      ${panel === "add" && html`<${EventForm} courses=${editable} defaultCourse=${courseID}
          onCancel=${() => setPanel("")}
          onSaved=${(ev) => { setPanel(""); items.reload(); go({ date: dayKey(new Date(ev.starts_at)), event: ev.id }); }} />`}
      ${panel === "subscribe" && html`<${SubscribePanel} onClose=${() => setPanel("")} />`}
      ${eventID > 0 && html`<${EventPanel} id=${eventID} courses=${myList} onChanged=${items.reload}
          onClose=${() => go({ event: "" })} />`}
      <div class="cal-toolbar" data-testid="cal-toolbar">
        <div class="pill-nav" role="group" aria-label="View">
          ${views.map(([v, label]) => html`<button key=${v} type="button" class="pill" aria-pressed=${view === v ? "true" : "false"}
              data-testid=${`view-${v}`} onClick=${() => go({ view: v })}>${label}</button>`)}
        </div>
        <div class="cal-nav">
          <button type="button" class="btn btn-small" aria-label="Earlier" onClick=${() => go({ date: dayKey(step(view, anchor, -1)) })}>‹</button>
          <button type="button" class="btn btn-small" onClick=${() => go({ date: "" })}>Today</button>
          <button type="button" class="btn btn-small" aria-label="Later" onClick=${() => go({ date: dayKey(step(view, anchor, 1)) })}>›</button>
          <h2 class="cal-heading" aria-live="polite">${heading(view, anchor, range)}</h2>
        </div>
        <label class="cal-filter"><span class="visually-hidden">Course</span>
          <select data-testid="cal-course" value=${String(courseID)} onChange=${(e) => go({ course: Number(e.currentTarget.value) })}>
            <option value="0">All my courses</option>
            ${myList.map((c) => html`<option key=${c.id} value=${String(c.id)}>${c.title}</option>`)}
          </select>
        </label>
      </div>
      ${items.loading && !items.data && html`<${Loading} label="Loading the calendar…" />`}
      ${items.error && !items.data && html`<${ErrorState} error=${items.error} onRetry=${items.reload} />`}
      ${items.data && items.data.truncated && html`<p class="alert alert-warning">Only the first ${list.length} dates are shown: choose one course or a shorter view.</p>`}
      ${items.data && view === "agenda" && (list.length
        ? html`<${Agenda} items=${list} range=${range} selected=${selected} />`
        : html`<${EmptyState} title="Nothing in the next 30 days" testid="cal-empty" icon="calendar">
            <p class="muted">Due dates, quizzes, lesson releases and course events of your courses show here.
              <a href=${`/calendar${query({ view: "month", course: courseID || "" })}`}>See the month</a>.</p><//>`)}
      ${items.data && view === "week" && html`<${Week} items=${list} range=${range} selected=${selected} />`}
      ${items.data && view === "month" && html`<${Month} items=${list} range=${range} anchor=${anchor} selected=${selected}
          onDay=${(d) => go({ view: "week", date: dayKey(d) })} />`}
    </div>`;
}

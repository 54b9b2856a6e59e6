// The calendar's panels: the course event form (add and edit), an event's
// details (with edit and delete for its instructors), and "Subscribe":
// the personal iCal feed address with copy and reset.
import { html, useState } from "../html.js";
import { useLoad, Loading, ErrorState, CopyButton } from "../ui.js";
import { Field, FormError, Submit, useAction, formValues } from "../forms.js";
import { errorMessage } from "../api.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { fullTime, when } from "../format.js";
import { dateTimeInput, fromDateInput, can } from "./course-common.js";
import { listRooms } from "./forum-api.js";
import { getEvent, createEvent, updateEvent, deleteEvent, getFeed, resetFeed, deleteFeed } from "./calendar-api.js";

const zeroTime = "0001-01-01T00:00:00Z";

function RoomSelect({ courseID, value, error }) {
  const rooms = useLoad((signal) => (courseID ? listRooms(courseID, signal) : Promise.resolve({ items: [] })), [courseID]);
  const list = (rooms.data && rooms.data.items) || [];
  return html`
    <${Field} id="event-room" name="room_id" label="Live session in room" type="select" defaultValue=${String(value || 0)}
        error=${error} hint="Choose a room to make this a scheduled live session; learners get a link to join.">
      <option value="0">None (a plain event)</option>
      ${list.map((r) => html`<option key=${r.id} value=${String(r.id)}>${r.name}</option>`)}
    <//>`;
}

/** EventForm adds an event to one of the courses the person edits, or edits ev. */
export function EventForm({ courses, ev, defaultCourse, onSaved, onCancel }) {
  const first = courses.some((c) => c.id === defaultCourse) ? defaultCourse : courses[0] && courses[0].id;
  const [courseID, setCourseID] = useState(ev ? ev.course_id : first);
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const body = {
      title: v.title.trim(), description: v.description, location: v.location.trim(),
      room_id: Number(v.room_id || 0), starts_at: fromDateInput(v.starts_at) || zeroTime,
      ends_at: fromDateInput(v.ends_at) || zeroTime,
    };
    const saved = await run(() => (ev ? updateEvent(ev.id, body) : createEvent(Number(v.course_id || courseID), body)));
    if (!saved) return;
    toast(ev ? "Event saved" : "Event added");
    onSaved(saved);
  }
  const d = ev || {};
  return html`
    <form class="card form cal-event-form" onSubmit=${onSubmit} data-testid="event-form" noValidate>
      <h2 class="cal-panel-title">${ev ? "Edit event" : "Add a course event"}</h2>
      <${FormError} error=${error} fields=${["title", "starts_at", "ends_at", "location", "room_id", "description"]} />
      ${!ev && html`
        <${Field} id="event-course" name="course_id" label="Course" type="select" value=${String(courseID)}
            onChange=${(e) => setCourseID(Number(e.currentTarget.value))}>
          ${courses.map((c) => html`<option key=${c.id} value=${String(c.id)}>${c.title}</option>`)}
        <//>`}
      <${Field} id="event-title" name="title" label="Title" required maxlength="200" defaultValue=${d.title} error=${error} />
      <div class="grid-2">
        <${Field} id="event-starts" name="starts_at" label="Starts" type="datetime-local" required
            defaultValue=${dateTimeInput(d.starts_at)} error=${error} />
        <${Field} id="event-ends" name="ends_at" label="Ends" type="datetime-local" optional
            defaultValue=${dateTimeInput(d.ends_at)} error=${error} />
      </div>
      <${Field} id="event-location" name="location" label="Location" optional maxlength="200" defaultValue=${d.location} error=${error} />
      <${RoomSelect} courseID=${courseID} value=${d.room_id} error=${error} />
      <${Field} id="event-description" name="description" label="Details" type="textarea" rows="3" optional
          maxlength="4000" defaultValue=${d.description} error=${error} />
      <p class="hint">Times are in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}).</p>
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Saving…">${ev ? "Save event" : "Add event"}<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>`;
}

/** EventPanel shows one course event; its instructors edit or delete it. */
export function EventPanel({ id, courses, onChanged, onClose }) {
  const ev = useLoad((signal) => getEvent(id, signal), [id]);
  const [editing, setEditing] = useState(false);
  if (ev.loading && !ev.data) return html`<${Loading} label="Loading the event…" />`;
  if (ev.error && !ev.data) return html`<${ErrorState} error=${ev.error} onRetry=${ev.reload} title="We couldn't load this event" />`;
  const e = ev.data;
  const course = courses.find((c) => c.id === e.course_id);
  const mayEdit = can(course, "edit_content");
  if (editing) {
    return html`<${EventForm} courses=${courses} ev=${e} onCancel=${() => setEditing(false)}
        onSaved=${(saved) => { setEditing(false); ev.setData(saved); onChanged(); }} />`;
  }
  async function remove() {
    if (!(await confirm({ title: "Delete this event?", body: `"${e.title}" leaves everyone's calendar.`,
      confirmLabel: "Delete event", danger: true }))) return;
    try {
      await deleteEvent(e.id);
      toast("Event deleted");
      onChanged();
      onClose();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  return html`
    <section class="card cal-event" data-testid="event-panel" aria-labelledby="event-title-h">
      <h2 class="cal-panel-title" id="event-title-h">${e.title}</h2>
      <p><strong>${fullTime(e.starts_at)}</strong>${when(e.ends_at) && html` – ${fullTime(e.ends_at)}`}
        ${course && html` · <a href=${`/courses/${course.id}`}>${course.title}</a>`}</p>
      ${e.location && html`<p>Location: ${e.location}</p>`}
      ${e.description && html`<p class="prewrap">${e.description}</p>`}
      <div class="actions">
        ${e.room_id ? html`<a class="btn btn-primary" href=${`/courses/${e.course_id}/rooms/${e.room_id}/live`}>Join the live session</a>` : null}
        ${mayEdit && html`<button type="button" class="btn" data-testid="edit-event" onClick=${() => setEditing(true)}>Edit</button>
          <button type="button" class="btn btn-danger-ghost" data-testid="delete-event" onClick=${remove}>Delete</button>`}
        <button type="button" class="btn btn-ghost" onClick=${onClose}>Close</button>
      </div>
    </section>`;
}

/** SubscribePanel manages the personal feed address. */
export function SubscribePanel({ onClose }) {
  const feed = useLoad((signal) => getFeed(signal), []);
  const [url, setURL] = useState("");
  const [busy, setBusy] = useState(false);
  // The buttons wait for the feed's state: before it, "make" could not know
  // to ask first, and the row would move under a click when it arrived.
  async function make() {
    if (!feed.data) return;
    if (feed.data.active && !(await confirm({ title: "Make a new address?",
      body: "The current address stops working at once: calendars subscribed to it stop updating until you give them the new one.",
      confirmLabel: "Make a new address" }))) return;
    setBusy(true);
    try {
      const got = await resetFeed();
      setURL(got.url);
      feed.setData({ active: true, created_at: got.created_at });
    } catch (err) {
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  async function off() {
    if (!(await confirm({ title: "Turn the feed off?", body: "Calendars subscribed to it stop updating.",
      confirmLabel: "Turn off", danger: true }))) return;
    try {
      await deleteFeed();
      setURL("");
      feed.setData({ active: false });
      toast("Calendar feed turned off");
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  const active = feed.data && feed.data.active;
  return html`
    <section class="card cal-subscribe" data-testid="calendar-subscribe" aria-labelledby="subscribe-h">
      <h2 class="cal-panel-title" id="subscribe-h">Subscribe in your calendar app</h2>
      <p class="muted">Add this private address to Google Calendar, Outlook or Apple Calendar ("subscribe" or
        "add from URL"): your due dates and events appear there, in that app's time zone, and stay up to date.
        Anyone with the address can read your calendar, so keep it to yourself; make a new one if it leaks.</p>
      ${feed.loading && !feed.data && html`<${Loading} />`}
      ${feed.error && !feed.data && html`<${ErrorState} error=${feed.error} onRetry=${feed.reload} />`}
      ${url && html`
        <div class="field">
          <label for="feed-url">Your calendar address</label>
          <div class="cal-feed-row">
            <input id="feed-url" readonly value=${url} data-testid="feed-url" onFocus=${(e) => e.currentTarget.select()} />
            <${CopyButton} text=${url} testid="copy-feed" />
          </div>
          <p class="hint">Shown only now: copy it into your calendar app.</p>
        </div>`}
      ${feed.data && !url && html`<p data-testid="feed-status">${active
        ? html`Your feed is on since ${fullTime(feed.data.created_at)}. Its address was shown when it was made; make a new one to see it again.`
        : "You have no calendar address yet."}</p>`}
      <div class="actions">
        ${feed.data && html`<button type="button" class="btn btn-primary" disabled=${busy} data-testid="reset-feed" onClick=${make}>
          ${active ? "Make a new address" : "Create my calendar address"}</button>`}
        ${active && html`<button type="button" class="btn btn-danger-ghost" data-testid="delete-feed" onClick=${off}>Turn off</button>`}
        <button type="button" class="btn btn-ghost" onClick=${onClose}>Close</button>
      </div>
    </section>`;
}

// /courses/{id}/rooms: the course's chat rooms the viewer may enter, with
// unread counts; staff create rooms (optionally for one group).
import { html, useState, useEffect } from "../html.js";
import { live } from "../live.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { useLoad, Loading, ErrorState, EmptyState, Badge } from "../ui.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { CourseFrame, can } from "./course-common.js";
import { listRooms, createRoom, listGroups, roomTopic } from "./forum-api.js";
import { Glyph } from "./forum-parts.js";

export const roomPath = (courseID, roomID) => `/courses/${courseID}/rooms/${roomID}`;

const maxWatchedRooms = 50; // rooms whose unread counts update live on the list

function NewRoomForm({ course, groups, onCancel }) {
  const { pending, error, run } = useAction();
  async function submit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const room = await run(() => createRoom(course.id, f.get("name"), Number(f.get("group_id")) || 0));
    if (room) {
      toast(`Room “${room.name}” created.`);
      navigate(roomPath(course.id, room.id));
    }
  }
  return html`
    <form class="card form" onSubmit=${submit} data-testid="new-room-form" aria-labelledby="new-room-title">
      <h2 id="new-room-title">New room</h2>
      <${FormError} error=${error} fields=${["name", "group_id"]} />
      <div class="grid-2">
        <${Field} id="room-name" name="name" label="Name" error=${error} required maxLength="200" autofocus
            hint="For example “Project team A” or “Office hours”." data-testid="room-name-input" />
        <${Field} id="room-group" name="group_id" label="Who can enter" type="select" error=${error}
            hint="A group's room is for that group's members and the course staff.">
          <option value="0">Everyone in the course</option>
          ${groups.map((g) => html`<option key=${g.id} value=${g.id}>Only group “${g.name}”</option>`)}
        <//>
      </div>
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Creating…" testid="room-submit">Create room<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>`;
}

function Rooms({ course }) {
  const rooms = useLoad((signal) => listRooms(course.id, signal), [course.id]);
  const groups = useLoad((signal) => listGroups(course.id, signal), [course.id]);
  const [creating, setCreating] = useState(false);
  const mayCreate = can(course, "edit_content");
  const { me } = useApp();
  // Unread counts change while the tab is elsewhere: refresh when it is back.
  useEffect(() => {
    const onVisible = () => { if (document.visibilityState === "visible") rooms.reload(); };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);
  // Live unread counts: follow every listed room quietly (without showing up
  // as "here" in it); a new message from someone else counts one more, and
  // reading elsewhere (another tab) or missed events reload the counts. The
  // counts were read before these subscriptions: read them once more when
  // all are in place (a message in between would not be counted).
  const roomIDs = rooms.data ? rooms.data.items.slice(0, maxWatchedRooms).map((r) => r.id).join(",") : "";
  useEffect(() => {
    if (!roomIDs) return undefined;
    const ids = roomIDs.split(",").map(Number);
    const waiting = new Set(ids); // rooms whose subscription is not in place (nor refused) yet
    const started = (id) => () => { if (waiting.delete(id) && waiting.size === 0) rooms.reload(); };
    const offs = ids.map((id) => live.subscribe(roomTopic(id), (ev) => {
      if (!ev) return;
      if (ev.kind === "message.created" && ev.message && ev.message.author_id !== me.id) {
        rooms.setData((d) => ({ ...d, items: d.items.map((r) => (r.id === id ? { ...r, unread: r.unread + 1 } : r)) }));
      } else if (ev.kind === "read" && ev.read_state && ev.read_state.user_id === me.id) {
        rooms.reload();
      }
    }, { quiet: true, onReset: rooms.reload, onStart: started(id), onError: started(id) }));
    return () => offs.forEach((off) => off());
  }, [roomIDs, me.id]);
  if (rooms.loading && !rooms.data) return html`<${Loading} label="Loading rooms…" />`;
  if (rooms.error) return html`<${ErrorState} error=${rooms.error} onRetry=${rooms.reload} />`;
  const groupList = (groups.data && groups.data.items) || [];
  const groupName = (id) => (groupList.find((g) => g.id === id) || {}).name;
  const list = [...rooms.data.items].sort((a, b) => (b.main - a.main) || a.name.localeCompare(b.name));
  return html`
    <div data-testid="rooms">
      <div class="section-bar">
        <p class="muted section-bar-text">Chat with the class. Messages stay here from one class to the next.</p>
        ${mayCreate && html`<div class="page-actions">
          <button type="button" class="btn btn-primary" aria-expanded=${creating ? "true" : "false"}
                  data-testid="new-room" onClick=${() => setCreating(!creating)}>New room</button></div>`}
      </div>
      ${creating && html`<${NewRoomForm} course=${course} groups=${groupList} onCancel=${() => setCreating(false)} />`}
      ${list.length === 0 ? html`<${EmptyState} title="No rooms you can enter" testid="rooms-empty">
          <p>${mayCreate ? "Create a room for the class or for one group." : "Ask the course staff to open a room."}</p><//>`
        : html`
        <ul class="room-grid" data-testid="room-list">
          ${list.map((r) => html`
            <li key=${r.id} class="card room-card" data-testid="room-row" data-room-id=${r.id}>
              <a class="card-link room-link" href=${roomPath(course.id, r.id)}>
                <span class="room-icon" aria-hidden="true"><${Glyph} name="chat" size=${22} /></span>
                <span class="room-text">
                  <strong class="room-name">${r.name}</strong>
                  <span class="room-tags">
                    ${r.main && r.name !== "Main room" && html`<${Badge} kind="accent">Main room<//>`}
                    ${r.group_id > 0 && html`<${Badge}>Group: ${groupName(r.group_id) || "one group"}<//>`}
                  </span>
                </span>
                ${r.unread > 0
                  ? html`<span class="unread-count" data-testid="room-unread">${r.unread > 99 ? "99+" : r.unread}
                      <span class="visually-hidden"> unread</span></span>`
                  : null}
              </a>
            </li>`)}
        </ul>`}
    </div>`;
}

export default function RoomListPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="rooms" title="Rooms">
      ${(course) => html`<${Rooms} course=${course} />`}
    <//>`;
}

// /courses/{id}/rooms/{roomId}: a room's chat. History loads newest first
// and older pages load when scrolled to the top; new messages arrive live
// (room:<id>), with who is here (presence) and who is typing; the read
// position moves while the newest messages are on screen.
import { html, useState, useEffect, useRef, useMemo } from "../html.js";
import { useApp } from "../session.js";
import { useStore } from "../store.js";
import { liveStatus } from "../live.js";
import { useTitle, useLoad, Loading, ErrorState, Badge, Avatar } from "../ui.js";
import { errorMessage } from "../api.js";
import { plural } from "../format.js";
import { CourseFrame } from "./course-common.js";
import { getRoom } from "./forum-api.js";
import { Glyph, useMembers, staffRoles } from "./forum-parts.js";
import { useRoomChat } from "./room-state.js";
import { Message, PendingMessage } from "./room-message.js";
import { Composer } from "./room-composer.js";
import { useMessageKeys, messagesHint } from "./room-keys.js";

const nearTopPx = 120; // load older messages when scrolled this close to the top
const nearBottomPx = 80; // "at the bottom": follow new messages and mark them read
const compactMs = 5 * 60 * 1000; // messages by one author within this run together
const seenOnLast = 3; // "seen by" is shown on this many latest staff messages

function PresenceList({ presence, byID, me }) {
  const people = [...presence.values()].sort((a, b) => (a.name || "").localeCompare(b.name || ""));
  return html`
    <ul class="presence-list" data-testid="presence-list">
      ${people.map((p) => {
        const m = byID.get(Number(p.id));
        const name = p.name || (m && (m.name || m.username)) || "Someone";
        return html`<li key=${p.id} class="presence-row" data-testid="presence-row" data-user-id=${p.id}>
          <span class="presence-avatar"><${Avatar} user=${{ name }} size="sm" /><span class="presence-dot" aria-hidden="true"></span></span>
          <span class="presence-name">${name}${String(me.id) === p.id && html` <span class="muted">(you)</span>`}</span>
          ${m && staffRoles.has(m.role) && html`<${Badge} kind="accent">${m.role === "ta" ? "TA" : "Instructor"}<//>`}
        </li>`;
      })}
    </ul>`;
}

function TypingLine({ typing }) {
  const names = [...typing.values()].map((t) => t.name || "Someone");
  let text = "";
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = "Several people are typing…";
  return html`<div class="typing-line muted small" aria-live="polite" data-testid="typing">${text}</div>`;
}

export function Chat({ course, info }) {
  const { me } = useApp();
  const room = info.room;
  const members = useMembers(course.id);
  const chat = useRoomChat(room.id, me);
  const status = useStore(liveStatus);
  const [replyTo, setReplyTo] = useState(null);
  const [showPeople, setShowPeople] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const logRef = useRef(null);
  const inputRef = useRef(null);
  const atBottom = useRef(true);
  const anchor = useRef(null); // {height, top} before older messages were prepended
  const lastCount = useRef(0);
  const listRef = useRef(null);
  const focusComposer = () => { if (inputRef.current) inputRef.current.focus(); };
  useMessageKeys(listRef, focusComposer, chat.status);

  const real = chat.messages;
  const lastID = real.length ? real[real.length - 1].id : 0;
  // "New messages" divider: before the first message from someone else that
  // was unread when the room opened; decided once, when the history arrives,
  // so it stays put while the reader catches up (messages arriving during
  // the visit do not move it).
  const [newFrom, setNewFrom] = useState(null);
  useEffect(() => {
    if (newFrom !== null || chat.status !== "ready") return;
    const read = info.last_read_id || 0;
    const first = read > 0 ? real.find((m) => m.id > read && m.author_id !== me.id && !m.deleted_at) : null;
    setNewFrom(first ? first.id : 0);
  }, [chat.status, real]);
  const byMsgID = useMemo(() => new Map(real.map((m) => [m.id, m])), [real]);
  const seenIDs = useMemo(() => {
    const mayAsk = (m) => m.author_id === me.id || info.moderator;
    const staffMsgs = real.filter((m) => !m.deleted_at && mayAsk(m) &&
      staffRoles.has((members.byID.get(m.author_id) || {}).role));
    return new Set(staffMsgs.slice(-seenOnLast).map((m) => m.id));
  }, [real, members.byID]);

  const markIfVisible = () => {
    if (atBottom.current && document.visibilityState === "visible" && lastID) chat.markRead(lastID);
  };

  // Keep the view: restore the position after older messages, follow new
  // ones when at the bottom, otherwise count them for the jump button.
  useEffect(() => {
    const el = logRef.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      setUnseen(0);
    } else if (real.length > lastCount.current) {
      const added = real.slice(-(real.length - lastCount.current)).filter((m) => m.author_id !== me.id).length;
      if (added) setUnseen((u) => u + added);
    }
    lastCount.current = real.length;
    markIfVisible();
  }, [real, chat.pending, chat.status]);

  // Images and late details (names, badges) change heights after a render:
  // stay at the bottom when that is where the reader was.
  useEffect(() => {
    const el = logRef.current;
    if (!el || !listRef.current || typeof ResizeObserver === "undefined") return undefined;
    const ro = new ResizeObserver(() => { if (atBottom.current && !anchor.current) el.scrollTop = el.scrollHeight; });
    ro.observe(el);
    ro.observe(listRef.current);
    return () => ro.disconnect();
  }, [chat.status]);

  useEffect(() => {
    const onVisible = () => markIfVisible();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [lastID]);

  async function loadOlder() {
    const el = logRef.current;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    const ok = await chat.loadOlder();
    if (!ok) anchor.current = null;
  }
  function onScroll(e) {
    const el = e.currentTarget;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < nearBottomPx;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      if (bottom) { setUnseen(0); markIfVisible(); }
    }
    if (el.scrollTop < nearTopPx && chat.hasMore && !chat.older) loadOlder();
  }
  function jumpDown() {
    const el = logRef.current;
    atBottom.current = true;
    el.scrollTop = el.scrollHeight;
    setUnseen(0);
    markIfVisible();
    if (inputRef.current) inputRef.current.focus();
  }

  const ctx = {
    room, me, moderator: info.moderator, byID: members.byID, messages: byMsgID, reactions: chat.reactions,
    readVersion: chat.readVersion, upsert: chat.upsert, react: chat.react,
    onReply: (m) => setReplyTo(m), showSeen: (m) => seenIDs.has(m.id),
  };
  const here = chat.presence.size;
  let log;
  if (chat.status === "loading") log = html`<${Loading} label="Loading messages…" />`;
  else if (chat.status === "error") log = html`<${ErrorState} error=${chat.error} onRetry=${chat.reload} />`;
  else {
    log = html`
      ${chat.hasMore ? html`<div class="log-top">
          <button type="button" class="btn btn-small" disabled=${chat.older} onClick=${loadOlder} data-testid="load-older">
            ${chat.older ? "Loading older messages…" : "Load older messages"}</button></div>`
        : real.length > 0 && html`<p class="log-start muted small">This is the start of ${room.name}.</p>`}
      ${real.length === 0 && chat.pending.length === 0 && html`
        <div class="log-empty" data-testid="room-empty"><${Glyph} name="chat" size=${32} />
          <p><strong>No messages yet.</strong> Say hello to the class!</p></div>`}
      <p class="visually-hidden" id=${`keys-${room.id}`}>${messagesHint}</p>
      <ol class="msg-list" ref=${listRef} data-testid="message-list" aria-describedby=${`keys-${room.id}`}>
        ${real.map((m, i) => {
          const prev = real[i - 1];
          const compact = prev && prev.author_id === m.author_id && !prev.deleted_at && !m.reply_to &&
            new Date(m.created_at) - new Date(prev.created_at) < compactMs;
          if (m.id === newFrom) {
            return html`
              <li key=${"new-" + m.id} class="unread-divider" data-testid="unread-divider" role="separator">
                <span>New messages</span></li>
              <${Message} key=${m.id} ctx=${ctx} m=${m} compact=${false} />`;
          }
          return html`<${Message} key=${m.id} ctx=${ctx} m=${m} compact=${compact} />`;
        })}
        ${chat.pending.map((p) => html`<${PendingMessage} key=${p.key} p=${p} me=${me}
            onRetry=${chat.retry} onDiscard=${chat.discard} />`)}
      </ol>`;
  }
  return html`
    <div class="chat" data-testid="chat" data-room-id=${room.id}>
      <div class="chat-head">
        <a class="back-link" href=${`/courses/${course.id}/rooms`}>← Rooms</a>
        <a class="skip-link" href=${`#composer-${room.id}`} data-testid="skip-to-composer"
           onClick=${(e) => { e.preventDefault(); focusComposer(); }}>Skip to the message box</a>
        <h2 class="chat-title" data-testid="room-name">${room.name}</h2>
        ${room.main && room.name !== "Main room" && html`<${Badge} kind="accent">Main room<//>`}
        ${room.group_id > 0 && html`<${Badge}>Group room<//>`}
        <${LiveLinks} course=${course} room=${room} />
        <button type="button" class="btn btn-small presence-toggle" aria-expanded=${showPeople ? "true" : "false"}
                aria-controls="room-people" data-testid="presence-count" onClick=${() => setShowPeople(!showPeople)}>
          <${Glyph} name="users" size=${16} /> ${here} here</button>
      </div>
      ${status === "offline" && html`<p class="alert alert-warning chat-offline" role="status">
        <strong>Reconnecting…</strong> Messages you send now go through as soon as possible; the room catches up
        when the connection is back.</p>`}
      ${chat.liveError && (["not_found", "forbidden"].includes(chat.liveError.code)
        ? html`<p class="alert alert-error" role="alert">You no longer have access to this room, so it stopped
            updating. <a href="/courses">Back to your courses</a></p>`
        : html`<p class="alert alert-error" role="alert">Live updates are off for this room:${" "}
            ${errorMessage(chat.liveError)}</p>`)}
      <div class="chat-body">
        <div class="chat-main">
          <div class="chat-log" ref=${logRef} onScroll=${onScroll} role="log" aria-live="polite"
               aria-label=${`Messages in ${room.name}`} aria-busy=${chat.status === "loading" ? "true" : "false"}>
            ${log}
          </div>
          ${unseen > 0 && html`<button type="button" class="btn btn-primary btn-small jump-new" onClick=${jumpDown}
              data-testid="jump-new"><${Glyph} name="down" size=${16} /> ${plural(unseen, "new message")}</button>`}
          <${TypingLine} typing=${chat.typing} />
          <${Composer} course=${course} room=${room} me=${me} members=${members.list} byID=${members.byID}
              replyTo=${replyTo} onCancelReply=${() => setReplyTo(null)} inputRef=${inputRef}
              onSend=${(msg) => { atBottom.current = true; chat.send(msg); }}
              onTyping=${chat.notifyTyping} onStopTyping=${chat.stopTyping} />
        </div>
        <aside id="room-people" class=${showPeople ? "chat-side chat-side-open" : "chat-side"} aria-label="Who is here"
               data-testid="presence">
          <h3 class="side-title">Here now <span class="muted">(${here})</span></h3>
          <${PresenceList} presence=${chat.presence} byID=${members.byID} me=${me} />
        </aside>
      </div>
    </div>`;
}

/**
 * LiveLinks leads to the room's live classroom and live quizzes: one Tab
 * stop (a toolbar; arrow keys, Home and End move between the links), so the
 * message box stays a few Tab presses from the top of the room.
 */
function LiveLinks({ course, room }) {
  const ref = useRef(null);
  const [active, setActive] = useState(0);
  const onKeyDown = (e) => {
    const links = [...ref.current.querySelectorAll("a")];
    const i = Math.max(0, links.indexOf(document.activeElement));
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: links.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const j = (next + links.length) % links.length;
    setActive(j);
    links[j].focus();
  };
  const base = `/courses/${course.id}/rooms/${room.id}`;
  return html`<div class="chat-live" role="toolbar" aria-label="Live in this room" ref=${ref} onKeyDown=${onKeyDown}>
    <a class="btn btn-small btn-primary" href=${`${base}/live`} tabIndex=${active === 0 ? 0 : -1} onFocus=${() => setActive(0)}
       data-testid="room-live-link">Live classroom</a>
    <a class="btn btn-small" href=${`${base}/quizzes`} tabIndex=${active === 1 ? 0 : -1} onFocus=${() => setActive(1)}
       data-testid="room-quizzes-link">Live quizzes</a>
  </div>`;
}

function RoomBody({ course, roomID }) {
  const { site } = useApp();
  const info = useLoad((signal) => getRoom(roomID, signal), [roomID]);
  useTitle(info.data ? `${info.data.room.name} · ${course.title}` : "Room", site);
  if (info.loading && !info.data) return html`<${Loading} label="Opening the room…" />`;
  if (info.error) {
    return html`<${ErrorState} error=${info.error} onRetry=${info.reload}
        title=${info.error.status === 404 ? "Room not found" : "We couldn't open this room"} />`;
  }
  return html`<${Chat} key=${roomID} course=${course} info=${info.data} />`;
}

export default function RoomChatPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="rooms" title="Rooms">
      ${(course) => html`<${RoomBody} course=${course} roomID=${Number(params.roomId)} />`}
    <//>`;
}

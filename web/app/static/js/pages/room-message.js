// One chat message: author, time, "edited", the quoted message it replies
// to, its attachment, reactions, and the actions the viewer may take
// (reply, edit and delete their own; moderators delete any and mute the
// author); "seen by N of M" on staff announcements; and the optimistic
// pending message with its retry button.
import { html, useState, useEffect, useRef } from "../html.js";
import { errorMessage } from "../api.js";
import { Time } from "../ui.js";
import { when } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { Glyph, Reactions, ReactionPicker, RoleBadge, displayName, usernameOf, usePopup, staffRoles } from "./forum-parts.js";
import {
  editMessage, deleteMessage, reactToMessage, seenBy, muteInRoom, maxMessageChars, chars,
} from "./forum-api.js";

const seenRefreshMs = 1500; // batch "seen by" refreshes while people read
const muteChoices = [[5, "5 minutes"], [10, "10 minutes"], [30, "30 minutes"], [60, "1 hour"], [1440, "1 day"]];

/** snippet shortens a message body for a reply quote. */
export const snippet = (body, n = 90) => (body.length > n ? `${body.slice(0, n)}…` : body);

/** uploadURL is where a message's attachment is served. */
export const uploadURL = (id) => `/api/v1/uploads/${id}`;

// Attachment details learnt with a HEAD request (a message carries only the
// upload's id), cached per id for the page's life.
const attachmentInfo = new Map();

function useAttachmentInfo(id) {
  const [info, setInfo] = useState(() => attachmentInfo.get(id) || null);
  useEffect(() => {
    if (attachmentInfo.has(id)) { setInfo(attachmentInfo.get(id)); return undefined; }
    const ctl = new AbortController();
    fetch(uploadURL(id), { method: "HEAD", credentials: "same-origin", signal: ctl.signal }).then((res) => {
      const disp = res.headers.get("Content-Disposition") || "";
      const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disp);
      let name = "";
      try { name = m ? decodeURIComponent(m[1]) : ""; } catch { name = m ? m[1] : ""; }
      const v = res.ok
        ? { type: res.headers.get("Content-Type") || "", name, size: Number(res.headers.get("Content-Length")) || 0 }
        : { missing: true };
      attachmentInfo.set(id, v);
      setInfo(v);
    }, () => {});
    return () => ctl.abort();
  }, [id]);
  return info;
}

/** Attachment shows an uploaded file: an image inline, anything else as a download link. */
export function Attachment({ id }) {
  const info = useAttachmentInfo(id);
  const url = uploadURL(id);
  if (!info) return html`<span class="msg-file muted"><${Glyph} name="file" size=${16} /> Attachment…</span>`;
  if (info.missing) return html`<span class="msg-file muted">The attachment is no longer available.</span>`;
  if (info.type.startsWith("image/")) {
    return html`<a class="msg-image" href=${url} target="_blank" rel="noopener" data-native>
      <img src=${url} alt=${info.name || "Attached image"} loading="lazy" /></a>`;
  }
  if (info.type.startsWith("video/")) {
    return html`<video class="msg-video" src=${url} controls preload="metadata" aria-label=${info.name || "Attached video"}></video>`;
  }
  if (info.type.startsWith("audio/")) {
    return html`<audio class="msg-audio" src=${url} controls preload="metadata" aria-label=${info.name || "Attached audio"}></audio>`;
  }
  return html`<a class="msg-file" href=${url} target="_blank" rel="noopener" data-native data-testid="msg-file">
    <${Glyph} name="file" size=${16} /> ${info.name || "Download the attachment"}
    ${info.size > 0 && html`<span class="muted small">(${fileSize(info.size)})</span>`}</a>`;
}

/** fileSize says "12 KB". */
export function fileSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function SeenBy({ messageID, version, byID }) {
  const [data, setData] = useState(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const ctl = new AbortController();
    const t = setTimeout(() => seenBy(messageID, ctl.signal).then(setData, () => {}), data ? seenRefreshMs : 0);
    return () => { clearTimeout(t); ctl.abort(); };
  }, [messageID, version]);
  if (!data) return null;
  const names = data.user_ids.map((id) => displayName(byID, id));
  return html`
    <div class="seen">
      <button type="button" class="link seen-button" aria-expanded=${open ? "true" : "false"} data-testid="seen-by"
              onClick=${() => setOpen(!open)}>
        <${Glyph} name="eye" size=${14} /> Seen by ${data.seen} of ${data.members}
      </button>
      ${open && html`<div class="seen-list" data-testid="seen-list">
        ${names.length ? html`<span class="muted">Seen by </span>${names.join(", ")}`
                       : html`<span class="muted">Nobody has read it yet.</span>`}
      </div>`}
    </div>`;
}

function MuteButton({ roomID, userID, name }) {
  const [open, setOpen, ref] = usePopup();
  async function mute(minutes, label) {
    setOpen(false);
    try {
      await muteInRoom(roomID, userID, minutes * 60);
      toast(`${name} is muted in this room for ${label}.`);
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  return html`
    <div class="popup-anchor" ref=${ref}>
      <button type="button" class="btn btn-ghost btn-icon" aria-expanded=${open ? "true" : "false"}
              aria-label=${`Mute ${name}`} title=${`Mute ${name}`} data-testid="msg-mute"
              onClick=${() => setOpen(!open)}><${Glyph} name="clock" size=${16} /></button>
      ${open && html`<div class="popup menu-popup" role="group" aria-label=${`Mute ${name} for`}>
        ${muteChoices.map(([m, label]) => html`<button key=${m} type="button" class="menu-item"
            onClick=${() => mute(m, label)}>${label}</button>`)}
      </div>`}
    </div>`;
}

function EditBox({ m, onDone }) {
  const [body, setBody] = useState(m.body);
  const [err, setErr] = useState("");
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  const tooLong = chars(body) > maxMessageChars;
  async function save() {
    if (tooLong || !body.trim()) return;
    try {
      onDone(await editMessage(m.id, body));
    } catch (e) {
      setErr(errorMessage(e));
    }
  }
  return html`
    <div class="msg-edit">
      <label class="visually-hidden" for=${`edit-${m.id}`}>Edit your message</label>
      <textarea id=${`edit-${m.id}`} ref=${ref} value=${body} rows="2" data-testid="msg-edit-input"
        onInput=${(e) => setBody(e.currentTarget.value)}
        onKeyDown=${(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); save(); }
          if (e.key === "Escape") { e.preventDefault(); onDone(null); }
        }}></textarea>
      ${(tooLong || err) && html`<p class="field-error" role="alert">
        ${tooLong ? `Too long: at most ${maxMessageChars} characters.` : err}</p>`}
      <p class="hint">Enter saves · Escape cancels</p>
    </div>`;
}

/**
 * Message renders one chat message. ctx: {room, me, moderator, byID,
 * messages (by id), reactions, readVersion, onReply, upsert, react,
 * showSeen(m)}; compact hides the author line for a run of messages.
 */
export function Message({ ctx, m, compact }) {
  const { me, moderator, byID } = ctx;
  const [editing, setEditing] = useState(false);
  const deleted = !!when(m.deleted_at);
  const mine = m.author_id === me.id;
  const member = byID.get(m.author_id);
  const author = displayName(byID, m.author_id, m.author_name);
  const staff = member && staffRoles.has(member.role);
  const parent = m.reply_to ? ctx.messages.get(m.reply_to) : null;
  const msgReactions = ctx.reactions.filter((r) => r.target_id === m.id);

  async function remove() {
    const ok = await confirm({
      title: mine ? "Delete your message?" : `Delete ${author}'s message?`,
      body: "Everyone will see “This message was deleted” instead. This can't be undone.",
      confirmLabel: "Delete message", danger: true,
    });
    if (!ok) return;
    try {
      await deleteMessage(m.id);
      ctx.upsert([{ ...m, body: "", upload_id: 0, deleted_at: new Date().toISOString(), deleted_by: me.id }]);
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  const react = (emoji, remove) => reactToMessage(m.id, emoji, remove).then(
    () => ctx.react({ reaction: { target_id: m.id, user_id: me.id, emoji }, removed: remove }),
    (e) => toast(errorMessage(e), "error"),
  );
  const cls = ["msg", mine && "msg-mine", staff && "msg-staff", compact && "msg-compact", deleted && "msg-deleted"]
    .filter(Boolean).join(" ");
  return html`
    <li class=${cls} id=${`msg-${m.id}`} tabindex="-1" data-testid="message" data-message-id=${m.id}
        data-author=${m.author_id}>
      ${!compact && html`<div class="msg-head">
        <strong class="msg-author" title=${usernameOf(byID, m.author_id, m.author_username) || undefined}
                data-testid="message-author">${author}</strong> <${RoleBadge} role=${member && member.role} />
        <span class="muted small"><${Time} at=${m.created_at} /></span>
      </div>`}
      ${parent && !deleted && html`<a class="msg-quote" href=${`#msg-${parent.id}`} data-native>
        <${Glyph} name="reply" size=${12} /> <strong>${displayName(byID, parent.author_id, parent.author_name)}</strong>
        <span>${when(parent.deleted_at) ? "deleted message" : snippet(parent.body || "attachment")}</span></a>`}
      ${m.reply_to > 0 && !parent && !deleted && html`<span class="msg-quote muted small">
        <${Glyph} name="reply" size=${12} /> In reply to an earlier message</span>`}
      ${deleted ? html`<p class="tombstone" data-testid="tombstone">This message was deleted.</p>`
        : editing ? html`<${EditBox} m=${m} onDone=${(n) => { setEditing(false); if (n) ctx.upsert([n]); }} />`
        : html`
          ${m.body && html`<p class="msg-body" data-testid="message-body">${m.body}</p>`}
          ${m.upload_id > 0 && html`<${Attachment} id=${m.upload_id} />`}
          ${when(m.edited_at) && html`<span class="edited muted small" data-testid="edited">(edited)</span>`}`}
      ${!deleted && html`
        <${Reactions} reactions=${msgReactions} meID=${me.id} byID=${byID} onToggle=${react} showAdd=${false} />
        ${ctx.showSeen(m) && html`<${SeenBy} messageID=${m.id} version=${ctx.readVersion} byID=${byID} />`}
        <div class="msg-actions" role="group" aria-label=${`Actions for the message by ${author}`}>
          <${ReactionPicker} label="message" onPick=${(e) => react(e, msgReactions.some((r) => r.user_id === me.id && r.emoji === e))} />
          <button type="button" class="btn btn-ghost btn-icon" aria-label="Reply" title="Reply" data-testid="msg-reply"
                  onClick=${() => ctx.onReply(m)}><${Glyph} name="reply" size=${16} /></button>
          ${mine && !editing && html`<button type="button" class="btn btn-ghost btn-icon" aria-label="Edit" title="Edit"
                  data-testid="msg-edit" onClick=${() => setEditing(true)}><${Glyph} name="edit" size=${16} /></button>`}
          ${(mine || moderator) && html`<button type="button" class="btn btn-ghost btn-icon btn-danger-ghost"
                  aria-label="Delete" title="Delete" data-testid="msg-delete" onClick=${remove}>
                  <${Glyph} name="trash" size=${16} /></button>`}
          ${moderator && !mine && !staff && html`<${MuteButton} roomID=${m.room_id} userID=${m.author_id} name=${author} />`}
        </div>`}
    </li>`;
}

/** PendingMessage is a message not stored yet: "Sending…", or the error with Retry. */
export function PendingMessage({ p, me, onRetry, onDiscard }) {
  const failed = p.status === "failed";
  return html`
    <li class=${failed ? "msg msg-mine msg-pending msg-failed" : "msg msg-mine msg-pending"} data-testid="pending-message"
        data-status=${p.status}>
      <div class="msg-head"><strong class="msg-author">${me.name || me.username}</strong></div>
      ${p.body && html`<p class="msg-body">${p.body}</p>`}
      ${p.upload && html`<span class="msg-file"><${Glyph} name="file" size=${16} /> ${p.upload.name}</span>`}
      ${failed ? html`
        <div class="msg-error" role="alert">
          <span>${p.error}</span>
          <div class="actions">
            <button type="button" class="btn btn-small" data-testid="msg-retry" onClick=${() => onRetry(p.key)}>
              <${Glyph} name="retry" size=${14} /> Retry</button>
            <button type="button" class="btn btn-small btn-ghost" onClick=${() => onDiscard(p.key)}>Discard</button>
          </div>
        </div>`
        : html`<span class="muted small msg-status"><span class="spinner" aria-hidden="true"></span>
            Sending…</span>`}
    </li>`;
}

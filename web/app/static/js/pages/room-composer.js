// The chat send box: Enter sends, Shift+Enter starts a new line, @mention
// autocomplete, a length counter with a clear error past the limit, the
// message being replied to, and one attachment (uploaded first).
import { html, useState, useRef, useEffect } from "../html.js";
import { errorMessage } from "../api.js";
import { Glyph, MentionTextarea, displayName } from "./forum-parts.js";
import { uploadFile, maxMessageChars, chars } from "./forum-api.js";
import { snippet, fileSize } from "./room-message.js";

const counterFromChars = maxMessageChars - 500; // show the counter from here on

/**
 * Composer props: course, room, me, members, byID, replyTo (a message or
 * null), onCancelReply, onSend({body, reply_to, upload}), onTyping,
 * onStopTyping, inputRef.
 */
export function Composer({ course, room, me, members, byID, replyTo, onCancelReply, onSend, onTyping, onStopTyping, inputRef }) {
  const [body, setBody] = useState("");
  const [upload, setUpload] = useState(null); // {state: "uploading"|"done"|"error", name, size, upload?, error?}
  const fileRef = useRef(null);
  const n = chars(body);
  const tooLong = n > maxMessageChars;
  const empty = !body.trim() && !(upload && upload.state === "done");
  const uploading = upload && upload.state === "uploading";
  const id = `composer-${room.id}`;

  useEffect(() => { if (replyTo && inputRef.current) inputRef.current.focus(); }, [replyTo]);

  function submit() {
    if (tooLong || empty || uploading) return;
    // Blank lines around the text are never meant to be sent.
    const text = body.replace(/^(?:[ \t]*\r?\n)+/, "").replace(/(?:\r?\n[ \t]*)+$/, "");
    onSend({ body: text, reply_to: replyTo ? replyTo.id : 0, upload: upload && upload.state === "done" ? upload.upload : null });
    setBody("");
    setUpload(null);
    onCancelReply();
  }
  async function attach(e) {
    const file = e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!file) return;
    setUpload({ state: "uploading", name: file.name, size: file.size });
    try {
      const up = await uploadFile(course.id, file);
      setUpload({ state: "done", name: up.name || file.name, size: up.size || file.size, upload: up });
    } catch (err) {
      setUpload({ state: "error", name: file.name, size: file.size, error: errorMessage(err) });
    }
  }
  const describedBy = [`${id}-hint`, tooLong && `${id}-error`].filter(Boolean).join(" ");
  return html`
    <form class="composer" onSubmit=${(e) => { e.preventDefault(); submit(); }} data-testid="composer"
          aria-label="Send a message">
      ${replyTo && html`
        <div class="composer-chip" data-testid="replying-to">
          <${Glyph} name="reply" size=${14} />
          <span class="chip-text">Replying to <strong>${displayName(byID, replyTo.author_id, replyTo.author_name)}</strong>:${" "}
            ${snippet(replyTo.body || "attachment", 60)}</span>
          <button type="button" class="btn btn-ghost btn-icon" aria-label="Cancel the reply" onClick=${onCancelReply}>
            <${Glyph} name="x" size=${14} /></button>
        </div>`}
      ${upload && html`
        <div class=${upload.state === "error" ? "composer-chip chip-error" : "composer-chip"} data-testid="attachment-chip"
             role=${upload.state === "error" ? "alert" : undefined}>
          ${upload.state === "uploading" ? html`<span class="spinner" aria-hidden="true"></span>` : html`<${Glyph} name="file" size=${14} />`}
          <span class="chip-text">${upload.name} <span class="muted">(${fileSize(upload.size)})</span>
            ${upload.state === "uploading" && " · uploading…"}${upload.state === "error" && html` · <strong>${upload.error}</strong>`}</span>
          <button type="button" class="btn btn-ghost btn-icon" aria-label="Remove the attachment" onClick=${() => setUpload(null)}>
            <${Glyph} name="x" size=${14} /></button>
        </div>`}
      <div class="composer-row">
        <input type="file" ref=${fileRef} class="visually-hidden" tabindex="-1" aria-hidden="true" onChange=${attach}
               data-testid="attach-input" />
        <button type="button" class="btn btn-ghost btn-icon composer-attach" aria-label="Attach an image or file"
                title="Attach an image or file" disabled=${uploading} onClick=${() => fileRef.current.click()}>
          <${Glyph} name="clip" size=${20} /></button>
        <label class="visually-hidden" for=${id}>Message ${room.name}</label>
        <div class=${tooLong ? "composer-input field-invalid" : "composer-input"}>
          <${MentionTextarea} id=${id} inputRef=${inputRef} value=${body} members=${members} meID=${me.id}
              rows="1" placeholder=${`Message ${room.name}`} data-testid="composer-input"
              aria-invalid=${tooLong ? "true" : undefined} aria-describedby=${describedBy}
              onValue=${(v) => { setBody(v); if (v.trim()) onTyping(); else onStopTyping(); }}
              onKeyDown=${(e) => {
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
                if (e.key === "Escape" && replyTo) { e.preventDefault(); onCancelReply(); }
              }} />
        </div>
        <button type="submit" class="btn btn-primary composer-send" disabled=${tooLong || empty || uploading}
                aria-label="Send" data-testid="composer-send"><${Glyph} name="send" size=${18} />
          <span class="send-label">Send</span></button>
      </div>
      <div class="composer-foot">
        <p class="hint" id=${`${id}-hint`}>Enter to send · Shift+Enter for a new line · @ to mention</p>
        ${n >= counterFromChars && html`<span class=${tooLong ? "counter counter-over" : "counter"} data-testid="char-counter"
            aria-live="polite">${n.toLocaleString()} / ${maxMessageChars.toLocaleString()}</span>`}
      </div>
      ${tooLong && html`<p class="field-error" id=${`${id}-error`} role="alert" data-testid="too-long">
        ${`Your message is ${(n - maxMessageChars).toLocaleString()} characters too long (at most ${maxMessageChars.toLocaleString()}). `}Shorten
        it or split it into several messages.</p>`}
    </form>`;
}

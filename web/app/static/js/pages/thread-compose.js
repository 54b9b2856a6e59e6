// The Markdown editor of the discussion pages: a textarea with @mention
// autocomplete, Write/Preview tabs (the preview is rendered by the server,
// exactly as on save) and Ctrl+Enter to submit.
import { html, useState, useEffect } from "../html.js";
import { errorMessage } from "../api.js";
import { fieldError } from "../forms.js";
import { MentionTextarea } from "./forum-parts.js";
import { previewMarkdown } from "./forum-api.js";

/**
 * MarkdownEditor edits value (controlled). Props: id, label, members, meID,
 * error (an ApiError; shown when it names the "body_md"/"body" field),
 * onSubmit (Ctrl/Cmd+Enter), rows, placeholder, autofocus, testid.
 */
export function MarkdownEditor({ id, label, value, onValue, members, meID, error, onSubmit, rows = 5,
  placeholder, autofocus, testid }) {
  const [tab, setTab] = useState("write");
  const [preview, setPreview] = useState({ html: "", loading: false, error: null });
  useEffect(() => {
    if (tab !== "preview") return undefined;
    const ctl = new AbortController();
    setPreview({ html: "", loading: true, error: null });
    previewMarkdown(value, ctl.signal).then(
      (r) => setPreview({ html: r.html, loading: false, error: null }),
      (e) => { if (e.name !== "AbortError") setPreview({ html: "", loading: false, error: e }); },
    );
    return () => ctl.abort();
  }, [tab]);
  const msg = fieldError(error, "body_md") || fieldError(error, "body");
  const hintID = `${id}-hint`;
  const errID = `${id}-error`;
  return html`
    <div class=${msg ? "field field-invalid md-editor" : "field md-editor"}>
      <div class="md-editor-head">
        <label for=${id}>${label}</label>
        <div class="md-tabs" role="group" aria-label="Editor view">
          <button type="button" class="md-tab" aria-pressed=${tab === "write" ? "true" : "false"}
                  onClick=${() => setTab("write")}>Write</button>
          <button type="button" class="md-tab" aria-pressed=${tab === "preview" ? "true" : "false"}
                  data-testid="md-preview-tab" onClick=${() => setTab("preview")}>Preview</button>
        </div>
      </div>
      <div hidden=${tab !== "write"}>
        <${MentionTextarea} id=${id} name=${id} value=${value} onValue=${onValue} members=${members} meID=${meID}
            rows=${rows} placeholder=${placeholder} autofocus=${autofocus} data-testid=${testid}
            aria-invalid=${msg ? "true" : undefined} aria-describedby=${msg ? `${hintID} ${errID}` : hintID}
            onKeyDown=${(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && onSubmit) { e.preventDefault(); onSubmit(); }
            }} />
      </div>
      ${tab === "preview" && html`
        <div class="md-preview markdown" data-testid="md-preview" aria-live="polite">
          ${preview.loading ? html`<p class="muted">Rendering…</p>`
            : preview.error ? html`<p class="field-error">${errorMessage(preview.error)}</p>`
            : value.trim() ? html`<div dangerouslySetInnerHTML=${{ __html: preview.html }}></div>`
            : html`<p class="muted">Nothing to preview yet.</p>`}
        </div>`}
      <p class="hint" id=${hintID}>Markdown works: **bold**, _italic_, \`code\`, lists and links. Type @ to mention
        someone. Ctrl+Enter posts.</p>
      ${msg && html`<p class="field-error" id=${errID} data-testid="field-error">${msg}</p>`}
    </div>`;
}

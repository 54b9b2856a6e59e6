// The lesson editor (edit_content): /courses/{id}/modules/{mid}/lessons/new
// and /courses/{id}/lessons/{lid}/edit. Markdown with a live preview the
// server renders exactly as on save, uploads that insert Markdown at the
// cursor, the draft flag, the release rules and the completion rule.
import { html, useState, useEffect, useRef } from "../html.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import { errorMessage, ApiError } from "../api.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, useDebounced, Loading, ErrorState, PageTitle } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import {
  getLesson, getOutline, createLesson, updateLesson, deleteLesson, previewMarkdown, uploadFile,
} from "./course-api.js";
import { coursePath, lessonPath, dateTimeInput, fromDateInput, can } from "./course-common.js";

const previewDelayMs = 400;
const lessonFields = ["title", "body", "body_md", "draft", "available_from", "requires_previous",
  "completion_rule", "completion_percent"];
const defaultVideoPercent = 80;

/** CompletionRule picks how the lesson becomes completed for a learner. */
function CompletionRule({ lesson, error }) {
  const [rule, setRule] = useState((lesson && lesson.completion_rule) || "manual");
  const percent = lesson && lesson.completion_percent ? lesson.completion_percent : defaultVideoPercent;
  return html`
    <fieldset class="card fieldset">
      <legend>Completion</legend>
      <${Field} id="lesson-rule" name="completion_rule" label="Complete when" type="select" value=${rule}
          onChange=${(e) => setRule(e.currentTarget.value)} error=${error} data-testid="lesson-rule"
          hint=${rule === "manual" ? "The learner clicks “Mark complete”."
            : rule === "viewed" ? "Completed as soon as the learner opens the lesson."
              : "Completed once the learner has watched this much of the lesson's video."}>
        <option value="manual">The learner marks it complete</option>
        <option value="viewed">The learner opens it</option>
        <option value="video">The learner watches part of the video</option>
      <//>
      ${rule === "video" && html`
        <${Field} id="lesson-percent" name="completion_percent" label="Percentage of the video to watch" type="number"
            min="1" max="100" step="1" required defaultValue=${String(percent)} error=${error}
            inputmode="numeric" data-testid="lesson-percent" />`}
    </fieldset>`;
}

/** markdownFor is the Markdown that shows an uploaded file. */
export function markdownFor(up) {
  const name = (up.name || "file").replace(/[[\]]/g, "");
  const t = up.content_type || "";
  if (t.startsWith("image/")) return `![${name}](${up.url})`;
  if (t.startsWith("video/")) return `<video controls preload="metadata" src="${up.url}"></video>`;
  if (t.startsWith("audio/") || t === "application/ogg") return `<audio controls src="${up.url}"></audio>`;
  return `[${name}](${up.url})`;
}

const blankLine = (line) => line.trim() === "";

/**
 * insertBlock puts text (an uploaded image, video or file) in place of the
 * selection [start, end) of the Markdown value as a block of its own, with
 * a blank line before and after it, so it never joins the paragraph, quote
 * or list around it. Returns {value, caret}; the caret lands after it.
 */
export function insertBlock(value, start, end, text) {
  const before = value.slice(0, start);
  const after = value.slice(end);
  const lb = before.split("\n");
  let pre = "";
  if (!blankLine(lb[lb.length - 1])) pre = "\n\n";
  else if (lb.length > 1 && !blankLine(lb[lb.length - 2])) pre = "\n";
  const la = after.split("\n");
  let post = "";
  if (!blankLine(la[0])) post = "\n\n";
  else if (la.length === 1) post = "\n";
  else if (!blankLine(la[1])) post = "\n";
  const next = `${before}${pre}${text}${post}${after}`;
  return { value: next, caret: Math.min(next.length, before.length + pre.length + text.length + 1) };
}

function Preview({ markdown }) {
  const md = useDebounced(markdown, previewDelayMs);
  const [state, setState] = useState({ html: "", error: null, loading: false });
  useEffect(() => {
    if (!md.trim()) { setState({ html: "", error: null, loading: false }); return undefined; }
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    previewMarkdown(md, ctl.signal).then(
      (r) => setState({ html: r.html, error: null, loading: false }),
      (e) => { if (e.name !== "AbortError") setState((s) => ({ ...s, error: e, loading: false })); },
    );
    return () => ctl.abort();
  }, [md]);
  return html`
    <div class=${state.loading ? "editor-preview is-refreshing" : "editor-preview"} aria-live="off">
      ${state.error && html`<p class="field-error" role="alert">Preview failed: ${errorMessage(state.error)}</p>`}
      ${!md.trim() ? html`<p class="muted">The preview appears here as you write.</p>`
                   : html`<div class="prose" data-testid="lesson-preview" dangerouslySetInnerHTML=${{ __html: state.html }}></div>`}
    </div>`;
}

const imageTypes = "image/png,image/jpeg,image/gif,image/webp";

/** lessonUploads are the lesson editor's upload buttons: [kind, label, accept, testid]. */
const lessonUploads = [["image", "Image", imageTypes, "upload-image"], ["video", "Video", "video/mp4,video/webm", "upload-video"],
  ["file", "File", "", "upload-file"]];

/** imageUpload is the single "insert an image" button (the question editor's). */
export const imageUpload = [["image", "Insert an image", imageTypes, "question-image"]];

/**
 * UploadButtons upload a file to the course (one button per kind) and hand
 * the Upload to onUploaded, with a toast either way.
 */
export function UploadButtons({ courseID, onUploaded, kinds = lessonUploads }) {
  const [busy, setBusy] = useState("");
  async function onChange(kind, e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!f) return;
    setBusy(kind);
    try {
      const up = await uploadFile(courseID, f);
      onUploaded(up);
      toast(`“${up.name}” uploaded and inserted.`);
    } catch (err) {
      toast(`Upload failed: ${errorMessage(err)}`, "error");
    } finally {
      setBusy("");
    }
  }
  return html`
    <div class="editor-tools" role="group" aria-label="Insert">
      ${kinds.map(([kind, label, accept, testid]) => html`
        <label class=${`btn btn-small upload-btn${busy ? " is-disabled" : ""}`} aria-busy=${busy === kind ? "true" : "false"}>
          ${busy === kind ? html`<span class="spinner" aria-hidden="true"></span> Uploading…` : label}
          <input type="file" class="visually-hidden" accept=${accept} disabled=${!!busy}
                 onChange=${(e) => onChange(kind, e)} data-testid=${testid} />
        </label>`)}
    </div>`;
}

function Editor({ courseID, moduleID, lesson }) {
  const { pending, error, run } = useAction();
  const [body, setBody] = useState(lesson ? lesson.body_md : "");
  const [tab, setTab] = useState("write"); // phones: write | preview
  const [dirty, setDirty] = useState(false);
  const area = useRef(null);

  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (e) => { e.preventDefault(); e.returnValue = ""; };
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, [dirty]);

  function insert(text) {
    const ta = area.current;
    const start = ta ? ta.selectionStart : body.length;
    const end = ta ? ta.selectionEnd : body.length;
    const { value, caret } = insertBlock(body, start, end, text);
    setBody(value);
    setDirty(true);
    requestAnimationFrame(() => {
      if (!ta) return;
      ta.focus();
      ta.setSelectionRange(caret, caret);
    });
  }

  async function onSubmit(e) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const input = {
      title: String(fd.get("title")).trim(),
      body_md: body,
      draft: fd.get("draft") === "on",
      requires_previous: fd.get("requires_previous") === "on",
      completion_rule: String(fd.get("completion_rule") || "manual"),
    };
    if (input.completion_rule === "video") input.completion_percent = Number(fd.get("completion_percent"));
    const from = fromDateInput(String(fd.get("available_from") || ""));
    if (from) input.available_from = from;
    const saved = await run(() => (lesson ? updateLesson(lesson.id, input) : createLesson(moduleID, input)));
    if (!saved) return;
    setDirty(false);
    toast(lesson ? "Lesson saved." : "Lesson created.");
    navigate(lessonPath(courseID, saved.id));
  }

  async function remove() {
    const ok = await confirm({
      title: `Delete the lesson “${lesson.title}”?`,
      body: "The lesson and the learners' progress in it are deleted. Files only this lesson uses are removed later. This cannot be undone.",
      confirmLabel: "Delete lesson", danger: true,
    });
    if (!ok) return;
    const done = await run(() => deleteLesson(lesson.id).then(() => true));
    if (done) {
      setDirty(false);
      toast("Lesson deleted.");
      navigate(coursePath(courseID));
    }
  }

  return html`
    <form class="form lesson-editor" onSubmit=${onSubmit} onInput=${() => setDirty(true)} data-testid="lesson-form">
      <${FormError} error=${error} fields=${lessonFields} />
      <${Field} id="lesson-title" name="title" label="Title" required maxlength="200" defaultValue=${lesson ? lesson.title : ""}
          error=${error} />
      <div class="editor-tabs" role="tablist" aria-label="Editor view">
        <button type="button" role="tab" aria-selected=${tab === "write" ? "true" : "false"} class="editor-tab"
                onClick=${() => setTab("write")}>Write</button>
        <button type="button" role="tab" aria-selected=${tab === "preview" ? "true" : "false"} class="editor-tab"
                onClick=${() => setTab("preview")}>Preview</button>
      </div>
      <div class=${`editor-split editor-show-${tab}`}>
        <div class="editor-write">
          <div class="editor-write-head">
            <label for="lesson-body">Lesson text <span class="optional">(Markdown)</span></label>
            <${UploadButtons} courseID=${courseID} onUploaded=${(up) => insert(markdownFor(up))} />
          </div>
          <textarea id="lesson-body" name="body_md" ref=${area} rows="18" spellcheck="true" value=${body}
                    class="editor-textarea" onInput=${(e) => setBody(e.currentTarget.value)}
                    aria-describedby="lesson-body-hint" aria-invalid=${error && (error.field === "body" || error.field === "body_md") ? "true" : undefined}
                    data-testid="lesson-body-input"></textarea>
          <p class="hint" id="lesson-body-hint">**bold**, _italic_, # Heading, - list, \`code\`, \`\`\` for code blocks, [link](https://…).</p>
        </div>
        <div class="editor-preview-col">
          <p class="editor-label" aria-hidden="true">Preview</p>
          <${Preview} markdown=${body} />
        </div>
      </div>
      <fieldset class="card fieldset">
        <legend>Release</legend>
        <label class="check">
          <input type="checkbox" name="draft" defaultChecked=${lesson ? lesson.draft : false} data-testid="lesson-draft" />
          <span><strong>Draft</strong><span class="hint">Learners don't see draft lessons.</span></span>
        </label>
        <label class="check">
          <input type="checkbox" name="requires_previous" defaultChecked=${lesson ? lesson.requires_previous : false} />
          <span><strong>Requires the previous lesson</strong>
            <span class="hint">Opens once the learner completes the lesson before it.</span></span>
        </label>
        <${Field} id="lesson-from" name="available_from" label="Available from" type="datetime-local" optional
            defaultValue=${lesson ? dateTimeInput(lesson.available_from) : ""} error=${error}
            hint="Leave empty to release it at once." />
      </fieldset>
      <${CompletionRule} lesson=${lesson} error=${error} />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Saving…" testid="save-lesson">${lesson ? "Save lesson" : "Create lesson"}<//>
        <a class="btn" href=${lesson ? lessonPath(courseID, lesson.id) : coursePath(courseID)}>Cancel</a>
        ${lesson && html`<button type="button" class="btn btn-danger-ghost push-right" disabled=${pending}
            onClick=${remove} data-testid="delete-lesson">Delete lesson</button>`}
      </div>
    </form>`;
}

export default function LessonEditPage({ params }) {
  const { site } = useApp();
  const courseID = Number(params.id);
  const lessonID = params.lid ? Number(params.lid) : 0;
  const moduleID = params.mid ? Number(params.mid) : 0;
  const outline = useLoad((signal) => getOutline(courseID, signal), [courseID]);
  const lesson = useLoad((signal) => (lessonID ? getLesson(lessonID, signal) : Promise.resolve(null)), [lessonID]);
  useTitle(lessonID ? "Edit lesson" : "New lesson", site);
  const loading = (outline.loading && !outline.data) || (lesson.loading && lesson.data === undefined);
  if (loading) return html`<${Loading} />`;
  const err = outline.error || lesson.error;
  if (err) return html`<${ErrorState} error=${err} onRetry=${() => { outline.reload(); lesson.reload(); }} />`;
  const o = outline.data;
  if (!can(o.course, "edit_content")) {
    return html`<div class="state state-error" role="alert"><h2>Not available to you</h2>
      <p>Only the course's instructors can edit lessons.</p></div>`;
  }
  const mid = lesson.data ? lesson.data.module_id : moduleID;
  const module = o.modules.find((m) => m.id === mid);
  if (!module) return html`<${ErrorState} title="Module not found" error=${new ApiError({ status: 404, detail: "That module no longer exists." })} />`;
  return html`
    <div class="page lesson-edit-page">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href=${coursePath(courseID)}>${o.course.title}</a><span aria-hidden="true"> / </span>
        <span class="muted">${module.title}</span>
      </nav>
      <${PageTitle}>${lesson.data ? `Edit “${lesson.data.title}”` : "New lesson"}<//>
      <${Editor} courseID=${courseID} moduleID=${mid} lesson=${lesson.data} />
    </div>`;
}

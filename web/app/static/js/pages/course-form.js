// The course details form (create and settings) and the cover image picker.
import { html, useState, useEffect, useRef } from "../html.js";
import { Field } from "../forms.js";
import { dateInput, fromDateInput } from "./course-common.js";

export const courseFields = ["title", "code", "description", "starts_at", "ends_at", "visibility", "cover"];

const maxCoverBytes = 2 << 20; // the image upload limit the server applies to covers
const coverTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/** courseBody reads the details form into a CourseInput. */
export function courseBody(v) {
  const body = { title: v.title.trim(), code: v.code.trim(), description: v.description.trim() };
  const s = fromDateInput(v.starts_at);
  const e = fromDateInput(v.ends_at);
  if (s) body.starts_at = s;
  if (e) body.ends_at = e;
  return body;
}

/** CourseFields are the inputs of the details form; course fills them. */
export function CourseFields({ course = {}, error }) {
  return html`
    <${Field} id="course-title" name="title" label="Title" required maxlength="200" defaultValue=${course.title}
        error=${error} placeholder="Introduction to Programming" />
    <${Field} id="course-code" name="code" label="Code" optional maxlength="40" defaultValue=${course.code}
        error=${error} hint="A short code people recognise, like CS101." autocapitalize="characters" />
    <${Field} id="course-description" name="description" label="Description" type="textarea" optional rows="4"
        maxlength="10000" defaultValue=${course.description} error=${error}
        hint="What the course is about and who it is for." />
    <div class="grid-2">
      <${Field} id="course-starts" name="starts_at" label="Starts" type="date" optional
          defaultValue=${dateInput(course.starts_at)} error=${error} />
      <${Field} id="course-ends" name="ends_at" label="Ends" type="date" optional
          defaultValue=${dateInput(course.ends_at)} error=${error} />
    </div>`;
}

/**
 * CoverPicker chooses a cover image and previews it; onFile(file|null).
 * current is the URL of the present cover, if any.
 */
export function CoverPicker({ current, onFile, onRemove, error }) {
  const [preview, setPreview] = useState("");
  const [localError, setLocalError] = useState("");
  const input = useRef(null);
  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);
  function onChange(e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    setLocalError("");
    setPreview("");
    if (!f) return onFile(null);
    if (!coverTypes.includes(f.type)) {
      setLocalError("Choose a PNG, JPEG, GIF or WebP image.");
      e.currentTarget.value = "";
      return onFile(null);
    }
    if (f.size > maxCoverBytes) {
      setLocalError("That image is larger than 2 MB. Choose a smaller one.");
      e.currentTarget.value = "";
      return onFile(null);
    }
    setPreview(URL.createObjectURL(f));
    return onFile(f);
  }
  const shown = preview || current;
  const msg = localError || (error && error.field === "cover" ? error.detail : "");
  return html`
    <div class=${msg ? "field field-invalid cover-picker" : "field cover-picker"}>
      <label for="course-cover">Cover image <span class="optional">(optional)</span></label>
      <div class="cover-row">
        <div class="cover-preview" aria-hidden="true">
          ${shown ? html`<img src=${shown} alt="" />` : html`<span class="muted small">No cover</span>`}
        </div>
        <div class="cover-controls">
          <input id="course-cover" type="file" accept=${coverTypes.join(",")} ref=${input} onChange=${onChange}
                 aria-describedby="course-cover-hint" data-testid="cover-input" />
          <p class="hint" id="course-cover-hint">PNG, JPEG, GIF or WebP, up to 2 MB. Wide images look best.</p>
          ${current && onRemove && !preview && html`
            <button type="button" class="btn btn-small btn-danger-ghost" onClick=${onRemove}>Remove cover</button>`}
          ${msg && html`<p class="field-error">${msg}</p>`}
        </div>
      </div>
    </div>`;
}

// /courses/{id}/settings (instructors): details and cover, visibility
// (publish, archive), the catalogue listing, the join code, and deleting
// the course.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useAction, formValues, FormError, Submit } from "../forms.js";
import { Section } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { updateCourse, setVisibility, deleteCourse, uploadCover, removeCover, coverURL } from "./course-api.js";
import { CourseFields, CoverPicker, courseBody, courseFields } from "./course-form.js";
import { CourseFrame, VisibilityBadge, can } from "./course-common.js";
import { JoinSettings } from "./course-join.js";
import { CatalogueSettings } from "./course-catalogue-settings.js";

function DetailsSection({ course, onChange }) {
  const { pending, error, run } = useAction();
  const [cover, setCover] = useState(null);
  const [coverKey, setCoverKey] = useState(0);
  async function onSubmit(e) {
    e.preventDefault();
    const body = courseBody(formValues(e.currentTarget));
    // PATCH semantics: send cleared dates as "" would be invalid; omit = keep,
    // so cleared dates are sent as the zero time the server reads as "none".
    if (!body.starts_at && course.starts_at) body.starts_at = "0001-01-01T00:00:00Z";
    if (!body.ends_at && course.ends_at) body.ends_at = "0001-01-01T00:00:00Z";
    const saved = await run(async () => {
      let c = await updateCourse(course.id, body);
      if (cover) c = await uploadCover(course.id, cover);
      return c;
    });
    if (saved) {
      onChange(saved);
      setCover(null);
      setCoverKey((k) => k + 1);
      toast("Course details saved.");
    }
  }
  async function onRemoveCover() {
    const c = await run(() => removeCover(course.id));
    if (c) { onChange(c); toast("Cover removed."); }
  }
  return html`
    <${Section} id="details" title="Details" testid="course-details">
      <form class="form" onSubmit=${onSubmit} data-testid="course-settings-form" key=${course.updated_at}>
        <${FormError} error=${error} fields=${courseFields} />
        <${CourseFields} course=${course} error=${error} />
        <${CoverPicker} key=${coverKey} current=${coverURL(course)} onFile=${setCover} onRemove=${onRemoveCover}
            error=${error} />
        <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…">Save details<//></div>
      </form>
    <//>`;
}

const visibilityText = {
  draft: "Only the course's staff can see it. Join codes don't work yet.",
  published: "Members can open it, and people can join with the code.",
  archived: "Members can still read it, but nothing can be changed or posted.",
};

function VisibilitySection({ course, onChange }) {
  const { pending, error, run } = useAction();
  async function change(v) {
    if (v === "archived") {
      const ok = await confirm({
        title: "Archive this course?",
        body: "Learners can still read it, but can no longer post, chat or complete lessons. You can publish it again later.",
        confirmLabel: "Archive course", danger: true,
      });
      if (!ok) return;
    }
    const c = await run(() => setVisibility(course.id, v));
    if (c) {
      onChange(c);
      toast({ draft: "The course is a draft again.", published: "The course is published.", archived: "The course is archived." }[v]);
    }
  }
  const v = course.visibility;
  return html`
    <${Section} id="visibility" title="Visibility" testid="course-visibility">
      <${FormError} error=${error} />
      <p><${VisibilityBadge} visibility=${v} /> <span class="muted">${visibilityText[v]}</span></p>
      <div class="actions">
        ${v !== "published" && html`<button type="button" class="btn btn-primary" disabled=${pending}
            data-testid="publish-course" onClick=${() => change("published")}>
            ${v === "archived" ? "Publish again" : "Publish course"}</button>`}
        ${v === "published" && html`<button type="button" class="btn" disabled=${pending}
            data-testid="unpublish-course" onClick=${() => change("draft")}>Back to draft</button>`}
        ${v !== "archived" && html`<button type="button" class="btn btn-danger-ghost" disabled=${pending}
            data-testid="archive-course" onClick=${() => change("archived")}>Archive</button>`}
      </div>
    <//>`;
}

function DangerSection({ course }) {
  const { pending, error, run } = useAction();
  async function remove() {
    const ok = await confirm({
      title: `Delete “${course.title}”?`,
      body: "Every module, lesson, upload, discussion, chat message and all progress of this course is deleted for good. This cannot be undone. To keep it readable, archive it instead.",
      confirmLabel: "Delete course for good", danger: true,
    });
    if (!ok) return;
    const done = await run(() => deleteCourse(course.id).then(() => true));
    if (done) {
      toast(`“${course.title}” was deleted.`);
      navigate("/courses");
    }
  }
  return html`
    <${Section} id="danger" title="Delete course" testid="course-danger"
        description="Removes the course and everything in it for everyone.">
      <${FormError} error=${error} />
      <button type="button" class="btn btn-danger" disabled=${pending} onClick=${remove}
              data-testid="delete-course">Delete course…</button>
    <//>`;
}

export default function CourseSettingsPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="settings" title="Settings" allow=${(c) => can(c, "manage_course")}>
      ${(course, reload, setCourse) => html`
        <div class="narrow-col">
          <${DetailsSection} course=${course} onChange=${setCourse} />
          <${VisibilitySection} course=${course} onChange=${setCourse} />
          <${CatalogueSettings} course=${course} onChange=${setCourse} />
          ${can(course, "manage_people") && html`<${JoinSettings} course=${course} onChange=${setCourse} />`}
          <${DangerSection} course=${course} />
        </div>`}
    <//>`;
}


// /courses/new: create a course. The creator becomes its instructor; the
// course starts as a draft unless "publish now" is chosen.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import { useAction, formValues, FormError, Submit, Field } from "../forms.js";
import { useTitle, PageTitle, Section } from "../ui.js";
import { toast } from "../toast.js";
import { errorMessage } from "../api.js";
import { createCourse, setVisibility, uploadCover } from "./course-api.js";
import { CourseFields, CoverPicker, courseBody, courseFields } from "./course-form.js";
import { coursePath } from "./course-common.js";

export default function NewCoursePage() {
  const { site } = useApp();
  useTitle("New course", site);
  const { pending, error, run } = useAction();
  const [cover, setCover] = useState(null);

  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const course = await run(() => createCourse(courseBody(v)));
    if (!course) return;
    // The course exists now: later steps report their own errors but the
    // instructor lands on the course either way.
    if (cover) {
      try {
        await uploadCover(course.id, cover);
      } catch (err) {
        toast(`The course was created, but the cover image was not saved: ${errorMessage(err)}`, "error");
      }
    }
    if (v.visibility === "published") {
      try {
        await setVisibility(course.id, "published");
      } catch (err) {
        toast(`The course was created as a draft: ${errorMessage(err)}`, "error");
      }
    }
    toast(`“${course.title}” was created.`);
    navigate(coursePath(course.id));
  }

  return html`
    <div class="page narrow">
      <${PageTitle} sub="You become its instructor. Add modules and lessons next.">New course<//>
      <form class="form" onSubmit=${onSubmit} data-testid="course-form">
        <${FormError} error=${error} fields=${courseFields} />
        <${Section} id="details" title="Details">
          <${CourseFields} error=${error} />
        <//>
        <${Section} id="appearance" title="Cover">
          <${CoverPicker} onFile=${setCover} error=${error} />
        <//>
        <${Section} id="visibility" title="Visibility">
          <${Field} id="course-visibility" name="visibility" label="Who can see it" type="select" error=${error}
              hint="Learners see a course only once it is published. You can change this later.">
            <option value="draft">Draft: only staff see it for now</option>
            <option value="published">Published: members can open it and join with the code</option>
          <//>
        <//>
        <div class="actions">
          <${Submit} pending=${pending} pendingLabel="Creating…" testid="create-course">Create course<//>
          <a class="btn" href="/courses">Cancel</a>
        </div>
      </form>
    </div>`;
}

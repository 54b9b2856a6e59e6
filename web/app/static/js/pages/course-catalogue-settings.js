// The catalogue settings of a course (manage_course): whether it is listed
// in the catalogue and how people join from there (open, on request, or by
// code and invitation only).
import { html, useState } from "../html.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, Badge } from "../ui.js";
import { toast } from "../toast.js";
import { setCatalogue } from "./course-api.js";

const modeHints = {
  open: "Anyone signed in joins as a learner at once.",
  approval: "People ask to join; you approve or decline each request under People, and they're told either way.",
  closed: "The course is shown for information; people join only with the join code or when you add them.",
};

/** catalogueState says whether the course shows in the catalogue now: [label, badge kind]. */
function catalogueState(course) {
  if (!course.listed) return ["Not listed", "neutral"];
  if (course.visibility !== "published") return ["Listed once published", "neutral"];
  return ["In the catalogue", "success"];
}

export function CatalogueSettings({ course, onChange }) {
  const { pending, error, run } = useAction();
  const [mode, setMode] = useState(course.enrol_mode || "closed");
  const [label, kind] = catalogueState(course);
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const c = await run(() => setCatalogue(course.id, { listed: v.listed === "on", enrol_mode: v.enrol_mode }));
    if (c) {
      onChange(c);
      toast(c.listed ? "Catalogue settings saved." : "The course is not listed in the catalogue.");
    }
  }
  return html`
    <${Section} id="catalogue" title="Catalogue" testid="catalogue-settings"
        description="Let everyone on the site find the course: its title, description, cover and instructors, nothing inside.">
      <p data-testid="catalogue-state"><${Badge} kind=${kind}>${label}<//></p>
      <form class="form" onSubmit=${onSubmit} data-testid="catalogue-form" key=${course.updated_at}>
        <${FormError} error=${error} fields=${["enrol_mode"]} />
        <label class="check">
          <input type="checkbox" name="listed" defaultChecked=${course.listed} data-testid="catalogue-listed" />
          <span><strong>List in the catalogue</strong>
            <span class="hint">Shown while the course is published; drafts and archived courses never are.</span></span>
        </label>
        <${Field} id="catalogue-mode" name="enrol_mode" label="How people join from the catalogue" type="select"
            value=${mode} onChange=${(e) => setMode(e.currentTarget.value)} error=${error} hint=${modeHints[mode]}
            data-testid="catalogue-mode">
          <option value="open">Open: join at once</option>
          <option value="approval">On request: you approve each person</option>
          <option value="closed">Closed: join code or invitation only</option>
        <//>
        <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…" testid="catalogue-save">Save catalogue settings<//></div>
      </form>
    <//>`;
}

// /courses/{id}/projector: the join code in big letters for a classroom
// projector, with the link and a full-screen button.
import { html, useRef } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, Loading, ErrorState } from "../ui.js";
import { useCourse, coursePath, can } from "./course-common.js";
import { joinURL, joinState } from "./course-join.js";

export default function ProjectorPage({ params }) {
  const { site } = useApp();
  const course = useCourse(params.id);
  const box = useRef(null);
  const c = course.data;
  useTitle(c ? `Join ${c.title}` : "Join code", site);
  if (course.loading && !c) return html`<${Loading} />`;
  if (course.error) return html`<${ErrorState} error=${course.error} onRetry=${course.reload} />`;
  if (!can(c, "manage_people") || !c.join_code) {
    return html`<div class="state state-empty">
      <h2>No join code to show</h2>
      <p>${can(c, "manage_people") ? "Create a join code in the course settings first." : "Only the course's staff can show the join code."}</p>
      <a class="btn" href=${coursePath(c.id, "settings")}>Course settings</a></div>`;
  }
  const [label] = joinState(c);
  const full = () => {
    if (box.current && box.current.requestFullscreen) box.current.requestFullscreen().catch(() => {});
  };
  const url = joinURL(c.join_code);
  return html`
    <div class="projector" ref=${box} data-testid="projector">
      <p class="projector-title" id="page-title" tabindex="-1">${c.title}</p>
      <p class="projector-lede">Go to <strong>${location.host}/join</strong> and type the code</p>
      <p class="projector-code" data-testid="projector-code" aria-label=${`Join code ${c.join_code.split("").join(" ")}`}>
        ${c.join_code}</p>
      <p class="projector-url">${url}</p>
      ${label !== "Open" && html`<p class="projector-warn">This code does not work right now: ${label.toLowerCase()}.</p>`}
      <div class="actions projector-actions">
        <button type="button" class="btn" onClick=${full}>Full screen</button>
        <a class="btn btn-ghost" href=${coursePath(c.id, "settings")}>Back to settings</a>
      </div>
    </div>`;
}

// CourseCard: a course as the catalogue shows it (docs/api.md,
// CatalogCard): cover, code, title, instructors, dates and summary, with
// the actions for the caller below. The join-code page shows the same card.
import { html, useState } from "../html.js";
import { initials } from "../format.js";
import { courseDates } from "./course-common.js";

// Only the API's own image URLs are shown as covers.
const coverPattern = /^\/api\/v1\/(uploads\/\d+|join\/[^/?#]+\/cover)$/;

/** instructorLine says "Taught by A, B and C" (or "" when none). */
export function instructorLine(names) {
  if (!names || names.length === 0) return "";
  const list = names.length === 1 ? names[0]
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `Taught by ${list}`;
}

/** enrolModeLabels says how people join, per enrol_mode. */
export const enrolModeLabels = {
  open: "Open: join at once",
  approval: "On request: a teacher approves",
  closed: "By invitation or join code only",
};

/** CourseCard renders a CatalogCard; children go in the card's foot. */
export function CourseCard({ card, children, testid = "catalogue-card" }) {
  const [broken, setBroken] = useState(false);
  const cover = !broken && coverPattern.test(card.cover_url || "") ? card.cover_url : "";
  const dates = courseDates(card);
  const who = instructorLine(card.instructors);
  return html`
    <article class="card course-card catalogue-card" data-testid=${testid} data-course-id=${card.id}
             data-status=${card.status || "none"} data-mode=${card.enrol_mode} aria-labelledby=${`card-${card.id}-title`}>
      <div class="course-card-cover" aria-hidden="true">
        ${cover ? html`<img src=${cover} alt="" loading="lazy" onError=${() => setBroken(true)} data-testid="card-cover" />`
                : html`<span class="cover-fallback">${initials(card.title)}</span>`}
      </div>
      <div class="course-card-body">
        ${card.code && html`<div class="course-card-meta"><span class="course-code">${card.code}</span></div>`}
        <h2 class="course-title" id=${`card-${card.id}-title`} data-testid="card-title">${card.title}</h2>
        ${who && html`<p class="muted small" data-testid="card-instructors">${who}</p>`}
        ${dates && html`<p class="muted small">${dates}</p>`}
        ${card.summary && html`<p class="catalogue-summary" data-testid="card-summary">${card.summary}</p>`}
        <div class="course-card-foot">${children}</div>
      </div>
    </article>`;
}

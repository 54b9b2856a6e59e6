// /catalogue: the courses listed for everyone signed in, with search,
// "show more" paging and, on each card, the way in the course allows:
// enrol at once (open), ask to join (approval) or a code only (closed).
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import {
  useTitle, useLoad, useDebounced, useBusy, PageTitle, Loading, ErrorState, EmptyState, Badge,
} from "../ui.js";
import { useAction, FormError } from "../forms.js";
import { plural } from "../format.js";
import { confirm } from "../confirm.js";
import { listCatalogue, enrolSelf, leaveCourse } from "./course-api.js";
import { coursePath } from "./course-common.js";
import { CourseCard, enrolModeLabels } from "./catalogue-card.js";

const searchDelayMs = 250;
const pageSize = 24;

// EnrolAction is the card's foot: what the caller can do about the course.
function EnrolAction({ card, onStatus }) {
  const [busy, run] = useBusy();
  const title = card.title;
  if (card.status === "active") {
    return html`<a class="btn btn-small btn-primary" href=${coursePath(card.id)} data-testid="card-open">Open course</a>`;
  }
  if (card.status === "pending") {
    async function withdraw() {
      const ok = await confirm({ title: `Withdraw your request to join “${title}”?`,
        body: "The teachers no longer see it. You can ask again later.", confirmLabel: "Withdraw request" });
      if (ok) run(() => leaveCourse(card.id).then(() => onStatus("")), "Request withdrawn.");
    }
    return html`
      <${Badge} kind="accent"><span data-testid="card-requested">Requested</span><//>
      <span class="muted small">A teacher will approve or decline it; you'll get a notification.</span>
      <button type="button" class="btn btn-small" disabled=${busy} onClick=${withdraw}
              data-testid="card-withdraw">Withdraw request</button>`;
  }
  if (card.enrol_mode === "closed") {
    return html`<span class="muted small" data-testid="card-closed">${enrolModeLabels.closed}. <a href="/join">Have a code?</a></span>`;
  }
  const open = card.enrol_mode === "open";
  const enrol = () => run(async () => {
    const e = await enrolSelf(card.id);
    onStatus(e.status);
    if (e.status === "active") navigate(coursePath(card.id));
  }, open ? `You're enrolled in “${title}”.` : `Request sent. You'll be told when a teacher decides.`);
  return html`
    <button type="button" class="btn btn-small btn-primary" disabled=${busy} aria-busy=${busy ? "true" : "false"}
            onClick=${enrol} data-testid="card-enrol" aria-describedby=${`card-${card.id}-title`}>
      ${open ? "Enrol" : "Ask to join"}</button>
    ${!open && html`<span class="muted small">${enrolModeLabels.approval}</span>`}`;
}

export default function CataloguePage() {
  const { site } = useApp();
  useTitle("Catalogue", site);
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), searchDelayMs);
  const page = useLoad((signal) => listCatalogue({ q, limit: pageSize }, signal), [q]);
  const more = useAction();

  async function showMore() {
    const cursor = page.data.next_cursor;
    const next = await more.run(() => listCatalogue({ q, limit: pageSize, cursor }));
    if (next) page.setData((d) => ({ ...next, items: [...d.items, ...next.items] }));
  }
  const setStatus = (id, status) => page.setData((d) => ({
    ...d, items: d.items.map((c) => (c.id === id ? { ...c, status } : c)),
  }));

  let body;
  if (page.loading && !page.data) body = html`<${Loading} label="Loading the catalogue…" />`;
  else if (page.error) body = html`<${ErrorState} error=${page.error} onRetry=${page.reload} />`;
  else if (page.data.items.length === 0) {
    body = q
      ? html`<${EmptyState} title="No matching courses" icon="search" testid="catalogue-empty">
          <p>No listed course mentions “${q}” in its title, description or teachers.
          <button type="button" class="link" onClick=${() => setSearch("")}>Clear the search</button>.</p><//>`
      : html`<${EmptyState} title="The catalogue is empty" icon="book" testid="catalogue-empty">
          <p>No course is listed yet. Teachers list a course from its Settings.</p>
          <p><a href="/join">Join with a code</a> if your teacher gave you one.</p><//>`;
  } else {
    const d = page.data;
    body = html`
      <ul class=${page.loading ? "course-grid is-refreshing" : "course-grid"} data-testid="catalogue-list"
          aria-busy=${page.loading ? "true" : "false"}>
        ${d.items.map((c) => html`<li key=${c.id}>
          <${CourseCard} card=${c}><${EnrolAction} card=${c} onStatus=${(s) => setStatus(c.id, s)} /><//></li>`)}
      </ul>
      <${FormError} error=${more.error} />
      <div class="pager-note catalogue-pager">
        <p class="muted small" data-testid="catalogue-count">Showing ${d.items.length} of ${plural(d.total, "course")}</p>
        ${d.next_cursor && html`<button type="button" class="btn" disabled=${more.pending} onClick=${showMore}
            aria-busy=${more.pending ? "true" : "false"} data-testid="catalogue-more">
            ${more.pending ? "Loading…" : "Show more"}</button>`}
      </div>`;
  }

  return html`
    <div class="page">
      <div class="page-head">
        <${PageTitle} sub="Courses open to everyone on this site. Enrol, ask to join, or see what's on offer.">Catalogue<//>
        <div class="page-actions">
          <a class="btn" href="/join" data-testid="catalogue-join-code">Join with a code</a>
        </div>
      </div>
      <div class="toolbar">
        <div class="field field-search">
          <label for="catalogue-q">Search the catalogue</label>
          <input id="catalogue-q" type="search" placeholder="Title, topic or teacher" value=${search} autocomplete="off"
                 onInput=${(e) => setSearch(e.currentTarget.value)} data-testid="catalogue-search" />
        </div>
      </div>
      ${body}
    </div>`;
}

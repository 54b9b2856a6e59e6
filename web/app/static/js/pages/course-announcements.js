// The course page's Announcements section: the course's news, latest first
// (what is for the reader: their groups; staff also see scheduled ones,
// marked), kept live by the course's announcements topic; staff (announce)
// post, schedule, edit and delete them. A notification's link
// (?announcement=<id>) scrolls to its announcement.
import { html, useState, useEffect } from "../html.js";
import { live } from "../live.js";
import { errorMessage } from "../api.js";
import { useLoad, Badge, Time } from "../ui.js";
import { Field, FormError, Submit, useAction, formValues } from "../forms.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { fullTime } from "../format.js";
import { can, dateTimeInput, fromDateInput } from "./course-common.js";
import { listGroups } from "./course-api.js";
import {
  listAnnouncements, createAnnouncement, updateAnnouncement, deleteAnnouncement, announcementsTopic,
} from "./announcements-api.js";

const firstPage = 5; // shown at first; "Show older" adds morePage
const morePage = 10;
const maxPage = 200;

/** AnnouncementForm posts a new announcement, or edits x. */
function AnnouncementForm({ course, groups, x, onSaved, onCancel }) {
  const { pending, error, run } = useAction();
  const scheduled = !x || !x.posted_at;
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const body = {
      title: v.title.trim(), body_md: v.body_md,
      group_ids: [...form.querySelectorAll("input[name=group]:checked")].map((i) => Number(i.value)),
    };
    if (scheduled) {
      const at = fromDateInput(v.post_at);
      if (at || x) body.post_at = at || new Date().toISOString();
    }
    const saved = await run(() => (x ? updateAnnouncement(x.id, body) : createAnnouncement(course.id, body)));
    if (!saved) return;
    toast(x ? "Announcement saved." : saved.posted_at ? "Announcement posted." : `Announcement scheduled for ${fullTime(saved.post_at)}.`);
    onSaved(saved);
  }
  const d = x || {};
  const chosen = new Set(d.group_ids || []);
  return html`
    <form class="card form announcement-form" onSubmit=${onSubmit} data-testid="announcement-form" noValidate
          aria-labelledby="announcement-form-title">
      <h3 id="announcement-form-title">${x ? "Edit announcement" : "New announcement"}</h3>
      <${FormError} error=${error} fields=${["title", "body_md", "body", "group_ids", "post_at"]} />
      <${Field} id="announcement-title" name="title" label="Title" required maxlength="200" defaultValue=${d.title}
          error=${error} />
      <${Field} id="announcement-body" name="body_md" label="Message" type="textarea" rows="5" required
          defaultValue=${d.body_md} error=${fieldError2(error)}
          hint="Markdown works: **bold**, _italic_, lists and links." />
      ${groups.length > 0 && html`
        <fieldset class="field announcement-groups">
          <legend>For <span class="optional">(none ticked: everyone in the course)</span></legend>
          ${groups.map((g) => html`
            <label key=${g.id} class="check">
              <input type="checkbox" name="group" value=${String(g.id)} defaultChecked=${chosen.has(g.id)}
                     data-testid=${`announcement-group-${g.id}`} /> ${g.name}
            </label>`)}
          ${error && error.field === "group_ids" && html`<p class="field-error" data-testid="field-error">${errorMessage(error)}</p>`}
        </fieldset>`}
      ${scheduled && html`
        <${Field} id="announcement-post-at" name="post_at" label="Post at" type="datetime-local" optional
            defaultValue=${x ? dateTimeInput(x.post_at) : ""} error=${error}
            hint=${`Leave empty to post now. Your time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}.`} />`}
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Saving…">${x ? "Save" : "Post"}<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>`;
}

/** fieldError2 shows a "body" problem on the message field too. */
function fieldError2(error) {
  if (error && error.field === "body") return errorMessage(error);
  return error;
}

function AnnouncementItem({ course, x, groups, wanted, onChanged }) {
  const staff = can(course, "announce");
  const [editing, setEditing] = useState(false);
  const names = (x.group_ids || []).map((id) => (groups.find((g) => g.id === id) || { name: "a deleted group" }).name);
  async function remove() {
    const ok = await confirm({ title: "Delete this announcement?", body: `“${x.title}” disappears for everyone. This can't be undone.`,
      confirmLabel: "Delete", danger: true });
    if (!ok) return;
    try {
      await deleteAnnouncement(x.id);
      toast("Announcement deleted.");
      onChanged();
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  if (editing) {
    return html`<li><${AnnouncementForm} course=${course} groups=${groups} x=${x}
        onSaved=${() => { setEditing(false); onChanged(); }} onCancel=${() => setEditing(false)} /></li>`;
  }
  return html`
    <li>
      <article class=${`announcement${x.posted_at ? "" : " announcement-scheduled"}${wanted === x.id ? " announcement-wanted" : ""}`}
               id=${`announcement-${x.id}`}
               data-testid="announcement" data-announcement-id=${x.id} aria-labelledby=${`announcement-${x.id}-title`}>
        <header class="announcement-head">
          <h3 id=${`announcement-${x.id}-title`}>${x.title}</h3>
          <div class="announcement-meta muted small">
            <span>${x.author_name || x.author_username}</span>
            ${x.posted_at ? html`<${Time} at=${x.posted_at} />`
              : html`<${Badge} kind="accent"><span data-testid="announcement-scheduled">Scheduled for ${fullTime(x.post_at)}</span><//>`}
            ${x.edited_at && html`<span title=${fullTime(x.edited_at)}>(edited)</span>`}
            ${staff && names.length > 0 && html`<${Badge}>For ${names.join(", ")}<//>`}
          </div>
        </header>
        <div class="markdown announcement-body" data-testid="announcement-body"
             dangerouslySetInnerHTML=${{ __html: x.body_html }}></div>
        ${staff && html`
          <div class="announcement-actions">
            <button type="button" class="btn btn-small" onClick=${() => setEditing(true)}
                    data-testid="announcement-edit">Edit</button>
            <button type="button" class="btn btn-small btn-danger-ghost" onClick=${remove}
                    data-testid="announcement-delete">Delete</button>
          </div>`}
      </article>
    </li>`;
}

/** Announcements is the course page's section. */
export function Announcements({ course }) {
  const staff = can(course, "announce");
  const [limit, setLimit] = useState(firstPage);
  const [writing, setWriting] = useState(false);
  const list = useLoad((signal) => listAnnouncements(course.id, { limit }, signal), [course.id, limit]);
  const groups = useLoad((signal) => (staff ? listGroups(course.id, signal) : Promise.resolve({ items: [] })), [course.id, staff]);
  // Live: any change reloads the list (the server says what is for us); so
  // does the subscription's start, as the first load may predate it.
  useEffect(() => live.subscribe(announcementsTopic(course.id), list.reload, { onReset: list.reload, onStart: list.reload }),
    [course.id]);
  // A notification's link names one announcement: show it.
  const items = (list.data && list.data.items) || [];
  const wanted = Number(new URLSearchParams(location.search).get("announcement")) || 0;
  useEffect(() => {
    if (!wanted || !list.data) return;
    const el = document.getElementById(`announcement-${wanted}`);
    if (el) el.scrollIntoView({ block: "start" });
    else if (list.data.next_cursor && limit < maxPage) setLimit(maxPage);
  }, [list.data, wanted]);
  const groupList = (groups.data && groups.data.items) || [];
  return html`
    <section class="card section announcements" aria-labelledby="announcements-title" data-testid="announcements">
      <div class="section-head">
        <h2 id="announcements-title">Announcements</h2>
        ${staff && !writing && html`
          <button type="button" class="btn btn-primary btn-small" onClick=${() => setWriting(true)}
                  data-testid="new-announcement">New announcement</button>`}
      </div>
      ${writing && html`<${AnnouncementForm} course=${course} groups=${groupList}
          onSaved=${() => { setWriting(false); list.reload(); }} onCancel=${() => setWriting(false)} />`}
      ${list.error && !list.data
        ? html`<p class="field-error" role="alert">We couldn't load the announcements. ${errorMessage(list.error)}
            <button type="button" class="btn btn-small" onClick=${list.reload}>Try again</button></p>`
        : !list.data ? html`<p class="muted small announcements-status">Loading announcements…</p>`
        : items.length === 0
          ? !writing && html`<p class="muted small announcements-status" data-testid="announcements-empty">
              No announcements yet. ${staff ? "Post news for the whole course or some of its groups; members are notified."
                                            : "News from your teachers will show here."}</p>`
          : html`<ol class="announcement-list" data-testid="announcement-list">
              ${items.map((x) => html`<${AnnouncementItem} key=${x.id} course=${course} x=${x} groups=${groupList} wanted=${wanted}
                  onChanged=${list.reload} />`)}
            </ol>
            ${list.data.next_cursor && html`<div class="center">
              <button type="button" class="btn btn-small" onClick=${() => setLimit(Math.min(limit + morePage, maxPage))}
                      data-testid="announcements-more">Show older</button></div>`}`}
    </section>`;
}

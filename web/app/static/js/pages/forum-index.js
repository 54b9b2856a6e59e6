// /courses/{id}/discussion: the course's forums and the threads of the
// chosen one (?forum=), pinned first, with unread, locked and answered
// markers; new thread; staff add forums.
import { html, useState, useEffect } from "../html.js";
import { live } from "../live.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { errorMessage } from "../api.js";
import { useLoad, Loading, ErrorState, EmptyState, Badge, Time } from "../ui.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { plural } from "../format.js";
import { toast } from "../toast.js";
import { CourseFrame, can } from "./course-common.js";
import { listForums, createForum, listThreads, createThread, forumTopic } from "./forum-api.js";
import { Glyph, useMembers } from "./forum-parts.js";
import { MarkdownEditor } from "./thread-compose.js";

const pageSize = 25;

export const threadPath = (courseID, threadID) => `/courses/${courseID}/discussion/${threadID}`;

function NewForumForm({ courseID, onCreated, onCancel }) {
  const { pending, error, run } = useAction();
  async function submit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const forum = await run(() => createForum(courseID, { title: f.get("title"), description: f.get("description") }));
    if (forum) { toast(`Forum “${forum.title}” created.`); onCreated(forum); }
  }
  return html`
    <form class="card form" onSubmit=${submit} data-testid="new-forum-form" aria-labelledby="new-forum-title">
      <h2 id="new-forum-title">New forum</h2>
      <${FormError} error=${error} fields=${["title", "description"]} />
      <${Field} id="title" label="Title" error=${error} required maxLength="200" autofocus />
      <${Field} id="description" label="Description" optional error=${error}
          hint="What belongs here, e.g. “Questions about the weekly exercises”." />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Creating…">Create forum<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>`;
}

function NewThreadForm({ course, forum, onCancel }) {
  const { me } = useApp();
  const members = useMembers(course.id);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const { pending, error, run } = useAction();
  async function submit(e) {
    if (e) e.preventDefault();
    const v = await run(() => createThread(forum.id, title, body));
    if (v) {
      toast("Your thread is posted.");
      navigate(threadPath(course.id, v.thread.id));
    }
  }
  return html`
    <form class="card form" onSubmit=${submit} data-testid="new-thread-form" aria-labelledby="new-thread-title">
      <h2 id="new-thread-title">New thread in ${forum.title}</h2>
      <${FormError} error=${error} fields=${["title", "body_md"]} />
      <${Field} id="thread-title" name="title" label="Title" error=${error} required maxLength="200" autofocus
          value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} data-testid="thread-title-input" />
      <${MarkdownEditor} id="thread-body" label="Message" value=${body} onValue=${setBody} members=${members.list}
          meID=${me.id} error=${error} onSubmit=${submit} rows=${6} testid="thread-body-input"
          placeholder="Ask a question or start a discussion…" />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Posting…" testid="thread-submit">Post thread<//>
        <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
      </div>
    </form>`;
}

function ThreadRow({ courseID, thread }) {
  const replies = Math.max(0, (thread.post_count || 1) - 1);
  return html`
    <li class=${thread.unread ? "thread-row thread-unread" : "thread-row"} data-testid="thread-row"
        data-thread-id=${thread.id}>
      <div class="thread-row-main">
        <a class="thread-link" href=${threadPath(courseID, thread.id)}>
          ${thread.unread && html`<span class="unread-dot" aria-hidden="true"></span>
            <span class="visually-hidden">Unread: </span>`}
          ${thread.title}
        </a>
        <div class="thread-badges">
          ${thread.pinned && html`<${Badge} kind="accent"><${Glyph} name="pin" size=${12} /> Pinned<//>`}
          ${thread.locked && html`<${Badge}><${Glyph} name="lock" size=${12} /> Locked<//>`}
          ${thread.answer_post_id > 0 && html`<${Badge} kind="success"><${Glyph} name="check" size=${12} /> Answered<//>`}
          ${thread.unread && html`<${Badge} kind="accent">New<//>`}
        </div>
      </div>
      <p class="muted small thread-meta">
        ${thread.author_name && html`Started by <span data-testid="thread-author"
            title=${thread.author_username ? `@${thread.author_username}` : undefined}>${thread.author_name}</span> · `}${plural(replies, "reply", "replies")}${" · "}last
        post <${Time} at=${thread.last_post_at || thread.created_at} />
      </p>
    </li>`;
}

// liveRefreshMs batches the thread list's reloads when posts arrive in a burst.
const liveRefreshMs = 400;

/** useForumVersion counts the forum's live events (new threads, new posts),
 * batched, so the thread list reloads itself; missed events count too. */
function useForumVersion(forumID) {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!forumID) return undefined;
    let timer = 0;
    const bump = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setVersion((v) => v + 1), liveRefreshMs);
    };
    // onStart: the list read at mount may predate the subscription.
    const off = live.subscribe(forumTopic(forumID), bump, { onReset: bump, onStart: bump });
    return () => { clearTimeout(timer); off(); };
  }, [forumID]);
  return version;
}

function ThreadList({ course, forum, version }) {
  const [pages, setPages] = useState({ key: "", extra: [], cursor: "" });
  const key = `${forum.id}:${version}`;
  const first = useLoad((signal) => listThreads(forum.id, { limit: pageSize }, signal), [forum.id, version]);
  const [more, setMore] = useState({ loading: false, error: null });
  const state = pages.key === key ? pages : { key, extra: [], cursor: "" };
  if (first.loading && !first.data) return html`<${Loading} label="Loading threads…" />`;
  if (first.error) return html`<${ErrorState} error=${first.error} onRetry=${first.reload} />`;
  const items = [...first.data.items, ...state.extra];
  const next = state.extra.length ? state.cursor : first.data.next_cursor;
  async function loadMore() {
    setMore({ loading: true, error: null });
    try {
      const d = await listThreads(forum.id, { limit: pageSize, cursor: next });
      setPages({ key, extra: [...state.extra, ...d.items], cursor: d.next_cursor || "" });
      setMore({ loading: false, error: null });
    } catch (e) {
      setMore({ loading: false, error: e });
    }
  }
  if (items.length === 0) {
    return html`<${EmptyState} title="No threads yet" testid="threads-empty" icon="inbox">
      <p>Be the first: ask a question or start a discussion with “New thread”.</p><//>`;
  }
  return html`
    <ul class="card thread-list" data-testid="thread-list" aria-label=${`Threads in ${forum.title}`}>
      ${items.map((t) => html`<${ThreadRow} key=${t.id} courseID=${course.id} thread=${t} />`)}
    </ul>
    <div class="pager">
      <span class="muted small">${first.data.total !== undefined
        ? `Showing ${items.length} of ${plural(first.data.total, "thread")}` : plural(items.length, "thread")}</span>
      ${next && html`<button type="button" class="btn btn-small" disabled=${more.loading} onClick=${loadMore}
          data-testid="threads-more">${more.loading ? "Loading…" : "Load more threads"}</button>`}
    </div>
    ${more.error && html`<p class="field-error" role="alert">${errorMessage(more.error)}</p>`}`;
}

function Discussion({ course, query }) {
  const forums = useLoad((signal) => listForums(course.id, signal), [course.id]);
  const [panel, setPanel] = useState(null); // "thread" | "forum" | null
  const mayEdit = can(course, "edit_content");
  const list = (forums.data && forums.data.items) || [];
  const wanted = Number(query.get("forum"));
  const forum = list.find((f) => f.id === wanted) || list[0];
  const version = useForumVersion(forum && forum.id);
  if (forums.loading && !forums.data) return html`<${Loading} label="Loading the discussion…" />`;
  if (forums.error) return html`<${ErrorState} error=${forums.error} onRetry=${forums.reload} />`;
  const forumForm = panel === "forum" && html`<${NewForumForm} courseID=${course.id} onCancel=${() => setPanel(null)}
      onCreated=${(f) => { setPanel(null); forums.reload(); navigate(`/courses/${course.id}/discussion?forum=${f.id}`); }} />`;
  if (!forum) {
    return html`
      ${forumForm}
      <${EmptyState} title="No forums yet" testid="forums-empty" icon="inbox">
        <p>${mayEdit ? "Create a forum to give the class a place to ask and discuss."
                     : "The course staff haven't opened a forum yet."}</p>
        ${mayEdit && !panel && html`<button type="button" class="btn btn-primary" onClick=${() => setPanel("forum")}>
          New forum</button>`}
      <//>`;
  }
  return html`
    <div class="discussion" data-testid="discussion">
      <div class="section-bar">
        ${list.length > 1 ? html`
          <nav class="pill-nav" aria-label="Forums" data-testid="forum-nav">
            ${list.map((f) => html`<a key=${f.id} class="pill" href=${`/courses/${course.id}/discussion?forum=${f.id}`}
                aria-current=${f.id === forum.id ? "page" : undefined}>${f.title}</a>`)}
          </nav>` : html`<h2 class="section-bar-title">${forum.title}</h2>`}
        <div class="page-actions">
          <button type="button" class="btn btn-primary" aria-expanded=${panel === "thread" ? "true" : "false"}
                  data-testid="new-thread" onClick=${() => setPanel(panel === "thread" ? null : "thread")}>New thread</button>
          ${mayEdit && html`<button type="button" class="btn" aria-expanded=${panel === "forum" ? "true" : "false"}
                  data-testid="new-forum" onClick=${() => setPanel(panel === "forum" ? null : "forum")}>New forum</button>`}
        </div>
      </div>
      ${forum.description && html`<p class="muted forum-description">${forum.description}</p>`}
      ${panel === "thread" && html`<${NewThreadForm} course=${course} forum=${forum} onCancel=${() => setPanel(null)} />`}
      ${forumForm}
      <${ThreadList} course=${course} forum=${forum} version=${version} />
    </div>`;
}

export default function ForumIndexPage({ params, query }) {
  return html`
    <${CourseFrame} id=${params.id} tab="discussion" title="Discussion">
      ${(course) => html`<${Discussion} course=${course} query=${query} />`}
    <//>`;
}

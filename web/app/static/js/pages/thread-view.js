// /courses/{id}/discussion/{threadId}: a thread with nested replies (two
// levels), live: new, edited and deleted posts, reactions and flag changes
// by others appear without reloading (topic thread:<id>). Moderators pin,
// lock and delete the thread.
import { html, useState, useEffect, useMemo, useRef } from "../html.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { live } from "../live.js";
import { useTitle, useLoad, Loading, ErrorState, Badge, useBusy } from "../ui.js";
import { confirm } from "../confirm.js";
import { plural } from "../format.js";
import { CourseFrame, can } from "./course-common.js";
import { getThread, setThreadFlags, deleteThread, threadTopic } from "./forum-api.js";
import { Glyph, useMembers, applyReaction } from "./forum-parts.js";
import { Post, ReplyForm } from "./thread-post.js";

const freshMs = 8000; // how long a post that arrived live stays highlighted

function upsert(posts, p) {
  const i = posts.findIndex((x) => x.id === p.id);
  if (i < 0) return [...posts, p].sort((a, b) => a.id - b.id);
  const out = posts.slice();
  out[i] = { ...posts[i], ...p };
  return out;
}

function ModTools({ thread, setThread, courseID }) {
  const [busy, run] = useBusy();
  async function flag(flags, done) {
    await run(async () => setThread(await setThreadFlags(thread.id, flags)), done);
  }
  async function remove() {
    const ok = await confirm({
      title: "Delete this thread?", body: `“${thread.title}” and all its replies are removed for everyone. This can't be undone.`,
      confirmLabel: "Delete thread", danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await deleteThread(thread.id);
      navigate(`/courses/${courseID}/discussion?forum=${thread.forum_id}`);
    }, "The thread was deleted.");
  }
  return html`
    <div class="page-actions mod-tools" role="group" aria-label="Moderation">
      <button type="button" class="btn btn-small" disabled=${busy} aria-pressed=${thread.pinned ? "true" : "false"}
              data-testid="toggle-pin" onClick=${() => flag({ pinned: !thread.pinned }, thread.pinned ? "Unpinned." : "Pinned to the top.")}>
        <${Glyph} name="pin" size=${16} /> ${thread.pinned ? "Unpin" : "Pin"}</button>
      <button type="button" class="btn btn-small" disabled=${busy} aria-pressed=${thread.locked ? "true" : "false"}
              data-testid="toggle-lock" onClick=${() => flag({ locked: !thread.locked }, thread.locked ? "Unlocked: everyone can reply again." : "Locked: only moderators can reply.")}>
        <${Glyph} name=${thread.locked ? "unlock" : "lock"} size=${16} /> ${thread.locked ? "Unlock" : "Lock"}</button>
      <button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy} data-testid="delete-thread"
              onClick=${remove}><${Glyph} name="trash" size=${16} /> Delete thread</button>
    </div>`;
}

function ThreadBody({ course, threadID }) {
  const { site, me } = useApp();
  const view = useLoad((signal) => getThread(threadID, signal), [threadID]);
  const members = useMembers(course.id);
  const [fresh, setFresh] = useState(() => new Set());
  const freshTimers = useRef([]);
  const moderator = can(course, "moderate");
  const v = view.data;
  useTitle(v ? `${v.thread.title} · Discussion` : "Discussion", site);

  // Live: apply the thread's events; reload when some were missed.
  useEffect(() => {
    const off = live.subscribe(threadTopic(threadID), (ev) => {
      if (!ev || !ev.kind) return;
      // apply: also to the answer of a load still on its way (it may have
      // read the thread before this event); every case is an upsert.
      view.apply((d) => {
        switch (ev.kind) {
          case "post.created": case "post.edited": case "post.deleted":
            return ev.post ? { ...d, posts: upsert(d.posts, ev.post) } : d;
          case "thread.updated":
            return ev.thread ? { ...d, thread: { ...d.thread, ...ev.thread } } : d;
          case "reaction":
            return { ...d, reactions: applyReaction(d.reactions, ev) };
          default:
            return d;
        }
      });
      if (ev.kind === "post.created" && ev.post && ev.post.author_id !== me.id) {
        const id = ev.post.id;
        setFresh((s) => new Set(s).add(id));
        freshTimers.current.push(setTimeout(() => setFresh((s) => { const n = new Set(s); n.delete(id); return n; }), freshMs));
      }
    }, {
      onReset: () => getThread(threadID).then((d) => view.setData(d), () => {}),
      // The first load may have read the thread before the subscription was
      // in place: a post made in between would be neither in it nor pushed.
      // Read it again (a first load still on its way is dropped for this one).
      onStart: view.reload,
    });
    return () => { off(); freshTimers.current.forEach(clearTimeout); };
  }, [threadID]);

  const ctx = useMemo(() => {
    if (!v) return null;
    const byParent = new Map();
    for (const p of v.posts) {
      if (p.depth === 0) continue;
      const k = p.parent_id || 0;
      if (!byParent.has(k)) byParent.set(k, []);
      byParent.get(k).push(p);
    }
    return {
      thread: v.thread, course, me, moderator, byID: members.byID, members: members.list,
      reactions: v.reactions || [], fresh,
      kids: (id) => byParent.get(id) || [],
      upsertPost: (p) => view.setData((d) => ({ ...d, posts: upsert(d.posts, p) })),
      setThread: (t) => view.setData((d) => ({ ...d, thread: { ...d.thread, ...t } })),
      react: (ev) => view.setData((d) => ({ ...d, reactions: applyReaction(d.reactions, ev) })),
    };
  }, [v, members.byID, fresh]);

  if (view.loading && !v) return html`<${Loading} label="Loading the thread…" />`;
  if (view.error) {
    return html`<${ErrorState} error=${view.error} onRetry=${view.reload}
        title=${view.error.status === 404 ? "Thread not found" : "We couldn't load this thread"} />`;
  }
  const t = v.thread;
  const opening = v.posts.find((p) => p.depth === 0);
  // Replies whose parent is the opening post, plus any whose parent is unknown.
  const ids = new Set(v.posts.map((p) => p.id));
  const top = v.posts.filter((p) => p.depth > 0 && (p.parent_id === (opening && opening.id) || !p.parent_id || !ids.has(p.parent_id)));
  const replies = v.posts.filter((p) => p.depth > 0).length;
  return html`
    <div class="thread" data-testid="thread" data-thread-id=${t.id}>
      <a class="back-link" href=${`/courses/${course.id}/discussion?forum=${t.forum_id}`}>← All threads</a>
      <div class="thread-head">
        <div>
          <h2 class="thread-title" data-testid="thread-title">${t.title}</h2>
          <div class="thread-badges">
            ${t.pinned && html`<${Badge} kind="accent"><${Glyph} name="pin" size=${12} /> Pinned<//>`}
            ${t.locked && html`<${Badge} data-testid="locked-badge"><${Glyph} name="lock" size=${12} /> Locked<//>`}
            ${t.answer_post_id > 0 && html`<${Badge} kind="success"><${Glyph} name="check" size=${12} /> Answered<//>`}
            <span class="muted small">${plural(replies, "reply", "replies")}</span>
          </div>
        </div>
        ${moderator && html`<${ModTools} thread=${t} courseID=${course.id} setThread=${ctx.setThread} />`}
      </div>
      ${opening && html`<${Post} ctx=${ctx} post=${opening} />`}
      <section class="replies" aria-label="Replies" data-testid="replies">
        ${top.map((p) => html`<${Post} key=${p.id} ctx=${ctx} post=${p} />`)}
      </section>
      ${t.locked && !moderator
        ? html`<div class="alert alert-info" data-testid="thread-locked"><strong>This thread is locked.</strong>
            <span>A moderator closed it to new replies.</span></div>`
        : html`<div class="card reply-card">
            ${t.locked && html`<p class="muted small">The thread is locked; as a moderator you can still reply.</p>`}
            <${ReplyForm} ctx=${ctx} parent=${null} />
          </div>`}
    </div>`;
}

export default function ThreadPage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="discussion" title="Discussion">
      ${(course) => html`<${ThreadBody} course=${course} threadID=${Number(params.threadId)} />`}
    <//>`;
}

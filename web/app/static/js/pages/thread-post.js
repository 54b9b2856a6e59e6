// One post of a thread: author, time, "edited" marker, the server-rendered
// Markdown body (or the tombstone), reactions and the actions the viewer
// may take (reply, edit within the window, delete, mark as the answer),
// with its replies nested under it.
import { html, useState, useEffect } from "../html.js";
import { Avatar, Badge, Time, useBusy } from "../ui.js";
import { FormError, Submit, useAction } from "../forms.js";
import { when } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { Glyph, Reactions, RoleBadge, displayName, usernameOf } from "./forum-parts.js";
import { reply, editPost, deletePost, reactToPost, markAnswer, editWindowMs } from "./forum-api.js";
import { MarkdownEditor } from "./thread-compose.js";

/** ReplyForm writes a reply to parent (null: to the thread). */
export function ReplyForm({ ctx, parent, onDone, onCancel, autofocus, initial = "" }) {
  const [body, setBody] = useState(initial);
  const { pending, error, run } = useAction();
  const id = parent ? `reply-${parent.id}` : "reply-thread";
  async function submit(e) {
    if (e) e.preventDefault();
    const p = await run(() => reply(ctx.thread.id, parent ? parent.id : 0, body));
    if (p) {
      ctx.upsertPost(p);
      setBody("");
      if (onDone) onDone(p);
    }
  }
  const to = parent && displayName(ctx.byID, parent.author_id, parent.author_name);
  return html`
    <form class="form reply-form" onSubmit=${submit} data-testid="reply-form" aria-label=${to ? `Reply to ${to}` : "Reply"}>
      <${FormError} error=${error} fields=${["body_md"]} />
      <${MarkdownEditor} id=${id} label=${to ? `Reply to ${to}` : "Your reply"} value=${body} onValue=${setBody}
          members=${ctx.members} meID=${ctx.me.id} error=${error} onSubmit=${submit} rows=${parent ? 3 : 4}
          autofocus=${autofocus} testid="reply-input" placeholder="Write a reply…" />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Posting…" testid="reply-submit">Post reply<//>
        ${onCancel && html`<button type="button" class="btn" onClick=${onCancel}>Cancel</button>`}
      </div>
    </form>`;
}

function EditForm({ ctx, post, onDone }) {
  const [body, setBody] = useState(post.body_md);
  const { pending, error, run } = useAction();
  async function submit(e) {
    if (e) e.preventDefault();
    const p = await run(() => editPost(post.id, body));
    if (p) { ctx.upsertPost(p); toast("Your post was updated."); onDone(); }
  }
  return html`
    <form class="form" onSubmit=${submit} data-testid="edit-post-form" aria-label="Edit post">
      <${FormError} error=${error} fields=${["body_md"]} />
      <${MarkdownEditor} id=${`edit-${post.id}`} label="Edit your post" value=${body} onValue=${setBody}
          members=${ctx.members} meID=${ctx.me.id} error=${error} onSubmit=${submit} autofocus />
      <div class="actions">
        <${Submit} pending=${pending} pendingLabel="Saving…">Save<//>
        <button type="button" class="btn" onClick=${onDone}>Cancel</button>
      </div>
    </form>`;
}

// useNow re-renders every minute (the edit window closes by itself).
function useNow(ms = 60000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/**
 * Post renders one post and its replies. ctx: {thread, course, me, byID,
 * members, moderator, reactions, upsertPost, setThread, kids(postID)}.
 */
export function Post({ ctx, post }) {
  const { thread, me, moderator } = ctx;
  const [mode, setMode] = useState(null); // "reply" | "edit" | null
  const [busy, act] = useBusy();
  const now = useNow();
  const deleted = !!when(post.deleted_at);
  const mine = post.author_id === me.id;
  const author = displayName(ctx.byID, post.author_id, post.author_name);
  const member = ctx.byID.get(post.author_id);
  const isAnswer = thread.answer_post_id === post.id;
  const writable = !thread.locked || moderator;
  const created = when(post.created_at);
  const mayEdit = mine && !deleted && writable && created && now - created.getTime() < editWindowMs;
  const mayAnswer = post.depth > 0 && !deleted && (thread.author_id === me.id || moderator);
  const kids = post.depth > 0 ? ctx.kids(post.id) : [];

  async function remove() {
    const ok = await confirm({
      title: mine ? "Delete your post?" : `Delete ${author}'s post?`,
      body: "The post is replaced by “This post was deleted”. Replies stay. This can't be undone.",
      confirmLabel: "Delete post", danger: true,
    });
    if (!ok) return;
    act(async () => {
      await deletePost(post.id);
      ctx.upsertPost({ ...post, body_md: "", body_html: "", deleted_at: new Date().toISOString(), deleted_by: me.id });
    }, "The post was deleted.");
  }
  const toggleAnswer = () => act(async () => ctx.setThread(await markAnswer(thread.id, isAnswer ? 0 : post.id)),
    isAnswer ? "No longer marked as the answer." : "Marked as the answer.");
  const react = (emoji, remove) => act(() => reactToPost(post.id, emoji, remove).then(() => ctx.react({
    reaction: { target_id: post.id, user_id: me.id, emoji, created_at: new Date().toISOString() }, removed: remove,
  })));

  const cls = ["post", `post-depth-${post.depth}`, isAnswer && "post-answer", deleted && "post-deleted",
    ctx.fresh.has(post.id) && "post-fresh"].filter(Boolean).join(" ");
  return html`
    <article class=${cls} id=${`post-${post.id}`} data-testid="post" data-post-id=${post.id}
             aria-label=${post.depth === 0 ? "Opening post" : `Reply by ${author}`}>
      <div class="post-inner">
        ${deleted ? html`<p class="tombstone" data-testid="tombstone">This post was deleted.</p>` : html`
          <header class="post-head">
            <${Avatar} user=${{ name: author }} size="sm" />
            <div class="post-who">
              <strong title=${usernameOf(ctx.byID, post.author_id, post.author_username) || undefined}
                      data-testid="post-author">${author}</strong> <${RoleBadge} role=${member && member.role} />
              ${mine && html`<span class="muted small">(you)</span>`}
              <div class="muted small">
                <${Time} at=${post.created_at} />
                ${when(post.edited_at) && html` · <span class="edited" data-testid="edited"
                    title=${`Edited ${new Date(post.edited_at).toLocaleString()}`}>edited</span>`}
              </div>
            </div>
            ${isAnswer && html`<${Badge} kind="success"><${Glyph} name="check" size=${12} /> Answer<//>`}
          </header>
          ${mode === "edit" ? html`<${EditForm} ctx=${ctx} post=${post} onDone=${() => setMode(null)} />` : html`
            <div class="post-body markdown" data-testid="post-body" dangerouslySetInnerHTML=${{ __html: post.body_html }}></div>`}
          <footer class="post-actions">
            <${Reactions} reactions=${ctx.reactions.filter((r) => r.target_id === post.id)} meID=${me.id}
                byID=${ctx.byID} onToggle=${react} disabled=${busy || !writable} label="post" />
            <div class="post-buttons">
              ${post.depth > 0 && writable && html`<button type="button" class="btn btn-ghost btn-small"
                  aria-expanded=${mode === "reply" ? "true" : "false"} data-testid="post-reply"
                  onClick=${() => setMode(mode === "reply" ? null : "reply")}><${Glyph} name="reply" size=${16} /> Reply</button>`}
              ${mayAnswer && html`<button type="button" class="btn btn-ghost btn-small" disabled=${busy}
                  data-testid="mark-answer" aria-pressed=${isAnswer ? "true" : "false"} onClick=${toggleAnswer}>
                  <${Glyph} name="check" size=${16} /> ${isAnswer ? "Unmark answer" : "Mark as answer"}</button>`}
              ${mayEdit && mode !== "edit" && html`<button type="button" class="btn btn-ghost btn-small"
                  data-testid="post-edit" onClick=${() => setMode("edit")}><${Glyph} name="edit" size=${16} /> Edit</button>`}
              ${(mine || moderator) && post.depth > 0 && html`<button type="button"
                  class="btn btn-ghost btn-small btn-danger-ghost" disabled=${busy} data-testid="post-delete"
                  onClick=${remove}><${Glyph} name="trash" size=${16} /> Delete</button>`}
            </div>
          </footer>`}
      </div>
      ${mode === "reply" && html`<div class="post-reply-slot">
        <${ReplyForm} ctx=${ctx} parent=${post} autofocus onCancel=${() => setMode(null)} onDone=${() => setMode(null)}
            initial=${post.depth >= 2 ? `@${(member && member.username) || post.author_username || ""} ` : ""} />
      </div>`}
      ${kids.length > 0 && html`
        <div class="post-replies" role="group" aria-label=${`Replies to ${author}`}>
          ${kids.map((k) => html`<${Post} key=${k.id} ctx=${ctx} post=${k} />`)}
        </div>`}
    </article>`;
}

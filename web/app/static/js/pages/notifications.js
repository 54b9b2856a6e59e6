// /notifications: the signed-in user's notifications, newest first (new
// ones appear live), unread ones marked; "mark all as read".
import { html, useState, useEffect } from "../html.js";
import { useApp } from "../session.js";
import { navigate } from "../router.js";
import { errorMessage } from "../api.js";
import { live } from "../live.js";
import { useStore } from "../store.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState, EmptyState, Time } from "../ui.js";
import { toast } from "../toast.js";
import { notifyState, describeNotification, markAllRead, markRead, groupKey, groupText } from "../notify-bell.js";
import { listNotifications, getThread, userTopic } from "./forum-api.js";
import { Glyph } from "./forum-parts.js";

const pageSize = 30;
const kindIcons = { mention: "chat", reply: "reply", enrolled: "check", join_request: "users", join_declined: "x",
  grade: "check", feedback: "reply", due_soon: "bell", overdue: "bell", quiz_opens: "check", lesson_released: "check",
  announcement: "bell", live_starting: "users" };
const isUnread = (n) => !n.read_at || n.read_at.startsWith("0001-");

/**
 * grouped folds repeats (same groupKey) into the newest of them:
 * [{n, count, unread}] in the list's order.
 */
function grouped(items) {
  const out = [];
  const byKey = new Map();
  for (const n of items) {
    const k = groupKey(n);
    const g = k && byKey.get(k);
    if (g) {
      g.count++;
      g.unread = g.unread || isUnread(n);
      continue;
    }
    const e = { n, count: 1, unread: isUnread(n) };
    if (k) byKey.set(k, e);
    out.push(e);
  }
  return out;
}

function Item({ n, count, unread }) {
  const d = describeNotification(n);
  if (count > 1) d.text = groupText(n, count);
  // A payload without the course (e.g. an older reply) is looked up on click.
  async function open(e) {
    if (unread) markRead(n.id);
    if (d.href) return;
    e.preventDefault();
    if (d.p.thread_id) {
      try {
        const v = await getThread(d.p.thread_id);
        navigate(`/courses/${v.thread.course_id}/discussion/${v.thread.id}${d.p.post_id ? `#post-${d.p.post_id}` : ""}`);
      } catch (err) {
        toast(errorMessage(err), "error");
      }
    }
  }
  return html`
    <li class=${unread ? "notification notification-unread" : "notification"} data-testid="notification"
        data-kind=${n.kind} data-count=${count}>
      <span class="notification-icon" aria-hidden="true"><${Glyph} name=${kindIcons[n.kind] || "bell"} size=${18} /></span>
      <div class="notification-main">
        <a href=${d.href || "#"} onClick=${open} class="notification-link">
          ${unread && html`<span class="visually-hidden">Unread: </span>`}${d.text}</a>
        <div class="muted small"><${Time} at=${n.created_at} /></div>
      </div>
      ${unread && html`<span class="unread-dot" aria-hidden="true"></span>`}
    </li>`;
}

export default function NotificationsPage() {
  const { site, me } = useApp();
  useTitle("Notifications", site);
  const state = useStore(notifyState);
  const [filter, setFilter] = useState("all");
  const [extra, setExtra] = useState({ items: [], cursor: "" });
  const [busy, setBusy] = useState(false);
  const list = useLoad((signal) => listNotifications({ limit: pageSize, unread: filter === "unread" ? 1 : "" }, signal),
    [filter]);
  useEffect(() => setExtra({ items: [], cursor: "" }), [filter]);

  // New notifications arrive on the personal topic (the bell counts them).
  // The list read at mount may predate the subscription: read it again
  // once it is in place (onStart), or a notification made in between would
  // be in neither. When the topic was live already (the bell follows it),
  // the subscription is in place from this render, which also started the
  // list's load: no second read. A push that comes while a load is on its
  // way is applied to that load's answer too (list.apply).
  useEffect(() => live.subscribe(userTopic(me.id), (data) => {
    if (!data || data.kind !== "notification" || !data.notification) return;
    const n = data.notification;
    list.apply((d) => (d.items.some((x) => x.id === n.id) ? d : { ...d, items: [n, ...d.items] }));
  }, { onReset: list.reload, onStart: (s) => { if (!s || !s.live) list.reload(); } }), [me.id]);

  async function markAll() {
    setBusy(true);
    try {
      await markAllRead();
      const now = new Date().toISOString();
      const read = (items) => items.map((x) => ({ ...x, read_at: x.read_at && !x.read_at.startsWith("0001-") ? x.read_at : now }));
      list.setData((d) => ({ ...d, items: filter === "unread" ? [] : read(d.items) }));
      setExtra((e) => ({ ...e, items: filter === "unread" ? [] : read(e.items) }));
      toast("All notifications are marked as read.");
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setBusy(false);
    }
  }
  async function more(cursor) {
    setBusy(true);
    try {
      const d = await listNotifications({ limit: pageSize, cursor, unread: filter === "unread" ? 1 : "" });
      setExtra((e) => ({ items: [...e.items, ...d.items], cursor: d.next_cursor || "" }));
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setBusy(false);
    }
  }

  let body;
  if (list.loading && !list.data) body = html`<${Loading} label="Loading notifications…" />`;
  else if (list.error) body = html`<${ErrorState} error=${list.error} onRetry=${list.reload} />`;
  else {
    const items = [...list.data.items, ...extra.items];
    const next = extra.items.length ? extra.cursor : list.data.next_cursor;
    body = items.length === 0
      ? html`<${EmptyState} title=${filter === "unread" ? "You're all caught up" : "No notifications yet"}
            testid="notifications-empty" icon="inbox">
          <p>When someone mentions you with @${me.username}, replies to your post, releases a grade or a deadline
            comes near, it shows up here.</p><//>`
      : html`
        <ul class="card notification-list" data-testid="notification-list">
          ${grouped(items).map((g) => html`<${Item} key=${g.n.id} n=${g.n} count=${g.count} unread=${g.unread} />`)}
        </ul>
        ${next && html`<div class="pager"><span></span><button type="button" class="btn btn-small" disabled=${busy}
            onClick=${() => more(next)}>Load older notifications</button></div>`}`;
  }
  return html`
    <div class="page narrow">
      <div class="page-head">
        <${PageTitle} sub=${state.unread ? `${state.unread} unread` : "You're all caught up."}>Notifications<//>
        <div class="page-actions">
          <a class="btn" href="/notifications/settings" data-testid="notify-settings-link">Settings</a>
          <button type="button" class="btn" disabled=${busy || !state.unread} onClick=${markAll}
                  data-testid="mark-all-read">Mark all as read</button>
        </div>
      </div>
      <div class="pill-nav toolbar" role="group" aria-label="Show">
        ${[["all", "All"], ["unread", "Unread"]].map(([k, label]) => html`
          <button type="button" key=${k} class="pill" aria-pressed=${filter === k ? "true" : "false"}
                  onClick=${() => setFilter(k)}>${label}</button>`)}
      </div>
      ${body}
    </div>`;
}

// The notifications bell in the top bar: the unread count, kept live from
// the personal topic user:<id> (a new mention also shows a toast), and a
// link to the notifications page. notifyState is shared with that page.
import { html, useEffect } from "./html.js";
import { get, post, put } from "./api.js";
import { live } from "./live.js";
import { createStore, useStore } from "./store.js";
import { toast } from "./toast.js";
import { fullTime } from "./format.js";
import { useLocation } from "./router.js";

/** notifyState is {unread, version}: version bumps when a notification arrives. */
export const notifyState = createStore({ unread: 0, version: 0 });

/** refreshUnread reloads the unread count from the API. */
export function refreshUnread() {
  return get("/me/notifications?unread=1&limit=1").then(
    (d) => notifyState.set((s) => ({ ...s, unread: d.unread || 0 })),
    () => {},
  );
}

/** markAllRead marks every notification read (up to upToID when given). */
export async function markAllRead(upToID) {
  await post("/me/notifications/read", upToID ? { up_to_id: upToID } : {});
  await refreshUnread();
}

/** markRead marks one notification read (in the background: a failure leaves it unread). */
export function markRead(id) {
  return post(`/me/notifications/${id}/read`).then(refreshUnread, () => {});
}

/**
 * adoptBrowserZone saves the browser's time zone as the user's when they
 * have none yet (times in notifications and emails are shown in it).
 */
async function adoptBrowserZone() {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return;
  }
  try {
    const s = await get("/me/notification-settings");
    if (s.time_zone || !zone) return;
    const { kind_list: _, updated_at: __, ...body } = s;
    await put("/me/notification-settings", { ...body, time_zone: zone });
  } catch {
    // Not worth bothering anyone: the settings page offers the zone again.
  }
}

function parse(payload) {
  if (payload && typeof payload === "object") return payload;
  try {
    return JSON.parse(payload || "{}") || {};
  } catch {
    return {};
  }
}

const quoted = (s) => (s ? `“${s}”` : "a discussion");

const when = { "24h": "in 24 hours", "1h": "in 1 hour" };

/**
 * describeNotification turns a Notification into {text, href, p}: href is
 * the server's deep link (payload "link"), or one worked out here for older
 * notifications ("" when the payload does not say where: the page then
 * looks it up).
 */
export function describeNotification(n) {
  const p = parse(n.payload);
  const by = p.by_name || p.by || "Someone"; // by_name: the display name (older notifications have only the username)
  const course = p.course_id;
  const threadHref = course && p.thread_id
    ? `/courses/${course}/discussion/${p.thread_id}${p.post_id ? `#post-${p.post_id}` : ""}` : "";
  const out = (text, href) => ({ text, href: p.link || href || "", p });
  const what = quoted(p.title || p.course_title);
  switch (n.kind) {
    case "mention":
      if (p.room_id) return out(`${by} mentioned you in ${p.room || "a chat room"}`, course ? `/courses/${course}/rooms/${p.room_id}` : "");
      return out(`${by} mentioned you in ${quoted(p.title)}`, threadHref);
    case "reply":
      return out(`${by} replied to your post in ${quoted(p.title)}`, threadHref);
    case "enrolled":
      return out(`You were added to ${p.course_title || "a course"}${p.role && p.role !== "learner" ? ` as ${p.role === "ta" ? "a teaching assistant" : "an instructor"}` : ""}`,
        course ? `/courses/${course}` : "");
    case "join_declined":
      return out(`Your request to join ${p.course_title || "a course"} was declined`, "/catalogue");
    case "join_request":
      return out(`${p.name || p.username || "Someone"} asks to join ${p.course_title || "your course"}`,
        course ? `/courses/${course}/people` : "");
    case "grade": {
      const page = { assignment: "assignments", quiz: "quizzes" }[p.source];
      return out(`Your grade for ${quoted(p.title)} is available`,
        course ? (page && p.source_id ? `/courses/${course}/${page}/${p.source_id}` : `/courses/${course}/grades`) : "");
    }
    case "feedback":
      return out(`Feedback on ${quoted(p.title)} is ready to read`, "");
    case "announcement":
      return out(`New announcement in ${p.course_title || "your course"}: ${quoted(p.title)}`, "");
    case "lesson_released":
      return out(`A new lesson is available: ${quoted(p.title)}`, "");
    case "quiz_opens":
      return out(`The quiz ${quoted(p.title)} is open`, "");
    case "due_soon":
      return out(`${what} is due ${when[p.within] || "soon"}${p.due_local ? ` (${p.due_local})` : ""}`, "");
    case "overdue":
      return out(`${what} is overdue`, "");
    case "extension":
      return out(p.revoked ? `Your extension for ${what} was revoked${p.due_at ? `: it is due ${fullTime(p.due_at)}` : ""}`
        : `Your deadline for ${what} was extended${p.due_at ? ` to ${fullTime(p.due_at)}` : ""}`,
      course && p.assignment_id ? `/courses/${course}/assignments/${p.assignment_id}` : "");
    case "live_starting":
      return out(`A live session is starting in ${p.room || "your course"}`, "");
    default:
      return out("You have a new notification", "");
  }
}

/**
 * groupKey says which notifications are repeats of one another (grouped in
 * the list as "3 new replies in …"): replies and mentions in one thread or
 * room; "" for those never grouped.
 */
export function groupKey(n) {
  const p = parse(n.payload);
  if ((n.kind === "reply" || n.kind === "mention") && (p.thread_id || p.room_id)) {
    return `${n.kind}:${p.thread_id ? `t${p.thread_id}` : `r${p.room_id}`}`;
  }
  if (n.kind === "join_request" && p.course_id) return `join_request:${p.course_id}`;
  return "";
}

/** groupText describes a group of count repeats like n. */
export function groupText(n, count) {
  const p = parse(n.payload);
  const where = p.room_id ? (p.room || "a chat room") : quoted(p.title || p.course_title);
  switch (n.kind) {
    case "reply": return `${count} new replies in ${where}`;
    case "mention": return `${count} new mentions in ${where}`;
    case "join_request": return `${count} people ask to join ${p.course_title || "your course"}`;
    default: return `${count} notifications`;
  }
}

const bellPath = "M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0";

/** NotifyBell shows the unread count for the signed-in user me. */
export function NotifyBell({ me }) {
  const state = useStore(notifyState);
  const loc = useLocation();
  useEffect(() => {
    refreshUnread();
    adoptBrowserZone();
    const off = live.subscribe(`user:${me.id}`, (data) => {
      if (!data || data.kind !== "notification" || !data.notification) return;
      notifyState.set((s) => ({ unread: s.unread + 1, version: s.version + 1 }));
      if (location.pathname !== "/notifications") toast(describeNotification(data.notification).text, "info");
    }, { onReset: refreshUnread, onStart: refreshUnread }); // onStart: the count above may predate the subscription
    const onVisible = () => { if (document.visibilityState === "visible") refreshUnread(); };
    document.addEventListener("visibilitychange", onVisible);
    return () => { off(); document.removeEventListener("visibilitychange", onVisible); };
  }, [me.id]);
  const n = state.unread;
  const label = n ? `Notifications, ${n} unread` : "Notifications";
  return html`
    <a class="bell" href="/notifications" aria-label=${label} title=${label} data-testid="notify-bell"
       aria-current=${loc.path === "/notifications" ? "page" : undefined}>
      <svg class="icon" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.75"
           stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d=${bellPath} /></svg>
      ${n > 0 && html`<span class="bell-count" data-testid="notify-count" aria-hidden="true">${n > 99 ? "99+" : n}</span>`}
    </a>`;
}

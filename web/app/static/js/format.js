// Formatting helpers: readable times, user agents, audit actions.

/** when parses an RFC 3339 time; null for absent or Go zero times. */
export function when(iso) {
  if (!iso || iso.startsWith("0001-")) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const units = [
  ["year", 365 * 24 * 3600], ["month", 30 * 24 * 3600], ["week", 7 * 24 * 3600],
  ["day", 24 * 3600], ["hour", 3600], ["minute", 60],
];

/** relativeTime says "3 minutes ago" / "in 2 days"; "just now" under a minute. */
export function relativeTime(iso, now = Date.now()) {
  const d = when(iso);
  if (!d) return "";
  const secs = Math.round((d.getTime() - now) / 1000);
  if (Math.abs(secs) < 60) return "just now";
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(secs) >= size) return rtf.format(Math.round(secs / size), unit);
  }
  return "just now";
}

/** fullTime is the local date and time, e.g. "12 Mar 2026, 14:05". */
export function fullTime(iso) {
  const d = when(iso);
  return d ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";
}

/** describeAgent turns a User-Agent header into "Firefox on Linux". */
export function describeAgent(ua) {
  if (!ua) return "Unknown device";
  const browser =
    /Edg\//.test(ua) ? "Edge" :
    /OPR\//.test(ua) ? "Opera" :
    /Firefox\//.test(ua) ? "Firefox" :
    /Chrom(e|ium)\//.test(ua) ? "Chrome" :
    /Safari\//.test(ua) ? "Safari" :
    /^curl\//.test(ua) ? "curl" : "";
  const os =
    /Android/.test(ua) ? "Android" :
    /iPhone|iPad|iPod/.test(ua) ? "iOS" :
    /Windows/.test(ua) ? "Windows" :
    /Mac OS X|Macintosh/.test(ua) ? "macOS" :
    /CrOS/.test(ua) ? "ChromeOS" :
    /Linux/.test(ua) ? "Linux" : "";
  if (browser && os) return `${browser} on ${os}`;
  return browser || os || ua.slice(0, 60);
}

/** auditActions mirrors internal/lms/audit.go, with readable labels. */
export const auditActions = [
  ["auth.login", "Signed in"],
  ["auth.login_failed", "Failed sign-in"],
  ["auth.logout", "Signed out"],
  ["auth.password_changed", "Changed password"],
  ["auth.signup", "Signed up"],
  ["site.setup", "Completed first-run setup"],
  ["user.create", "Created user"],
  ["user.import", "Imported users"],
  ["user.update", "Updated user"],
  ["user.delete", "Deleted user"],
  ["user.disable", "Disabled user"],
  ["user.enable", "Enabled user"],
  ["user.role_change", "Changed role"],
  ["invite.create", "Created invitation"],
  ["invite.accept", "Accepted invitation"],
  ["invite.revoke", "Revoked invitation"],
  ["settings.change", "Changed settings"],
  ["token.create", "Created API token"],
  ["token.revoke", "Revoked API token"],
  ["course.event_create", "Added course event"],
  ["course.event_update", "Changed course event"],
  ["course.event_delete", "Deleted course event"],
  ["calendar.feed_reset", "Made calendar feed address"],
  ["calendar.feed_delete", "Turned calendar feed off"],
  ["privacy.export", "Downloaded own data"],
  ["privacy.deletion_request", "Asked for account deletion"],
  ["privacy.deletion_withdraw", "Took back deletion request"],
  ["privacy.anonymise", "Anonymised user"],
  ["privacy.retention", "Changed privacy retention"],
  ["mail.retry", "Sent a failed email again"],
];

const actionLabels = new Map(auditActions);

export function actionLabel(action) {
  return actionLabels.get(action) || action;
}

/** initials gives up to two letters for an avatar placeholder. */
export function initials(name) {
  const parts = (name || "?").trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || "?").slice(0, 2);
  return letters.toUpperCase();
}

/** plural says "1 user" / "3 users". */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

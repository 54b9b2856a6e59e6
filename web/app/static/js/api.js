// The fetch wrapper for /api/v1: JSON in and out, same-origin credentials,
// RFC 9457 problems turned into ApiError {status, code, title, detail,
// field}, and the network status that drives the offline banner.
import { createStore } from "./store.js";

export const BASE = "/api/v1";

/** network is {online: bool, serverDown: bool}; the banner shows it. */
export const network = createStore({ online: navigator.onLine, serverDown: false });
addEventListener("online", () => network.set((s) => ({ ...s, online: true })));
addEventListener("offline", () => network.set((s) => ({ ...s, online: false })));

const fallbackDetail = {
  network: "Can't reach the server. Check your connection, then try again.",
  invalid: "Some of the information is not valid. Check the form and try again.",
  unauthorized: "You need to sign in again.",
  forbidden: "You don't have permission to do that. Ask an administrator if you need access.",
  not_found: "We couldn't find that. It may have been removed.",
  conflict: "That conflicts with the current state. Reload the page and try again.",
  too_large: "That is too large.",
  unsupported: "That type of content is not supported.",
  rate_limited: "Too many attempts. Wait a moment, then try again.",
  unavailable: "The server is busy or restarting. Try again in a moment.",
  internal: "Something went wrong on our side. Try again; if it keeps happening, tell an administrator.",
};

const codeByStatus = {
  400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
  413: "too_large", 415: "unsupported", 429: "rate_limited", 503: "unavailable",
};

/** ApiError is a failed API call, parsed from application/problem+json. */
export class ApiError extends Error {
  constructor({ status = 0, code, title, detail, field, requestId, retryAfter }) {
    code = code || codeByStatus[status] || "internal";
    super(detail || title || fallbackDetail[code] || "Request failed");
    this.status = status;
    this.code = code;
    this.title = title || "Request failed";
    this.detail = detail || fallbackDetail[code] || "";
    this.field = field || "";
    this.requestId = requestId || "";
    this.retryAfter = retryAfter || "";
  }
}

/** errorMessage is a sentence for people: what happened and what to do. */
export function errorMessage(err) {
  if (!err) return "";
  if (!(err instanceof ApiError)) return fallbackDetail.internal;
  let msg = err.detail || fallbackDetail[err.code] || err.title;
  if (err.code === "rate_limited" && err.retryAfter) {
    msg = `Too many attempts. Try again in ${err.retryAfter} seconds.`;
  }
  if (err.code === "internal" && err.requestId) msg += ` (Request ID ${err.requestId}.)`;
  return msg;
}

/**
 * api calls the JSON API. opts.body is sent as JSON, or as-is with
 * opts.contentType (e.g. a File for the avatar). Resolves to the parsed
 * JSON, or null for 204; rejects with ApiError.
 */
export async function api(method, path, opts = {}) {
  const headers = { Accept: "application/json", ...opts.headers };
  const init = { method, headers, credentials: "same-origin", signal: opts.signal };
  if (opts.body !== undefined) {
    if (opts.contentType) {
      headers["Content-Type"] = opts.contentType;
      init.body = opts.body;
    } else {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    if (e.name === "AbortError") throw e;
    network.set((s) => ({ ...s, serverDown: true }));
    throw new ApiError({ status: 0, code: "network" });
  }
  if (network.get().serverDown) network.set((s) => ({ ...s, serverDown: false }));
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  if (res.ok) return type.includes("json") ? res.json() : res;
  let p = {};
  if (type.includes("json")) {
    try {
      p = await res.json();
    } catch {
      p = {};
    }
  }
  const err = new ApiError({
    status: res.status, code: p.code, title: p.title, detail: p.detail, field: p.field,
    requestId: p.request_id, retryAfter: res.headers.get("Retry-After"),
  });
  if (res.status === 401) dispatchEvent(new CustomEvent("lyceum:unauthorized", { detail: path }));
  if (res.status === 503 || res.status === 502) network.set((s) => ({ ...s, serverDown: true }));
  throw err;
}

export const get = (path, opts) => api("GET", path, opts);
export const post = (path, body, opts) => api("POST", path, { ...opts, body });
export const put = (path, body, opts) => api("PUT", path, { ...opts, body });
export const patch = (path, body, opts) => api("PATCH", path, { ...opts, body });
export const del = (path, opts) => api("DELETE", path, opts);

/** query builds "?a=1&b=2" from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** maxPageSize is the largest ?limit= a list takes (lms.MaxPageSize). */
export const maxPageSize = 200;

/**
 * getAll reads every page of a paged list (docs/api.md, "Pagination"):
 * it follows next_cursor and resolves to the first page's answer with the
 * items of all pages. For the short lists the app shows whole (forums,
 * rooms, groups, sessions, tokens, invites, your courses).
 */
export async function getAll(path, opts) {
  const sep = path.includes("?") ? "&" : "?";
  const first = await get(`${path}${sep}limit=${maxPageSize}`, opts);
  let next = first.next_cursor;
  while (next) {
    const page = await get(`${path}${sep}limit=${maxPageSize}&cursor=${encodeURIComponent(next)}`, opts);
    first.items = first.items.concat(page.items);
    next = page.next_cursor;
  }
  delete first.next_cursor;
  return first;
}

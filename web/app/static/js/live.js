// live.js: the page's one WebSocket connection to /api/v1/ws (the wire
// protocol is docs/protocol.md). Pages use:
//
//   const off = live.subscribe("user:7", (data, push) => ..., { onReset, onStart });
//   await live.publish("room:3", { type: "message", body: "hi" });   // resolves to the ack
//
// The module keeps, per topic, the position (epoch, offset) of the last
// push it handed out and resubscribes with `since` after every reconnect,
// so a page misses nothing; when the server can't replay what was missed
// (`recovered: false`) it calls onReset() and the page reloads its data
// from the HTTP API. A page that loads its data from the API while it
// subscribes loads once more in onStart(), when its subscription is in
// place (see subscribe). The connection runs between start() and stop()
// (main.js starts it while someone is signed in); subscribe() works at any
// time.
import { createStore } from "./store.js";
import { network } from "./api.js";

/** liveStatus is "idle" (stopped), "connecting", "live" or "offline". */
export const liveStatus = createStore("idle");
liveStatus.subscribe((s) => { document.body.dataset.liveStatus = s; }); // for tests and CSS
document.body.dataset.liveStatus = "idle";

/** LiveError is an `error` frame (code as in docs/protocol.md) or "disconnected". */
export class LiveError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

// Tunables.
const backoffBaseMs = 500; // first retry after 0.25–0.5 s …
const backoffMaxMs = 15000; // … doubling up to 7.5–15 s
const stableMs = 30000; // a connection up this long resets the back-off
const offlineGraceMs = 1000; // a blip shorter than this never shows "offline"
const retrySubscribeMs = 2000; // after a retryable subscribe error
const closeRevoked = 4001; // the session ended: never reconnect
const closePolicy = 1008; // persistent abuse or ping timeout: back off long
const retryableCodes = new Set(["unavailable", "insufficient_state", "rate_limited", "internal"]);

let ws = null; // the current WebSocket, or null
let running = false; // between start() and stop()
let ready = false; // the hello frame arrived on ws
let clockOffset = null; // server clock minus ours, in ms, from the last hello's time (null: no hello yet)
let handlers = {}; // start() options: {onRevoked}
let attempt = 0; // failed connections in a row (for the back-off)
let connectedAt = 0;
let retryTimer = 0;
let graceTimer = 0;
let watchdog = 0;
let lastFrameAt = 0;
let pingSentAt = 0;
let pingIntervalMs = 25000;
let maxCommands = 64;
let nextID = 1;

// topic -> {pos: {epoch, offset} | null (null until the first ack), quiet,
// subs: Set<{onPush, onReset, onStart, onPresence, onError}>}
const topics = new Map();
// command id -> {frame, resolve, reject}: commands waiting for their ack/error.
const inflight = new Map();
// publishes not acknowledged yet; re-sent (same key) after a reconnect.
const outbox = new Set();

function setStatus(s) {
  if (liveStatus.get() !== s) liveStatus.set(s);
}

/** start opens the connection and keeps it open until stop(); opts.url
 * is the socket's path (default /api/v1/ws; a live quiz guest uses
 * /api/v1/live-quiz/ws). */
export function start(opts = {}) {
  handlers = opts;
  if (running) return;
  running = true;
  attempt = 0;
  addEventListener("online", reconnectNow);
  addEventListener("pagehide", onPageHide);
  addEventListener("pageshow", onPageShow);
  document.addEventListener("visibilitychange", onVisible);
  connect();
}

/** stop closes the connection and forgets every subscription and pending publish. */
export function stop() {
  if (!running) return;
  running = false;
  removeEventListener("online", reconnectNow);
  removeEventListener("pagehide", onPageHide);
  removeEventListener("pageshow", onPageShow);
  document.removeEventListener("visibilitychange", onVisible);
  clearTimeout(retryTimer);
  clearTimeout(graceTimer);
  const old = ws;
  dropConnection();
  if (old) old.close(1000, "bye");
  for (const p of outbox) p.reject(new LiveError("disconnected", "Signed out."));
  outbox.clear();
  topics.clear();
  setStatus("idle");
}

/**
 * subscribe follows topic: onPush(data, push) gets every publication in
 * order; opts.onReset() is called when publications were missed and can't
 * be replayed (reload from the API); opts.onPresence(frame) gets join/leave
 * frames and {type:"presence", presence} from the ack; opts.onError(err)
 * hears a refused subscription; opts.quiet follows the topic without joining
 * its presence (decided by whoever subscribes to the topic first). Returns
 * the function that unsubscribes.
 *
 * opts.onStart() is called once, when this subscriber's subscription is in
 * place: every publication after that point reaches onPush. Data the page
 * read from the API before then may lack a publication made meanwhile (the
 * first ack's position already counts it, so it is never pushed): reload
 * there. It comes with the topic's first ack — not after a resubscribe
 * that recovered, nor after a reset (that is onReset) — or, for a later
 * subscriber to a topic already acknowledged (another component follows
 * it, e.g. the bell and the notifications page on user:<id>), at once, in a
 * microtask after subscribe() returns, with {live: true}: its subscription
 * is in place from the moment it joins the topic, so a load the page
 * started earlier in the same task (same render) needs no second read.
 */
export function subscribe(topic, onPush, opts = {}) {
  const sub = { onPush, ...opts };
  let t = topics.get(topic);
  if (!t) {
    t = { pos: null, subs: new Set(), quiet: !!opts.quiet };
    topics.set(topic, t);
    if (ready) sendCommands([subscribeFrame(topic, t)]).catch(() => {});
  } else if (t.pos && sub.onStart) {
    // Acknowledged before (pos is set by the first ack): nothing published
    // from now on can miss this subscriber, so tell it now — unless it
    // left again first.
    queueMicrotask(() => { if (topics.get(topic) === t && t.subs.has(sub)) call(sub.onStart, { live: true }); });
  }
  t.subs.add(sub);
  return () => {
    const cur = topics.get(topic);
    if (!cur || !cur.subs.delete(sub) || cur.subs.size > 0) return;
    topics.delete(topic);
    if (ready) sendCommands([{ type: "unsubscribe", topic }]).catch(() => {});
  };
}

/**
 * publish sends data on topic and resolves to the ack once the server
 * stored it ({epoch, offset} where it landed, and the hook's `result`, e.g.
 * the stored chat message); rejects with a LiveError. Until then it is
 * re-sent after every reconnect with the same idempotency key, so it is
 * published at most once; pass your own key to retry a rejected publish.
 */
export function publish(topic, data, key = newKey()) {
  return new Promise((resolve, reject) => {
    const p = { frame: { type: "publish", topic, data, key }, resolve, reject };
    p.resolve = (ack) => { outbox.delete(p); resolve(ack); };
    p.reject = (err) => { outbox.delete(p); reject(err); };
    outbox.add(p);
    if (ready) send([p]);
  });
}

// ---- connection ----

function connect() {
  clearTimeout(retryTimer);
  if (!running || ws) return;
  if (liveStatus.get() !== "offline") setStatus("connecting");
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const sock = new WebSocket(`${proto}//${location.host}${handlers.url || "/api/v1/ws"}`, "lyceum.v1");
  ws = sock;
  sock.onmessage = (ev) => { if (ws === sock) onMessage(ev.data); };
  sock.onclose = (ev) => { if (ws === sock) onClose(ev.code); };
  // onerror is always followed by onclose, which does the work.
}

// dropConnection forgets ws and fails what was waiting on it: subscribes
// and publishes are redone after the next hello, other commands fail.
function dropConnection() {
  clearInterval(watchdog);
  if (ws) { ws.onmessage = null; ws.onclose = null; }
  ws = null;
  ready = false;
  for (const [, c] of inflight) {
    if (c.frame.type !== "subscribe" && c.frame.type !== "publish") {
      c.reject(new LiveError("disconnected", "The connection was lost."));
    }
  }
  inflight.clear();
}

function onClose(code) {
  const wasReady = ready;
  if (wasReady && Date.now() - connectedAt >= stableMs) attempt = 0;
  dropConnection();
  if (code === closeRevoked) {
    // The session was revoked (signed out elsewhere, password changed,
    // account disabled): going on would only be refused.
    stop();
    if (handlers.onRevoked) handlers.onRevoked();
    return;
  }
  if (!wasReady) checkSession(); // a refused upgrade looks like a plain failure
  // Show "offline" only if we are not back within the grace period.
  if (liveStatus.get() !== "offline") {
    setStatus("connecting");
    clearTimeout(graceTimer);
    graceTimer = setTimeout(() => { if (running && !ready) setStatus("offline"); }, offlineGraceMs);
  }
  // Full jitter: min(max, base·2^attempt) × [0.5, 1).
  const n = code === closePolicy ? 10 : attempt;
  const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** n) * (0.5 + Math.random() / 2);
  attempt++;
  retryTimer = setTimeout(connect, delay);
}

// A browser can't see the HTTP status of a refused upgrade, so after a
// failed attempt ask the API whether the session still holds; a 401 ends
// the signed-in state (main.js listens for lyceum:unauthorized).
function checkSession() {
  fetch("/api/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
    (res) => { if (res.status === 401 && running) dispatchEvent(new CustomEvent("lyceum:unauthorized")); },
    () => {}, // server unreachable: keep retrying
  );
}

// reconnectNow skips the back-off wait (the network or the tab came back);
// an open connection is pinged, as it may have died meanwhile.
function reconnectNow() {
  if (!running) return;
  if (!ws) {
    attempt = 0;
    connect();
  } else if (ready && pingSentAt <= lastFrameAt) {
    pingSentAt = Date.now();
    sendCommands([{ type: "ping" }]).catch(() => {});
  }
}

// A page the browser keeps in its back/forward cache after the user left
// would keep its socket, and with it the user's presence in every room it
// showed: close it when the page is hidden (a normal close), and reconnect
// and recover the subscriptions if the page is shown again from the cache.
function onPageHide() {
  if (!running || !ws) return;
  const sock = ws;
  clearTimeout(retryTimer);
  dropConnection();
  sock.close(1000, "page hidden");
}

function onPageShow(ev) {
  if (running && ev.persisted) {
    attempt = 0;
    connect();
  }
}

function onVisible() {
  if (document.visibilityState === "visible") reconnectNow();
}

// The server pings at the WebSocket level, which pages can't see; the
// watchdog sends an application ping when the line is quiet and treats the
// connection as dead when nothing (not even the ping's ack) came back
// within ping_interval_ms. It waits for an unanswered ping rather than
// measuring silence alone, because background tabs run timers late.
function checkAlive() {
  const now = Date.now();
  if (pingSentAt > lastFrameAt) {
    if (now - pingSentAt > pingIntervalMs) {
      const sock = ws;
      onClose(1006);
      sock.close();
    }
  } else if (now - lastFrameAt > pingIntervalMs / 2) {
    pingSentAt = now;
    sendCommands([{ type: "ping" }]).catch(() => {});
  }
}

// ---- frames ----

function onMessage(text) {
  lastFrameAt = Date.now();
  // One message carries one or more newline-separated JSON frames.
  for (const line of String(text).split("\n")) {
    if (!line.trim()) continue;
    let f;
    try {
      f = JSON.parse(line);
    } catch {
      console.warn("live: unreadable frame", line);
      continue;
    }
    onFrame(f);
  }
}

function onFrame(f) {
  switch (f.type) {
    case "hello": // first frame: we are connected; resume everything
      ready = true;
      if (f.time && !Number.isNaN(Date.parse(f.time))) clockOffset = Date.parse(f.time) - Date.now();
      connectedAt = Date.now();
      pingSentAt = 0;
      pingIntervalMs = f.ping_interval_ms || pingIntervalMs;
      maxCommands = (f.limits && f.limits.max_commands) || maxCommands;
      clearTimeout(graceTimer);
      clearInterval(watchdog);
      watchdog = setInterval(checkAlive, Math.max(1000, pingIntervalMs / 2));
      setStatus("live");
      if (network.get().serverDown) network.set((s) => ({ ...s, serverDown: false }));
      sendCommands([...topics].map(([topic, t]) => subscribeFrame(topic, t))).catch(() => {});
      send([...outbox]);
      break;
    case "ack":
    case "error": {
      const c = inflight.get(f.id);
      if (!c) {
        if (f.type === "error") console.warn("live:", f.code, f.message);
        break;
      }
      inflight.delete(f.id);
      if (f.type === "ack") c.resolve(f);
      else c.reject(new LiveError(f.code, f.message));
      break;
    }
    case "push": {
      const t = topics.get(f.topic);
      if (!t) break;
      // Never hand out a publication twice (cheap; the server doesn't do it).
      if (t.pos && t.pos.epoch === f.epoch && f.offset <= t.pos.offset) break;
      t.pos = { epoch: f.epoch, offset: f.offset };
      for (const s of [...t.subs]) call(s.onPush, f.data, f);
      break;
    }
    case "join":
    case "leave": {
      const t = topics.get(f.topic);
      if (t) for (const s of [...t.subs]) call(s.onPresence, f);
      break;
    }
    case "unsubscribed": {
      const t = topics.get(f.topic);
      if (!t) break;
      if (f.code === "insufficient_state") { // the stream lost continuity: subscribe again at once
        if (ready) sendCommands([subscribeFrame(f.topic, t)]).catch(() => {});
        break;
      }
      // Access was lost (removed from the course, a role or group taken
      // away): the server ended it; subscribing again would be refused.
      topics.delete(f.topic);
      for (const s of [...t.subs]) call(s.onError, new LiveError(f.code, f.message));
      break;
    }
    default:
      break; // newer servers may send more; ignore what we don't know
  }
}

function call(fn, ...args) {
  if (!fn) return;
  try {
    fn(...args);
  } catch (e) {
    console.error("live: subscriber failed", e);
  }
}

// subscribeFrame is the subscribe command for topic, with `since` once we
// have a position. Its promise settles the topic's state when answered.
function subscribeFrame(topic, t) {
  const frame = { type: "subscribe", topic };
  if (t.pos) frame.since = t.pos;
  if (t.quiet) frame.quiet = true;
  const c = { frame };
  c.resolve = (ack) => {
    if (topics.get(topic) !== t) return; // unsubscribed meanwhile
    if (ack.presence) for (const s of [...t.subs]) call(s.onPresence, { type: "presence", presence: ack.presence });
    // recovered: the missed pushes follow the ack and advance pos. Otherwise
    // start from the current position, and the page reloads what it shows.
    if (ack.recovered === true) return;
    t.pos = { epoch: ack.epoch, offset: ack.offset };
    if (ack.recovered === false) for (const s of [...t.subs]) call(s.onReset);
    else if (!frame.since) for (const s of [...t.subs]) call(s.onStart);
  };
  c.reject = (err) => {
    if (topics.get(topic) !== t) return;
    if (retryableCodes.has(err.code)) {
      setTimeout(() => {
        if (ready && topics.get(topic) === t) sendCommands([subscribeFrame(topic, t)]).catch(() => {});
      }, retrySubscribeMs);
      return;
    }
    console.warn(`live: subscribe ${topic}:`, err.code, err.message);
    topics.delete(topic);
    for (const s of [...t.subs]) call(s.onError, err);
  };
  return c;
}

// sendCommands sends plain frames or prepared {frame, resolve, reject}
// commands; it resolves/rejects with the answer of the last one.
function sendCommands(items) {
  return new Promise((resolve, reject) => {
    // Not connected: nothing is sent; subscribes are redone after hello.
    if (!ready) return reject(new LiveError("disconnected", "Not connected."));
    const cmds = items.map((it) => (it.frame ? it : { frame: it, resolve: () => {}, reject: () => {} }));
    if (cmds.length === 0) return resolve(null);
    const last = cmds[cmds.length - 1];
    const [lr, lj] = [last.resolve, last.reject];
    last.resolve = (v) => { lr(v); resolve(v); };
    last.reject = (e) => { lj(e); reject(e); };
    send(cmds);
  });
}

// send gives each command a fresh id and writes them, batched one JSON
// object per line, at most max_commands per message.
function send(cmds) {
  if (!ready || cmds.length === 0) return;
  for (let i = 0; i < cmds.length; i += maxCommands) {
    const lines = cmds.slice(i, i + maxCommands).map((c) => {
      const id = nextID++;
      inflight.set(id, c);
      return JSON.stringify({ ...c.frame, id });
    });
    ws.send(lines.join("\n"));
  }
}

// newKey is an idempotency key; randomUUID needs a secure context, so
// plain-http sites fall back to getRandomValues.
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** live bundles the API for `import { live } from "./live.js"`. */
/**
 * serverClockOffset is the server's clock minus this browser's, in ms, as
 * the hub's hello said (null before the first hello): countdowns to server
 * deadlines add it to Date.now().
 */
export function serverClockOffset() {
  return clockOffset;
}

/** running reports whether the connection runs (between start and stop). */
export function isRunning() {
  return running;
}

export const live = { start, stop, subscribe, publish, status: liveStatus };

// The state of an open chat room: its history (newest page first, older
// pages on demand), live events on room:<id> (merged by message id, so a
// replay or a reload never shows a message twice), presence, typing
// indicators, read marking, and sends: an optimistic pending message per
// idempotency key, sent over the live connection (the ack means stored) or
// over HTTP when the connection is down, with a retry that reuses the key.
import { useState, useEffect, useRef, useCallback } from "../html.js";
import { errorMessage, ApiError } from "../api.js";
import { live, liveStatus } from "../live.js";
import {
  history, sendMessage, markRoomRead, roomTopic, typingTopic, newKey,
} from "./forum-api.js";
import { applyReaction } from "./forum-parts.js";
import { fullTime } from "../format.js";

// Tunables.
const pageSize = 50; // messages per history page
const sendTimeoutMs = 10000; // a send without an ack by then shows "not sent" (it may still arrive)
const typingEveryMs = 3000; // send "typing" at most this often
const typingShowMs = 6000; // show someone as typing this long after their last indicator
const readDelayMs = 700; // batch read-position updates

/** mergeMessages upserts incoming messages into list (sorted by id, no duplicates). */
export function mergeMessages(list, incoming) {
  const byID = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byID.set(m.id, { ...(byID.get(m.id) || {}), ...m });
  return [...byID.values()].sort((a, b) => a.id - b.id);
}

function withTimeout(promise, ms) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error("timeout")), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// localTimes rewrites RFC 3339 times in a server message as local times.
const localTimes = (s) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g, (iso) => fullTime(iso));

function sendError(e) {
  if (e && e.message === "timeout") return "Not sent yet: no answer from the server. Check your connection, then retry.";
  if (e instanceof ApiError) return localTimes(errorMessage(e));
  if (e && e.code) return localTimes(e.message || "The message was refused."); // a LiveError from the server
  return "The message could not be sent.";
}

/**
 * useRoomChat runs one room for the signed-in user me. Returns the state
 * {status, error, messages, reactions, hasMore, older, pending, presence,
 * typing, readVersion} and the actions {loadOlder, reload, send, retry,
 * discard, upsert, react, markRead, notifyTyping, stopTyping}.
 */
export function useRoomChat(roomID, me) {
  const [s, setS] = useState({ status: "loading", error: null, messages: [], reactions: [], hasMore: false, older: false });
  const [pending, setPending] = useState([]); // [{key, body, reply_to, upload, status: sending|sent|failed, error}]
  const [presence, setPresence] = useState(() => new Map()); // user id (string) -> {id, name, connections}
  const [typing, setTyping] = useState(() => new Map()); // user id -> {name, until}
  const [readVersion, setReadVersion] = useState(0); // bumps when someone's read position moves
  const gen = useRef(0); // generation of the latest full load (older loads of a stale one are dropped)
  const state = useRef(s);
  state.current = s;
  const lastTyping = useRef(0);
  const readSent = useRef(0);
  const readTimer = useRef(0);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;

  const upsert = useCallback((msgs) => {
    setS((cur) => ({ ...cur, messages: mergeMessages(cur.messages, msgs) }));
    const keys = new Set(msgs.filter((m) => m.author_id === me.id && m.idem_key).map((m) => m.idem_key));
    if (keys.size) setPending((p) => p.filter((x) => !keys.has(x.key)));
  }, [me.id]);

  // reload replaces the history by the newest page (first load, and after
  // live publications were missed).
  const reload = useCallback(async () => {
    const g = ++gen.current;
    try {
      const d = await history(roomID, { limit: pageSize });
      if (g !== gen.current) return;
      setS((cur) => ({
        ...cur, status: "ready", error: null, hasMore: !!d.has_more, older: false,
        // keep live messages that arrived while loading (newer than the page)
        messages: mergeMessages(d.items, cur.messages.filter((m) => !d.items.length || m.id > d.items[d.items.length - 1].id)),
        reactions: d.reactions || [],
      }));
      const keys = new Set(d.items.filter((m) => m.author_id === me.id && m.idem_key).map((m) => m.idem_key));
      if (keys.size) setPending((p) => p.filter((x) => !keys.has(x.key)));
    } catch (e) {
      if (g === gen.current) setS((cur) => ({ ...cur, status: cur.status === "ready" ? "ready" : "error", error: e }));
    }
  }, [roomID]);

  const loadOlder = useCallback(async () => {
    const cur = state.current;
    if (cur.older || !cur.hasMore || cur.messages.length === 0) return false;
    const g = gen.current;
    setS((c) => ({ ...c, older: true }));
    try {
      const d = await history(roomID, { before: cur.messages[0].id, limit: pageSize });
      if (g !== gen.current) return false;
      setS((c) => ({
        ...c, older: false, hasMore: !!d.has_more, messages: mergeMessages(c.messages, d.items),
        reactions: [...(d.reactions || []), ...c.reactions],
      }));
      return true;
    } catch (e) {
      setS((c) => ({ ...c, older: false, olderError: e }));
      return false;
    }
  }, [roomID]);

  // Live: the room's events, its presence and typing indicators.
  useEffect(() => {
    setS({ status: "loading", error: null, messages: [], reactions: [], hasMore: false, older: false });
    reload();
    const onEvent = (ev) => {
      if (!ev || !ev.kind) return;
      if (ev.message && (ev.kind === "message.created" || ev.kind === "message.edited" || ev.kind === "message.deleted")) {
        upsert([ev.message]);
        if (ev.kind === "message.created") {
          setTyping((t) => { if (!t.has(ev.message.author_id)) return t; const n = new Map(t); n.delete(ev.message.author_id); return n; });
        }
      } else if (ev.kind === "reaction") {
        setS((cur) => ({ ...cur, reactions: applyReaction(cur.reactions, ev) }));
      } else if (ev.kind === "read") {
        setReadVersion((v) => v + 1);
      }
    };
    const onPresence = (f) => {
      if (f.type === "presence") {
        setPresence(new Map((f.presence || []).map((p) => [String(p.id), { ...p, id: String(p.id) }])));
        return;
      }
      const u = f.user || {};
      const id = String(u.id);
      setPresence((cur) => {
        const n = new Map(cur);
        const e = n.get(id) || { id, name: u.name, connections: 0 };
        const c = e.connections + (f.type === "join" ? 1 : -1);
        if (c > 0) n.set(id, { ...e, name: u.name || e.name, connections: c });
        else n.delete(id);
        return n;
      });
    };
    const offRoom = live.subscribe(roomTopic(roomID), onEvent, {
      onReset: reload,
      // The first load above may have read the room before the subscription
      // was in place: a message sent in between would be neither in it nor
      // pushed, so read again once it is.
      onStart: reload,
      onPresence,
      onError: (err) => setS((cur) => ({ ...cur, liveError: err })),
    });
    const offTyping = live.subscribe(typingTopic(roomID), (d) => {
      if (!d || d.type !== "typing" || d.user_id === me.id) return;
      setTyping((t) => {
        const n = new Map(t);
        if (d.active === false) n.delete(d.user_id);
        else n.set(d.user_id, { name: d.name || d.username, until: Date.now() + typingShowMs });
        return n;
      });
    });
    return () => {
      gen.current++;
      offRoom();
      offTyping();
      clearTimeout(readTimer.current);
    };
  }, [roomID]);

  // Expire typing indicators.
  useEffect(() => {
    if (typing.size === 0) return undefined;
    const t = setInterval(() => setTyping((cur) => {
      const now = Date.now();
      const n = new Map([...cur].filter(([, v]) => v.until > now));
      return n.size === cur.size ? cur : n;
    }), 1000);
    return () => clearInterval(t);
  }, [typing.size > 0]);

  const deliver = useCallback((item) => {
    setPending((p) => [...p.filter((x) => x.key !== item.key), { ...item, status: "sending", error: null }]);
    const body = { body: item.body };
    if (item.reply_to) body.reply_to = item.reply_to;
    if (item.upload) body.upload_id = item.upload.id;
    const viaSocket = liveStatus.get() === "live";
    // Either way the answer is the stored message (the socket's ack carries
    // it as its result): show it at once in its place; its push, if it
    // comes later, is the same message and changes nothing.
    const req = viaSocket
      ? withTimeout(live.publish(roomTopic(roomID), { type: "message", ...body }, item.key), sendTimeoutMs)
        .then((ack) => ack.result && ack.result.message)
      : sendMessage(roomID, body, item.key);
    req.then((m) => {
      if (m && m.id) upsert([m]);
      setPending((p) => p.filter((x) => x.key !== item.key));
    }, (e) => {
      setPending((p) => p.map((x) => (x.key === item.key ? { ...x, status: "failed", error: sendError(e) } : x)));
    });
  }, [roomID, upsert]);

  const send = useCallback((msg) => {
    stopTyping();
    deliver({ key: newKey(), body: msg.body, reply_to: msg.reply_to || 0, upload: msg.upload || null });
  }, [deliver]);
  const retry = useCallback((key) => {
    const item = pendingRef.current.find((x) => x.key === key);
    if (item) deliver(item); // the same key: stored at most once
  }, [deliver]);
  const discard = useCallback((key) => setPending((p) => p.filter((x) => x.key !== key)), []);

  const react = useCallback((ev) => setS((cur) => ({ ...cur, reactions: applyReaction(cur.reactions, ev) })), []);

  // markRead moves the read position to id (batched, forward only).
  const markRead = useCallback((id) => {
    if (!id || id <= readSent.current) return;
    readSent.current = id;
    clearTimeout(readTimer.current);
    readTimer.current = setTimeout(() => {
      markRoomRead(roomID, readSent.current).catch(() => { readSent.current = 0; });
    }, readDelayMs);
  }, [roomID]);

  function notifyTyping() {
    const now = Date.now();
    if (now - lastTyping.current < typingEveryMs || liveStatus.get() !== "live") return;
    lastTyping.current = now;
    live.publish(typingTopic(roomID), { type: "typing" }).catch(() => {});
  }
  function stopTyping() {
    if (!lastTyping.current || Date.now() - lastTyping.current > typingShowMs) return;
    lastTyping.current = 0;
    if (liveStatus.get() === "live") live.publish(typingTopic(roomID), { type: "typing", active: false }).catch(() => {});
  }

  return {
    ...s, pending, presence, typing, readVersion,
    loadOlder, reload, send, retry, discard, upsert, react, markRead, notifyTyping, stopTyping,
  };
}

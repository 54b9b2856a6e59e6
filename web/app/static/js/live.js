// live.js: the WebSocket client for real-time updates.
//
// PLACEHOLDER. The wire protocol (docs/protocol.md, built by the hub
// helper) is not settled yet, so this module only holds the skeleton:
// connect to /api/v1/ws, reconnect with exponential back-off and jitter,
// and report the connection status through `liveStatus` (the layout shows
// an "offline" banner while it is "offline"). Nothing starts it yet: call
// startLive() once the protocol exists, then add subscribe/recover on top
// (topics with their last known epoch and offset).
import { createStore } from "./store.js";

/** liveStatus is "idle" (not started), "connecting", "online" or "offline". */
export const liveStatus = createStore("idle");

const backoffStartMs = 500;
const backoffMaxMs = 30000;
const offlineAfterFailures = 2; // show the banner only once reconnecting keeps failing

/**
 * startLive opens the live connection and keeps it open. onMessage gets
 * each parsed frame. Returns {send, stop}.
 */
export function startLive({ onMessage = () => {}, onOpen = () => {} } = {}) {
  let ws = null;
  let stopped = false;
  let failures = 0;
  let timer = 0;

  function url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return `${proto}//${location.host}/api/v1/ws`;
  }

  function connect() {
    if (stopped) return;
    if (failures < offlineAfterFailures) liveStatus.set("connecting");
    ws = new WebSocket(url());
    ws.onopen = () => {
      failures = 0;
      liveStatus.set("online");
      onOpen();
    };
    ws.onmessage = (ev) => {
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return; // TODO(protocol): decide how malformed frames are reported
      }
      onMessage(frame);
    };
    ws.onclose = () => {
      ws = null;
      if (stopped) return;
      failures++;
      if (failures >= offlineAfterFailures) liveStatus.set("offline");
      const delay = Math.min(backoffMaxMs, backoffStartMs * 2 ** (failures - 1));
      timer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2)); // jitter
    };
  }

  // Reconnect at once when the browser comes back online.
  const onOnline = () => {
    if (!ws && !stopped) {
      clearTimeout(timer);
      connect();
    }
  };
  addEventListener("online", onOnline);
  connect();

  return {
    send(frame) {
      if (ws && ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify(frame));
        return true;
      }
      return false;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      removeEventListener("online", onOnline);
      if (ws) ws.close(1000, "bye");
      liveStatus.set("idle");
    },
  };
}

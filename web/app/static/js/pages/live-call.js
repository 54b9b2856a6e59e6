// live-call.js: one page's place in a room's live video session, over the
// page's socket (docs/protocol.md "Live video", docs/signaling.md). The page
// is the *polite* peer of perfect negotiation: it offers whenever its own
// tracks change and yields to the server's offers. A call object keeps its
// state in a store the live page renders:
//
//   const call = createCall(roomID);
//   call.join({ camera: true, mic: true }); call.toggleMic(); call.leave();
//   call.state.get() -> {status, me, permissions, tracks, remote, local, quality, ...}
import { createStore } from "../store.js";
import { live } from "../live.js";

const statsEveryMs = 2000; // connection-quality sampling
const gatherCapMs = 10000; // a join that has not connected by then is reported
const sources = { camera: "video", microphone: "audio", screen: "video", screen_audio: "audio" };

/** liveTopic and participantTopic are the room's topics (rooms/video_topics.go). */
export const liveTopic = (roomID) => `live:${roomID}`;
const participantTopic = (roomID, pid) => `${liveTopic(roomID)}:${pid}`;

// newTag is this page's participant tag: one per page, so two tabs are two participants.
function newTag() {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => (b % 36).toString(36)).join("");
}

const initial = {
  status: "idle", // idle, joining, joined, left, error
  error: null, // {code, message}
  me: null, // {id, name, role}
  permissions: { publish: [], subscribe: true },
  tracks: [], // the server's track list (signaling "tracks")
  remote: new Map(), // track id -> MediaStreamTrack
  local: {}, // source -> MediaStreamTrack being sent
  muted: {}, // source -> true while muted (by me or by staff)
  quality: null, // {level: good|fair|poor, rtt, lost}
  leftReason: "",
  session: "", // the SFU session: "room-<id>" or a breakout group's "room-<id>-g<n>"
  joinAt: 0, // performance.now() at join
  firstFrameAt: 0, // performance.now() at the first decoded remote video frame
};

/**
 * createCall returns the call of this page in room roomID. Nothing happens
 * until join(); leave() (or the page unmounting) ends it.
 */
export function createCall(roomID, meUserID) {
  const state = createStore({ ...initial });
  const set = (patch) => state.set((s) => ({ ...s, ...patch }));
  let pid = `u${meUserID}-${newTag()}`;
  let pc = null;
  let offs = []; // unsubscribe functions
  let mids = new Map(); // mid -> server track id
  let makingOffer = false;
  const senders = new Map(); // source -> RTCRtpSender
  const sourceOf = new Map(); // RTCRtpSender -> source
  let statsTimer = 0;
  let last = null; // previous stats sample
  let devices = { audio: "", video: "" }; // chosen device ids ("" = default)
  let chain = Promise.resolve(); // signaling messages are handled one at a time, in order
  let session = ""; // the SFU session we are in: the main one or a breakout group's
  const sizes = new Map(); // track id -> the display size last reported

  const send = (msg) => live.publish(participantTopic(roomID, pid), msg).catch((err) => {
    if (state.get().status === "joined" || state.get().status === "joining") console.warn("live call:", msg.type, err.code, err.message);
    throw err;
  });

  function declared() {
    const out = [];
    for (const tr of pc.getTransceivers()) {
      const src = tr.sender && sourceOf.get(tr.sender);
      if (src && tr.mid != null && tr.sender.track) out.push({ mid: tr.mid, source: src });
    }
    return out;
  }

  function readMids(m) {
    if (m.mids) for (const [mid, id] of Object.entries(m.mids)) mids.set(mid, id);
    remap();
  }

  // remap rebuilds track id -> MediaStreamTrack from the receivers.
  function remap() {
    if (!pc) return;
    const remote = new Map();
    for (const tr of pc.getTransceivers()) {
      const id = tr.mid != null && mids.get(tr.mid);
      if (id && tr.receiver && tr.receiver.track && tr.currentDirection !== "inactive") remote.set(id, tr.receiver.track);
    }
    set({ remote });
  }

  function newPeer(iceServers) {
    const peer = new RTCPeerConnection({ iceServers: iceServers || [] });
    peer.onnegotiationneeded = async () => {
      if (pc !== peer) return;
      try {
        makingOffer = true;
        await peer.setLocalDescription();
        if (peer.localDescription.type !== "offer") return;
        await send({ type: "offer", sdp: peer.localDescription.sdp, tracks: declared() });
      } catch (e) {
        console.warn("live call: offer failed", e);
      } finally {
        makingOffer = false;
      }
    };
    peer.onicecandidate = (ev) => {
      if (pc !== peer) return;
      send({ type: "candidate", candidate: ev.candidate ? ev.candidate.toJSON() : undefined }).catch(() => {});
    };
    peer.ontrack = () => remap();
    peer.onconnectionstatechange = () => {
      if (pc !== peer) return;
      set({ connection: peer.connectionState });
      if (peer.connectionState === "failed") end("failed");
    };
    return peer;
  }

  // moved closes the PeerConnection of the session we were moved out of
  // (to or from a breakout group); what we sent is sent again in the new one.
  function moved() {
    const local = state.get().local;
    wanted = { camera: !!local.camera, mic: !!local.microphone };
    for (const t of Object.values(local)) t.stop();
    senders.clear();
    if (pc) pc.close();
    pc = null;
    mids = new Map();
    last = null;
    sizes.clear();
    set({ local: {}, remote: new Map(), tracks: [], muted: {}, quality: null });
  }

  async function onSignal(m) {
    // A late message of the session we were moved out of.
    if (m.session && session && m.type !== "joined" && m.session !== session) return;
    const s = state.get();
    switch (m.type) {
      case "joined":
        if (pc) moved();
        session = m.session || "";
        pc = newPeer(m.ice_servers);
        set({ status: "joined", me: m.participant, permissions: m.permissions, tracks: m.tracks || [], connection: "new",
          session });
        startStats();
        await publishWanted();
        break;
      case "offer":
        if (!pc) return;
        try {
          // Polite: an incoming offer wins; setRemoteDescription rolls back our pending offer.
          await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
          readMids(m);
          await pc.setLocalDescription();
          await send({ type: "answer", sdp: pc.localDescription.sdp });
          remap();
        } catch (e) {
          console.warn("live call: answering the server failed", e);
        }
        break;
      case "answer":
        if (!pc || pc.signalingState !== "have-local-offer") return;
        try {
          await pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
          readMids(m);
        } catch (e) {
          console.warn("live call: the server's answer failed", e);
        }
        break;
      case "candidate":
        if (!pc) return;
        try {
          await pc.addIceCandidate(m.candidate && m.candidate.candidate ? m.candidate : null);
        } catch (e) {
          if (!makingOffer) console.warn("live call: candidate", e);
        }
        break;
      case "tracks":
        set({ tracks: m.tracks || [] });
        remap();
        break;
      case "permissions":
        set({ permissions: m.permissions });
        // Withdrawn: stop what we may no longer send.
        for (const src of Object.keys(s.local)) if (!m.permissions.publish.includes(src)) unpublish(src);
        break;
      case "track_refused":
      case "track_stopped": {
        const mine = s.tracks.find((t) => t.id === m.track);
        if (mine) unpublish(mine.source);
        set({ notice: m.type === "track_refused" ? (m.message || "You may not publish this now.") : "Staff stopped one of your tracks." });
        break;
      }
      case "track_muted": {
        const mine = s.tracks.find((t) => t.id === m.track);
        if (mine && s.local[mine.source]) {
          s.local[mine.source].enabled = false;
          set({ muted: { ...state.get().muted, [mine.source]: true }, notice: "Staff muted you." });
        }
        break;
      }
      case "left":
        end(m.reason || "left");
        break;
      case "error":
        if (state.get().status === "joining") set({ status: "error", error: { code: m.code, message: m.message } });
        else set({ notice: m.message || m.code });
        break;
      default:
        break;
    }
  }

  async function getMedia(kind) {
    const c = devices[kind] ? { deviceId: { exact: devices[kind] } } : true;
    const stream = await navigator.mediaDevices.getUserMedia(kind === "audio" ? { audio: c } : { video: c });
    return stream.getTracks()[0];
  }

  async function publish(source, track, stream) {
    if (!pc) return;
    const cur = senders.get(source);
    if (cur && cur.track) cur.track.stop();
    const sender = pc.addTrack(track, stream || new MediaStream([track]));
    senders.set(source, sender);
    sourceOf.set(sender, source);
    set({ local: { ...state.get().local, [source]: track }, muted: { ...state.get().muted, [source]: false } });
  }

  function unpublish(source) {
    const sender = senders.get(source);
    const local = { ...state.get().local };
    if (local[source]) local[source].stop();
    delete local[source];
    senders.delete(source);
    if (sender && pc) {
      sourceOf.delete(sender);
      try { pc.removeTrack(sender); } catch { /* closed */ }
    }
    set({ local });
  }

  let wanted = { camera: false, mic: false };
  async function publishWanted() {
    const may = state.get().permissions.publish || [];
    try {
      if (wanted.mic && may.includes("microphone")) await publish("microphone", await getMedia("audio"));
      if (wanted.camera && may.includes("camera")) await publish("camera", await getMedia("video"));
    } catch (e) {
      set({ notice: `Camera or microphone unavailable: ${e.message}` });
    }
  }

  function startStats() {
    clearInterval(statsTimer);
    statsTimer = setInterval(sample, statsEveryMs);
  }

  // sample reads getStats(): round trip, loss since the last sample, and
  // the first decoded remote frame.
  async function sample() {
    if (!pc) return;
    const report = await pc.getStats();
    let rtt = null, lost = 0, received = 0, frames = 0;
    report.forEach((r) => {
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded" && r.currentRoundTripTime != null) rtt = r.currentRoundTripTime;
      if (r.type === "inbound-rtp") {
        lost += r.packetsLost || 0;
        received += r.packetsReceived || 0;
        if (r.kind === "video") frames += r.framesDecoded || 0;
      }
      if (r.type === "remote-inbound-rtp" && r.roundTripTime != null && rtt == null) rtt = r.roundTripTime;
    });
    if (frames > 0) noteFrame();
    const dl = last ? lost - last.lost : 0, dr = last ? received - last.received : 0;
    last = { lost, received };
    const loss = dl + dr > 0 ? dl / (dl + dr) : 0;
    let level = "good";
    if (pc.connectionState === "new" && pc.getTransceivers().length === 0) level = "idle"; // no media yet (nobody publishes)
    else if (pc.connectionState !== "connected") level = pc.connectionState === "connecting" || pc.connectionState === "new" ? "connecting" : "poor";
    else if (loss > 0.05 || (rtt != null && rtt > 0.4)) level = "poor";
    else if (loss > 0.01 || (rtt != null && rtt > 0.15)) level = "fair";
    set({ quality: { level, rtt, loss } });
  }

  function noteFrame() {
    if (!state.get().firstFrameAt) set({ firstFrameAt: performance.now() });
  }

  function end(reason) {
    clearInterval(statsTimer);
    for (const t of Object.values(state.get().local)) t.stop();
    senders.clear();
    if (pc) pc.close();
    pc = null;
    for (const off of offs) off();
    offs = [];
    mids = new Map();
    last = null;
    session = "";
    sizes.clear();
    const status = state.get().status === "idle" ? "idle" : "left";
    set({ status, leftReason: reason, local: {}, remote: new Map(), tracks: [], quality: null, connection: "" });
  }

  const call = {
    state,
    get pc() { return pc; },
    /** join enters the session; want says what to publish when allowed. */
    join(want = { camera: true, mic: true }) {
      const st = state.get().status;
      if (st === "joining" || st === "joined") return;
      wanted = { ...want };
      pid = `u${meUserID}-${newTag()}`;
      set({ ...initial, status: "joining", joinAt: performance.now() });
      offs.push(live.subscribe(participantTopic(roomID, pid), (data) => {
        chain = chain.then(() => onSignal(data)).catch((e) => console.warn("live call:", e));
      }));
      send({ type: "join" }).catch((err) => {
        end("error");
        set({ status: "error", error: { code: err.code, message: err.message } });
      });
      setTimeout(() => {
        if (state.get().status === "joining") set({ notice: "Joining is taking longer than usual…" });
      }, gatherCapMs);
    },
    leave() {
      if (state.get().status !== "joined" && state.get().status !== "joining") return;
      send({ type: "leave" }).catch(() => {});
      end("leave");
    },
    /** close ends the call without telling anyone (the page is going away). */
    close() { if (pc || offs.length) { send({ type: "leave" }).catch(() => {}); end("leave"); } },
    async toggleMic() { return toggle("microphone", "audio"); },
    async toggleCamera() {
      if (state.get().local.camera) { unpublish("camera"); return; }
      try { await publish("camera", await getMedia("video")); } catch (e) { set({ notice: `Camera unavailable: ${e.message}` }); }
    },
    async toggleScreen() {
      if (state.get().local.screen) { unpublish("screen"); unpublish("screen_audio"); return; }
      try {
        const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
        const v = stream.getVideoTracks()[0], a = stream.getAudioTracks()[0];
        v.onended = () => { unpublish("screen"); unpublish("screen_audio"); };
        await publish("screen", v, stream);
        if (a) await publish("screen_audio", a, stream);
      } catch (e) {
        set({ notice: `Screen sharing did not start: ${e.message}` });
      }
    },
    /** setDevice switches the microphone ("audio") or camera ("video"). */
    async setDevice(kind, id) {
      devices = { ...devices, [kind]: id };
      const source = kind === "audio" ? "microphone" : "camera";
      const sender = senders.get(source);
      if (!sender || !sender.track) return;
      try {
        const track = await getMedia(kind);
        track.enabled = !state.get().muted[source];
        sender.track.stop();
        await sender.replaceTrack(track);
        set({ local: { ...state.get().local, [source]: track } });
      } catch (e) {
        set({ notice: `That device did not start: ${e.message}` });
      }
    },
    command(msg) { return send(msg); },
    /** reportSize tells the server the size (device pixels) a received simulcast video is shown at: it picks the layer. */
    reportSize(mediaTrack, width, height) {
      const s = state.get();
      const id = [...s.remote].find(([, m]) => m === mediaTrack)?.[0];
      const info = id && s.tracks.find((t) => t.id === id);
      if (!info || !info.layers || info.layers.length < 2) return;
      const prev = sizes.get(id);
      if (prev && Math.abs(prev.width - width) < prev.width * 0.15 && Math.abs(prev.height - height) < prev.height * 0.15) return;
      sizes.set(id, { width, height });
      send({ type: "size", track: id, width: Math.min(width, 16383), height: Math.min(height, 16383) }).catch(() => {});
    },
    noteFrame,
    dismissNotice() { set({ notice: "" }); },
  };

  // toggle publishes a source, or mutes/unmutes it once published.
  async function toggle(source, kind) {
    const s = state.get();
    const track = s.local[source];
    if (!track) {
      try { await publish(source, await getMedia(kind)); } catch (e) { set({ notice: `Microphone unavailable: ${e.message}` }); }
      return;
    }
    const mute = !s.muted[source];
    const mine = s.tracks.find((t) => t.participant === (s.me && s.me.id) && t.source === source);
    if (mine) {
      try { await send({ type: mute ? "mute" : "unmute", track: mine.id }); } catch (e) { set({ notice: e.message }); return; }
    }
    track.enabled = !mute;
    set({ muted: { ...state.get().muted, [source]: mute } });
  }

  return call;
}

/** kindOf is the media kind of a track source. */
export const kindOf = (source) => sources[source] || "video";

// /courses/{id}/rooms/{roomId}/live: a room's live classroom. The stage
// shows a screen share when there is one, else the active speaker, large,
// with everyone else's camera in a strip; controls for the microphone,
// camera, screen, hand and leaving; a side panel with the participants
// (mic/camera state, staff controls), the hand queue and the room's chat.
// The media engine is live-call.js; the room's session state arrives on
// live:<roomID> (docs/protocol.md "Live video").
import { html, useState, useEffect, useMemo, useRef } from "../html.js";
import { useApp } from "../session.js";
import { useStore } from "../store.js";
import { live } from "../live.js";
import { useTitle, useLoad, Loading, ErrorState, Badge } from "../ui.js";
import { CourseFrame } from "./course-common.js";
import { getRoom } from "./forum-api.js";
import { Chat } from "./room-chat.js";
import { createCall, liveTopic } from "./live-call.js";
import { StaffRow, HandQueue, DevicePickers, qualityLabel } from "./room-live-parts.js";
import { BreakoutBanner, BreakoutPanel } from "./room-live-breakout.js";

// useLiveState follows the room's live session: participants, hands, who speaks.
function useLiveState(roomID) {
  const [st, setSt] = useState({ participants: [], hands: [], open_mic: false });
  const [speaker, setSpeaker] = useState(null); // participant id of the last loudest speaker (kept while silent)
  const [broadcast, setBroadcast] = useState(null); // the staff's last message to every group
  useEffect(() => live.subscribe(liveTopic(roomID), (data) => {
    if (data.type === "state") setSt(data);
    if (data.type === "broadcast") setBroadcast(data);
    if (data.type === "speaking") {
      const loud = (data.levels || []).filter((l) => l.speaking).sort((a, b) => a.level - b.level)[0];
      if (loud) setSpeaker(loud.participant);
    }
  }, { quiet: true }), [roomID]);
  return { ...st, speaker, broadcast, dismissBroadcast: () => setBroadcast(null) };
}

// leftReasons words why the call ended ("left" reasons, docs/signaling.md and docs/protocol.md).
const leftReasons = {
  node_lost: "The server running this session stopped. Join again: the session restarts on another server.",
  server_end: "The server is restarting. Join again in a moment.",
  ended: "The session ended.",
  removed: "You were removed from the session.",
  failed: "The connection failed. Check your network and join again.",
  slow: "Your connection could not keep up. Join again.",
};

// sizeDelayMs debounces the displayed-size reports of a video.
const sizeDelayMs = 300;

function MediaVideo({ track, label, mine, onFrame, onSize }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !track || !onSize || typeof ResizeObserver === "undefined") return undefined;
    let timer = 0;
    const ro = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const r = el.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
        if (r.width > 0 && r.height > 0) onSize(track, Math.round(r.width * dpr), Math.round(r.height * dpr));
      }, sizeDelayMs);
    });
    ro.observe(el);
    return () => { clearTimeout(timer); ro.disconnect(); };
  }, [track]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (!track || !onFrame) return undefined;
    let done = false;
    const first = () => { if (!done) { done = true; onFrame(); } };
    if (el.requestVideoFrameCallback) el.requestVideoFrameCallback(first);
    else el.addEventListener("loadeddata", first, { once: true });
    return () => { done = true; };
  }, [track]);
  return html`<video ref=${ref} class=${mine ? "live-video live-mirror" : "live-video"} autoplay playsinline muted
      aria-label=${label}></video>`;
}

function MediaAudio({ track }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = track ? new MediaStream([track]) : null;
  }, [track]);
  return html`<audio ref=${ref} autoplay data-testid="live-audio"></audio>`;
}

function Tile({ tile, main, onFrame, onSize }) {
  const video = tile.source === "screen" ? tile.screen : tile.camera;
  const label = tile.source === "screen" ? `${tile.name}'s screen` : tile.name;
  return html`
    <figure class=${`live-tile${main ? " live-tile-main" : ""}${tile.speaking ? " live-speaking" : ""}`}
            data-testid=${main ? "live-main" : "live-tile"} data-participant=${tile.id} data-source=${video ? tile.source : "none"}>
      ${video ? html`<${MediaVideo} track=${video} label=${label} mine=${tile.mine && tile.source === "camera"} onFrame=${onFrame}
          onSize=${tile.mine ? null : onSize} />`
        : html`<div class="live-novideo" aria-hidden="true">${(tile.name || "?").slice(0, 1).toUpperCase()}</div>`}
      <figcaption class="live-caption">
        ${tile.mic === "live" ? "" : html`<span class="live-muted-mark">Muted · </span>`}${label}${tile.mine ? " (you)" : ""}
      </figcaption>
    </figure>`;
}

// buildTiles turns the server's tracks and the received media into one
// tile per participant (camera) plus one per screen share.
function buildTiles(st, roster, speaker) {
  const people = new Map(roster.participants.map((p) => [p.id, p]));
  const tiles = new Map();
  const tile = (id) => {
    if (!tiles.has(id)) {
      const p = people.get(id) || {};
      tiles.set(id, { id, name: p.name || "Someone", staff: p.staff, mic: p.mic, source: "camera", speaking: id === speaker,
        mine: st.me && id === st.me.id });
    }
    return tiles.get(id);
  };
  const audio = [];
  const screens = [];
  for (const t of st.tracks) {
    if (st.me && t.participant === st.me.id) continue;
    const m = st.remote.get(t.id);
    if (!m || t.state === "refused") continue;
    if (t.kind === "audio") { audio.push({ id: t.id, track: m }); continue; }
    if (t.state !== "live") continue;
    if (t.source === "screen") screens.push({ ...tile(t.participant), screen: m, source: "screen", id: `${t.participant}/screen` });
    else tile(t.participant).camera = m;
  }
  // Everyone in the same session as me (the main one, or my breakout group).
  const myGroup = ((st.me && people.get(st.me.id)) || {}).group || "";
  for (const p of roster.participants) if ((p.group || "") === myGroup) tile(p.id);
  if (st.me) {
    const me = tile(st.me.id);
    me.camera = st.local.camera;
    me.mic = st.local.microphone && !st.muted.microphone ? "live" : "off";
    if (st.local.screen) screens.unshift({ ...me, screen: st.local.screen, source: "screen", id: `${st.me.id}/screen` });
  }
  const all = [...tiles.values()];
  let main = screens[0];
  if (!main) {
    main = (speaker && tiles.get(speaker) && tiles.get(speaker).camera && !tiles.get(speaker).mine && tiles.get(speaker)) ||
      all.find((t) => t.camera && !t.mine && t.staff) || all.find((t) => t.camera && !t.mine) || all.find((t) => t.camera);
  }
  const others = [...screens.slice(1), ...all.filter((t) => t !== main)];
  return { main, others, audio };
}

function Controls({ call, st, roster, me }) {
  const may = st.permissions.publish || [];
  const mine = roster.participants.find((p) => st.me && p.id === st.me.id);
  const hand = st.me && roster.hands.includes(st.me.id);
  const micOn = st.local.microphone && !st.muted.microphone;
  return html`
    <div class="live-controls" role="toolbar" aria-label="Call controls" data-testid="live-controls">
      <button type="button" class=${`btn live-btn${micOn ? " live-on" : ""}`} aria-pressed=${micOn ? "true" : "false"}
          disabled=${!may.includes("microphone") && !st.local.microphone} onClick=${() => call.toggleMic()} data-testid="live-mic">
        ${micOn ? "Mute" : "Unmute"}</button>
      <button type="button" class=${`btn live-btn${st.local.camera ? " live-on" : ""}`} aria-pressed=${st.local.camera ? "true" : "false"}
          disabled=${!may.includes("camera") && !st.local.camera} onClick=${() => call.toggleCamera()} data-testid="live-camera">
        ${st.local.camera ? "Stop camera" : "Camera"}</button>
      ${may.includes("screen") && html`<button type="button" class=${`btn live-btn${st.local.screen ? " live-on" : ""}`}
          aria-pressed=${st.local.screen ? "true" : "false"} onClick=${() => call.toggleScreen()} data-testid="live-screen">
          ${st.local.screen ? "Stop sharing" : "Share screen"}</button>`}
      ${!(mine && mine.staff) && html`<button type="button" class=${`btn live-btn${hand ? " live-on" : ""}`}
          aria-pressed=${hand ? "true" : "false"} data-testid="live-hand"
          onClick=${() => call.command({ type: hand ? "lower_hand" : "raise_hand" })}>${hand ? "Lower hand" : "Raise hand"}</button>`}
      <button type="button" class="btn btn-danger live-btn" onClick=${() => call.leave()} data-testid="live-leave">Leave</button>
      <span class=${`live-quality live-q-${st.quality ? st.quality.level : "connecting"}`} data-testid="live-quality"
          data-level=${st.quality ? st.quality.level : "connecting"} title="Connection quality">
        ${qualityLabel(st.quality)}</span>
    </div>
    ${me && !may.includes("microphone") && html`<p class="muted small live-hint">You are listening. Raise your hand to ask to speak.</p>`}`;
}

function People({ call, roster, st, staff }) {
  return html`
    <div class="live-people">
      ${staff && html`<div class="live-staff-bar">
        <button type="button" class="btn btn-small" data-testid="live-open-mic" aria-pressed=${roster.open_mic ? "true" : "false"}
            onClick=${() => call.command({ type: "open_mic", on: !roster.open_mic })}>
          ${roster.open_mic ? "Close microphones" : "Everyone may unmute"}</button>
      </div>`}
      <ul class="live-list" data-testid="live-participants">
        ${roster.participants.map((p) => html`<${StaffRow} key=${p.id} p=${p} me=${st.me} staff=${staff} call=${call}
            tracks=${st.tracks} hand=${roster.hands.indexOf(p.id)} />`)}
      </ul>
    </div>`;
}

function Classroom({ course, info }) {
  const { me } = useApp();
  const room = info.room;
  const call = useMemo(() => createCall(room.id, me.id), [room.id]);
  const st = useStore(call.state);
  const roster = useLiveState(room.id);
  const [tab, setTab] = useState("people");
  useEffect(() => { window.__liveCall = call; return () => { call.close(); if (window.__liveCall === call) delete window.__liveCall; }; }, [call]);
  const mine = roster.participants.find((p) => st.me && p.id === st.me.id);
  const staff = mine ? mine.staff : info.moderator;
  const { main, others, audio } = useMemo(() => buildTiles(st, roster, roster.speaker), [st, roster]);
  const inCall = st.status === "joined";
  const hands = roster.hands.length;

  let stage;
  if (st.status === "joined") {
    stage = html`
      <div class="live-stage" data-testid="live-stage">
        ${main ? html`<${Tile} key=${main.id + main.source} tile=${main} main=${true} onFrame=${call.noteFrame} onSize=${call.reportSize} />`
          : html`<div class="live-tile live-tile-main live-empty" data-testid="live-main" data-source="none">
              <p>No one is on camera yet.</p></div>`}
        <div class="live-strip" data-testid="live-strip">
          ${others.map((t) => html`<${Tile} key=${t.id + t.source} tile=${t} onFrame=${t.mine ? null : call.noteFrame} onSize=${call.reportSize} />`)}
        </div>
        ${audio.map((a) => html`<${MediaAudio} key=${a.id} track=${a.track} />`)}
      </div>
      <${Controls} call=${call} st=${st} roster=${roster} me=${mine} />`;
  } else {
    const busy = st.status === "joining";
    stage = html`
      <div class="live-lobby" data-testid="live-lobby">
        <p><strong>${roster.participants.length ? `${roster.participants.length} in the session` : "No one is in the session yet."}</strong></p>
        ${st.status === "left" && st.leftReason !== "leave" && html`<p class="alert alert-warning" role="status"
            data-testid="live-left" data-reason=${st.leftReason}>${leftReasons[st.leftReason] || `You left the session (${st.leftReason}).`}</p>`}
        ${st.status === "error" && html`<p class="alert alert-error" role="alert">${st.error.message || st.error.code}</p>`}
        <button type="button" class="btn btn-primary" disabled=${busy} onClick=${() => call.join({ camera: staff, mic: staff })}
            data-testid="live-join">${busy ? "Joining…" : "Join the live session"}</button>
        <p class="muted small">${staff ? "You join with your camera and microphone on." : "You join listening; raise your hand to speak."}</p>
      </div>`;
  }
  return html`
    <div class="live-page" data-testid="live-page" data-status=${st.status}>
      <div class="live-head">
        <a class="back-link" href=${`/courses/${course.id}/rooms/${room.id}`}>← ${room.name}</a>
        <h2 class="live-title">Live classroom</h2>
        ${inCall && html`<${Badge} kind="accent">Live<//>`}
      </div>
      ${st.notice && html`<p class="alert alert-warning live-notice" role="status" data-testid="live-notice">${st.notice}
          <button type="button" class="btn btn-small" onClick=${() => call.dismissNotice()}>Dismiss</button></p>`}
      <${BreakoutBanner} roster=${roster} st=${st} call=${call} broadcast=${inCall && roster.broadcast}
          onDismiss=${roster.dismissBroadcast} />
      <div class="live-body">
        <section class="live-main" aria-label="Video">${stage}
          ${inCall && html`<${DevicePickers} call=${call} st=${st} />`}</section>
        <aside class="live-side" aria-label="Session">
          <div class="live-tabs" role="tablist">
            ${[["people", `People (${roster.participants.length})`], ["hands", `Hands (${hands})`],
              ["groups", roster.breakout ? `Groups (${roster.breakout.calls.length})` : "Groups"], ["chat", "Chat"]].map(([k, label]) => html`
              <button type="button" role="tab" key=${k} aria-selected=${tab === k ? "true" : "false"}
                  class=${tab === k ? "live-tab live-tab-on" : "live-tab"} data-testid=${`live-tab-${k}`} onClick=${() => setTab(k)}>${label}</button>`)}
          </div>
          <div class="live-panel" role="tabpanel">
            ${tab === "people" && html`<${People} call=${call} roster=${roster} st=${st} staff=${staff && inCall} />`}
            ${tab === "hands" && html`<${HandQueue} call=${call} roster=${roster} staff=${staff && inCall} />`}
            ${tab === "groups" && (inCall ? html`<${BreakoutPanel} course=${course} roster=${roster} st=${st} call=${call} staff=${staff} />`
              : html`<p class="muted" data-testid="breakout-lobby">Join the session to see its groups.</p>`)}
            ${tab === "chat" && html`<${Chat} course=${course} info=${info} />`}
          </div>
        </aside>
      </div>
    </div>`;
}

function LiveBody({ course, roomID }) {
  const { site } = useApp();
  const info = useLoad((signal) => getRoom(roomID, signal), [roomID]);
  useTitle(info.data ? `Live · ${info.data.room.name} · ${course.title}` : "Live classroom", site);
  if (info.loading && !info.data) return html`<${Loading} label="Opening the room…" />`;
  if (info.error) {
    return html`<${ErrorState} error=${info.error} onRetry=${info.reload}
        title=${info.error.status === 404 ? "Room not found" : "We couldn't open this room"} />`;
  }
  return html`<${Classroom} key=${roomID} course=${course} info=${info.data} />`;
}

export default function RoomLivePage({ params }) {
  return html`
    <${CourseFrame} id=${params.id} tab="rooms" title="Live classroom">
      ${(course) => html`<${LiveBody} course=${course} roomID=${Number(params.roomId)} />`}
    <//>`;
}

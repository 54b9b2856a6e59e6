// Parts of the live classroom page (room-live.js): a participant row with
// the staff's controls, the hand queue, the device pickers and the
// connection-quality label.
import { html, useState, useEffect } from "../html.js";
import { Badge } from "../ui.js";

const stateLabel = { live: "on", muted: "muted", off: "off" };

/** qualityLabel words a call's quality sample (live-call.js). */
export function qualityLabel(q) {
  if (!q || q.level === "connecting") return "Connecting…";
  if (q.level === "idle") return "No media yet";
  const rtt = q.rtt != null ? ` · ${Math.round(q.rtt * 1000)} ms` : "";
  const loss = q.loss ? ` · ${(q.loss * 100).toFixed(1)} % lost` : "";
  return `${{ good: "Good", fair: "Fair", poor: "Poor" }[q.level] || q.level} connection${rtt}${loss}`;
}

/** StaffRow is one participant: name, role, mic/camera, hand, and for staff the controls. */
export function StaffRow({ p, me, staff, call, tracks, hand }) {
  const track = (src) => tracks.find((t) => t.participant === p.id && t.source === src);
  const mic = track("microphone"), cam = track("camera"), screen = track("screen");
  const isMe = me && p.id === me.id;
  return html`
    <li class="live-row" data-testid="live-participant" data-participant=${p.id} data-mic=${p.mic} data-camera=${p.camera}>
      <span class="live-row-name">${p.name}${isMe && html` <span class="muted">(you)</span>`}</span>
      ${p.staff && html`<${Badge} kind="accent">${p.role === "ta" ? "TA" : p.role === "admin" ? "Admin" : "Instructor"}<//>`}
      ${hand >= 0 && html`<${Badge} kind="danger">Hand ${hand + 1}<//>`}
      <span class="live-row-media muted small">mic ${stateLabel[p.mic] || p.mic} · camera ${stateLabel[p.camera] || p.camera}
        ${p.screen !== "off" ? " · sharing" : ""}</span>
      ${staff && !isMe && html`<span class="live-row-actions">
        ${!p.staff && html`<button type="button" class="btn btn-small" data-testid="live-allow"
            onClick=${() => call.command({ type: "allow", participant: p.id, allow: !p.allowed })}>
            ${p.allowed ? "Withdraw speaking" : "Allow to speak"}</button>`}
        ${hand >= 0 && html`<button type="button" class="btn btn-small" data-testid="live-lower"
            onClick=${() => call.command({ type: "lower_hands", participant: p.id })}>Lower hand</button>`}
        ${mic && mic.state === "live" && html`<button type="button" class="btn btn-small" data-testid="live-mute"
            onClick=${() => call.command({ type: "mute_track", track: mic.id })}>Mute</button>`}
        ${cam && html`<button type="button" class="btn btn-small" data-testid="live-stop"
            onClick=${() => call.command({ type: "stop_track", track: cam.id })}>Stop camera</button>`}
        ${screen && html`<button type="button" class="btn btn-small" data-testid="live-stop-screen"
            onClick=${() => call.command({ type: "stop_track", track: screen.id })}>Stop screen</button>`}
      </span>`}
    </li>`;
}

/** HandQueue lists raised hands, first raised first, with the staff's controls. */
export function HandQueue({ call, roster, staff }) {
  const byID = new Map(roster.participants.map((p) => [p.id, p]));
  if (roster.hands.length === 0) return html`<p class="muted" data-testid="live-hands-empty">No hands raised.</p>`;
  return html`
    ${staff && html`<button type="button" class="btn btn-small" data-testid="live-lower-all"
        onClick=${() => call.command({ type: "lower_hands" })}>Lower all hands</button>`}
    <ol class="live-hands" data-testid="live-hands">
      ${roster.hands.map((id) => {
        const p = byID.get(id) || { id, name: "Someone" };
        return html`<li key=${id} class="live-row" data-testid="live-hand-row" data-participant=${id}>
          <span class="live-row-name">${p.name}</span>
          ${staff && html`<span class="live-row-actions">
            ${!p.staff && !p.allowed && html`<button type="button" class="btn btn-small btn-primary" data-testid="live-hand-allow"
                onClick=${() => { call.command({ type: "allow", participant: id, allow: true }); call.command({ type: "lower_hands", participant: id }); }}>
                Allow to speak</button>`}
            <button type="button" class="btn btn-small" onClick=${() => call.command({ type: "lower_hands", participant: id })}>Lower</button>
          </span>`}
        </li>`;
      })}
    </ol>`;
}

/** DevicePickers choose the microphone and camera (labels appear once media was granted). */
export function DevicePickers({ call, st }) {
  const [list, setList] = useState([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md || !md.enumerateDevices) return undefined;
    const load = () => md.enumerateDevices().then(setList, () => {});
    load();
    md.addEventListener("devicechange", load);
    return () => md.removeEventListener("devicechange", load);
  }, [st.local.microphone, st.local.camera]);
  const pick = (kind, devKind, label, testid) => {
    const opts = list.filter((d) => d.kind === devKind);
    if (opts.length === 0) return null;
    const cur = st.local[kind === "audio" ? "microphone" : "camera"];
    const curID = cur && cur.getSettings ? cur.getSettings().deviceId : "";
    return html`<label class="live-device">${label}
      <select data-testid=${testid} value=${curID} onChange=${(e) => call.setDevice(kind, e.currentTarget.value)}>
        ${opts.map((d, i) => html`<option key=${d.deviceId || i} value=${d.deviceId}>${d.label || `${label} ${i + 1}`}</option>`)}
      </select></label>`;
  };
  return html`<details class="live-devices"><summary>Devices</summary>
    ${pick("audio", "audioinput", "Microphone", "live-mic-device")}
    ${pick("video", "videoinput", "Camera", "live-camera-device")}
  </details>`;
}

// Pieces shared by the discussion and room pages: a few more line icons,
// the course's members (names, roles, @mention candidates), a textarea
// with @mention autocomplete, reaction chips with a small picker, and a
// popup that closes on Escape or a click outside.
import { html, useState, useEffect, useRef, useMemo, useId } from "../html.js";
import { useLoad } from "../ui.js";
import { listMembers } from "./forum-api.js";

const paths = {
  bell: "M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0",
  clip: "m21.4 11-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5",
  reply: "M9 14 4 9l5-5M20 20v-7a4 4 0 0 0-4-4H4",
  smile: "M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20ZM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01",
  pin: "M12 17v5M8 3h8l-1 7 3 4H6l3-4-1-7Z",
  lock: "M6 11h12v10H6V11Zm2 0V8a4 4 0 0 1 8 0v3",
  unlock: "M6 11h12v10H6V11Zm2 0V8a4 4 0 0 1 7.5-2",
  check: "M20 6 9 17l-5-5",
  trash: "M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6",
  edit: "M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4L16.5 3.5Z",
  users: "M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 3a4 4 0 1 1 0 8 4 4 0 0 1 0-8Zm14 18v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8",
  send: "M22 2 11 13M22 2l-7 20-4-9-9-4 20-7Z",
  x: "M18 6 6 18M6 6l12 12",
  chat: "M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10Z",
  clock: "M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20Zm0 5v5l3 2",
  eye: "M1 12s4-8 11-8 11 8 11 8-4 8-11 8S1 12 1 12Zm11-3a3 3 0 1 1 0 6 3 3 0 0 1 0-6Z",
  down: "M12 5v14m-6-6 6 6 6-6",
  file: "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6Zm0 0v6h6",
  retry: "M1 4v6h6M3.5 15a9 9 0 1 0 2.1-9.4L1 10",
};

/** Glyph is a decorative line icon (aria-hidden) from the set above. */
export function Glyph({ name, size = 18 }) {
  return html`
    <svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor"
         stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d=${paths[name] || paths.chat} />
    </svg>`;
}

/** The reactions offered in the picker (any short emoji is accepted). */
export const reactionChoices = ["👍", "❤️", "🎉", "😄", "🤔", "👀"];

export const staffRoles = new Set(["instructor", "ta"]);
const roleShort = { instructor: "Instructor", ta: "TA" };

/** RoleBadge marks course staff next to their name. */
export function RoleBadge({ role }) {
  if (!roleShort[role]) return null;
  return html`<span class="badge badge-accent role-badge" data-testid="role-badge">${roleShort[role]}</span>`;
}

/**
 * useMembers loads the course's active members once: {list, byID, loading}.
 * byID maps user id -> Enrollment ({user_id, username, name, role}).
 */
export function useMembers(courseID) {
  const res = useLoad((signal) => listMembers(courseID, signal), [courseID]);
  const list = (res.data && res.data.items) || [];
  const byID = useMemo(() => new Map(list.map((m) => [m.user_id, m])), [res.data]);
  return { list, byID, loading: res.loading };
}

/** displayName is the member's name, else their username, else the fallback. */
export function displayName(byID, userID, fallback) {
  const m = byID && byID.get(userID);
  return (m && (m.name || m.username)) || fallback || "Someone";
}

/** usernameOf is "@username" for a person (from the members, else the fallback username), or "". */
export function usernameOf(byID, userID, fallback) {
  const m = byID && byID.get(userID);
  const u = (m && m.username) || fallback;
  return u ? `@${u}` : "";
}

/** usePopup is [open, setOpen, ref]: the popup closes on Escape or an outside click. */
export function usePopup(onClose) {
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      setOpen(false);
      if (onClose) onClose(true);
    };
    const onClick = (e) => { if (ref.current && !ref.current.contains(e.target)) setOpen(false); };
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      document.removeEventListener("click", onClick);
    };
  }, [open]);
  return [open, setOpen, ref];
}

/** groupReactions turns [Reaction] for one target into [{emoji, count, mine, users}]. */
export function groupReactions(list, meID) {
  const out = new Map();
  for (const r of list || []) {
    let g = out.get(r.emoji);
    if (!g) out.set(r.emoji, (g = { emoji: r.emoji, count: 0, mine: false, users: [] }));
    g.count++;
    g.users.push(r.user_id);
    if (r.user_id === meID) g.mine = true;
  }
  return [...out.values()];
}

/** applyReaction folds a live `reaction` event into a list of reactions. */
export function applyReaction(list, ev) {
  const r = ev.reaction;
  if (!r) return list;
  const rest = (list || []).filter((x) => !(x.target_id === r.target_id && x.user_id === r.user_id && x.emoji === r.emoji));
  return ev.removed ? rest : [...rest, r];
}

/**
 * ReactionPicker is the "add a reaction" button with its small picker;
 * onPick(emoji) gets the choice.
 */
export function ReactionPicker({ onPick, label = "message", disabled }) {
  const button = useRef(null);
  const [open, setOpen, ref] = usePopup((refocus) => { if (refocus && button.current) button.current.focus(); });
  return html`
    <div class="popup-anchor" ref=${ref}>
      <button type="button" class="btn btn-ghost btn-icon reaction-add" ref=${button} disabled=${disabled}
              aria-expanded=${open ? "true" : "false"} aria-label=${`Add a reaction to this ${label}`}
              title="Add a reaction" data-testid="reaction-add" onClick=${() => setOpen(!open)}>
        <${Glyph} name="smile" size=${16} />
      </button>
      ${open && html`
        <div class="popup reaction-picker" role="group" aria-label="Pick a reaction">
          ${reactionChoices.map((e) => html`
            <button type="button" key=${e} class="reaction-choice" aria-label=${`React with ${e}`}
                    data-testid="reaction-choice" onClick=${() => { setOpen(false); onPick(e); }}>${e}</button>`)}
        </div>`}
    </div>`;
}

/**
 * Reactions shows a target's reaction chips (toggle your own) and, unless
 * showAdd is false, the "add reaction" picker. onToggle(emoji, remove)
 * does the request.
 */
export function Reactions({ reactions, meID, byID, onToggle, disabled, label = "message", showAdd = true }) {
  const groups = groupReactions(reactions, meID);
  if (!groups.length && !showAdd) return null;
  const pick = (emoji) => {
    const g = groups.find((x) => x.emoji === emoji);
    onToggle(emoji, !!(g && g.mine));
  };
  return html`
    <div class="reactions" data-testid="reactions">
      ${groups.map((g) => {
        const names = g.users.map((id) => (id === meID ? "you" : displayName(byID, id))).join(", ");
        return html`
          <button type="button" key=${g.emoji} class=${g.mine ? "reaction reaction-mine" : "reaction"}
                  aria-pressed=${g.mine ? "true" : "false"} disabled=${disabled} title=${`Reacted: ${names}`}
                  aria-label=${`${g.emoji} ${g.count}: ${names}. ${g.mine ? "Remove your reaction" : "React the same"}`}
                  data-testid="reaction" data-emoji=${g.emoji} onClick=${() => onToggle(g.emoji, g.mine)}>
            <span aria-hidden="true">${g.emoji}</span> <span class="reaction-count" aria-hidden="true">${g.count}</span>
          </button>`;
      })}
      ${showAdd && !disabled && html`<${ReactionPicker} onPick=${pick} label=${label} />`}
    </div>`;
}

// mentionAt finds the "@part" being typed before the caret: {start, text} or null.
function mentionAt(value, caret) {
  const m = /(^|[^\w@])@([A-Za-z0-9_.-]{0,39})$/.exec(value.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, text: m[2].toLowerCase() } : null;
}

const maxSuggestions = 6;

/**
 * MentionTextarea is a textarea that suggests course members after "@".
 * Arrow keys move, Enter or Tab picks, Escape closes; other keys go to
 * onKeyDown (e.g. Enter to send). value/onValue keep it controlled; the
 * rest are textarea attributes.
 */
export function MentionTextarea({ value, onValue, members = [], meID, onKeyDown, inputRef, ...rest }) {
  const own = useRef(null);
  const ref = inputRef || own;
  const listID = useId();
  const [q, setQ] = useState(null);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    if (!q) return [];
    return members.filter((m) => m.user_id !== meID && m.username && (
      m.username.toLowerCase().startsWith(q.text) || (m.name || "").toLowerCase().split(/\s+/).some((w) => w.startsWith(q.text))
    )).slice(0, maxSuggestions);
  }, [q, members]);
  const open = matches.length > 0;

  const look = (el) => {
    const next = el.selectionStart === el.selectionEnd ? mentionAt(el.value, el.selectionStart) : null;
    setQ((cur) => (cur && next && cur.start === next.start && cur.text === next.text ? cur : next));
    setActive(0);
  };
  const pick = (m) => {
    const el = ref.current;
    const caret = el.selectionStart;
    const v = `${value.slice(0, q.start)}@${m.username} ${value.slice(caret)}`;
    const pos = q.start + m.username.length + 2;
    onValue(v);
    setQ(null);
    requestAnimationFrame(() => { el.focus(); el.setSelectionRange(pos, pos); });
  };
  const keyDown = (e) => {
    if (open && !e.isComposing) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = matches.length;
        setActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(matches[Math.min(active, matches.length - 1)]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setQ(null);
        return;
      }
    }
    if (onKeyDown) onKeyDown(e);
  };
  return html`
    <div class="mention-wrap">
      <textarea ref=${ref} value=${value} aria-autocomplete="list" aria-controls=${listID}
                aria-activedescendant=${open ? `${listID}-${active}` : undefined}
                onInput=${(e) => { onValue(e.currentTarget.value); look(e.currentTarget); }}
                onClick=${(e) => look(e.currentTarget)} onKeyDown=${keyDown}
                onBlur=${() => setTimeout(() => setQ(null), 150)} ...${rest}></textarea>
      <span class="visually-hidden" aria-live="polite">${open
        ? `${matches.length} ${matches.length === 1 ? "person" : "people"} to mention: arrow keys to choose, Enter to pick.` : ""}</span>
      <ul id=${listID} class="popup mention-list" role="listbox" aria-label="People to mention" hidden=${!open}
          data-testid="mention-list">
        ${matches.map((m, i) => html`
          <li key=${m.user_id} id=${`${listID}-${i}`} role="option" aria-selected=${i === active ? "true" : "false"}
              class=${i === active ? "mention-option active" : "mention-option"} data-testid="mention-option"
              onMouseDown=${(e) => { e.preventDefault(); pick(m); }}>
            <strong>${m.name || m.username}</strong> <span class="muted">@${m.username}</span>
            <${RoleBadge} role=${m.role} />
          </li>`)}
      </ul>
    </div>`;
}

// Keyboard access to a room's messages. The message list is one Tab stop: a
// roving tabindex makes the current message tabbable and nothing else in the
// list. ↑ and ↓ (Home, End) move between messages, → and ← through the
// focused message's actions (reactions, reply, edit …), Escape goes back to
// the message and, from a message, to the message box. A tap or click on a
// message focuses it, which shows its actions.
import { useEffect, useRef } from "../html.js";

const itemSelector = ":scope > li.msg";
const controlSelector = "button, a[href], audio[controls], video[controls], [tabindex]";

/** messagesHint tells screen-reader users the keys (the list's aria-describedby). */
export const messagesHint = "Arrow keys move between messages and, left and right, through a message's actions. " +
  "Escape goes to the message box.";

const messagesOf = (list) => [...list.querySelectorAll(itemSelector)];

// controlsOf returns a message's controls, its toolbar's first, leaving out
// those of an open popup or of the edit box, which keep their own keys and
// Tab stops.
const controlsOf = (li) => {
  const all = [...li.querySelectorAll(controlSelector)]
    .filter((el) => el !== li && !el.disabled && !el.closest(".popup, .msg-edit"));
  const inBar = (el) => !!el.closest(".msg-actions");
  return [...all.filter(inBar), ...all.filter((el) => !inBar(el))];
};

/**
 * useMessageKeys manages the list in listRef (an <ol> of li.msg) as
 * described above; onEscape moves the focus to the message box. ready
 * re-attaches it when the list is rendered anew.
 */
export function useMessageKeys(listRef, onEscape, ready) {
  const escape = useRef(onEscape);
  escape.current = onEscape;
  useEffect(() => {
    const list = listRef.current;
    if (!list) return undefined;
    let current = null; // the message that holds the list's Tab stop
    const sync = () => {
      const items = messagesOf(list);
      // Away from the list, its Tab stop follows the newest message.
      if (!items.includes(current) || !list.contains(document.activeElement)) current = items[items.length - 1] || null;
      for (const li of items) {
        li.tabIndex = li === current ? 0 : -1;
        // A failed send keeps its Retry one Tab away.
        if (!li.classList.contains("msg-failed")) for (const c of controlsOf(li)) c.tabIndex = -1;
      }
    };
    const onFocus = (e) => {
      const li = e.target.closest && e.target.closest("li.msg");
      if (li && li.parentElement === list && li !== current) {
        current = li;
        sync();
      }
    };
    const onKey = (e) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target;
      const li = t.closest && t.closest("li.msg");
      if (!li || li.parentElement !== list || t.closest(".popup, .msg-edit") || t.matches("textarea, input, audio, video")) return;
      const onMessage = t === li;
      const items = messagesOf(list);
      const i = items.indexOf(li);
      const go = (el) => {
        if (!el) return;
        e.preventDefault();
        el.focus();
        el.scrollIntoView({ block: "nearest" });
      };
      const controls = () => controlsOf(li);
      switch (e.key) {
        case "ArrowUp": go(items[i - 1]); break;
        case "ArrowDown": go(items[i + 1]); break;
        case "Home": if (onMessage) go(items[0]); break;
        case "End": if (onMessage) go(items[items.length - 1]); break;
        case "ArrowRight":
        case "ArrowLeft": {
          const cs = controls();
          const step = e.key === "ArrowRight" ? 1 : -1;
          if (onMessage) go(step > 0 ? cs[0] : cs[cs.length - 1]);
          else {
            const j = cs.indexOf(t) + step;
            go(j < 0 ? li : cs[j]);
          }
          break;
        }
        case "Escape":
          e.preventDefault();
          if (onMessage) escape.current();
          else li.focus();
          break;
        default:
      }
    };
    // A tap (or click) on a message's text focuses the message: its actions
    // show on touch screens, where there is no hover.
    const onClick = (e) => {
      const li = e.target.closest && e.target.closest("li.msg");
      if (li && li.parentElement === list && !e.target.closest(controlSelector.replace(", [tabindex]", ""))) {
        li.focus({ preventScroll: true });
      }
    };
    const observer = new MutationObserver(sync);
    observer.observe(list, { childList: true, subtree: true });
    sync();
    list.addEventListener("focusin", onFocus);
    list.addEventListener("keydown", onKey);
    list.addEventListener("click", onClick);
    return () => {
      observer.disconnect();
      list.removeEventListener("focusin", onFocus);
      list.removeEventListener("keydown", onKey);
      list.removeEventListener("click", onClick);
    };
  }, [ready]);
}

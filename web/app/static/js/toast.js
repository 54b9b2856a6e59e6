// Toasts: short confirmations announced to screen readers (aria-live).
import { html } from "./html.js";
import { createStore, useStore } from "./store.js";

const toasts = createStore([]);
let nextID = 1;

const timeoutMs = { success: 4000, info: 5000, error: 8000 };

/** toast shows a message; kind is "success", "info" or "error". */
export function toast(message, kind = "success") {
  const id = nextID++;
  toasts.set((list) => [...list.slice(-3), { id, message, kind }]);
  setTimeout(() => dismiss(id), timeoutMs[kind] || 5000);
}

function dismiss(id) {
  toasts.set((list) => list.filter((t) => t.id !== id));
}

export function Toaster() {
  const list = useStore(toasts);
  return html`
    <div class="toasts" aria-live="polite" aria-atomic="false" data-testid="toasts">
      ${list.map((t) => html`
        <div key=${t.id} class=${`toast toast-${t.kind}`} role=${t.kind === "error" ? "alert" : "status"}
             data-testid="toast">
          <span>${t.message}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick=${() => dismiss(t.id)}>×</button>
        </div>`)}
    </div>`;
}

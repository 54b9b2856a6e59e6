// confirm(): an accessible modal <dialog> that resolves to true or false.
// Every destructive action goes through it.
import { html, useEffect, useRef } from "./html.js";
import { createStore, useStore } from "./store.js";

const pending = createStore(null);

/**
 * confirm asks a question; opts: {title, body, confirmLabel, danger}.
 * Resolves to true when the person confirms.
 */
export function confirm(opts) {
  return new Promise((resolve) => {
    const prev = pending.get();
    if (prev) prev.resolve(false);
    pending.set({ ...opts, resolve });
  });
}

function settle(answer) {
  const req = pending.get();
  if (!req) return;
  pending.set(null);
  req.resolve(answer);
}

export function ConfirmHost() {
  const req = useStore(pending);
  const ref = useRef(null);
  const returnFocus = useRef(null);
  useEffect(() => {
    const dlg = ref.current;
    if (!dlg) return;
    if (req && !dlg.open) {
      returnFocus.current = document.activeElement;
      dlg.showModal();
    } else if (!req && dlg.open) {
      dlg.close();
      if (returnFocus.current && returnFocus.current.focus) returnFocus.current.focus();
    }
  }, [req]);
  return html`
    <dialog ref=${ref} class="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body"
            data-testid="confirm-dialog" onCancel=${(e) => { e.preventDefault(); settle(false); }}>
      ${req && html`
        <form method="dialog" onSubmit=${(e) => { e.preventDefault(); settle(true); }}>
          <h2 id="confirm-title">${req.title}</h2>
          <p id="confirm-body">${req.body}</p>
          <div class="dialog-actions">
            <button type="button" class="btn" data-testid="confirm-cancel" autofocus=${!!req.danger}
                    onClick=${() => settle(false)}>
              ${req.cancelLabel || "Cancel"}
            </button>
            <button type="submit" class=${req.danger ? "btn btn-danger" : "btn btn-primary"}
                    data-testid="confirm-ok" autofocus=${!req.danger}>
              ${req.confirmLabel || "Confirm"}
            </button>
          </div>
        </form>`}
    </dialog>`;
}

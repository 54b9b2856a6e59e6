// Form building blocks: labelled fields with inline errors taken from the
// problem's "field", a form-level error, a submit button that disables
// itself while pending, and useAction() to run a request.
import { html, useState, useCallback } from "./html.js";
import { ApiError, errorMessage } from "./api.js";

/**
 * useAction runs async work: {pending, error, run, setError}. run(fn)
 * resolves to fn's result, or undefined after an error (kept in error).
 */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(async (fn) => {
    setPending(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      if (e && e.name === "AbortError") return undefined;
      setError(e instanceof ApiError ? e : new ApiError({ code: "internal" }));
      if (!(e instanceof ApiError)) console.error(e);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, run, setError };
}

/** formValues reads a submitted form into a plain object of strings. */
export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** fieldError is the message for one field when the error names it. */
export function fieldError(error, name) {
  return error && error.field === name ? errorMessage(error) : "";
}

/**
 * Field is a labelled input. Props: id, name (defaults to id), label, hint,
 * error (the ApiError of the form; shown when its field is this name),
 * optional (adds "(optional)" to the label), and
 * any input attribute (type, value, required, autocomplete ...).
 */
export function Field({ id, name, label, hint, error, optional, type = "text", children, ...rest }) {
  name = name || id;
  const msg = typeof error === "string" ? error : fieldError(error, name);
  const describedBy = [hint && `${id}-hint`, msg && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const control = type === "select"
    ? html`<select id=${id} name=${name} aria-invalid=${msg ? "true" : undefined}
                   aria-describedby=${describedBy} ...${rest}>${children}</select>`
    : type === "textarea"
      ? html`<textarea id=${id} name=${name} aria-invalid=${msg ? "true" : undefined}
                       aria-describedby=${describedBy} ...${rest}></textarea>`
      : html`<input id=${id} name=${name} type=${type} aria-invalid=${msg ? "true" : undefined}
                    aria-describedby=${describedBy} ...${rest} />`;
  return html`
    <div class=${msg ? "field field-invalid" : "field"}>
      <label for=${id}>${label}${optional && html` <span class="optional">(optional)</span>`}</label>
      ${control}
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
      ${msg && html`<p class="field-error" id=${`${id}-error`} data-testid="field-error">${msg}</p>`}
    </div>`;
}

/**
 * FormError shows an error that no field of the form claims. fields lists
 * the names the form shows inline.
 */
export function FormError({ error, fields = [] }) {
  if (!error || (error.field && fields.includes(error.field))) return null;
  return html`
    <div class="alert alert-error" role="alert" data-testid="form-error">
      <strong>${error.title && error.title !== "Request failed" ? error.title : "That didn't work"}</strong>
      <span>${errorMessage(error)}</span>
    </div>`;
}

/** Submit is the form's submit button; disabled and busy while pending. */
export function Submit({ pending, children, pendingLabel, kind = "primary", testid }) {
  return html`
    <button type="submit" class=${`btn btn-${kind}`} disabled=${pending} aria-busy=${pending ? "true" : "false"}
            data-testid=${testid}>
      ${pending ? html`<span class="spinner" aria-hidden="true"></span> ${pendingLabel || "Working…"}` : children}
    </button>`;
}

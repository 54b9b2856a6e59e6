// Extensions on the submissions table: a learner's own due date (and
// optionally cut-off) when they need more time, granted, changed or revoked
// by graders in a small modal dialog (the look of confirm.js). On a group's
// row the dialog gives every learner in the group the same extension.
import { html, useEffect, useRef } from "../html.js";
import { when, fullTime } from "../format.js";
import { Field, FormError, Submit, useAction } from "../forms.js";
import { toast } from "../toast.js";
import { confirm } from "../confirm.js";
import { dateTimeInput, fromDateInput } from "./course-common.js";
import { putExtension, deleteExtension, putGroupExtension, deleteGroupExtension } from "./grades-api.js";

/**
 * extensionText is what a row says of its extension: "Extended to 12 Mar
 * 2026, 17:00"; on a group's row whose members' dates differ (or only some
 * have one), "2 of 3 extended"; "" for none.
 */
export function extensionText(row) {
  if (row.extension) return `Extended to ${fullTime(row.extension.due_at)}`;
  return row.extended_members ? `${row.extended_members} of ${row.members.length} extended` : "";
}

/** hasExtension says whether the row's learner, or anyone in the row's group, has one. */
export const hasExtension = (row) => !!row.extension || row.extended_members > 0;

/**
 * canExtend says whether a row may get an extension: a learner's, or a
 * group's with learners in it, on an assignment with a due date.
 */
export const canExtend = (a, row) => (!!row.user_id || (row.members || []).length > 0) && !!when(a.due_at);

/** defaultDue is the date the form starts with: the extension's, else a day after the assignment's. */
function defaultDue(a, x) {
  if (x) return dateTimeInput(x.due_at);
  const d = when(a.due_at);
  return d ? dateTimeInput(new Date(d.getTime() + 24 * 3600e3).toISOString()) : "";
}

/**
 * ExtensionDialog grants or changes row's extension (row.extension, if
 * any) or revokes it; on a group's row, every member's. onDone(changed)
 * closes it.
 */
export function ExtensionDialog({ a, row, onDone }) {
  const ref = useRef(null);
  const returnFocus = useRef(null);
  const x = row.extension;
  const group = !row.user_id;
  const { pending, error, run } = useAction();
  useEffect(() => {
    returnFocus.current = document.activeElement;
    const dlg = ref.current;
    if (dlg && !dlg.open) dlg.showModal();
    return () => { if (returnFocus.current && returnFocus.current.focus) returnFocus.current.focus(); };
  }, []);
  async function onSubmit(e) {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const body = { due_at: fromDateInput(f.due_at.value) || "0001-01-01T00:00:00Z", reason: f.reason.value };
    const cut = fromDateInput(f.cutoff_at.value);
    if (cut) body.cutoff_at = cut;
    const saved = await run(() => (group ? putGroupExtension(a.id, row.group_id, body).then((l) => l.items[0])
      : putExtension(a.id, row.user_id, body)));
    if (!saved) return;
    toast(`${group ? `Everyone in ${row.name}` : row.name} is now due ${fullTime(saved.due_at)}`, "success");
    onDone(true);
  }
  async function revoke() {
    const whose = group ? `the extensions in ${row.name}` : `${row.name}'s extension`;
    if (!(await confirm({ title: `Revoke ${whose}?`, body: "They are back at the assignment's due date.",
      confirmLabel: "Revoke", danger: true }))) return;
    const gone = group ? deleteGroupExtension(a.id, row.group_id) : deleteExtension(a.id, row.user_id);
    if (await run(() => gone.then(() => true))) {
      toast(`${whose[0].toUpperCase()}${whose.slice(1)} ${group ? "are" : "is"} revoked`, "success");
      onDone(true);
    }
  }
  const due = when(a.due_at), cut = when(a.cutoff_at);
  return html`
    <dialog ref=${ref} class="dialog extension-dialog" aria-labelledby="extension-title" data-testid="extension-dialog"
        onCancel=${(e) => { e.preventDefault(); onDone(false); }}>
      <form class="form" onSubmit=${onSubmit} data-testid="extension-form" noValidate>
        <h2 id="extension-title">${x ? "Change the extension" : "Grant an extension"}</h2>
        <p class="muted">For ${group ? html`every learner in <strong>${row.name}</strong> (${row.members.length})`
          : html`<strong>${row.name}</strong>`}. The assignment is due ${due ? fullTime(a.due_at) : "any time"}${cut ? `, cut-off ${fullTime(a.cutoff_at)}` : ""}.</p>
        <${FormError} error=${error} fields=${["due_at", "cutoff_at", "reason"]} />
        <${Field} id="extension-due" name="due_at" type="datetime-local" label="New due date" required
            defaultValue=${defaultDue(a, x)} error=${error} />
        <${Field} id="extension-cutoff" name="cutoff_at" type="datetime-local" optional label="Own cut-off"
            hint="Empty: the assignment's, or the new due date when that is later."
            defaultValue=${x && when(x.cutoff_at) ? dateTimeInput(x.cutoff_at) : ""} error=${error} />
        <${Field} id="extension-reason" name="reason" optional label="Reason (staff only)" maxLength="500"
            defaultValue=${x ? x.reason || "" : ""} error=${error} />
        <div class="dialog-actions">
          ${hasExtension(row) && html`<button type="button" class="btn btn-danger" data-testid="revoke-extension" disabled=${pending}
              onClick=${revoke}>Revoke</button>`}
          <button type="button" class="btn" data-testid="extension-cancel" onClick=${() => onDone(false)}>Cancel</button>
          <${Submit} pending=${pending} pendingLabel="Saving…" testid="save-extension">${x ? "Save" : "Grant extension"}<//>
        </div>
      </form>
    </dialog>`;
}

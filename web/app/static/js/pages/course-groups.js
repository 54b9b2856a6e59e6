// The groups of a course (People tab): create with a size limit and
// self-selection, rename, delete; learners are assigned in the members
// table or pick a self-select group themselves.
import { html, useState } from "../html.js";
import { errorMessage } from "../api.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { Section, Loading, ErrorState, Badge } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { createGroup, updateGroup, deleteGroup } from "./course-api.js";
import { can } from "./course-common.js";

const groupFields = ["name", "max_size", "self_select"];

function groupBody(v) {
  return { name: v.name.trim(), max_size: Number(v.max_size || 0), self_select: v.self_select === "on" };
}

function GroupForm({ group, onSaved, onCancel, submitLabel }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const g = await run(() => onSaved(groupBody(formValues(form))));
    if (g && !group) form.reset();
  }
  return html`
    <form class="form form-inline group-form" onSubmit=${onSubmit} data-testid="group-form">
      <${FormError} error=${error} fields=${groupFields} />
      <${Field} id=${`group-name-${group ? group.id : "new"}`} name="name" label="Group name" required maxlength="200"
          defaultValue=${group && group.name} error=${error} />
      <${Field} id=${`group-size-${group ? group.id : "new"}`} name="max_size" label="Size limit (0: none)" type="number"
          min="0" max="1000" defaultValue=${group ? String(group.max_size) : "0"} error=${error} class="input-narrow" />
      <label class="check check-inline">
        <input type="checkbox" name="self_select" defaultChecked=${group ? group.self_select : false} />
        <span>Learners pick it themselves</span>
      </label>
      <${Submit} pending=${pending}>${submitLabel}<//>
      ${onCancel && html`<button type="button" class="btn" onClick=${onCancel}>Cancel</button>`}
    </form>`;
}

function GroupRow({ group, manage, onChange }) {
  const [editing, setEditing] = useState(false);
  async function remove() {
    const ok = await confirm({
      title: `Delete the group “${group.name}”?`,
      body: "Its members stay in the course without a group. A room restricted to this group is deleted with it.",
      confirmLabel: "Delete group", danger: true,
    });
    if (!ok) return;
    try {
      await deleteGroup(group.id);
      toast(`Group “${group.name}” deleted.`);
      onChange();
    } catch (e) {
      toast(errorMessage(e), "error");
    }
  }
  if (editing) {
    return html`<li class="list-row"><${GroupForm} group=${group} submitLabel="Save" onCancel=${() => setEditing(false)}
      onSaved=${async (body) => { const g = await updateGroup(group.id, body); setEditing(false); toast("Group saved."); onChange(); return g; }} /></li>`;
  }
  const limit = group.max_size ? `${group.members} of ${group.max_size}` : `${group.members}`;
  return html`
    <li class="list-row" data-testid="group-row">
      <div class="list-main"><strong>${group.name}</strong>
        ${group.self_select && html` <${Badge} kind="accent">Self-select<//>`}
        ${group.max_size > 0 && group.members >= group.max_size && html` <${Badge}>Full<//>`}
        <div class="muted small">${limit} ${group.members === 1 ? "member" : "members"}</div></div>
      ${manage && html`<div class="row-actions">
        <button type="button" class="btn btn-small" onClick=${() => setEditing(true)}>Edit</button>
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${remove}>Delete</button></div>`}
    </li>`;
}

export function GroupsSection({ course, groups, onChange }) {
  const manage = can(course, "manage_people");
  let body;
  if (groups.loading && !groups.data) body = html`<${Loading} label="Loading groups…" />`;
  else if (groups.error) body = html`<${ErrorState} error=${groups.error} onRetry=${groups.reload} />`;
  else if (groups.data.items.length === 0) body = html`<p class="muted">No groups yet.${manage ? " Create one for group projects." : ""}</p>`;
  else {
    body = html`<ul class="list" data-testid="group-list">${groups.data.items.map((g) => html`
      <${GroupRow} key=${g.id} group=${g} manage=${manage} onChange=${onChange} />`)}</ul>`;
  }
  return html`
    <${Section} id="groups" title="Groups" testid="groups"
        description="Groups for projects. Assign learners in the members table, or let them pick self-select groups.">
      ${body}
      ${manage && html`<${GroupForm} submitLabel="Create group"
          onSaved=${async (b) => { const g = await createGroup(course.id, b); toast(`Group “${g.name}” created.`); onChange(); return g; }} />`}
    <//>`;
}

// /courses/{id}/people (staff): the members with their roles and groups,
// adding people by email or username, pending join requests, the CSV
// roster import and the groups. Changes need manage_people; TAs read.
import { html, useState } from "../html.js";
import { errorMessage } from "../api.js";
import { useApp } from "../session.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useLoad, Loading, ErrorState, Section, Time, useBusy } from "../ui.js";
import { plural } from "../format.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import {
  listMembers, enrol, setMemberRole, approveMember, declineMember, removeMember, listGroups, assignGroup,
} from "./course-api.js";
import { CourseFrame, can, isStaff, roleLabels } from "./course-common.js";
import { RosterImport } from "./course-roster.js";
import { GroupsSection } from "./course-groups.js";

const pageSize = 200;

function EnrolForm({ courseID, onAdded }) {
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const enr = await run(() => enrol(courseID, v.login.trim(), v.role));
    if (enr) {
      toast(`${enr.name || enr.username || v.login} is now a ${(roleLabels[enr.role] || enr.role).toLowerCase()} of the course.`);
      form.reset();
      onAdded(enr);
    }
  }
  return html`
    <form class="form form-inline" onSubmit=${onSubmit} data-testid="enrol-form">
      <${FormError} error=${error} fields=${["login", "role"]} />
      <${Field} id="enrol-login" name="login" label="Add by email or username" required autocomplete="off"
          autocapitalize="none" spellcheck="false" error=${error} placeholder="someone@school.example" />
      <${Field} id="enrol-role" name="role" label="Role" type="select" error=${error}>
        <option value="learner">Learner</option>
        <option value="ta">Teaching assistant</option>
        <option value="instructor">Instructor</option>
      <//>
      <${Submit} pending=${pending} pendingLabel="Adding…" testid="enrol-submit">Add to course<//>
    </form>`;
}

function Pending({ courseID, items, total, onChange }) {
  const [busy, setBusy] = useState(0);
  async function act(m, approve) {
    if (!approve) {
      const ok = await confirm({
        title: `Decline ${m.name || m.username}?`,
        body: "Their request is removed and they're told it was declined. They can ask again.",
        confirmLabel: "Decline", danger: true,
      });
      if (!ok) return;
    }
    setBusy(m.user_id);
    try {
      if (approve) await approveMember(courseID, m.user_id);
      else await declineMember(courseID, m.user_id);
      toast(approve ? `${m.name || m.username} joined the course.` : "Request declined.");
      onChange();
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setBusy(0);
    }
  }
  return html`
    <${Section} id="pending" title=${html`Waiting for approval <span class="badge badge-accent"><span
          data-testid="pending-count">${total}</span><span class="visually-hidden"> waiting</span></span>`} testid="pending-members"
        description="These people asked to join, from the catalogue or with a code that needs approval. They become learners once approved; either way they're told.">
      <ul class="list">
        ${items.map((m) => html`
          <li key=${m.user_id} class="list-row" data-testid="pending-row" data-username=${m.username}>
            <div class="list-main"><strong>${m.name || m.username}</strong>
              <div class="muted small">@${m.username} · asked <${Time} at=${m.created_at} /></div></div>
            <div class="row-actions">
              <button type="button" class="btn btn-small btn-primary" disabled=${busy === m.user_id}
                      onClick=${() => act(m, true)} data-testid="approve">Approve</button>
              <button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy === m.user_id}
                      onClick=${() => act(m, false)} data-testid="decline">Decline</button>
            </div>
          </li>`)}
      </ul>
    <//>`;
}

function MemberRow({ course, m, groups, me, onChange, onRemoved }) {
  const [busy, run] = useBusy();
  const manage = can(course, "manage_people");
  const name = m.name || m.username;
  const changeRole = (e) => {
    const role = e.currentTarget.value;
    const sel = e.currentTarget;
    run(async () => {
      try {
        const enr = await setMemberRole(course.id, m.user_id, role);
        onChange({ ...m, ...enr });
      } catch (err) {
        sel.value = m.role;
        throw err;
      }
    }, `${name} is now ${role === "instructor" ? "an" : "a"} ${roleLabels[role].toLowerCase()}.`);
  };
  const changeGroup = (e) => {
    const gid = Number(e.currentTarget.value);
    const sel = e.currentTarget;
    run(async () => {
      try {
        await assignGroup(course.id, m.user_id, gid);
        onChange({ ...m, group_id: gid || undefined });
      } catch (err) {
        sel.value = String(m.group_id || 0);
        throw err;
      }
    }, gid ? `${name} moved to ${(groups.find((g) => g.id === gid) || {}).name}.` : `${name} left the group.`);
  };
  async function remove() {
    const ok = await confirm({
      title: `Remove ${name} from the course?`,
      body: "They lose access to the course at once. Their progress is kept if you add them again.",
      confirmLabel: "Remove", danger: true,
    });
    if (ok) run(() => removeMember(course.id, m.user_id).then(() => onRemoved(m)), `${name} was removed.`);
  }
  const self = me && me.id === m.user_id;
  return html`
    <tr data-testid="member-row" data-username=${m.username} data-role=${m.role}>
      <td data-label="Name"><div class="cell-wrap"><strong>${name}</strong>${self && html` <span class="muted">(you)</span>`}
        <div class="muted small">@${m.username}</div></div></td>
      <td data-label="Role">
        ${manage ? html`<select class="select-small" aria-label=${`Role of ${name}`} value=${m.role} disabled=${busy}
                          onChange=${changeRole} data-testid="member-role">
                     ${Object.entries(roleLabels).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`
                 : roleLabels[m.role] || m.role}
      </td>
      <td data-label="Group">
        ${manage && groups.length > 0 && m.role === "learner"
          ? html`<select class="select-small" aria-label=${`Group of ${name}`} value=${String(m.group_id || 0)}
                   disabled=${busy} onChange=${changeGroup} data-testid="member-group">
              <option value="0">No group</option>
              ${groups.map((g) => html`<option value=${String(g.id)}>${g.name}</option>`)}</select>`
          : (groups.find((g) => g.id === m.group_id) || {}).name || html`<span class="muted">—</span>`}
      </td>
      <td data-label="Joined"><${Time} at=${m.created_at} /></td>
      <td class="cell-actions">
        ${manage && html`<button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy}
            onClick=${remove} data-testid="remove-member">Remove</button>`}
      </td>
    </tr>`;
}

function Members({ course, version, bump }) {
  const { me } = useApp();
  const [role, setRole] = useState("");
  const members = useLoad((signal) => listMembers(course.id, { status: "active", role, limit: pageSize }, signal),
    [course.id, role, version]);
  const pending = useLoad((signal) => (can(course, "manage_people")
    ? listMembers(course.id, { status: "pending", limit: pageSize }, signal) : Promise.resolve({ items: [] })),
  [course.id, version]);
  const groups = useLoad((signal) => listGroups(course.id, signal), [course.id, version]);
  const gs = (groups.data && groups.data.items) || [];

  let table;
  if (members.loading && !members.data) table = html`<${Loading} label="Loading members…" />`;
  else if (members.error) table = html`<${ErrorState} error=${members.error} onRetry=${members.reload} />`;
  else {
    const d = members.data;
    table = html`
      <div class=${members.loading ? "is-refreshing" : ""}>
        <table class="table table-cards" data-testid="member-table">
          <caption class="visually-hidden">Members</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Group</th>
            <th scope="col">Joined</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            ${d.items.map((m) => html`<${MemberRow} key=${m.user_id} course=${course} m=${m} groups=${gs} me=${me}
                onChange=${(nm) => members.setData((x) => ({ ...x, items: x.items.map((y) => (y.user_id === nm.user_id ? nm : y)) }))}
                onRemoved=${() => bump()} />`)}
          </tbody>
        </table>
        <p class="muted small">${plural(d.total !== undefined ? d.total : d.items.length, "member")}
          ${d.next_cursor ? ` · showing the first ${d.items.length}` : ""}</p>
      </div>`;
  }
  return html`
    ${pending.data && pending.data.items.length > 0 && html`<${Pending} courseID=${course.id} items=${pending.data.items}
        total=${pending.data.total !== undefined ? pending.data.total : pending.data.items.length} onChange=${bump} />`}
    <${Section} id="members" title="Members" testid="members"
        actions=${html`<div class="field field-compact"><label for="role-filter" class="visually-hidden">Show</label>
          <select id="role-filter" class="select-small" value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
            <option value="">Everyone</option><option value="learner">Learners</option>
            <option value="ta">Teaching assistants</option><option value="instructor">Instructors</option></select></div>`}>
      ${can(course, "manage_people") && html`<${EnrolForm} courseID=${course.id} onAdded=${bump} />`}
      ${table}
    <//>
    ${can(course, "manage_people") && html`<${RosterImport} courseID=${course.id} onApplied=${bump} />`}
    <${GroupsSection} course=${course} groups=${groups} onChange=${bump} />`;
}

export default function PeoplePage({ params }) {
  const [version, setVersion] = useState(0);
  return html`
    <${CourseFrame} id=${params.id} tab="people" title="People" allow=${isStaff}>
      ${(course) => html`<${Members} course=${course} version=${version} bump=${() => setVersion((n) => n + 1)} />`}
    <//>`;
}


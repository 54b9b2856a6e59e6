// /admin/users: search, paginated table, create, invite, disable/enable,
// make/remove admin, anonymise and delete (with confirmation).
import { html, useState } from "../html.js";
import { get, patch, post, del, query } from "../api.js";
import { useApp } from "../session.js";
import {
  useTitle, useLoad, useDebounced, PageTitle, Loading, ErrorState, EmptyState, Avatar, Badge, Time,
  useBusy,
} from "../ui.js";
import { plural } from "../format.js";
import { confirm } from "../confirm.js";
import { CreateUserForm, InviteForm, InvitesList } from "./admin-user-forms.js";

const pageSize = 25;
const searchDelayMs = 300;

function UserRow({ user, me, onChange, onDelete }) {
  const self = user.id === me.id;
  const [busy, run] = useBusy();
  const name = user.name || user.username;

  async function update(changes, question, done) {
    if (question && !(await confirm(question))) return;
    await run(async () => onChange(await patch(`/admin/users/${user.id}`, changes)), done);
  }
  async function remove() {
    const ok = await confirm({
      title: `Delete ${name}?`,
      body: `${user.email} loses access and their account is removed. This can't be undone. To keep their work but block access, disable the account instead.`,
      confirmLabel: "Delete user", danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await del(`/admin/users/${user.id}`);
      onDelete(user);
    }, `${name} was deleted.`);
  }
  async function anonymise() {
    const ok = await confirm({
      title: `Anonymise ${name}?`,
      body: `The account becomes "Deleted user" and can no longer sign in; posts, chat messages and course announcements stay under that name. Grades follow the retention setting (Privacy page). This can't be undone.`,
      confirmLabel: "Anonymise", danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await post(`/admin/users/${user.id}/anonymise`);
      onChange({ ...user, name: "Deleted user", username: `deleted-${user.id}`, email: `deleted-${user.id}@deleted.invalid`,
        disabled: true, avatar_url: "" });
    }, `${name} was anonymised.`);
  }
  const admin = user.role === "admin";
  const anonymised = user.username === `deleted-${user.id}`;
  return html`
    <tr data-testid="user-row" data-user-id=${user.id} data-username=${user.username}
        class=${user.disabled ? "row-muted" : ""}>
      <td data-label="User">
        <div class="user-cell">
          <${Avatar} user=${user} size="sm" />
          <div class="cell-wrap"><strong>${name}</strong>${self && html` <span class="muted">(you)</span>`}
            <div class="muted small">@${user.username} · ${user.email}</div></div>
        </div>
      </td>
      <td data-label="Role">${admin ? html`<${Badge} kind="accent">Administrator<//>` : "Member"}</td>
      <td data-label="Status">${user.disabled ? html`<${Badge} kind="danger">Disabled<//>`
                                             : html`<${Badge} kind="success">Active<//>`}</td>
      <td data-label="Last sign-in"><${Time} at=${user.last_login_at} fallback="Never" /></td>
      <td class="cell-actions">
        <div class="row-actions">
          ${!anonymised && html`
          <button type="button" class="btn btn-small" disabled=${busy} data-testid="toggle-admin"
            onClick=${() => update({ role: admin ? "user" : "admin" }, admin
              ? { title: `Remove administrator rights from ${name}?`, body: "They keep their account but can no longer manage users, settings or the audit log.", confirmLabel: "Remove admin", danger: true }
              : { title: `Make ${name} an administrator?`, body: "Administrators can manage all users and site settings and read the audit log.", confirmLabel: "Make admin" },
              admin ? `${name} is no longer an administrator.` : `${name} is now an administrator.`)}>
            ${admin ? "Remove admin" : "Make admin"}</button>
          <button type="button" class="btn btn-small" disabled=${busy || self} data-testid="toggle-disabled"
            title=${self ? "You can't disable your own account" : undefined}
            onClick=${() => update({ disabled: !user.disabled }, user.disabled ? null
              : { title: `Disable ${name}?`, body: "They are signed out and can't sign in until you enable the account again. Nothing is deleted.", confirmLabel: "Disable account", danger: true },
              user.disabled ? `${name} can sign in again.` : `${name} was disabled.`)}>
            ${user.disabled ? "Enable" : "Disable"}</button>`}
          ${!self && !admin && !anonymised && html`<button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy}
            data-testid="anonymise-user" onClick=${anonymise}>Anonymise</button>`}
          ${!self && html`<button type="button" class="btn btn-small btn-danger-ghost" disabled=${busy}
            data-testid="delete-user" onClick=${remove}>Delete</button>`}
        </div>
      </td>
    </tr>`;
}

function UsersTable({ data, me, onChange, onDelete }) {
  return html`
    <table class="table table-cards" data-testid="user-table">
      <caption class="visually-hidden">Users</caption>
      <thead><tr>
        <th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th>
        <th scope="col">Last sign-in</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead>
      <tbody>
        ${data.items.map((u) => html`<${UserRow} key=${u.id} user=${u} me=${me} onChange=${onChange}
                                                onDelete=${onDelete} />`)}
      </tbody>
    </table>`;
}

export default function AdminUsersPage() {
  const { site, me, setMe } = useApp();
  useTitle("Users", site);
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), searchDelayMs);
  // Cursor pagination: stack[i] = {cursor, from} of page i for the search q
  // (from: the 1-based number of its first user).
  const first = { cursor: "", from: 1 };
  const [pager, setPager] = useState({ q: "", stack: [first], idx: 0 });
  const page = pager.q === q ? pager : { q, stack: [first], idx: 0 };
  const { cursor, from } = page.stack[page.idx];
  const [panel, setPanel] = useState(null); // "create" | "invite" | null
  const [invitesVersion, setInvitesVersion] = useState(0);
  const users = useLoad((signal) => get(`/admin/users${query({ q, limit: pageSize, cursor })}`, { signal }), [q, cursor]);

  const onChange = (u) => {
    users.setData((d) => ({ ...d, items: d.items.map((x) => (x.id === u.id ? u : x)) }));
    if (u.id === me.id) setMe(u);
  };
  const onDelete = (u) => users.setData((d) => ({
    ...d, items: d.items.filter((x) => x.id !== u.id), total: Math.max(0, (d.total || 1) - 1),
  }));

  let body;
  if (users.loading && !users.data) body = html`<${Loading} label="Loading users…" />`;
  else if (users.error) body = html`<${ErrorState} error=${users.error} onRetry=${users.reload} />`;
  else if (users.data.items.length === 0) {
    body = q
      ? html`<${EmptyState} title="No matching users" testid="users-empty" icon="search">
          <p>Nobody's name, username or email contains “${q}”. Check the spelling
          or <button type="button" class="link" onClick=${() => setSearch("")}>clear the search</button>.</p><//>`
      : html`<${EmptyState} title="No users yet" testid="users-empty"><p>Create a user or send an invitation.</p><//>`;
  } else {
    const d = users.data;
    body = html`
      <div class=${users.loading ? "is-refreshing" : ""} aria-busy=${users.loading ? "true" : "false"}>
        <${UsersTable} data=${d} me=${me} onChange=${onChange} onDelete=${onDelete} />
      </div>
      <nav class="pager" aria-label="Pages of users">
        <span class="muted" data-testid="users-count">
          ${d.total !== undefined ? `Showing ${from}–${from + d.items.length - 1} of ${plural(d.total, "user")}`
                                  : `Showing ${plural(d.items.length, "user")}`}
        </span>
        <div class="pager-buttons">
          <button type="button" class="btn btn-small" disabled=${page.idx === 0 || users.loading}
            onClick=${() => setPager({ ...page, idx: page.idx - 1 })}>← Previous</button>
          <button type="button" class="btn btn-small" disabled=${!d.next_cursor || users.loading} data-testid="users-next"
            onClick=${() => setPager({
              q, idx: page.idx + 1,
              stack: [...page.stack.slice(0, page.idx + 1), { cursor: d.next_cursor, from: from + d.items.length }],
            })}>
            Next →</button>
        </div>
      </nav>`;
  }

  const toggle = (name) => setPanel(panel === name ? null : name);
  return html`
    <div class="page">
      <div class="page-head">
        <${PageTitle} sub="Everyone with an account on this site.">Users<//>
        <div class="page-actions">
          <button type="button" class="btn btn-primary" aria-expanded=${panel === "create" ? "true" : "false"}
                  data-testid="show-create-user" onClick=${() => toggle("create")}>New user</button>
          <button type="button" class="btn" aria-expanded=${panel === "invite" ? "true" : "false"}
                  data-testid="show-invite" onClick=${() => toggle("invite")}>Invite someone</button>
          <a class="btn" href="/admin/users/import" data-testid="show-import">Import from CSV</a>
          <a class="btn" href="/admin/privacy" data-testid="show-privacy">Privacy and deletion requests</a>
        </div>
      </div>
      ${panel === "create" && html`<${CreateUserForm} onCancel=${() => setPanel(null)}
          onCreated=${() => { setPanel(null); setPager({ q, stack: [first], idx: 0 }); users.reload(); }} />`}
      ${panel === "invite" && html`<${InviteForm} onCancel=${() => setPanel(null)}
          onInvited=${() => setInvitesVersion((n) => n + 1)} />`}
      <div class="toolbar">
        <div class="field field-search">
          <label for="q">Search users</label>
          <input id="q" name="q" type="search" placeholder="Name, username or email" value=${search}
                 autocomplete="off" onInput=${(e) => setSearch(e.currentTarget.value)} data-testid="user-search" />
        </div>
      </div>
      ${body}
      <${InvitesList} version=${invitesVersion} />
    </div>`;
}

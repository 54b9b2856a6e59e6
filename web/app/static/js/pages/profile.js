// /profile: account details, avatar, password, sessions and API tokens.
import { html, useState, useEffect, useRef } from "../html.js";
import { api, patch, del } from "../api.js";
import { useApp } from "../session.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useTitle, PageTitle, Section, Avatar } from "../ui.js";
import { confirm } from "../confirm.js";
import { toast } from "../toast.js";
import { usernameHint } from "./auth-shell.js";
import { PasswordSection, SessionsSection } from "./profile-security.js";
import { TokensSection } from "./profile-tokens.js";
import { PrivacySection } from "./profile-privacy.js";

const maxAvatarBytes = 2 << 20; // mirrors the server's 2 MiB limit
const avatarTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

function AccountSection() {
  const { me, setMe } = useApp();
  const { pending, error, run } = useAction();
  async function onSubmit(e) {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const changes = {};
    for (const k of ["name", "email", "username"]) {
      if (v[k].trim() !== me[k]) changes[k] = v[k].trim();
    }
    if (Object.keys(changes).length === 0) {
      toast("Nothing to save: no changes.", "info");
      return;
    }
    const user = await run(() => patch("/me", changes));
    if (user) {
      setMe(user);
      toast("Profile saved.");
    }
  }
  return html`
    <${Section} id="account" title="Account" description="Your name is shown to teachers and classmates.">
      <form class="form" onSubmit=${onSubmit} data-testid="profile-form">
        <${FormError} error=${error} fields=${["name", "email", "username"]} />
        <${Field} id="name" label="Full name" required maxlength="200" autocomplete="name"
            defaultValue=${me.name} error=${error} />
        <${Field} id="email" label="Email address" type="email" required autocomplete="email"
            defaultValue=${me.email} error=${error} />
        <${Field} id="username" label="Username" required minlength="3" maxlength="40" autocomplete="username"
            autocapitalize="none" spellcheck="false" defaultValue=${me.username} error=${error} hint=${usernameHint} />
        <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…">Save changes<//></div>
      </form>
    <//>`;
}

function AvatarSection() {
  const { me, setMe } = useApp();
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState("");
  const [localError, setLocalError] = useState("");
  const input = useRef(null);
  const { pending, error, run } = useAction();

  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  function reset() {
    setFile(null);
    setPreview("");
    if (input.current) input.current.value = "";
  }
  function onChange(e) {
    const f = e.currentTarget.files && e.currentTarget.files[0];
    setLocalError("");
    if (!f) return reset();
    if (!avatarTypes.includes(f.type)) {
      setLocalError("Choose a PNG, JPEG, GIF or WebP image.");
      return reset();
    }
    if (f.size > maxAvatarBytes) {
      setLocalError("That image is larger than 2 MB. Choose a smaller one or shrink it first.");
      return reset();
    }
    setFile(f);
    setPreview(URL.createObjectURL(f));
  }
  async function onSubmit(e) {
    e.preventDefault();
    if (!file) {
      setLocalError("Choose an image first.");
      return;
    }
    const user = await run(() => api("PUT", "/me/avatar", { body: file, contentType: file.type }));
    if (user) {
      setMe(user);
      reset();
      toast("Profile picture updated.");
    }
  }
  async function remove() {
    const ok = await confirm({
      title: "Remove your profile picture?", body: "Your initials will be shown instead.",
      confirmLabel: "Remove picture", danger: true,
    });
    if (!ok) return;
    const user = await run(() => del("/me/avatar"));
    if (user) {
      setMe(user);
      toast("Profile picture removed.");
    }
  }
  const fieldMsg = localError || (error && error.message);
  return html`
    <${Section} id="avatar-section" title="Profile picture"
        description="PNG, JPEG, GIF or WebP, up to 2 MB. A square image works best.">
      <form class="avatar-form" onSubmit=${onSubmit} data-testid="avatar-form">
        <div class="avatar-preview">
          ${preview ? html`<img class="avatar avatar-xl" src=${preview} alt="Preview of your new picture"
                                data-testid="avatar-preview" />`
                    : html`<${Avatar} user=${me} size="xl" />`}
        </div>
        <div class="avatar-controls">
          <${Field} id="avatar" label=${preview ? "Chosen picture" : "Choose a picture"} type="file"
              accept=${avatarTypes.join(",")} ref=${input} onChange=${onChange} error=${fieldMsg} />
          <div class="actions">
            ${file && html`
              <${Submit} pending=${pending} pendingLabel="Uploading…">Upload picture<//>
              <button type="button" class="btn" onClick=${reset} disabled=${pending}>Cancel</button>`}
            ${!file && me.avatar_url && html`
              <button type="button" class="btn btn-danger-ghost" onClick=${remove} disabled=${pending}>
                Remove picture</button>`}
          </div>
        </div>
      </form>
    <//>`;
}

export default function ProfilePage() {
  const { site, me } = useApp();
  useTitle("Profile", site);
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return html`
    <div class="page narrow">
      <${PageTitle} sub="Your account, sign-in security and integrations.">Profile<//>
      <${AccountSection} />
      <${AvatarSection} />
      <${PasswordSection} username=${me.username} onChanged=${() => setSessionsVersion((n) => n + 1)} />
      <${SessionsSection} version=${sessionsVersion} />
      <${TokensSection} />
      <${PrivacySection} />
    </div>`;
}

// The centred card that frames the signed-out pages (sign in, sign up,
// setup, invitation), and the password rules they share with the server.
import { html } from "../html.js";
import { PageTitle } from "../ui.js";
import { Field } from "../forms.js";

/** Mirrors internal/auth: MinPasswordChars, MinUsernameChars, MaxUsernameChars. */
export const minPassword = 8;
export const usernameHint = "3 to 40 characters: letters a–z, digits and _ . - (you can sign in with it).";
export const passwordHint = `At least ${minPassword} characters. A few unrelated words make a strong password.`;

export function AuthShell({ title, sub, children, footer, testid }) {
  return html`
    <div class="auth" data-testid=${testid}>
      <div class="card auth-card">
        <${PageTitle} sub=${sub}>${title}<//>
        ${children}
      </div>
      ${footer && html`<div class="auth-footer">${footer}</div>`}
    </div>`;
}

/** AccountFields are the inputs shared by setup, sign-up and invitations. */
export function AccountFields({ error, email = true, emailHint }) {
  return html`
    ${email && html`<${Field} id="email" label="Email address" type="email" required autocomplete="email"
        error=${error} hint=${emailHint} />`}
    <${Field} id="name" label="Full name" required autocomplete="name" maxlength="200" error=${error}
        hint="Shown to teachers and classmates." />
    <${Field} id="username" label="Username" required autocomplete="username" minlength="3" maxlength="40"
        autocapitalize="none" spellcheck="false" error=${error} hint=${usernameHint} />
    <${Field} id="password" label="Password" type="password" required autocomplete="new-password"
        minlength=${minPassword} error=${error} hint=${passwordHint} />`;
}

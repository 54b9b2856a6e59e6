// /notifications/settings: the signed-in user's notification settings:
// time zone (from the browser until they choose) and quiet hours for email,
// for each kind whether it shows in the app and how it is emailed (at once,
// in the daily digest, or not), and courses they mute.
import { html } from "../html.js";
import { get, put } from "../api.js";
import { useApp } from "../session.js";
import { useAction, formValues, Field, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState, Section } from "../ui.js";
import { toast } from "../toast.js";
import { myCourses } from "./course-api.js";

/** browserZone is the browser's IANA time zone ("" if it does not say). */
export const browserZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
};

const zones = () => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
};

const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const minutes = (s) => {
  const [h, m] = String(s || "0:0").split(":").map(Number);
  return (h || 0) * 60 + (m || 0);
};

/** loadSettings fetches the settings and the caller's courses. */
async function loadSettings(signal) {
  const [settings, courses] = await Promise.all([get("/me/notification-settings", { signal }), myCourses(signal)]);
  return { settings, courses: courses.items || [] };
}

function SettingsForm({ data, onSaved }) {
  const { pending, error, run } = useAction();
  const s = data.settings;
  const zone = s.time_zone || browserZone();
  async function onSubmit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const kinds = {};
    for (const k of s.kind_list) {
      kinds[k.name] = { in_app: form.elements[`inapp-${k.name}`].checked, email: v[`email-${k.name}`] };
    }
    const muted = data.courses.filter((c) => form.elements[`mute-${c.id}`].checked).map((c) => c.id);
    const body = { time_zone: v.time_zone.trim(), quiet_start: minutes(v.quiet_start), quiet_end: minutes(v.quiet_end),
      kinds, muted_courses: muted };
    const saved = await run(() => put("/me/notification-settings", body));
    if (saved) {
      onSaved(saved);
      toast("Notification settings saved.");
    }
  }
  const pref = (k) => s.kinds[k.name] || { in_app: k.in_app, email: k.email };
  return html`
    <form class="form" onSubmit=${onSubmit} data-testid="notify-settings-form" key=${s.updated_at || "new"}>
      <${FormError} error=${error} fields=${["time_zone", "quiet_start", "quiet_end"]} />
      <${Section} id="zone" title="Time and quiet hours"
          description="Dates in notifications and emails are shown in your time zone. Emails that would arrive in quiet hours wait until they end.">
        <${Field} id="time_zone" label="Time zone" list="zone-list" defaultValue=${zone} error=${error}
            hint=${s.time_zone ? "" : "Taken from this browser until you save."} data-testid="notify-zone" />
        <datalist id="zone-list">${zones().map((z) => html`<option value=${z} />`)}</datalist>
        <div class="grid-2">
          <${Field} id="quiet_start" label="Quiet from" type="time" defaultValue=${hhmm(s.quiet_start)} error=${error}
              data-testid="quiet-start" />
          <${Field} id="quiet_end" label="until" type="time" defaultValue=${hhmm(s.quiet_end)} error=${error}
              hint="The same time twice: no quiet hours." data-testid="quiet-end" />
        </div>
      <//>
      <${Section} id="kinds" title="What you hear about"
          description="Email at once, collected in one daily digest, or not at all; in the app or not.">
        <ul class="pref-list" data-testid="notify-kinds">
          ${s.kind_list.map((k) => html`
            <li class="pref-row" key=${k.name} data-kind=${k.name}>
              <span class="pref-label" id=${`kind-${k.name}`}>${k.label}</span>
              <label class="check pref-inapp">
                <input type="checkbox" name=${`inapp-${k.name}`} defaultChecked=${pref(k).in_app}
                       aria-describedby=${`kind-${k.name}`} data-testid=${`inapp-${k.name}`} />
                <span>In the app</span>
              </label>
              <select name=${`email-${k.name}`} aria-label=${`Email for: ${k.label}`} class="pref-email"
                      data-testid=${`email-${k.name}`}>
                ${[["now", "Email at once"], ["digest", "Daily digest"], ["off", "No email"]].map(([v, l]) => html`
                  <option value=${v} selected=${pref(k).email === v}>${l}</option>`)}
              </select>
            </li>`)}
        </ul>
      <//>
      <${Section} id="mutes" title="Muted courses" description="Nothing from a muted course reaches you, in the app or by email.">
        ${data.courses.length === 0
          ? html`<p class="muted" data-testid="no-courses">You are not in any course yet.</p>`
          : html`<ul class="pref-list">
              ${data.courses.map((c) => html`
                <li key=${c.id} class="pref-row"><label class="check">
                  <input type="checkbox" name=${`mute-${c.id}`} defaultChecked=${s.muted_courses.includes(c.id)}
                         data-testid=${`mute-${c.id}`} />
                  <span>Mute ${c.title}</span></label></li>`)}
            </ul>`}
      <//>
      <div class="actions"><${Submit} pending=${pending} pendingLabel="Saving…" testid="notify-settings-save">Save settings<//></div>
    </form>`;
}

export default function NotificationSettingsPage() {
  const { site } = useApp();
  useTitle("Notification settings", site);
  const load = useLoad(loadSettings, []);
  let body;
  if (load.loading && !load.data) body = html`<${Loading} label="Loading your settings…" />`;
  else if (load.error) body = html`<${ErrorState} error=${load.error} onRetry=${load.reload} />`;
  else body = html`<${SettingsForm} data=${load.data} onSaved=${(settings) => load.setData((d) => ({ ...d, settings }))} />`;
  return html`
    <div class="page narrow">
      <div class="page-head">
        <${PageTitle} sub="How and when Lyceum tells you what happened.">Notification settings<//>
        <div class="page-actions"><a class="btn" href="/notifications">Back to notifications</a></div>
      </div>
      ${body}
    </div>`;
}

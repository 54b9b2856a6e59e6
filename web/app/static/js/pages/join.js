// /join/{code}: join a course with its join code (the link a teacher
// shares), and JoinCodeForm, the "join with a code" form used elsewhere.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { useTitle, PageTitle } from "../ui.js";
import { toast } from "../toast.js";
import { joinCourse } from "./course-api.js";
import { coursePath } from "./course-common.js";

/** normalizeCode upper-cases a typed code and drops spaces and dashes. */
export function normalizeCode(s) {
  return (s || "").toUpperCase().replace(/[\s-]+/g, "");
}

// useJoin joins with a code and goes to the course (or says it awaits approval).
function useJoin() {
  const action = useAction();
  const [pendingApproval, setPendingApproval] = useState(null);
  async function join(code) {
    const enr = await action.run(() => joinCourse(code));
    if (!enr) return;
    if (enr.status === "pending") {
      setPendingApproval(enr);
      return;
    }
    toast("You joined the course.");
    navigate(coursePath(enr.course_id));
  }
  return { ...action, join, pendingApproval };
}

function PendingNotice() {
  return html`
    <div class="alert alert-info" role="status" data-testid="join-pending">
      <strong>Almost there: your request is waiting for approval.</strong>
      <span>A teacher of the course has to approve it. The course appears under
      <a href="/courses">Courses</a> once they do.</span>
    </div>`;
}

/** JoinCodeForm asks for a join code and joins the course. */
export function JoinCodeForm({ initial = "" }) {
  const { pending, error, join, pendingApproval } = useJoin();
  const [code, setCode] = useState(initial);
  function onSubmit(e) {
    e.preventDefault();
    const c = normalizeCode(code);
    if (c) join(c);
  }
  return html`
    <form class="form" onSubmit=${onSubmit} data-testid="join-form">
      ${pendingApproval && html`<${PendingNotice} />`}
      <${FormError} error=${error} fields=${["code"]} />
      <${Field} id="join-code" name="code" label="Join code" required autocomplete="off" autocapitalize="characters"
          spellcheck="false" maxlength="40" value=${code} onInput=${(e) => setCode(e.currentTarget.value)}
          error=${error} class="input-code" />
      <${Submit} pending=${pending} pendingLabel="Joining…" testid="join-submit">Join course<//>
    </form>`;
}

export default function JoinPage({ params }) {
  const { site } = useApp();
  useTitle("Join a course", site);
  const code = normalizeCode(params.code);
  const { pending, error, join, pendingApproval } = useJoin();
  if (!code) {
    return html`
      <div class="page auth">
        <div class="card auth-card" data-testid="join-page">
          <${PageTitle} sub="Type the code your teacher shows or shares.">Join a course<//>
          <${JoinCodeForm} />
        </div>
      </div>`;
  }
  return html`
    <div class="page auth">
      <div class="card auth-card" data-testid="join-page">
        <${PageTitle} sub="You were invited to join a course with this code.">Join a course<//>
        <p class="join-code-small" data-testid="join-page-code">${code}</p>
        ${pendingApproval ? html`<${PendingNotice} />` : html`
          <div class="form">
            <${FormError} error=${error} />
            <button type="button" class="btn btn-primary" disabled=${pending} aria-busy=${pending ? "true" : "false"}
                    onClick=${() => join(code)} data-testid="join-confirm">
              ${pending ? "Joining…" : "Join course"}</button>
            <a class="btn btn-ghost" href="/courses">Not now</a>
          </div>`}
      </div>
    </div>`;
}

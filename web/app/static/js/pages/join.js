// /join/{code}: the course a join code opens (its catalogue card) and
// "Join course" (the link a teacher shares); /join: type a code; and
// JoinCodeForm, the "join with a code" form used elsewhere.
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useApp } from "../session.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { useTitle, useLoad, PageTitle, Loading, ErrorState } from "../ui.js";
import { toast } from "../toast.js";
import { joinCourse, joinPreview } from "./course-api.js";
import { coursePath } from "./course-common.js";
import { CourseCard } from "./catalogue-card.js";
import { PinJoinForm } from "./livequiz-pin.js";

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
      <span>A teacher of the course has to approve it. The course appears
      under <a href="/courses">Courses</a> once they do.</span>
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

// JoinPreview shows the course the code opens before "Join course": its
// card (title, teachers, cover, summary) and what joining does.
function JoinPreview({ code }) {
  const preview = useLoad((signal) => joinPreview(code, signal), [code]);
  const { pending, error, join, pendingApproval } = useJoin();
  if (preview.loading && !preview.data) return html`<${Loading} label="Looking up the code…" />`;
  if (preview.error) {
    if (preview.error.status !== 404) return html`<${ErrorState} error=${preview.error} onRetry=${preview.reload} />`;
    return html`
      <div class="alert alert-error" role="alert" data-testid="join-invalid">
        <strong>This join code doesn't work.</strong>
        <span>It may be mistyped, turned off or expired. Check it with your teacher, or type it here.</span>
      </div>
      <${JoinCodeForm} />`;
  }
  const card = preview.data;
  let foot;
  if (card.status === "active") {
    foot = html`<p class="muted small">You're already in this course.</p>
      <a class="btn btn-primary" href=${coursePath(card.id)} data-testid="join-open">Open course</a>`;
  } else if (card.status === "pending" || pendingApproval) {
    foot = html`<${PendingNotice} />`;
  } else {
    foot = html`
      <div class="form join-actions">
        <${FormError} error=${error} />
        ${card.enrol_mode === "approval" && html`<p class="muted small">A teacher approves each person who joins.</p>`}
        <button type="button" class="btn btn-primary" disabled=${pending} aria-busy=${pending ? "true" : "false"}
                onClick=${() => join(code)} data-testid="join-confirm">
          ${pending ? "Joining…" : "Join course"}</button>
        <a class="btn btn-ghost" href="/courses">Not now</a>
      </div>`;
  }
  return html`<${CourseCard} card=${card} testid="join-card">${foot}<//>`;
}

export default function JoinPage({ params }) {
  const { site, me } = useApp();
  useTitle(me ? "Join a course" : "Join a live quiz", site);
  const code = normalizeCode(params.code);
  if (!me) {
    // Signed out: a live quiz guest with a PIN (the route is public).
    return html`
      <div class="page auth">
        <div class="card auth-card" data-testid="quiz-join-page">
          <${PageTitle} sub="Type the PIN your teacher shows and pick a nickname.">Join a live quiz<//>
          <${PinJoinForm} />
          <p class="muted small">Have an account? <a href="/login?next=%2Fjoin">Sign in</a> to join a course instead.</p>
        </div>
      </div>`;
  }
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
    <div class="page join-preview" data-testid="join-page">
      <${PageTitle} sub="You were invited to join this course.">Join a course<//>
      <${JoinPreview} code=${code} />
      <p class="muted small join-code-line">Join code <span class="join-code-small" data-testid="join-page-code">${code}</span></p>
    </div>`;
}

// Entry point: loads the site and the signed-in user, then renders the
// layout and the page for the current route. Pages are ES modules loaded
// on first use (static/js/pages/*.js), each exporting a default component.
import { html, render, useState, useEffect, useLayoutEffect, useRef, useMemo } from "./html.js";
import { get, ApiError } from "./api.js";
import { AppContext, useApp, isAdmin, sessionEnded } from "./session.js";
import { live } from "./live.js";
import { useLocation, matchRoute, navigate, safeNext, loginURL } from "./router.js";
import { Layout } from "./layout.js";
import { Loading, ErrorState } from "./ui.js";
import { toast } from "./toast.js";

// access: "public" (anyone), "anon" (signed-out only; signed-in people go
// on to ?next= or /), "user" (signed in), "admin" (site administrators).
const routes = [
  { path: "/", access: "user", load: () => import("./pages/dashboard.js") },
  { path: "/login", access: "anon", load: () => import("./pages/login.js") },
  { path: "/signup", access: "anon", load: () => import("./pages/signup.js") },
  { path: "/setup", access: "public", load: () => import("./pages/setup.js") },
  { path: "/invite/:token", access: "public", load: () => import("./pages/invite.js") },
  { path: "/set-password/:token", access: "public", load: () => import("./pages/set-password.js") },
  { path: "/profile", access: "user", load: () => import("./pages/profile.js") },
  { path: "/admin/users", access: "admin", load: () => import("./pages/admin-users.js") },
  { path: "/admin/users/import", access: "admin", load: () => import("./pages/admin-user-import.js") },
  { path: "/admin/settings", access: "admin", load: () => import("./pages/admin-settings.js") },
  { path: "/admin/audit", access: "admin", load: () => import("./pages/admin-audit.js") },
  { path: "/admin/privacy", access: "admin", load: () => import("./pages/admin-privacy.js") },
  { path: "/admin/reports", access: "admin", load: () => import("./pages/admin-reports.js") },
  { path: "/notifications", access: "user", load: () => import("./pages/notifications.js") },
  { path: "/notifications/settings", access: "user", load: () => import("./pages/notification-settings.js") },
  { path: "/calendar", access: "user", load: () => import("./pages/calendar.js") },
  { path: "/courses/:id/discussion", access: "user", load: () => import("./pages/forum-index.js") },
  { path: "/courses/:id/discussion/:threadId", access: "user", load: () => import("./pages/thread-view.js") },
  { path: "/courses/:id/rooms", access: "user", load: () => import("./pages/room-list.js") },
  { path: "/courses/:id/rooms/:roomId", access: "user", load: () => import("./pages/room-chat.js") },
  { path: "/courses/:id/rooms/:roomId/live", access: "user", load: () => import("./pages/room-live.js") },
  { path: "/courses/:id/rooms/:roomId/quizzes", access: "user", load: () => import("./pages/livequiz-room.js") },
  // Live quizzes: control panel, presenter (…/present), player and results.
  { path: "/courses/:id/live-quizzes/:gid", access: "user", load: () => import("./pages/livequiz-run.js") },
  { path: "/courses/:id/live-quizzes/:gid/play", access: "user", load: () => import("./pages/livequiz-play.js") },
  { path: "/courses/:id/live-quizzes/:gid/results", access: "user", load: () => import("./pages/livequiz-results.js") },
  { path: "/courses/:id/live-quizzes/:gid/:view", access: "user", load: () => import("./pages/livequiz-run.js") },
  // Courses, content, enrolment and progress ("/courses/new" before "/courses/:id").
  { path: "/courses", access: "user", load: () => import("./pages/course-list.js") },
  { path: "/catalogue", access: "user", load: () => import("./pages/catalogue.js") },
  { path: "/courses/new", access: "user", load: () => import("./pages/course-new.js") },
  { path: "/courses/:id", access: "user", load: () => import("./pages/course-page.js") },
  { path: "/courses/:id/settings", access: "user", load: () => import("./pages/course-settings.js") },
  { path: "/courses/:id/projector", access: "user", load: () => import("./pages/course-projector.js") },
  { path: "/courses/:id/people", access: "user", load: () => import("./pages/course-people.js") },
  { path: "/courses/:id/progress", access: "user", load: () => import("./pages/progress-dashboard.js") },
  { path: "/courses/:id/reports", access: "user", load: () => import("./pages/report-engagement.js") },
  { path: "/courses/:id/reports/performance", access: "user", load: () => import("./pages/report-performance.js") },
  { path: "/courses/:id/reports/learners/:uid", access: "user", load: () => import("./pages/report-learner.js") },
  { path: "/courses/:id/lessons/:lid", access: "user", load: () => import("./pages/lesson-view.js") },
  { path: "/courses/:id/lessons/:lid/edit", access: "user", load: () => import("./pages/lesson-edit.js") },
  { path: "/courses/:id/modules/:mid/lessons/new", access: "user", load: () => import("./pages/lesson-edit.js") },
  // Assessments ("/quizzes/new" before "/quizzes/:qid").
  { path: "/courses/:id/questions", access: "user", load: () => import("./pages/question-bank.js") },
  { path: "/courses/:id/quizzes/new", access: "user", load: () => import("./pages/quiz-edit.js") },
  { path: "/courses/:id/quizzes/:qid", access: "user", load: () => import("./pages/quiz-start.js") },
  { path: "/courses/:id/quizzes/:qid/edit", access: "user", load: () => import("./pages/quiz-edit.js") },
  { path: "/courses/:id/quizzes/:qid/stats", access: "user", load: () => import("./pages/quiz-stats.js") },
  { path: "/courses/:id/attempts/:aid", access: "user", load: () => import("./pages/quiz-attempt.js") },
  // Assignments and grades ("new" before ":aid").
  { path: "/courses/:id/assignments", access: "user", load: () => import("./pages/assignments.js") },
  { path: "/courses/:id/assignments/new", access: "user", load: () => import("./pages/assignment-edit.js") },
  { path: "/courses/:id/assignments/:aid", access: "user", load: () => import("./pages/assignment-view.js") },
  { path: "/courses/:id/assignments/:aid/edit", access: "user", load: () => import("./pages/assignment-edit.js") },
  { path: "/courses/:id/assignments/:aid/submissions", access: "user", load: () => import("./pages/assignment-grading.js") },
  { path: "/courses/:id/grades", access: "user", load: () => import("./pages/gradebook.js") },
  { path: "/join", access: "public", load: () => import("./pages/join.js") },
  { path: "/quiz", access: "public", load: () => import("./pages/livequiz-play.js") },
  { path: "/join/:code", access: "user", load: () => import("./pages/join.js") },
  { path: "/admin/email", access: "admin", load: () => import("./pages/admin-email.js") },
  { path: "/unsubscribe", access: "public", load: () => import("./pages/unsubscribe.js") },
];
const notFound = { path: "*", access: "public", load: () => import("./pages/notfound.js") };
const forbidden = { path: "!", access: "public", load: () => import("./pages/forbidden.js") };

const modules = new Map(); // route -> loaded module (modules are cached by the browser too)

function usePageModule(route) {
  const [state, setState] = useState({ route, mod: modules.get(route), error: null });
  useEffect(() => {
    if (modules.has(route)) {
      setState({ route, mod: modules.get(route), error: null });
      return undefined;
    }
    let live = true;
    setState({ route, mod: undefined, error: null });
    route.load().then(
      (mod) => { modules.set(route, mod); if (live) setState({ route, mod, error: null }); },
      (error) => { console.error(error); if (live) setState({ route, mod: undefined, error }); },
    );
    return () => { live = false; };
  }, [route]);
  return state.route === route ? state : { route, mod: modules.get(route), error: null };
}

function Routes() {
  const { me } = useApp();
  const loc = useLocation();
  const m = matchRoute(routes, loc.path);
  let route = m ? m.route : notFound;
  let redirect = "";
  if ((route.access === "user" || route.access === "admin") && !me) redirect = loginURL(loc.href);
  else if (route.access === "anon" && me) redirect = safeNext(loc.query.get("next"));
  if (route.access === "admin" && me && !isAdmin(me)) route = forbidden;

  // Redirect and move focus while the new page is committed, before the
  // browser paints it or takes input: as a plain effect (after the next
  // frame) they came after a page was already visible, so a click or key
  // landing in between went to a page about to change (the sign-in form
  // lost the keys typed into it to the heading; the user menu, shown with
  // the sign-in page still under it, closed right after it was opened).
  useLayoutEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  const { mod, error } = usePageModule(route);

  // Move focus to the new page's heading after client-side navigation.
  const first = useRef(true);
  useLayoutEffect(() => {
    if (!mod) return;
    if (first.current) { first.current = false; return; }
    const h1 = document.getElementById("page-title");
    if (h1) h1.focus({ preventScroll: true });
  }, [loc.path, mod]);

  if (redirect) return html`<${Loading} />`;
  if (error) {
    return html`<${ErrorState} title="This page didn't load"
      error=${new ApiError({ code: "network" })} onRetry=${() => location.reload()} />`;
  }
  if (!mod) return html`<${Loading} />`;
  const Page = mod.default;
  return html`<${Page} key=${loc.path} params=${m ? m.params : {}} query=${loc.query} />`;
}

function App() {
  const [site, setSite] = useState(null);
  const [me, setMe] = useState(undefined); // undefined: unknown yet; null: signed out
  const [bootError, setBootError] = useState(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setBootError(null);
    Promise.all([
      get("/site"),
      get("/me").catch((e) => {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }),
    ]).then(([s, u]) => { setSite(s); setMe(u); }, setBootError);
  }, [attempt]);

  // A 401 from any call while signed in means the session ended elsewhere.
  useEffect(() => {
    const onUnauthorized = () => setMe((cur) => {
      if (cur) toast("Your session has ended. Please sign in again.", "info");
      return cur ? null : cur;
    });
    addEventListener("lyceum:unauthorized", onUnauthorized);
    return () => removeEventListener("lyceum:unauthorized", onUnauthorized);
  }, []);

  // While someone is signed in, keep the live connection and follow their
  // personal topic: account changes show at once (e.g. the admin menu after
  // being made an administrator), and a session ended elsewhere ends here.
  const meID = me ? me.id : 0;
  useEffect(() => {
    if (!meID) return undefined;
    // The API's /me is the full picture (avatar URL); the push is a fallback.
    const refresh = (pushed) => get("/me").then(setMe, () => {
      if (pushed) setMe((cur) => (cur && cur.id === pushed.id ? { ...cur, ...pushed } : cur));
    });
    live.start({ onRevoked: () => sessionEnded(setMe) });
    const off = live.subscribe(`user:${meID}`, (data) => {
      if (data && data.type === "user_changed") refresh(data.user);
    }, {
      onReset: () => refresh(), // missed notices: reload who we are
      onStart: () => refresh(), // a notice between the boot's /me and the subscription is pushed to no one
    });
    return () => { off(); live.stop(); };
  }, [meID]);

  const ctx = useMemo(() => ({
    site, setSite, me, setMe,
    reloadSite: () => get("/site").then(setSite, () => {}),
  }), [site, me]);

  if (bootError) {
    return html`<main id="main" class="main boot-error">
      <${ErrorState} title="Lyceum can't start" error=${bootError} onRetry=${() => setAttempt((a) => a + 1)} />
    </main>`;
  }
  if (!site || me === undefined) return html`<main id="main" class="main"><${Loading} label="Loading Lyceum…" /></main>`;
  return html`
    <${AppContext.Provider} value=${ctx}>
      <${Layout}><${Routes} /><//>
    <//>`;
}

const root = document.getElementById("app");
root.textContent = ""; // drop the static "Loading…" placeholder
render(html`<${App} />`, root);

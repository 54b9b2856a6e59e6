// /courses/{id}/lessons/{lid}: one lesson. The body is the server's
// sanitised HTML (images, HTML5 video of uploads, attachments, code). For
// learners the page sends a heartbeat about every 30 s while it is visible
// and offers "Mark complete" -- or, for lessons the server completes by a
// rule, says what completes them (for the video rule the heartbeat carries
// how far the learner watched); previous/next follow the course order.
import { html, useState, useEffect, useRef } from "../html.js";
import { useApp } from "../session.js";
import { errorMessage, ApiError } from "../api.js";
import { useTitle, useLoad, Loading, ErrorState, EmptyState, Badge } from "../ui.js";
import { Icon } from "../icons.js";
import { toast } from "../toast.js";
import { when } from "../format.js";
import { getLesson, getOutline, completeLesson, heartbeat } from "./course-api.js";
import { coursePath, lessonPath, flatLessons, can, shortDate, humanizeTimes } from "./course-common.js";

const heartbeatMs = 30000; // one heartbeat per 30 s of visible time
const minFlushSeconds = 3; // shorter visits are not worth a request
const maxPlayStepSeconds = 3; // a larger jump between two timeupdate events is a seek, not playing

/**
 * useHeartbeat reports the time the page is visible: every heartbeatMs
 * while visible, and the rest when hidden or left. video (a ref kept by
 * useVideoWatch) adds the furthest percentage of the lesson's video
 * watched, and its flush sends a beat at once (on pause and end).
 * onBeat gets each answer (LessonProgress) while the page is shown.
 */
function useHeartbeat(lessonID, enabled, video, onBeat) {
  const beat = useRef(onBeat);
  beat.current = onBeat;
  useEffect(() => {
    if (!enabled) return undefined;
    let alive = true;
    let since = document.visibilityState === "visible" ? Date.now() : 0;
    const flush = (min, force) => {
      const secs = since ? Math.round((Date.now() - since) / 1000) : 0;
      const pct = video.current.percent;
      const news = pct > video.current.sent;
      if (secs < min && !(force && news)) return;
      if (since) since = document.visibilityState === "visible" ? Date.now() : 0;
      heartbeat(lessonID, secs, pct).then((p) => {
        video.current.sent = Math.max(video.current.sent, pct);
        if (alive) beat.current(p);
      }, () => {}); // progress is best effort; the next beat carries the percentage again
    };
    video.current.flush = () => flush(minFlushSeconds, true);
    const tick = setInterval(() => flush(1), heartbeatMs);
    const onVis = () => {
      if (document.visibilityState === "visible") {
        if (!since) since = Date.now();
      } else {
        flush(minFlushSeconds, true);
        since = 0;
      }
    };
    document.addEventListener("visibilitychange", onVis);
    return () => {
      alive = false;
      clearInterval(tick);
      document.removeEventListener("visibilitychange", onVis);
      video.current.flush = null;
      flush(minFlushSeconds, true);
    };
  }, [lessonID, enabled]);
}

/**
 * useVideoWatch follows the first <video> of the lesson body and keeps in
 * video.current.percent the furthest point reached by playing it (seeking
 * ahead does not count), as a whole percentage of its duration. A pause or
 * the end sends a heartbeat at once.
 */
function useVideoWatch(ref, bodyHTML, enabled, video) {
  useEffect(() => {
    const root = ref.current;
    const v = enabled && root ? root.querySelector("video") : null;
    if (!v) return undefined;
    let last = v.currentTime;
    const onTime = () => {
      const t = v.currentTime;
      const d = v.duration;
      if (t >= last && t - last <= maxPlayStepSeconds && d > 0 && Number.isFinite(d)) {
        const pct = Math.min(100, Math.floor((t / d) * 100));
        if (pct > video.current.percent) video.current.percent = pct;
      }
      last = t;
    };
    const onStop = () => {
      onTime();
      if (video.current.flush) video.current.flush();
    };
    v.addEventListener("timeupdate", onTime);
    v.addEventListener("pause", onStop);
    v.addEventListener("ended", onStop);
    return () => {
      v.removeEventListener("timeupdate", onTime);
      v.removeEventListener("pause", onStop);
      v.removeEventListener("ended", onStop);
    };
  }, [bodyHTML, enabled]);
}

/** useEnhance adds players, lazy loading and attachment marks to the body. */
function useEnhance(ref, bodyHTML) {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    for (const v of root.querySelectorAll("video, audio")) {
      v.controls = true;
      if (!v.getAttribute("preload")) v.preload = "metadata";
    }
    for (const img of root.querySelectorAll("img")) {
      img.loading = "lazy";
      img.decoding = "async";
    }
    for (const a of root.querySelectorAll('a[href^="/api/v1/uploads/"]')) {
      if (a.querySelector("img")) continue;
      a.classList.add("attachment");
      a.setAttribute("download", "");
      a.dataset.native = "";
    }
    for (const t of root.querySelectorAll("table")) {
      if (t.parentElement && t.parentElement.classList.contains("table-scroll")) continue;
      const wrap = document.createElement("div");
      wrap.className = "table-scroll";
      t.replaceWith(wrap);
      wrap.appendChild(t);
    }
  }, [bodyHTML]);
}

function CompleteButton({ lesson, onChange }) {
  const [pending, setPending] = useState(false);
  const done = !!(lesson.progress && when(lesson.progress.completed_at));
  async function toggle() {
    setPending(true);
    try {
      const p = await completeLesson(lesson.id, !done);
      onChange(p);
      toast(done ? "Marked as not completed." : "Lesson completed.");
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setPending(false);
    }
  }
  return html`
    <button type="button" class=${done ? "btn btn-done" : "btn btn-primary"} aria-pressed=${done ? "true" : "false"}
            disabled=${pending} onClick=${toggle} data-testid="mark-complete" data-done=${done ? "true" : "false"}>
      ${done ? html`<${Icon} name="check" size=${18} /> Completed` : "Mark complete"}
    </button>`;
}

/** RuleStatus stands in for "Mark complete" on lessons completed by a rule. */
function RuleStatus({ lesson }) {
  const p = lesson.progress;
  if (p && when(p.completed_at)) {
    return html`<p class="rule-status rule-done" data-testid="rule-status" data-done="true">
      <${Icon} name="check" size=${18} /> Completed</p>`;
  }
  const watched = p && p.video_percent ? ` You have watched ${p.video_percent} %.` : "";
  return html`<p class="rule-status muted" data-testid="rule-status" data-done="false">
    ${lesson.completion_rule === "video"
      ? `Completes when you watch ${lesson.completion_percent} % of the video.${watched}`
      : "Completes when you open it."}</p>`;
}

function PrevNext({ courseID, outline, lessonID }) {
  if (!outline) return null;
  const all = flatLessons(outline);
  const i = all.findIndex((l) => l.id === lessonID);
  if (i < 0) return null;
  const prev = all[i - 1];
  const next = all[i + 1];
  const link = (l, dir) => {
    if (!l) return html`<span></span>`;
    const label = dir === "prev" ? "Previous" : "Next";
    if (l.locked) {
      const why = humanizeTimes(l.locked_reason);
      return html`<div class=${`pn pn-${dir} pn-locked`} title=${why}>
        <span class="muted small">${label} (locked)</span><span>${l.title}</span>
        <span class="muted small">${why}</span></div>`;
    }
    return html`<a class=${`pn pn-${dir}`} href=${lessonPath(courseID, l.id)} data-testid=${`lesson-${dir}`}>
      <span class="muted small">${dir === "prev" ? "← " : ""}${label}${dir === "next" ? " →" : ""}</span>
      <span>${l.title}</span></a>`;
  };
  return html`<nav class="prev-next" aria-label="Lessons">${link(prev, "prev")}${link(next, "next")}</nav>`;
}

export default function LessonPage({ params }) {
  const { site } = useApp();
  const courseID = Number(params.id);
  const lessonID = Number(params.lid);
  const lesson = useLoad((signal) => getLesson(lessonID, signal), [lessonID]);
  const outline = useLoad((signal) => getOutline(courseID, signal), [courseID]);
  const body = useRef(null);
  const l = lesson.data;
  const o = outline.data;
  useTitle(l ? l.title : "Lesson", site);
  const learner = !!(o && o.course.role === "learner");
  const rule = (l && l.completion_rule) || "manual";
  const video = useRef({ percent: 0, sent: 0, flush: null });
  const onBeat = (p) => {
    const was = !!(l && l.progress && when(l.progress.completed_at));
    lesson.setData((cur) => (cur ? { ...cur, progress: p } : cur));
    if (!was && when(p.completed_at)) {
      toast("Lesson completed.");
      outline.reload(); // the next lesson may unlock
    }
  };
  useHeartbeat(lessonID, learner && !!l, video, onBeat);
  useEnhance(body, l && l.body_html);
  useVideoWatch(body, l && l.body_html, learner && rule === "video", video);

  if (lesson.loading && !l) return html`<${Loading} label="Loading the lesson…" />`;
  if (lesson.error && !l) {
    const e = lesson.error;
    const back = html`<p class="center back-link-row"><a href=${coursePath(courseID)}>Back to the course</a></p>`;
    if (e.status === 403) {
      return html`<div class="page narrow">
        <${EmptyState} title="This lesson is locked" icon="lock" testid="lesson-locked">
          <p>${humanizeTimes(e.detail)}</p>${back}<//></div>`;
    }
    return html`
      <div class="page narrow">
        <${ErrorState} error=${e instanceof ApiError ? e : new ApiError({})} onRetry=${lesson.reload}
            title=${e.status === 404 ? "Lesson not found" : "We couldn't load this lesson"} />
        ${back}
      </div>`;
  }
  const module = o && o.modules.find((m) => m.id === l.module_id);
  const onProgress = (p) => {
    lesson.setData((cur) => ({ ...cur, progress: p }));
    outline.reload(); // the next lesson may unlock
  };
  return html`
    <article class="page lesson-page" data-testid="lesson-page" data-lesson-id=${l.id}>
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href=${coursePath(courseID)} data-testid="back-to-course">${o ? o.course.title : "Course"}</a>
        ${module && html`<span aria-hidden="true"> / </span><span class="muted">${module.title}</span>`}
      </nav>
      <div class="lesson-head">
        <h1 id="page-title" tabindex="-1" data-testid="lesson-title">${l.title}</h1>
        <div class="lesson-head-actions">
          ${l.draft && html`<${Badge}>Draft<//>`}
          ${l.available_from && html`<${Badge}>From ${shortDate(l.available_from)}<//>`}
          ${o && can(o.course, "edit_content") && html`
            <a class="btn btn-small" href=${`${lessonPath(courseID, l.id)}/edit`} data-testid="edit-lesson">Edit lesson</a>`}
        </div>
      </div>
      <div class="lesson-body prose" ref=${body} data-testid="lesson-body"
           dangerouslySetInnerHTML=${{ __html: l.body_html || "" }}></div>
      ${!l.body_html && html`<p class="muted">This lesson has no text yet.</p>`}
      <div class="lesson-foot">
        ${learner && (rule === "manual" ? html`<${CompleteButton} lesson=${l} onChange=${onProgress} />`
                                         : html`<${RuleStatus} lesson=${l} />`)}
        <${PrevNext} courseID=${courseID} outline=${o} lessonID=${l.id} />
      </div>
    </article>`;
}

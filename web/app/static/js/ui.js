// Shared view pieces: page title, loading / empty / error states, avatar,
// readable times, copy button, and useLoad() for fetching a page's data.
import { html, useState, useEffect, useCallback, useRef } from "./html.js";
import { errorMessage } from "./api.js";
import { fullTime, relativeTime, initials } from "./format.js";
import { toast } from "./toast.js";
import { Icon } from "./icons.js";
import { liveStatus } from "./live.js";

/** PageTitle is the page's <h1>; it takes focus after navigation. */
export function PageTitle({ children, sub }) {
  return html`
    <div class="page-title">
      <h1 id="page-title" tabindex="-1">${children}</h1>
      ${sub && html`<p class="lede">${sub}</p>`}
    </div>`;
}

export function Loading({ label = "Loading…" }) {
  return html`<div class="state state-loading" role="status" data-testid="loading">
    <span class="spinner" aria-hidden="true"></span> <span>${label}</span></div>`;
}

/** ErrorState says what failed and offers to retry. */
export function ErrorState({ error, onRetry, title = "We couldn't load this" }) {
  return html`
    <div class="state state-error" role="alert" data-testid="error-state">
      <h2>${title}</h2>
      <p>${errorMessage(error)}</p>
      ${onRetry && html`<button type="button" class="btn" onClick=${onRetry}>Try again</button>`}
    </div>`;
}

export function EmptyState({ title, children, testid, icon = "inbox" }) {
  return html`
    <div class="state state-empty" data-testid=${testid}>
      <div class="state-icon"><${Icon} name=${icon} size=${32} /></div>
      <h2>${title}</h2>
      ${children}
    </div>`;
}

/** Avatar shows the user's picture, or their initials. */
export function Avatar({ user, size = "md" }) {
  const [broken, setBroken] = useState(false);
  let src = user && user.avatar_url;
  if (src && user.updated_at) {
    // The URL stays the same when the picture changes: bust the cache.
    src += `${src.includes("?") ? "&" : "?"}v=${encodeURIComponent(user.updated_at)}`;
  }
  useEffect(() => setBroken(false), [src]);
  if (src && !broken) {
    return html`<img class=${`avatar avatar-${size}`} src=${src} alt="" onError=${() => setBroken(true)} />`;
  }
  return html`<span class=${`avatar avatar-${size} avatar-initials`} aria-hidden="true">
    ${initials(user && (user.name || user.username))}</span>`;
}

// One shared clock for every relative time on the page: a single interval
// runs while at least one Time is mounted, and each tick re-renders only
// the Time components.
const clockSubscribers = new Set();
let clockTimer = null;
const clockPeriod = 30_000;

function subscribeClock(fn) {
  clockSubscribers.add(fn);
  if (!clockTimer) {
    clockTimer = setInterval(() => {
      const now = Date.now();
      for (const f of clockSubscribers) f(now);
    }, clockPeriod);
  }
  return () => {
    clockSubscribers.delete(fn);
    if (clockSubscribers.size === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

/** useNow returns the current time, updated every 30 seconds. */
export function useNow() {
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribeClock(setNow), []);
  return now;
}

/** useBusy returns [busy, run]: run(fn, done) marks the component busy
 * while fn runs, then toasts done (when given) or the error; it resolves to
 * whether fn succeeded. */
export function useBusy() {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (fn, done) => {
    setBusy(true);
    try {
      await fn();
      if (done) toast(done);
      return true;
    } catch (e) {
      toast(errorMessage(e), "error");
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return [busy, run];
}

/** Time shows "5 minutes ago" with the full local time on hover; it keeps
 * itself up to date ("just now" becomes "1 minute ago"). */
export function Time({ at, fallback = "—" }) {
  const now = useNow();
  const rel = relativeTime(at, now);
  if (!rel) return html`<span class="muted">${fallback}</span>`;
  return html`<time datetime=${at} title=${fullTime(at)}>${rel}</time>`;
}

export function Badge({ kind = "neutral", children }) {
  return html`<span class=${`badge badge-${kind}`}>${children}</span>`;
}

/** CopyButton copies text to the clipboard and confirms with a toast. */
export function CopyButton({ text, label = "Copy", testid }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      toast("Couldn't copy automatically. Select the text and copy it yourself.", "error");
      return;
    }
    setCopied(true);
    toast("Copied to the clipboard.");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(false), 2000);
  }
  return html`<button type="button" class="btn btn-small" onClick=${copy} data-testid=${testid}>
    ${copied ? "Copied" : label}</button>`;
}

/**
 * useLoad fetches data for a view: {data, error, loading, reload, setData,
 * apply}. load receives an AbortSignal; it reruns when deps change.
 *
 * apply(fn) is setData for a live push: fn(data) changes the data now (if
 * there is any) and, when a load is on its way, again to what that load
 * brings, in the order the pushes came. A load's answer may have been read
 * before a push that reached the page first; without the replay that push
 * would be lost (dropped while there was no data yet, or overwritten by the
 * answer). So fn must give the same result applied twice (upsert by id,
 * not "count + 1"): pushes the answer already counts are applied again.
 */
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const heard = useRef(null); // pushes applied since the load on its way started, or null
  useEffect(() => {
    const ctl = new AbortController();
    const pushes = [];
    heard.current = pushes;
    const done = () => { if (heard.current === pushes) heard.current = null; };
    setState((s) => ({ ...s, error: null, loading: true }));
    load(ctl.signal).then(
      (data) => {
        if (ctl.signal.aborted) return;
        done();
        setState({ data: pushes.reduce((d, fn) => (d == null ? d : fn(d)), data), error: null, loading: false });
      },
      (error) => {
        if (ctl.signal.aborted || error.name === "AbortError") return;
        done();
        setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // A load that failed because the server was unreachable runs again once
  // the live connection is back (the server answers again).
  const failedOffline = !!state.error && (state.error.code === "network" || state.error.code === "unavailable");
  useEffect(() => {
    if (!failedOffline) return undefined;
    return liveStatus.subscribe((s) => { if (s === "live") reload(); });
  }, [failedOffline]);
  const setData = useCallback((fn) => setState((s) => ({
    ...s, data: typeof fn === "function" ? fn(s.data) : fn,
  })), []);
  const apply = useCallback((fn) => {
    if (heard.current) heard.current.push(fn);
    setState((s) => (s.data == null ? s : { ...s, data: fn(s.data) }));
  }, []);
  return { ...state, reload, setData, apply };
}

/** useDebounced returns value after it has been still for ms. */
export function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** useTitle sets the document title to "Page · Site". */
export function useTitle(title, site) {
  useEffect(() => {
    const name = (site && site.site_name) || "Lyceum";
    document.title = title ? `${title} · ${name}` : name;
  }, [title, site && site.site_name]);
}

/** Section is a titled card within a page. */
export function Section({ id, title, description, children, actions, testid }) {
  return html`
    <section class="card section" aria-labelledby=${`${id}-title`} id=${id} data-testid=${testid}>
      <div class="section-head">
        <div>
          <h2 id=${`${id}-title`}>${title}</h2>
          ${description && html`<p class="muted">${description}</p>`}
        </div>
        ${actions && html`<div class="section-actions">${actions}</div>`}
      </div>
      ${children}
    </section>`;
}

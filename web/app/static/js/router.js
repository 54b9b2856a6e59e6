// A small history-API router: the current location as a store, navigate(),
// path matching with :params, and safe "next" targets for redirects.
import { createStore, useStore } from "./store.js";

function current() {
  return {
    path: location.pathname,
    query: new URLSearchParams(location.search),
    href: location.pathname + location.search,
  };
}

const locationStore = createStore(current());
addEventListener("popstate", () => locationStore.set(current()));

/** navigate changes the URL without reloading and re-renders the app. */
export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search + location.hash) return;
  history[replace ? "replaceState" : "pushState"](null, "", to);
  locationStore.set(current());
  if (!replace) scrollTo(0, 0);
}

/** useLocation returns {path, query, href} and re-renders on change. */
export function useLocation() {
  return useStore(locationStore);
}

/**
 * currentLocation is the location useLocation returns, as it is now. Every
 * navigation makes a new object, so it also tells one visit of a page from
 * the next visit of the same address.
 */
export function currentLocation() {
  return locationStore.get();
}

/** matchRoute finds the route whose pattern ("/invite/:token") fits path. */
export function matchRoute(routes, path) {
  const parts = path.replace(/\/+$/, "").split("/").slice(1);
  for (const route of routes) {
    const pat = route.path === "/" ? [] : route.path.split("/").slice(1);
    if (pat.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pat.length; i++) {
      if (pat[i].startsWith(":")) {
        try {
          params[pat[i].slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else if (pat[i] !== parts[i]) {
        ok = false;
      }
      if (!ok) break;
    }
    if (ok) return { route, params };
  }
  return null;
}

/** safeNext keeps redirect targets on this site (no "//evil", no "/api"). */
export function safeNext(next, fallback = "/") {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") ||
      next.startsWith("/\\") || next.startsWith("/api/")) {
    return fallback;
  }
  return next;
}

/** loginURL is the sign-in page that returns to the given path afterwards. */
export function loginURL(next) {
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

// Plain <a href="/..."> links become client-side navigations.
document.addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download") || a.dataset.native !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") ||
      url.pathname.startsWith("/static/")) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

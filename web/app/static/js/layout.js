// The frame around every page: skip link, top bar (site name, navigation
// that collapses into a menu button on small screens, user menu), the
// offline/server banner, toasts and the confirmation dialog.
import { html, useState, useEffect, useRef } from "./html.js";
import { useStore } from "./store.js";
import { network, get } from "./api.js";
import { useApp, isAdmin, signOut } from "./session.js";
import { useLocation, currentLocation } from "./router.js";
import { Avatar } from "./ui.js";
import { Toaster } from "./toast.js";
import { ConfirmHost } from "./confirm.js";
import { liveStatus } from "./live.js";
import { NotifyBell } from "./notify-bell.js";

const serverRetryMs = 5000;

function navLinks(me) {
  if (!me) return [];
  const links = [["/", "Dashboard"], ["/courses", "Courses"], ["/calendar", "Calendar"], ["/catalogue", "Catalogue"]];
  if (isAdmin(me)) links.push(["/admin/users", "Admin"]);
  return links;
}

/** adminPages are the site administration's pages, as tabs on each of them. */
const adminPages = [["/admin/users", "Users"], ["/admin/settings", "Settings"], ["/admin/audit", "Audit log"],
  ["/admin/reports", "Reports"], ["/admin/email", "Email"], ["/admin/privacy", "Privacy"]];

/** AdminTabs lead from one administration page to the others. */
function AdminTabs({ path }) {
  const nav = useRef(null);
  useEffect(() => { // on a phone the row scrolls: keep the current page's tab in view
    const cur = nav.current && nav.current.querySelector("[aria-current=page]");
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [path]);
  return html`
    <nav class="course-tabs admin-tabs" aria-label="Administration" data-testid="admin-tabs" ref=${nav}>
      ${adminPages.map(([href, label]) => html`
        <a href=${href} class="course-tab" aria-current=${path === href || path.startsWith(href + "/") ? "page" : undefined}>${label}</a>`)}
    </nav>`;
}

/** useDismiss closes a popup on Escape or a click outside ref. */
function useDismiss(open, ref, close) {
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e) => { if (e.key === "Escape") close(true); };
    const onClick = (e) => { if (ref.current && !ref.current.contains(e.target)) close(false); };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, [open]);
}

/**
 * useOpenOnThisPage is a popup's [open, setOpen] that closes when the page
 * changes: opening notes the visit it happened on, and any other visit reads
 * as closed. It is derived rather than reset by an effect, because an effect
 * runs after the next frame: it closed a menu opened just after it appeared
 * (on its first run, or on the redirect right after signing in), and the
 * click that opened it seemed lost.
 */
function useOpenOnThisPage() {
  const loc = useLocation();
  const [openOn, setOpenOn] = useState(null);
  return [openOn === loc, (open) => setOpenOn(open ? currentLocation() : null)];
}

function UserMenu({ me, setMe }) {
  const [open, setOpen] = useOpenOnThisPage();
  const ref = useRef(null);
  const button = useRef(null);
  useDismiss(open, ref, (refocus) => {
    setOpen(false);
    if (refocus && button.current) button.current.focus();
  });
  return html`
    <div class="user-menu" ref=${ref}>
      <button type="button" class="user-menu-button" ref=${button} aria-expanded=${open ? "true" : "false"}
              aria-controls="user-menu-panel" data-testid="user-menu" onClick=${() => setOpen(!open)}>
        <${Avatar} user=${me} size="sm" />
        <span class="user-menu-name">${me.name || me.username}</span>
        <span class="caret" aria-hidden="true"></span>
        <span class="visually-hidden">Account menu</span>
      </button>
      <div id="user-menu-panel" class="menu-panel" hidden=${!open}>
        <div class="menu-header">
          <strong>${me.name || me.username}</strong>
          <span class="muted">${me.email}</span>
        </div>
        <a class="menu-item" href="/profile">Profile and security</a>
        <button type="button" class="menu-item" data-testid="signout" onClick=${() => signOut(setMe)}>
          Sign out
        </button>
      </div>
    </div>`;
}

function TopBar() {
  const { site, me, setMe } = useApp();
  const loc = useLocation();
  const [navOpen, setNavOpen] = useOpenOnThisPage();
  const navRef = useRef(null);
  useDismiss(navOpen, navRef, () => setNavOpen(false));
  const links = navLinks(me);
  const current = (href) => (href === "/" ? loc.path === "/"
    : href.startsWith("/admin/") ? loc.path.startsWith("/admin/")
    : loc.path === href || loc.path.startsWith(href + "/"));
  return html`
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/" data-testid="site-name">
          <img src="/static/favicon.svg" alt="" width="28" height="28" />
          <span>${(site && site.site_name) || "Lyceum"}</span>
        </a>
        ${links.length > 0 && html`
          <div class=${links.length > 1 ? "nav-wrap" : "nav-wrap nav-single"} ref=${navRef}>
            <button type="button" class="menu-toggle btn btn-ghost" aria-expanded=${navOpen ? "true" : "false"}
                    aria-controls="primary-nav" data-testid="nav-toggle" onClick=${() => setNavOpen(!navOpen)}>
              <span class="burger" aria-hidden="true"></span> Menu
            </button>
            <nav id="primary-nav" class=${navOpen ? "nav nav-open" : "nav"} aria-label="Main">
              ${links.map(([href, label]) => html`
                <a href=${href} class="nav-link" aria-current=${current(href) ? "page" : undefined}>${label}</a>`)}
            </nav>
          </div>`}
        <div class="topbar-end">
          ${me && html`<${NotifyBell} me=${me} />`}
          ${me ? html`<${UserMenu} me=${me} setMe=${setMe} />`
               : loc.path !== "/login" && html`<a class="btn btn-ghost" href="/login">Sign in</a>`}
        </div>
      </div>
    </header>`;
}

/** Banner tells people when the browser is offline or the server is unreachable. */
function Banner() {
  const net = useStore(network);
  const live = useStore(liveStatus);
  useEffect(() => {
    if (!net.serverDown || !net.online) return undefined;
    const t = setInterval(() => { get("/site").catch(() => {}); }, serverRetryMs);
    return () => clearInterval(t);
  }, [net.serverDown, net.online]);
  // live.js reports "offline" only after a short grace period, so a blip
  // (a quick server restart) doesn't flash the banner.
  let msg = "";
  if (!net.online) msg = "You're offline. Changes can't be saved until your connection is back.";
  else if (live === "offline") msg = "Connection lost, reconnecting…";
  else if (net.serverDown) msg = "Can't reach the server right now. We'll keep trying; your page will work again once it's back.";
  return html`
    <div class="banner-slot" aria-live="assertive">
      ${msg && html`<div class="banner" role="alert" data-testid="offline-banner">${msg}</div>`}
    </div>`;
}

export function Layout({ children }) {
  const { me } = useApp();
  const loc = useLocation();
  const admin = me && isAdmin(me) && loc.path.startsWith("/admin/");
  return html`
    <a class="skip-link" href="#main">Skip to main content</a>
    <${TopBar} />
    <${Banner} />
    <main id="main" class="main" tabindex="-1">${admin && html`<${AdminTabs} path=${loc.path} />`}${children}</main>
    <${Toaster} />
    <${ConfirmHost} />`;
}

package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The browser's real-time client (web/app/static/js/live.js) against a real
// node: it reconnects by itself, follows account changes and ends a session
// revoked elsewhere, all without anyone reloading the page.

const liveAdminPW = "correct horse battery"

// Selectors the live tests wait on.
const (
	selLive        = `body[data-live-status=live]`
	selOffline     = `[data-testid=offline-banner]`
	selOfflineLive = `body[data-live-status=offline] [data-testid=offline-banner]`
	selUserMenu    = `[data-testid=user-menu]`
	selAdminNav    = `a.nav-link[href="/admin/users"]`
	selNotice      = `[data-testid=signin-notice]`
	selConfirmOK   = `[data-testid=confirm-ok]`
	selLoginForm   = `[data-testid=login-form]`
	markerScript   = `window.__noReload = 1`
	markerIntact   = `window.__noReload === 1`
	revokedMessage = "You were signed out"
)

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago, so two nodes in a row can listen on the same one.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// createFirstAdmin opens the node's setup link and creates the admin "ada",
// who is then signed in.
func createFirstAdmin(t *testing.T, ctx context.Context, n *testNode) {
	t.Helper()
	do(t, ctx, "open the setup link", chromedp.Navigate(n.setupLink(t)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=setup-form]`)))
	do(t, ctx, "create the first admin",
		fill(map[string]string{"#name": "Ada Admin", "#email": "ada@school.example", "#username": "ada", "#password": liveAdminPW}),
		chromedp.Click(chromedp.CSS(`[data-testid=setup-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(selUserMenu)))
}

// markPage sets a JS marker that only a page reload would remove.
func markPage(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](markerScript)); err != nil {
		t.Fatalf("marking the page: %v", err)
	}
}

// assertNotReloaded fails when the page was reloaded since markPage.
func assertNotReloaded(t *testing.T, ctx context.Context) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](markerIntact))
	if err != nil {
		t.Fatalf("reading the page marker: %v", err)
	}
	if !ok {
		t.Error("the page was reloaded; the live client should have handled it in place")
	}
}

// pathOf returns the path of the page's current URL.
func pathOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatalf("reading the location: %v", err)
	}
	return p
}

func TestBrowserReconnectsAfterServerRestart(t *testing.T) {
	env := map[string]string{"LYCEUM_ADDR": freeLoopbackAddr(t), "LYCEUM_DATA_DIR": t.TempDir()}
	n := startTestNode(t, env)
	ctx := newBrowser(t, phone)
	createFirstAdmin(t, ctx, n)
	do(t, ctx, "the live connection comes up", chromedp.WaitReady(chromedp.CSS(selLive)))
	markPage(t, ctx)

	n.stop()
	// (A failed API call may show the banner even sooner, with its own text.)
	do(t, ctx, "the offline banner shows while the server is down", chromedp.WaitVisible(chromedp.CSS(selOfflineLive)))
	screenshot(t, ctx, "offline-banner")
	if got := textOf(t, ctx, selOffline); !strings.Contains(got, "reconnecting") {
		t.Errorf("offline banner says %q, want it to mention reconnecting", got)
	}

	n2 := startTestNode(t, env)
	if n2.url != n.url {
		t.Fatalf("the second node listens on %s, want %s", n2.url, n.url)
	}
	do(t, ctx, "the page reconnects by itself", chromedp.WaitReady(chromedp.CSS(selLive)),
		chromedp.WaitNotPresent(chromedp.CSS(selOffline)))
	screenshot(t, ctx, "reconnected")
	assertNotReloaded(t, ctx)
	do(t, ctx, "still signed in", chromedp.WaitVisible(chromedp.CSS(selUserMenu)))
}

func TestBrowserSessionRevokedElsewhere(t *testing.T) {
	n := startTestNode(t, nil)
	laptop := newBrowser(t, desktop)
	createFirstAdmin(t, laptop, n)

	phoneCtx := newBrowser(t, phone)
	do(t, phoneCtx, "open the site on the second device", chromedp.Navigate(n.url+"/login"))
	signIn(t, phoneCtx, "ada", liveAdminPW)
	do(t, phoneCtx, "the second device is live", chromedp.WaitReady(chromedp.CSS(selLive)))
	markPage(t, phoneCtx)

	do(t, laptop, "open the session list", chromedp.Navigate(n.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=session-revoke]`)))
	screenshot(t, laptop, "sessions")
	do(t, laptop, "sign the other device out",
		chromedp.Click(chromedp.CSS(`[data-testid=session-revoke]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(selConfirmOK), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid=session-revoke]`)))

	do(t, phoneCtx, "the second device lands on the sign-in page", chromedp.WaitVisible(chromedp.CSS(selNotice)),
		chromedp.WaitVisible(chromedp.CSS(selLoginForm)))
	screenshot(t, phoneCtx, "signed-out-notice")
	if got := textOf(t, phoneCtx, selNotice); !strings.Contains(got, revokedMessage) {
		t.Errorf("notice says %q, want %q", got, revokedMessage)
	}
	if p := pathOf(t, phoneCtx); p != "/login" {
		t.Errorf("second device is at %s, want /login", p)
	}
	assertNotReloaded(t, phoneCtx)
	do(t, laptop, "the first device stays signed in", chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(selUserMenu)))
}

func TestBrowserRoleChangeAppearsLive(t *testing.T) {
	const userPW = "learner password 1"
	n := startTestNode(t, nil)
	admin := newBrowser(t, desktop)
	createFirstAdmin(t, admin, n)
	do(t, admin, "create a user", chromedp.Navigate(n.url+"/admin/users"),
		chromedp.Click(chromedp.CSS(`[data-testid=show-create-user]`), chromedp.NodeVisible),
		fill(map[string]string{"#create-name": "Lin Learner", "#create-email": "lin@school.example",
			"#create-username": "lin", "#create-password": userPW}),
		chromedp.Click(chromedp.CSS(`[data-testid=create-user-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-row][data-username=lin]`)))

	lin := newBrowser(t, desktop)
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, lin, "lin", userPW)
	do(t, lin, "the learner's dashboard is live", chromedp.WaitVisible(chromedp.CSS(`[data-testid=dashboard-empty]`)),
		chromedp.WaitReady(chromedp.CSS(selLive)), chromedp.WaitNotPresent(chromedp.CSS(selAdminNav)))
	markPage(t, lin)

	do(t, admin, "make lin an administrator",
		chromedp.Click(chromedp.CSS(`[data-testid=user-row][data-username=lin] [data-testid=toggle-admin]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(selConfirmOK), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=toast]`)))

	do(t, lin, "the admin menu appears on the open dashboard", chromedp.WaitVisible(chromedp.CSS(selAdminNav)))
	screenshot(t, lin, "admin-nav")
	assertNotReloaded(t, lin)
}

package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// actOnFirstSight is a script: a MutationObserver that runs action (a
// function of the element) on the first element matching css as soon as it
// is in the document, in the microtask after the commit that inserted it:
// earlier than any click or key a person (or a test) could send.
func actOnFirstSight(css, action string) string {
	return fmt.Sprintf(`new MutationObserver((_, obs) => {
		const el = document.querySelector(%q);
		if (!el) return;
		obs.disconnect();
		(%s)(el);
	}).observe(document.body, { childList: true, subtree: true });`, css, action)
}

// TestBrowserPagesAreSettledWhenTheyAppear checks that what the app does
// after a navigation (the redirect, focus moving to the new page's heading,
// closing the menus) is done by the time the new page can take a click or
// a key, so none of them is lost. They used to run after the next frame (or
// after a request): keys typed into the sign-in form right after signing
// out went to the heading (the form then sent nothing: TestBrowserFirstRunJourney's
// "sign in as lin" timed out in CI), and the user menu opened right after
// setup or signing in closed again (its "sign out" never showed).
func TestBrowserPagesAreSettledWhenTheyAppear(t *testing.T) {
	n := startTestNode(t, nil)
	ctx := newBrowser(t, desktop)
	const adminPW = "correct horse battery"
	openMenuAtOnce := chromedp.Evaluate[chromedp.Void](actOnFirstSight(`[data-testid=user-menu]`, `(el) => el.click()`))

	// Each time the user menu appears, it is opened the moment it exists; it
	// must still be open once the dashboard has settled (its title is set by
	// an effect: once it shows, whatever ran after the first frame has run).
	do(t, ctx, "create the first admin, opening the user menu at once", chromedp.Navigate(n.setupLink(t)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=setup-form]`)), openMenuAtOnce,
		fill(map[string]string{"#name": "Ada Admin", "#email": "ada@school.example", "#username": "ada", "#password": adminPW}),
		chromedp.Click(chromedp.CSS(`[data-testid=setup-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-menu]`)))
	menuStaysOpen(t, ctx, "after setup")

	// Sign out, and put the focus in the sign-in form's first field the
	// moment it exists; what is typed next must land there.
	do(t, ctx, "sign out, focusing the sign-in form at once",
		chromedp.Evaluate[chromedp.Void](actOnFirstSight(`#login`, `(el) => el.focus()`)),
		chromedp.Click(chromedp.CSS(`[data-testid=signout]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
	waitJS(t, ctx, "the sign-in page settles", `document.title.startsWith("Sign in")`)
	do(t, ctx, "type without choosing a field", chromedp.KeyEvent("ada"))
	if got := evalString(t, ctx, `document.activeElement.id + "=" + document.getElementById("login").value`); got != "login=ada" {
		t.Fatalf("after typing into the sign-in form as it appeared: focused element and value %q, want %q", got, "login=ada")
	}

	do(t, ctx, "sign in, opening the user menu at once", openMenuAtOnce,
		fill(map[string]string{"#password": adminPW}),
		chromedp.Click(chromedp.CSS(`[data-testid=login-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=user-menu]`)))
	menuStaysOpen(t, ctx, "after signing in")
	do(t, ctx, "sign out from the menu", chromedp.Click(chromedp.CSS(`[data-testid=signout]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
}

// menuStaysOpen waits for the dashboard to settle and checks that the user
// menu opened as it appeared is still open.
func menuStaysOpen(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	waitJS(t, ctx, "the dashboard settles "+when, `document.title.startsWith("My courses")`)
	if got := evalString(t, ctx, `document.querySelector("[data-testid=user-menu]").getAttribute("aria-expanded") + " " +
		!document.getElementById("user-menu-panel").hidden`); got != "true true" {
		t.Fatalf("%s, the user menu opened as it appeared: aria-expanded and shown %q, want %q", when, got, "true true")
	}
}

// evalString evaluates a JavaScript expression that gives a string.
func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

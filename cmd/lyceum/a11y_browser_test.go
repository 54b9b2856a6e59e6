package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Keyboard and screen-reader access to the outline editor and the chat
// (issue 7, item 16), checked with Chromium's own accessibility tree and
// real key presses. TestBrowserFormsCourse runs checkOutlineNames on its
// outline editor.

// accessibleNames returns the names Chromium's accessibility tree computes
// for the nodes of role inside the element matching css.
func accessibleNames(t *testing.T, ctx context.Context, css, role string) []string {
	t.Helper()
	names, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]string, error) {
		res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: fmt.Sprintf("document.querySelector(%q)", css)})
		if err != nil {
			return nil, err
		}
		if res.Result == nil || res.Result.ObjectID == "" {
			return nil, fmt.Errorf("no element %s", css)
		}
		ax, err := cdp.Call(ctx, tg, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{ObjectID: res.Result.ObjectID, Role: role})
		if err != nil {
			return nil, err
		}
		var out []string
		for _, n := range ax.Nodes {
			if n.Ignored || n.Name == nil {
				continue
			}
			var name string
			if err := json.Unmarshal(n.Name.Value, &name); err != nil {
				return nil, err
			}
			out = append(out, name)
		}
		return out, nil
	})
	if err != nil {
		t.Fatalf("reading the accessibility tree of %s: %v", css, err)
	}
	return names
}

// checkOutlineNames checks the open outline editor: no two of its buttons
// or links share an accessible name, and Rename, Delete and New lesson
// name their module, Edit its lesson.
func checkOutlineNames(t *testing.T, ctx context.Context, modules, lessons []string) {
	t.Helper()
	var names []string
	for _, role := range []string{"button", "link"} {
		names = append(names, accessibleNames(t, ctx, `[data-testid=outline-editor]`, role)...)
	}
	seen := map[string]int{}
	for _, name := range names {
		seen[name]++
	}
	for name, k := range seen {
		if k > 1 {
			t.Errorf("%d controls of the outline editor are all called %q: a screen reader cannot tell them apart", k, name)
		}
	}
	var want [][2]string
	for _, m := range modules {
		want = append(want, [2]string{"Rename", m}, [2]string{"Delete", m}, [2]string{"New lesson", m})
	}
	for _, l := range lessons {
		want = append(want, [2]string{"Edit", l})
	}
	for _, w := range want {
		if !slices.ContainsFunc(names, func(name string) bool { return strings.Contains(name, w[0]) && strings.Contains(name, w[1]) }) {
			t.Errorf("no control of the outline editor is named with %q and %q; the names are %q", w[0], w[1], names)
		}
	}
}

// focused describes the focused element: its data-testid, else its tag and
// text.
const focused = `(() => { const e = document.activeElement; if (!e) return ""; return e.dataset.testid ||
	(e.tagName.toLowerCase() + ":" + (e.getAttribute("aria-label") || e.textContent.trim()).slice(0, 40)); })()`

// focusedText returns the description of the focused element.
func focusedText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](focused))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// toolbarShownJS is a JS expression: the actions of the message holding the
// focus (or matching css) are on screen and not clipped away.
func toolbarShownJS(css string) string {
	return fmt.Sprintf(`(() => { const m = document.querySelector(%q); const a = m && m.querySelector(".msg-actions");
		if (!a) return false; const r = a.getBoundingClientRect(); return r.width > 30 && r.height > 20; })()`, css)
}

// press sends one key to the focused element.
func press(t *testing.T, ctx context.Context, key string) {
	t.Helper()
	do(t, ctx, "press a key", chromedp.KeyEvent(key))
}

// pressFor presses key and fails unless the focus lands on want (see focused).
func pressFor(t *testing.T, ctx context.Context, key, want, what string) {
	t.Helper()
	press(t, ctx, key)
	if got := focusedText(t, ctx); got != want {
		t.Errorf("%s focuses %q, want %q", what, got, want)
	}
}

func TestBrowserChatKeyboardAndToolbar(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", chatLearnerPW)
	for i := range 3 {
		w.api.call("POST", fmt.Sprintf("/rooms/%d/messages", w.roomID), map[string]string{"body": fmt.Sprintf("Ada says %d", i), "key": fmt.Sprint("a", i)}, nil)
		lin.call("POST", fmt.Sprintf("/rooms/%d/messages", w.roomID), map[string]string{"body": fmt.Sprintf("Lin says %d", i), "key": fmt.Sprint("l", i)}, nil)
	}
	room := fmt.Sprintf("/courses/%d/rooms/%d", w.courseID, w.roomID)
	ada := newBrowser(t, desktop)
	openAs(t, ada, n, "ada", chatAdminPW, room, `[data-testid=message]`)
	waitJS(t, ada, "the six messages show", `document.querySelectorAll("[data-testid=message]").length === 6`)

	// From the link back to the rooms, Tab reaches the message box in a few
	// steps, however many messages there are.
	const maxStops = 5
	if _, err := chromedp.Run(ada, chromedp.Evaluate[bool](`(document.querySelector(".chat .back-link").focus(), true)`)); err != nil {
		t.Fatal(err)
	}
	var path []string
	sawMessage := false
	for len(path) < 30 && (len(path) == 0 || path[len(path)-1] != "composer-input") {
		press(t, ada, kb.Tab)
		path = append(path, focusedText(t, ada))
		if path[len(path)-1] == "message" {
			sawMessage = true
			screenshot(t, ada, "message-focused")
			shown, err := chromedp.Run(ada, chromedp.Evaluate[bool](toolbarShownJS(`.msg:focus`)))
			if err != nil || !shown {
				t.Errorf("a message has the focus but its actions do not show (%v)", err)
			}
		}
	}
	if len(path) > maxStops || path[len(path)-1] != "composer-input" {
		t.Errorf("Tab takes %d steps from the rooms link to the message box, want at most %d: %q", len(path), maxStops, path)
	}
	if !sawMessage {
		t.Errorf("Tab never stops on a message: %q", path)
	}

	// Arrow keys move between messages and into their actions; Escape
	// comes back, and from a message goes to the message box.
	focusLast := `(document.querySelectorAll("[data-testid=message]")[5].focus(), true)`
	if _, err := chromedp.Run(ada, chromedp.Evaluate[bool](focusLast)); err != nil {
		t.Fatal(err)
	}
	press(t, ada, kb.ArrowUp)
	if got, err := chromedp.Run(ada, chromedp.Evaluate[string](`document.activeElement.textContent`)); err != nil || !strings.Contains(got, "Ada says 2") {
		t.Errorf("ArrowUp from the last message focuses %q (%v), want the one before it", got, err)
	}
	pressFor(t, ada, kb.ArrowRight, "reaction-add", "ArrowRight on a message (its first action)")
	pressFor(t, ada, kb.ArrowRight, "msg-reply", "ArrowRight again (Reply)")
	if shown, err := chromedp.Run(ada, chromedp.Evaluate[bool](toolbarShownJS(`.msg:focus-within`))); err != nil || !shown {
		t.Errorf("the focused message's actions do not show (%v)", err)
	}
	pressFor(t, ada, kb.Escape, "message", "Escape in the actions (back to the message)")
	pressFor(t, ada, kb.Escape, "composer-input", "Escape on a message (on to the message box)")

	// The skip link: the first stop after the rooms link, visible when
	// focused, and Enter lands in the message box.
	if _, err := chromedp.Run(ada, chromedp.Evaluate[bool](`(document.querySelector(".chat .back-link").focus(), true)`)); err != nil {
		t.Fatal(err)
	}
	pressFor(t, ada, kb.Tab, "skip-to-composer", "the first Tab after the rooms link (the link to the message box)")
	screenshot(t, ada, "skip-link")
	if msg, err := chromedp.Run(ada, chromedp.Evaluate[string](uncoveredJS(`[data-testid=skip-to-composer]`))); err != nil || msg != "" {
		t.Errorf("the focused skip link is not visible: %s %v", msg, err)
	}
	pressFor(t, ada, kb.Enter, "composer-input", "Enter on the skip link")

	// On a phone, tapping a message shows its actions.
	phoneCtx := newBrowser(t, phone)
	openAs(t, phoneCtx, n, "lin", chatLearnerPW, room, `[data-testid=message]`)
	pos, err := chromedp.Run(phoneCtx, chromedp.Evaluate[[]float64](`(() => {
		const b = [...document.querySelectorAll("[data-testid=message-body]")].find((e) => e.textContent === "Ada says 1");
		b.scrollIntoView({ block: "center" });
		const r = b.getBoundingClientRect();
		return [r.left + 10, r.top + r.height / 2];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, phoneCtx, "tap a message", chromedp.TapXY(pos[0], pos[1]))
	sel := `[data-testid=message]:has([data-testid=message-body])`
	waitJS(t, phoneCtx, "the tapped message shows its actions", fmt.Sprintf(`[...document.querySelectorAll(%q)].some((m) =>
		m.textContent.includes("Ada says 1") && (() => { const r = m.querySelector(".msg-actions").getBoundingClientRect();
		return r.width > 30 && r.height > 20; })())`, sel))
	screenshot(t, phoneCtx, "tapped")
}

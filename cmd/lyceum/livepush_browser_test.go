package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/rooms"
)

// A push that reaches a page while its load is on its way is not lost
// (useLoad's apply in ui.js): the load's answer may have been read before
// the change the push reports, and a push that came before there was any
// data used to be dropped. These tests hold the page's load answers in the
// tab until the change is made, published and heard by the tab, then
// release them.

// holdLoadsJS runs in every document of the tab before the app. Answers to
// fetches whose URL matches sessionStorage.holdPattern (a RegExp source;
// none while it is empty) are held while sessionStorage.holding is "1",
// until window.__releaseLoads(); window.__loads() counts this document's
// matching fetches since the pattern was set. window.__heard(topic) reports whether a push on topic
// reached the document's WebSocket.
const holdLoadsJS = `(() => {
	const realFetch = window.fetch;
	const held = [];
	let loads = 0;
	window.fetch = function (input, init) {
		const url = typeof input === "string" ? input : input.url;
		const p = realFetch.call(this, input, init);
		const pattern = sessionStorage.getItem("holdPattern");
		if (!pattern || !new RegExp(pattern).test(url)) return p;
		loads++;
		if (sessionStorage.getItem("holding") !== "1") return p;
		return p.then((res) => new Promise((resolve) => held.push(() => resolve(res))));
	};
	window.__loads = () => loads;
	window.__resetLoads = () => { loads = 0; };
	window.__releaseLoads = () => { sessionStorage.setItem("holding", "0"); for (const r of held.splice(0)) r(); return true; };
	const frames = [];
	const WS = window.WebSocket;
	window.WebSocket = class extends WS {
		constructor(...args) {
			super(...args);
			this.addEventListener("message", (e) => frames.push(...String(e.data).split("\n")));
		}
	};
	window.__heard = (topic) => frames.some((line) => {
		try { const f = JSON.parse(line); return f.type === "push" && f.topic === topic; } catch { return false; }
	});
})();`

// holdLoads sets the tab's hold pattern (holdLoadsJS) and whether answers
// are held, for the documents opened next (and the current one).
func holdLoads(t *testing.T, ctx context.Context, pattern string, hold bool) {
	t.Helper()
	runJS(t, ctx, "hold loads matching "+pattern, fmt.Sprintf(
		`sessionStorage.setItem("holdPattern", %q); sessionStorage.setItem("holding", %q); window.__resetLoads(); true`, pattern, map[bool]string{true: "1", false: "0"}[hold]))
}

// pushDuringLoad opens path (a fresh document) with the answers to loads
// matching pattern held, waits until the page's subscription is in place,
// makes the change, waits until the tab heard it on topic, releases the
// answers (all read before the change: the first load's, and the onStart
// read's if the page made one) and waits for the page to show the change.
func pushDuringLoad(t *testing.T, ctx context.Context, n *testNode, path, pattern, topic string, change func(), shown string) {
	t.Helper()
	holdLoads(t, ctx, pattern, true)
	do(t, ctx, "open "+path, chromedp.Navigate(n.url+path))
	waitJS(t, ctx, "the page's first load (its subscription is made in the same render)", `window.__loads() >= 1`)
	// A subscriber of the test's own: its onStart comes when the topic's
	// subscription is in place, the page's included, right after the
	// page's own onStart. Two frames later the page has made the read its
	// onStart asked for, if any (preact runs effects after a paint), so
	// the change below comes after every read the page makes.
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`import("/static/js/live.js").then((m) => new Promise((resolve) => {
		const settled = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(true), 0)));
		const off = m.live.subscribe(%q, () => {}, { onStart: () => { off(); settled(); } });
		setTimeout(() => resolve(false), 10000);
	}))`, topic), chromedp.EvalAwaitPromise))
	if err != nil || !ok {
		t.Fatalf("the page's subscription to %s is not in place (%v)", topic, err)
	}
	change()
	waitJS(t, ctx, "the tab heard the change", fmt.Sprintf(`window.__heard(%q)`, topic))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__releaseLoads()`)); err != nil {
		t.Fatalf("releasing the loads: %v", err)
	}
	waitJS(t, ctx, "the page shows the change heard while it loaded", shown)
}

func TestBrowserLivePushDuringFirstLoad(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	var thread struct{ Thread struct{ ID int64 } }
	w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "Eclipse glasses", "body_md": "Who has a spare pair?"}, &thread)
	linWire := dialWire(t, n, "lin", chatLearnerPW)
	lin := newBrowserFor(t, desktop, 3*time.Minute)
	do(t, lin, "hold loads and watch pushes", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: holdLoadsJS})
		return err
	}))
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, lin, "lin", chatLearnerPW)

	t.Run("notifications, opened in the app", func(t *testing.T) {
		// The bell follows the personal topic already: the page's
		// subscription is in place at once and its load is the only read.
		holdLoads(t, lin, `/me/notifications\?unread=1&limit=1`, false)
		do(t, lin, "open the home page", chromedp.Navigate(n.url+"/"))
		waitJS(t, lin, "the bell's subscription is in place (its second count)", `window.__loads() >= 2`)
		holdLoads(t, lin, `/me/notifications\?limit=30`, false)
		runJS(t, lin, "open the notifications", `(import("/static/js/router.js").then((m) => m.navigate("/notifications")), true)`)
		waitJS(t, lin, "the list is on screen",
			`!!document.querySelector("[data-testid=notification-list], [data-testid=notifications-empty]")`)
		loads, err := chromedp.Run(lin, chromedp.Evaluate[int](`window.__loads()`))
		if err != nil || loads != 1 {
			t.Errorf("the notifications page read its list %d times (%v), want 1", loads, err)
		}
	})

	t.Run("thread view", func(t *testing.T) {
		pushDuringLoad(t, lin, n, fmt.Sprintf("/courses/%d/discussion/%d", w.courseID, thread.Thread.ID),
			fmt.Sprintf(`/threads/%d$`, thread.Thread.ID), rooms.ThreadTopic(thread.Thread.ID),
			func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "I have two, ask at the desk."}, nil)
			},
			someTextJS(`[data-testid=post-body]`, "ask at the desk"))
	})

	t.Run("notifications", func(t *testing.T) {
		pushDuringLoad(t, lin, n, "/notifications", `/me/notifications\?limit=30`, rooms.UserTopic(linWire.userID),
			func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "@lin the desk closes at five."}, nil)
			},
			`!!document.querySelector("[data-testid=notification][data-kind=mention]")`)
	})
}

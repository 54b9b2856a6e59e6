package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/rooms"
)

// A page opened inside the app on a topic that is live already (the
// notifications page: the bell follows the personal topic) reads its data
// once: its subscription is in place from the render that started the
// load, so onStart says {live: true} and no second read is needed.
//
// A push that reaches a page while its load is on its way is not lost
// (useLoad's apply in ui.js): the load's answer may have been read before
// the change the push reports. TestBrowserLivePushDuringLoad holds the
// page's load answers in the tab until the change is made, published and
// heard by the tab, then releases them.

// watchLoadsJS runs in every document of the tab before the app.
// window.__loads() counts the document's fetches whose URL matches
// sessionStorage.loadPattern (a RegExp source; none while it is empty)
// since the pattern was set, and window.__pending() those of them not
// answered yet. While sessionStorage.holding is "1", the answers that
// arrive to them (from the sessionStorage.holdFrom-th on) are held until
// window.__releaseLoads(), which stops the holding (an answer arriving
// after it is not held); window.__unread() counts the released answers
// whose body the page has not read yet. window.__heard(topic) reports
// whether a push on topic reached the document's WebSocket, and
// window.__timeline() is what happened, in order, for a failure's log: the
// loads (made, answered, held, released, failed), the frames on the
// WebSocket, console warnings and errors, and the test's marks.
const watchLoadsJS = `(() => {
	const t0 = performance.now();
	const timeline = [];
	const note = (what) => timeline.push(Math.round(performance.now() - t0) + "ms " + what);
	window.__mark = (what) => { note("test: " + what); return true; };
	window.__timeline = () => timeline.join("\n");
	const holding = () => sessionStorage.getItem("holding") === "1";
	const realFetch = window.fetch;
	const held = [];
	let loads = 0;
	let pending = 0;
	let unread = 0;
	window.fetch = function (input, init) {
		const url = typeof input === "string" ? input : input.url;
		const p = realFetch.call(this, input, init);
		const pattern = sessionStorage.getItem("loadPattern");
		if (!pattern || !new RegExp(pattern).test(url)) return p;
		const n = ++loads;
		pending++;
		note("load " + n + " " + url);
		return p.then((res) => {
			pending--;
			if (!holding() || n < Number(sessionStorage.getItem("holdFrom"))) {
				note("load " + n + " answered " + res.status);
				return res;
			}
			note("load " + n + " answered " + res.status + ", held");
			return new Promise((resolve) => held.push(() => {
				note("load " + n + " released");
				unread++;
				const json = res.json.bind(res);
				res.json = () => json().finally(() => { unread--; note("load " + n + " read by the page"); });
				resolve(res);
			}));
		}, (e) => {
			pending--;
			note("load " + n + " failed: " + e.name);
			throw e;
		});
	};
	window.__loads = () => loads;
	window.__pending = () => pending;
	window.__unread = () => unread;
	window.__watchLoads = (pattern, holdFrom) => {
		sessionStorage.setItem("loadPattern", pattern);
		sessionStorage.setItem("holding", holdFrom > 0 ? "1" : "0");
		sessionStorage.setItem("holdFrom", String(holdFrom));
		loads = 0;
		note("test: watch loads matching " + pattern + (holdFrom > 0 ? ", holding answers from the " + holdFrom + "th" : ""));
		return true;
	};
	window.__releaseLoads = () => {
		sessionStorage.setItem("holding", "0");
		note("test: release " + held.length + " held answers");
		for (const r of held.splice(0)) r();
		return true;
	};
	const pushes = [];
	const WS = window.WebSocket;
	window.WebSocket = class extends WS {
		constructor(...args) {
			super(...args);
			note("ws open " + args[0]);
			this.addEventListener("message", (e) => {
				for (const line of String(e.data).split("\n")) {
					note("ws < " + line.slice(0, 200));
					try { const f = JSON.parse(line); if (f.type === "push") pushes.push(f.topic); } catch {}
				}
			});
			this.addEventListener("close", (e) => note("ws closed " + e.code));
			const send = this.send;
			this.send = (data) => { note("ws > " + String(data).slice(0, 200)); return send.call(this, data); };
		}
	};
	window.__heard = (topic) => pushes.includes(topic);
	for (const level of ["warn", "error"]) {
		const real = console[level];
		console[level] = (...args) => { note("console." + level + " " + args.map(String).join(" ")); real.apply(console, args); };
	}
	addEventListener("error", (e) => note("error " + e.message));
	addEventListener("unhandledrejection", (e) => note("unhandled rejection " + e.reason));
})();`

// newLoadWatchingBrowser opens a browser whose documents run watchLoadsJS
// and signs in as login.
func newLoadWatchingBrowser(t *testing.T, n *testNode, login, password string) context.Context {
	t.Helper()
	return scriptedBrowser(t, n, login, password, 3*time.Minute, "watch loads", watchLoadsJS)
}

// watchLoads starts counting the tab's fetches matching pattern, in this
// document and the next, holding their answers from the holdFrom-th on
// (none if 0; watchLoadsJS).
func watchLoads(t *testing.T, ctx context.Context, pattern string, holdFrom int) {
	t.Helper()
	runJS(t, ctx, "watch loads matching "+pattern, fmt.Sprintf(`window.__watchLoads(%q, %d)`, pattern, holdFrom))
}

// waitOrDump is waitJS that, when expr does not come true, logs the
// elements matching dumpCSS and the document's timeline (watchLoadsJS).
func waitOrDump(t *testing.T, ctx context.Context, step, expr, dumpCSS string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(liveWait)))
	if err == nil {
		return
	}
	state, derr := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`"live status " + document.body.dataset.liveStatus + " at " + location.pathname + "\n" +
		[...document.querySelectorAll(%q)].map((e) => e.outerHTML.slice(0, 2000)).join("\n") + "\n" +
		(window.__timeline ? window.__timeline() : "(no timeline)")`, dumpCSS)))
	t.Fatalf("%s: %v\nthe page (%v):\n%s", step, err, derr, state)
}

func TestBrowserALivePageOpenedInTheAppReadsOnce(t *testing.T) {
	n := startTestNode(t, nil)
	newChatWorld(t, n)
	lin := newLoadWatchingBrowser(t, n, "lin", chatLearnerPW)

	// The bell follows the personal topic already: the page's subscription
	// is in place at once and its load is the only read.
	watchLoads(t, lin, `/me/notifications\?unread=1&limit=1`, 0)
	do(t, lin, "open the home page", chromedp.Navigate(n.url+"/"))
	waitJS(t, lin, "the bell's subscription is in place (its second count)", `window.__loads() >= 2`)
	watchLoads(t, lin, `/me/notifications\?limit=30`, 0)
	runJS(t, lin, "open the notifications", `(import("/static/js/router.js").then((m) => m.navigate("/notifications")), true)`)
	waitJS(t, lin, "the list is on screen",
		`!!document.querySelector("[data-testid=notification-list], [data-testid=notifications-empty]")`)
	loads, err := chromedp.Run(lin, chromedp.Evaluate[int](`window.__loads()`))
	if err != nil || loads != 1 {
		t.Errorf("the notifications page read its list %d times (%v), want 1", loads, err)
	}
}

// A pushCase is one page whose load answers are held while a change is pushed.
type pushCase struct {
	path    string // the page, opened as a fresh document
	pattern string // a RegExp source matching the URL of the page's load
	topic   string // the page's live topic
	// reads is how many loads the page makes at least before it settles:
	// its first one, and the one its subscription's onStart asks for when
	// the topic was not live in the tab before (the thread view, the
	// progress dashboard; the notifications page shares the bell's topic,
	// which may be acknowledged before the page joins it).
	reads int
	// holdFrom: the first load whose answer is held (1: all of them).
	holdFrom int
	change   func() // makes the change through the API, as someone else
	shown    string // JS: the page shows the change
	dump     string // CSS: the elements to log on failure
}

// pushDuringLoad opens c.path with the answers to its loads held in the
// tab (from the c.holdFrom-th), waits until the page's subscription is in
// place and every load the page made has its answer (read before the
// change) held, makes the change, waits until the tab heard it on c.topic,
// releases the answers and waits until the page has read them and shows
// the change: from the held answer and the push, with no read after the
// change.
func pushDuringLoad(t *testing.T, ctx context.Context, n *testNode, c pushCase) {
	t.Helper()
	watchLoads(t, ctx, c.pattern, c.holdFrom)
	do(t, ctx, "open "+c.path, chromedp.Navigate(n.url+c.path))
	waitOrDump(t, ctx, "the page's first load (its subscription is made in the same render)", `window.__loads() >= 1`, c.dump)
	// A subscriber of the test's own: its onStart comes when the topic's
	// subscription is in place, the page's included, right after the
	// page's own onStart. Two frames later the page has made the read its
	// onStart asked for, if any (preact runs effects after a paint), so
	// the change below comes after every read the page makes.
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`import("/static/js/live.js").then((m) => new Promise((resolve) => {
		const settled = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(true), 0)));
		const off = m.live.subscribe(%q, () => {}, { onStart: (s) => { __mark("subscribed " + JSON.stringify(s || {})); off(); settled(); } });
		setTimeout(() => resolve(false), 10000);
	}))`, c.topic), chromedp.EvalAwaitPromise))
	if err != nil || !ok {
		t.Fatalf("the page's subscription to %s is not in place (%v)", c.topic, err)
	}
	// The answers must be in the tab before the change is made: a held
	// request the server has not answered yet may read the change itself,
	// and an answer arriving after the release must not wait for another.
	waitOrDump(t, ctx, "every load the page made is answered (and held)",
		fmt.Sprintf(`window.__loads() >= %d && window.__pending() === 0`, c.reads), c.dump)
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](`__mark("making the change"), window.__loads()`))
	if err != nil {
		t.Fatalf("counting the loads: %v", err)
	}
	c.change()
	waitOrDump(t, ctx, "the tab heard the change", fmt.Sprintf(`window.__heard(%q)`, c.topic), c.dump)
	runJS(t, ctx, "release the held answers", `window.__releaseLoads()`)
	waitOrDump(t, ctx, "the page read the released answers and shows the change heard while they were held",
		fmt.Sprintf(`window.__unread() === 0 && (%s)`, c.shown), c.dump)
	after, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__loads()`))
	if err != nil || after != before {
		t.Errorf("the page read again after the change (%d loads, %d before; %v): the push was not applied to the held answer",
			after, before, err)
	}
}

func TestBrowserLivePushDuringLoad(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	var thread struct{ Thread struct{ ID int64 } }
	w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "Eclipse glasses", "body_md": "Who has a spare pair?"}, &thread)
	var module, lesson struct{ ID int64 }
	w.api.call("POST", fmt.Sprintf("/courses/%d/modules", w.courseID), map[string]string{"title": "Week 1"}, &module)
	w.api.call("POST", fmt.Sprintf("/modules/%d/lessons", module.ID),
		map[string]any{"title": "Safe viewing", "body_md": "# Safe viewing"}, &lesson)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", chatLearnerPW)
	linWire := dialWire(t, n, "lin", chatLearnerPW)
	lin := newLoadWatchingBrowser(t, n, "lin", chatLearnerPW)

	t.Run("thread view", func(t *testing.T) {
		pushDuringLoad(t, lin, n, pushCase{path: fmt.Sprintf("/courses/%d/discussion/%d", w.courseID, thread.Thread.ID),
			pattern: fmt.Sprintf(`/threads/%d$`, thread.Thread.ID), topic: rooms.ThreadTopic(thread.Thread.ID),
			reads: 2, holdFrom: 1,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "I have two, ask at the desk."}, nil)
			},
			shown: someTextJS(`[data-testid=post-body]`, "ask at the desk"),
			dump:  `[data-testid=thread], .state`})
	})

	t.Run("notifications", func(t *testing.T) {
		pushDuringLoad(t, lin, n, pushCase{path: "/notifications", pattern: `/me/notifications\?limit=30`,
			topic: rooms.UserTopic(linWire.userID), reads: 1, holdFrom: 1,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "@lin the desk closes at five."}, nil)
			},
			shown: `!!document.querySelector("[data-testid=notification][data-kind=mention]")`,
			dump:  `[data-testid=notification-list], [data-testid=notifications-empty], .state`})
	})

	t.Run("progress dashboard", func(t *testing.T) {
		ada := newLoadWatchingBrowser(t, n, "ada", chatAdminPW)
		cell := fmt.Sprintf(`[data-testid=progress-row][data-username=lin] td[data-lesson-id="%d"]`, lesson.ID)
		pushDuringLoad(t, ada, n, pushCase{path: fmt.Sprintf("/courses/%d/progress", w.courseID),
			pattern: fmt.Sprintf(`/courses/%d/progress/report$`, w.courseID), topic: rooms.ProgressTopic(w.courseID),
			// The first load is shown; the read onStart asks for (half a
			// second later) is held. A push that comes before the
			// dashboard has any data makes it read again instead (it may
			// name a learner or lesson the report lacks).
			reads: 2, holdFrom: 2,
			change: func() {
				lapi.call("POST", fmt.Sprintf("/lessons/%d/complete", lesson.ID), map[string]bool{"done": true}, nil)
			},
			shown: fmt.Sprintf(`!!document.querySelector(%q)`, cell+`[data-state=done]`),
			dump:  `[data-testid=progress-dashboard], .state`})
	})
}

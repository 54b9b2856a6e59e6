package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/rooms"
)

// No publication is lost between a page's first load and its live
// subscription (docs/protocol.md, "Offsets, epochs and recovery"): a page
// reads its data from the API while it subscribes; a change made after the
// read but before the subscription is in place is counted in the first
// ack's position, so it is never pushed. The pages read again in onStart
// (live.js). These tests open that window on purpose: the tab holds its
// outgoing subscribe frames until the test releases them, and the change
// is made (and seen published, by a second client on the topic) while they
// are held.

// holdSubscribesJS runs in every document of a gap-test tab before the
// app: it holds each WebSocket message carrying a subscribe frame until
// window.__releaseSubscribes() sends them all (and stops holding);
// window.__heldTopics() lists the topics held so far.
const holdSubscribesJS = `(() => {
	const send = WebSocket.prototype.send;
	const held = []; // [socket, message, topics]
	let holding = true;
	const subscribes = (data) => String(data).split("\n").flatMap((line) => {
		try { const f = JSON.parse(line); return f && f.type === "subscribe" ? [f.topic] : []; } catch { return []; }
	});
	WebSocket.prototype.send = function (data) {
		const topics = holding ? subscribes(data) : [];
		if (topics.length === 0) return send.call(this, data);
		held.push([this, data, topics]);
	};
	window.__heldTopics = () => held.flatMap((h) => h[2]);
	window.__releaseSubscribes = () => {
		holding = false;
		for (const [ws, data] of held.splice(0)) if (ws.readyState === WebSocket.OPEN) send.call(ws, data);
		return true;
	};
})();`

// scriptedBrowser starts a browser that lives up to d and runs script in
// every document before the app (step names it in a failure), opens the
// site on node n and signs in as login.
func scriptedBrowser(t *testing.T, n *testNode, login, password string, d time.Duration, step, script string) context.Context {
	t.Helper()
	ctx := newBrowserFor(t, desktop, d)
	do(t, ctx, step, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return err
	}))
	do(t, ctx, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, ctx, login, password)
	return ctx
}

// gapBrowser starts a browser whose tab holds subscribe frames (holdSubscribesJS)
// and signs it in as login.
func gapBrowser(t *testing.T, n *testNode, login, password string) context.Context {
	t.Helper()
	return scriptedBrowser(t, n, login, password, 4*time.Minute, "hold the subscribes", holdSubscribesJS)
}

// gapCase is one page put through the window.
type gapCase struct {
	browser context.Context // the tab showing the page
	path    string          // the page
	loaded  string          // JS: the page's first load is on screen
	topic   string          // the page's live topic
	witness *wireClient     // a client allowed on topic, to see the change published
	change  func()          // makes the change through the API, as someone else
	shown   string          // JS: the page shows the change
}

// openGap opens c.path with its subscribe held, makes the change once the
// first load is on screen, waits until it is published on the topic,
// checks the page does not show it yet, then releases the subscribe and
// waits (without a reload) for the page to show it.
func openGap(t *testing.T, n *testNode, c gapCase) {
	t.Helper()
	ack := c.witness.reply(c.witness.send(frame{"type": "subscribe", "topic": c.topic}))
	if ack["type"] != hub.FrameAck {
		t.Fatalf("the witness may not follow %s: %v", c.topic, ack)
	}
	do(t, c.browser, "open "+c.path, chromedp.Navigate(n.url+c.path))
	waitJS(t, c.browser, "the first load is on screen", c.loaded)
	waitJS(t, c.browser, "the page's subscribe is held", fmt.Sprintf(`window.__heldTopics().includes(%q)`, c.topic))
	markPage(t, c.browser)
	c.change()
	c.witness.take("the change published on "+c.topic, func(f frame) bool {
		return f["type"] == hub.FramePush && f["topic"] == c.topic
	})
	early, err := chromedp.Run(c.browser, chromedp.Evaluate[bool](c.shown))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	if early {
		t.Fatal("the page shows the change before its subscription is in place: the window is not open")
	}
	if _, err := chromedp.Run(c.browser, chromedp.Evaluate[bool](`window.__releaseSubscribes()`)); err != nil {
		t.Fatalf("releasing the subscribes: %v", err)
	}
	waitJS(t, c.browser, "the page shows the change made before its subscription", c.shown)
	assertNotReloaded(t, c.browser)
	c.witness.reply(c.witness.send(frame{"type": "unsubscribe", "topic": c.topic}))
}

func TestBrowserLiveGapFirstLoad(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	c := w.courseID
	var module, lesson, item struct{ ID int64 }
	w.api.call("POST", fmt.Sprintf("/courses/%d/modules", c), map[string]string{"title": "Week 1"}, &module)
	w.api.call("POST", fmt.Sprintf("/modules/%d/lessons", module.ID),
		map[string]any{"title": "Telescopes", "body_md": "# Telescopes"}, &lesson)
	w.api.call("POST", fmt.Sprintf("/courses/%d/gradebook/items", c), map[string]any{"title": "Star chart", "max_points": 10}, &item)
	var thread struct{ Thread struct{ ID int64 } }
	w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "Clear skies tonight?", "body_md": "Who checked the forecast?"}, &thread)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", chatLearnerPW)

	adaWire := dialWire(t, n, "ada", chatAdminPW)
	linWire := dialWire(t, n, "lin", chatLearnerPW)
	ada := gapBrowser(t, n, "ada", chatAdminPW)
	lin := gapBrowser(t, n, "lin", chatLearnerPW)

	t.Run("notifications and bell", func(t *testing.T) {
		lapi.call("POST", "/me/notifications/read", map[string]any{}, nil)
		var unread struct{ Unread int }
		openGap(t, n, gapCase{browser: lin, path: "/notifications",
			loaded: `!!document.querySelector("[data-testid=notification-list], [data-testid=notifications-empty]") &&
				!document.querySelector("[data-testid=notify-count]")`,
			topic: rooms.UserTopic(linWire.userID), witness: linWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "@lin can you bring the star map?"}, nil)
			},
			shown: `!!document.querySelector("[data-testid=notification][data-kind=mention]") &&
				(document.querySelector("[data-testid=notify-count]") || {}).textContent === "1"`})
		lapi.call("GET", "/me/notifications?unread=1&limit=1", nil, &unread)
		if unread.Unread != 1 {
			t.Errorf("the API counts %d unread, the page 1", unread.Unread)
		}
		screenshot(t, lin, "notifications")

		// A later subscriber to the topic, now live, is told at once that its
		// subscription is in place.
		got, err := chromedp.Run(lin, chromedp.Evaluate[bool](fmt.Sprintf(`import("/static/js/live.js").then((m) => new Promise((resolve) => {
			const off = m.live.subscribe(%q, () => {}, { onStart: () => { off(); resolve(true); } });
			setTimeout(() => resolve(false), 5000);
		}))`, rooms.UserTopic(linWire.userID)), chromedp.EvalAwaitPromise))
		if err != nil || !got {
			t.Errorf("a later subscriber to a live topic got no onStart (%v)", err)
		}
	})

	t.Run("thread view", func(t *testing.T) {
		openGap(t, n, gapCase{browser: lin, path: fmt.Sprintf("/courses/%d/discussion/%d", c, thread.Thread.ID),
			loaded: someTextJS(`[data-testid=post-body]`, "star map"),
			topic:  rooms.ThreadTopic(thread.Thread.ID), witness: adaWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/threads/%d/posts", thread.Thread.ID),
					map[string]string{"body_md": "The forecast says clear after ten."}, nil)
			},
			shown: someTextJS(`[data-testid=post-body]`, "clear after ten")})
	})

	t.Run("forum index", func(t *testing.T) {
		openGap(t, n, gapCase{browser: lin, path: fmt.Sprintf("/courses/%d/discussion", c),
			loaded: someTextJS(`[data-testid=thread-row]`, "Clear skies tonight?"),
			topic:  rooms.ForumTopic(w.forumID), witness: adaWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
					map[string]string{"title": "Lost lens cap", "body_md": "Black, 52 mm."}, nil)
			},
			shown: someTextJS(`[data-testid=thread-row]`, "Lost lens cap")})
	})

	t.Run("course announcements", func(t *testing.T) {
		openGap(t, n, gapCase{browser: lin, path: fmt.Sprintf("/courses/%d", c),
			loaded: `!!document.querySelector("[data-testid=announcements-empty]")`,
			topic:  rooms.AnnouncementsTopic(c), witness: linWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/courses/%d/announcements", c),
					map[string]any{"title": "Observatory closed Monday", "body_md": "Maintenance."}, nil)
			},
			shown: someTextJS(`[data-testid=announcement]`, "Observatory closed Monday")})
	})

	t.Run("progress dashboard", func(t *testing.T) {
		cell := fmt.Sprintf(`[data-testid=progress-row][data-username=lin] td[data-lesson-id="%d"]`, lesson.ID)
		openGap(t, n, gapCase{browser: ada, path: fmt.Sprintf("/courses/%d/progress", c),
			loaded: fmt.Sprintf(`!!document.querySelector(%q) && !document.querySelector(%q)`, cell, cell+`[data-state=done]`),
			topic:  rooms.ProgressTopic(c), witness: adaWire,
			change: func() {
				lapi.call("POST", fmt.Sprintf("/lessons/%d/complete", lesson.ID), map[string]bool{"done": true}, nil)
			},
			shown: fmt.Sprintf(`!!document.querySelector(%q)`, cell+`[data-state=done]`)})
		screenshot(t, ada, "progress")
	})

	t.Run("gradebook", func(t *testing.T) {
		cell := fmt.Sprintf(`[data-testid=gradebook-row][data-username=lin] [data-testid=grade-cell][data-item-id="%d"]`, item.ID)
		openGap(t, n, gapCase{browser: ada, path: fmt.Sprintf("/courses/%d/grades", c),
			loaded: fmt.Sprintf(`!!document.querySelector(%q)`, cell),
			topic:  rooms.GradebookTopic(c), witness: adaWire,
			change: func() {
				w.api.call("PATCH", fmt.Sprintf("/grade-items/%d/grades/%d", item.ID, linWire.userID),
					map[string]any{"points": 7, "released": true}, nil)
			},
			shown: someTextJS(cell, "7")})
		screenshot(t, ada, "gradebook")
	})

	t.Run("room list", func(t *testing.T) {
		openGap(t, n, gapCase{browser: lin, path: fmt.Sprintf("/courses/%d/rooms", c),
			loaded: `!!document.querySelector("[data-testid=room-row]") && !document.querySelector("[data-testid=room-unread]")`,
			topic:  rooms.RoomTopic(w.roomID), witness: adaWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/rooms/%d/messages", w.roomID), map[string]string{"body": "Telescope keys are at the desk."}, nil)
			},
			shown: `(document.querySelector("[data-testid=room-unread]") || {}).textContent === "1 unread"`})
	})

	var game struct{ Game struct{ ID int64 } }
	w.api.call("POST", fmt.Sprintf("/rooms/%d/live-quizzes", w.roomID), map[string]any{
		"title": "Moon phases", "questions": []any{map[string]any{"seconds": 120, "question": map[string]any{"type": "single",
			"text_md": "Which phase comes after the full moon?", "body": map[string]any{"choice": map[string]any{"choices": []any{
				map[string]any{"id": "a", "text_md": "Waning gibbous", "fraction": 1},
				map[string]any{"id": "b", "text_md": "New moon", "fraction": 0}}}}}}},
	}, &game)
	g := game.Game.ID

	t.Run("live quiz control panel", func(t *testing.T) {
		openGap(t, n, gapCase{browser: ada, path: fmt.Sprintf("/courses/%d/live-quizzes/%d", c, g),
			// The roster's answer arrived (the lobby list shows it, empty).
			loaded: fmt.Sprintf(`!!document.querySelector("[data-testid=lq-players]") &&
				performance.getEntriesByType("resource").some((e) => e.name.includes("/live-quizzes/%d/results") && e.responseEnd > 0)`, g),
			topic: rooms.QuizStaffTopic(g), witness: adaWire,
			change: func() { lapi.call("POST", fmt.Sprintf("/live-quizzes/%d/join", g), map[string]any{}, nil) },
			shown:  `document.querySelectorAll("[data-testid=lq-player]").length === 1`})
	})

	t.Run("live quiz player", func(t *testing.T) {
		openGap(t, n, gapCase{browser: lin, path: fmt.Sprintf("/courses/%d/live-quizzes/%d/play", c, g),
			loaded: `!!document.querySelector("[data-testid=lq-player-view][data-phase=lobby]")`,
			topic:  rooms.QuizTopic(g), witness: adaWire,
			change: func() {
				w.api.call("POST", fmt.Sprintf("/live-quizzes/%d/control", g), map[string]string{"action": "start"}, nil)
			},
			shown: `!!document.querySelector("[data-testid=lq-player-view][data-phase=open]")`})
		screenshot(t, lin, "quiz-player")
	})
}

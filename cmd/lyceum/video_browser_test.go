package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The live classroom page (web/app/static/js/pages/room-live.js) in real
// browsers with fake cameras and microphones (flags: shared/design/WEBRTC.md):
// the instructor publishes, a learner on a phone receives video and audio
// (getStats counters increasing), and when the instructor shares a screen it
// becomes the learner's main view. The join time (join clicked -> first
// decoded frame) is logged.

// mediaWait bounds one media step (connecting, first frame, a switch); the
// page needs under a second on an idle machine.
const mediaWait = 30 * time.Second

// newMediaBrowser is a browser with fake media devices that grants camera,
// microphone and screen capture without asking, and uses loopback for WebRTC.
func newMediaBrowser(t *testing.T, vp viewport) context.Context {
	t.Helper()
	return newBrowserWith(t, vp, mediaBrowser)
}

// mediaBrowser is the shared Chromium with fake media devices.
var mediaBrowser = &browserKind{name: "media", flags: []chromedp.ExecAllocatorOption{
	chromedp.Flag("use-fake-ui-for-media-stream", true),
	chromedp.Flag("use-fake-device-for-media-stream", true),
	chromedp.Flag("allow-loopback-in-peer-connection", true),
	chromedp.Flag("auto-select-desktop-capture-source", "Entire screen"),
	chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
}}

// mediaCounters are the page's inbound RTP totals from getStats().
type mediaCounters struct {
	FramesDecoded      int64 `json:"framesDecoded"`
	AudioPacketsRecv   int64 `json:"audioPackets"`
	VideoPacketsRecv   int64 `json:"videoPackets"`
	InboundVideoTracks int64 `json:"videoTracks"`
}

const countersJS = `(async () => {
	const out = {framesDecoded: 0, audioPackets: 0, videoPackets: 0, videoTracks: 0};
	const pc = window.__liveCall && window.__liveCall.pc;
	if (!pc) return out;
	(await pc.getStats()).forEach((r) => {
		if (r.type !== "inbound-rtp") return;
		if (r.kind === "video") { out.framesDecoded += r.framesDecoded || 0; out.videoPackets += r.packetsReceived || 0; out.videoTracks++; }
		if (r.kind === "audio") out.audioPackets += r.packetsReceived || 0;
	});
	return out;
})()`

// counters reads mediaCounters from the page.
func counters(t *testing.T, ctx context.Context) mediaCounters {
	t.Helper()
	c, err := chromedp.Run(ctx, chromedp.Evaluate[mediaCounters](countersJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("reading getStats: %v", err)
	}
	return c
}

// waitMedia waits until the JavaScript expression is true, for media steps.
func waitMedia(t *testing.T, ctx context.Context, step, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(mediaWait),
		chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		screenshot(t, ctx, "failed")
		t.Fatalf("%s: %v", step, err)
	}
}

const callStateJS = `window.__liveCall.state.get()`

// smallPhone is the narrowest phone the live page is made for.
var smallPhone = viewport{"small-phone", 360, 740, true}

func TestBrowserLiveClassroom(t *testing.T) {
	n := startTestNode(t, map[string]string{"LYCEUM_ICE_LOOPBACK": "true"})
	w := newChatWorld(t, n)
	page := fmt.Sprintf("/courses/%d/rooms/%d/live", w.courseID, w.roomID)
	const join = `[data-testid=live-join]`

	ada := newMediaBrowser(t, desktop)
	openAs(t, ada, n, "ada", chatAdminPW, page, join)
	screenshot(t, ada, "lobby")
	do(t, ada, "the instructor joins", chromedp.Click(chromedp.CSS(join), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=live-controls]`)))
	waitMedia(t, ada, "the instructor publishes camera and microphone, and the server lists them",
		`(() => { const s = `+callStateJS+`; return !!s.local.camera && !!s.local.microphone &&
			s.tracks.filter((t) => t.participant === s.me.id && t.state === "live").length === 2; })()`)

	lin := newMediaBrowser(t, smallPhone)
	openAs(t, lin, n, "lin", chatLearnerPW, page, join)
	do(t, lin, "the learner joins", chromedp.Click(chromedp.CSS(join), chromedp.NodeVisible))
	clicked := time.Now()
	waitMedia(t, lin, "the learner decodes the instructor's video", callStateJS+`.firstFrameAt > 0`)
	wall := time.Since(clicked)
	inPage, err := chromedp.Run(lin, chromedp.Evaluate[float64](`(() => { const s = `+callStateJS+`; return s.firstFrameAt - s.joinAt; })()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("join time (join clicked -> first decoded frame): %.0f ms in the page, %v measured by the test",
		inPage, wall.Round(time.Millisecond))
	waitMedia(t, lin, "the main view shows the instructor's camera",
		`(() => { const m = document.querySelector("[data-testid=live-main]"); return !!m && m.dataset.source === "camera" &&
			m.querySelector("video") && m.querySelector("video").videoWidth > 0; })()`)
	waitMedia(t, ada, "the instructor sees the learner in the participant list",
		someTextJS(`[data-testid=live-participant]`, "Lin Learner"))

	first := counters(t, lin)
	waitMedia(t, lin, "frames decoded and audio packets received keep increasing", fmt.Sprintf(`(async () => {
		const c = await %s; return c.framesDecoded > %d && c.audioPackets > %d; })()`, countersJS, first.FramesDecoded+10, first.AudioPacketsRecv+10))
	second := counters(t, lin)
	t.Logf("learner getStats: %+v then %+v", first, second)
	if first.FramesDecoded == 0 || first.AudioPacketsRecv == 0 {
		t.Errorf("no media at the first sample: %+v", first)
	}
	waitMedia(t, lin, "the connection-quality indicator has a reading",
		`["good", "fair", "poor"].includes(document.querySelector("[data-testid=live-quality]").dataset.level)`)
	screenshot(t, lin, "learner-phone")
	screenshot(t, ada, "instructor-desktop")

	do(t, ada, "the instructor shares a screen", chromedp.Click(chromedp.CSS(`[data-testid=live-screen]`), chromedp.NodeVisible))
	waitMedia(t, ada, "the screen is published", `!!`+callStateJS+`.local.screen`)
	waitMedia(t, lin, "the learner's main view switches to the screen, which plays",
		`(() => { const m = document.querySelector("[data-testid=live-main]"); return !!m && m.dataset.source === "screen" &&
			m.querySelector("video") && m.querySelector("video").videoWidth > 0; })()`)
	screenshot(t, lin, "learner-screen-share")
	screenshot(t, ada, "instructor-screen-share")

	do(t, ada, "the instructor stops sharing", chromedp.Click(chromedp.CSS(`[data-testid=live-screen]`), chromedp.NodeVisible))
	waitMedia(t, lin, "the learner's main view is the camera again",
		`(() => { const m = document.querySelector("[data-testid=live-main]"); return !!m && m.dataset.source === "camera"; })()`)

	do(t, lin, "the learner leaves", chromedp.Click(chromedp.CSS(`[data-testid=live-leave]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(join)))
	waitMedia(t, ada, "the instructor no longer lists the learner",
		"!("+someTextJS(`[data-testid=live-participant]`, "Lin Learner")+")")

	do(t, ada, "the instructor opens the course report", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/progress", n.url, w.courseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attendance-session]`)))
	do(t, ada, "and the session's attendance", chromedp.Click(chromedp.CSS(`[data-testid=attendance-session] summary`), chromedp.NodeVisible))
	waitJS(t, ada, "the learner's stay is listed", someTextJS(`[data-testid=attendance-row]`, "Lin Learner"))
	screenshot(t, ada, "attendance")
}

// sessionJS is the SFU session the page's call is in ("" before joining).
const sessionJS = callStateJS + `.session`

func TestBrowserLiveBreakout(t *testing.T) {
	n := startTestNode(t, map[string]string{"LYCEUM_ICE_LOOPBACK": "true"})
	w := newChatWorld(t, n)
	page := fmt.Sprintf("/courses/%d/rooms/%d/live", w.courseID, w.roomID)
	const join = `[data-testid=live-join]`
	mainSession := fmt.Sprintf("room-%d", w.roomID)

	ada := newMediaBrowser(t, desktop)
	openAs(t, ada, n, "ada", chatAdminPW, page, join)
	do(t, ada, "the instructor joins", chromedp.Click(chromedp.CSS(join), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=live-controls]`)))
	lin := newMediaBrowser(t, smallPhone)
	openAs(t, lin, n, "lin", chatLearnerPW, page, join)
	do(t, lin, "the learner joins", chromedp.Click(chromedp.CSS(join), chromedp.NodeVisible))
	waitMedia(t, lin, "the learner is in the main session", sessionJS+` === "`+mainSession+`"`)

	// The instructor opens one random group for five minutes.
	do(t, ada, "the instructor opens the Groups tab", chromedp.Click(chromedp.CSS(`[data-testid=live-tab-groups]`), chromedp.NodeVisible))
	submitForm(t, ada, "breakout-form", `!!document.querySelector("[data-testid=breakout-panel]")`,
		chromedp.SetValue(chromedp.CSS("#breakout-count"), "1"), chromedp.SetValue(chromedp.CSS("#breakout-minutes"), "5"),
		submitButton("breakout-form"))
	waitJS(t, ada, "five minutes at most are left", `/^[0-5]:\d\d left$/.test(document.querySelector("[data-testid=breakout-time]").textContent)`)
	waitMedia(t, lin, "the learner lands in its group's session",
		`(() => { const s = `+callStateJS+`; return s.status === "joined" && s.session === "`+mainSession+`-g1"; })()`)
	waitJS(t, lin, "the learner's bar shows the group and the time left", someTextJS(`[data-testid=live-breakout-bar]`, "left"))

	// The learner calls the instructor; the call is queued for staff.
	do(t, lin, "the learner calls the instructor", chromedp.Click(chromedp.CSS(`[data-testid=live-call-staff]`), chromedp.NodeVisible))
	waitJS(t, ada, "the call is listed for staff", `!!document.querySelector("[data-testid=breakout-call][data-group=g1]")`)
	screenshot(t, lin, "breakout-learner-phone")
	screenshot(t, ada, "breakout-instructor")

	// A broadcast reaches the group.
	const note = "Two minutes left, wrap up"
	submitForm(t, ada, "broadcast-form", `document.querySelector("#broadcast-text").value === ""`,
		fill(map[string]string{"#broadcast-text": note}), submitButton("broadcast-form"))
	waitJS(t, lin, "the learner sees the broadcast", someTextJS(`[data-testid=live-broadcast]`, note))

	// The instructor answers the call: joins the group, the learner sees them there.
	do(t, ada, "the instructor goes to the group", chromedp.Click(chromedp.CSS(`[data-testid=breakout-call-go]`), chromedp.NodeVisible))
	waitMedia(t, ada, "the instructor is in the group's session and publishes again",
		`(() => { const s = `+callStateJS+`; return s.session === "`+mainSession+`-g1" && !!s.local.camera; })()`)
	waitJS(t, ada, "the call is answered", `!!document.querySelector("[data-testid=breakout-calls-empty]")`)
	waitMedia(t, lin, "the learner sees the instructor in the group",
		`(() => { const m = document.querySelector("[data-testid=live-main]"); return !!m && m.dataset.source === "camera" &&
			m.dataset.participant !== `+callStateJS+`.me.id && m.querySelector("video") && m.querySelector("video").videoWidth > 0; })()`)

	// The instructor ends the groups: everyone is back in the main session.
	do(t, ada, "the instructor ends the groups", chromedp.Click(chromedp.CSS(`[data-testid=breakout-end]`), chromedp.NodeVisible))
	waitMedia(t, lin, "the learner is back in the main session", sessionJS+` === "`+mainSession+`"`)
	waitMedia(t, ada, "the instructor is back in the main session", sessionJS+` === "`+mainSession+`"`)
	waitJS(t, lin, "the breakout bar is gone", `!document.querySelector("[data-testid=live-breakout-bar]")`)
	checkWalked(t, ada)
}

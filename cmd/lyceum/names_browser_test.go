package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// People appear by their display names (usernames on hover), and a mention
// arriving on a phone while its owner writes in a room neither covers the
// message box nor the Send button (issue 7, items 12 and 14).

// uncoveredJS is a JS expression: the element matching css is on screen and
// on top at its centre and near each corner (document.elementFromPoint).
func uncoveredJS(css string) string {
	return fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return "missing";
		const r = el.getBoundingClientRect(), in4 = 4;
		const pts = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + in4, r.top + in4], [r.right - in4, r.top + in4],
			[r.left + in4, r.bottom - in4], [r.right - in4, r.bottom - in4]];
		for (const [x, y] of pts) {
			const hit = document.elementFromPoint(x, y);
			if (!hit) return "off screen at " + Math.round(x) + "," + Math.round(y);
			if (hit !== el && !el.contains(hit)) return "covered at " + Math.round(x) + "," + Math.round(y) + " by " + (hit.closest("[data-testid]") || hit).outerHTML.slice(0, 120);
		}
		return "";
	})()`, css)
}

func TestBrowserNamesAndMentionsOnAPhone(t *testing.T) {
	n := startTestNode(t, nil)
	w := newChatWorld(t, n)
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", chatLearnerPW)
	lin.call("POST", fmt.Sprintf("/forums/%d/threads", w.forumID),
		map[string]string{"title": "Who am I?", "body_md": "Asking for a friend."}, nil)

	ada := newBrowser(t, phone)
	openAs(t, ada, n, "ada", chatAdminPW, fmt.Sprintf("/courses/%d/discussion", w.courseID), `[data-testid=thread-row]`)
	if got := textOf(t, ada, `[data-testid=thread-row] .thread-meta`); !strings.Contains(got, "Started by Lin Learner") {
		t.Errorf("the thread list says %q, want it started by Lin Learner", got)
	}
	title, err := chromedp.Run(ada, chromedp.Evaluate[string](
		`(document.querySelector("[data-testid=thread-author]") || {}).title || ""`))
	if err != nil || title != "@lin" {
		t.Errorf("hovering the thread's author shows %q (%v), want @lin", title, err)
	}

	room := fmt.Sprintf("%s/courses/%d/rooms/%d", n.url, w.courseID, w.roomID)
	const input, send = `[data-testid=composer-input]`, `[data-testid=composer-send]`
	do(t, ada, "open the room", chromedp.Navigate(room), chromedp.WaitVisible(chromedp.CSS(input)),
		chromedp.WaitReady(chromedp.CSS(selLive)))
	// Ada starts writing: the message box is at the bottom of her screen.
	do(t, ada, "ada starts a message", sendKeys(chromedp.CSS(input), "Hello", chromedp.NodeVisible))
	if _, err := chromedp.Run(ada, chromedp.Evaluate[bool](
		`(document.querySelector("[data-testid=composer]").scrollIntoView({block: "end"}), true)`)); err != nil {
		t.Fatal(err)
	}
	lin.call("POST", fmt.Sprintf("/rooms/%d/messages", w.roomID), map[string]string{"body": "@ada are you there?", "key": "m1"}, nil)

	waitJS(t, ada, "the mention shows as a toast", someTextJS(`[data-testid=toast]`, "mentioned you"))
	screenshot(t, ada, "mention-toast")
	state, err := chromedp.Run(ada, chromedp.Evaluate[map[string]string](fmt.Sprintf(`({
		toast: [...document.querySelectorAll("[data-testid=toast]")].map((e) => e.textContent).join(" | "),
		send: %s, input: %s })`, uncoveredJS(send), uncoveredJS(input))))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state["toast"], "Lin Learner mentioned you in Main room") {
		t.Errorf("the toast says %q, want Lin Learner (her name, not her username) mentioned you in Main room", state["toast"])
	}
	if state["send"] != "" {
		t.Errorf("while the toast shows, the Send button is %s", state["send"])
	}
	if state["input"] != "" {
		t.Errorf("while the toast shows, the message box is %s", state["input"])
	}

	waitJS(t, ada, "lin's message shows", someTextJS(`[data-testid=message-body]`, "are you there?"))
	who, err := chromedp.Run(ada, chromedp.Evaluate[map[string]string](`(() => {
		const a = [...document.querySelectorAll("[data-testid=message]")].pop().querySelector("[data-testid=message-author]");
		return { name: a ? a.textContent : "", title: a ? a.title : "" };
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if who["name"] != "Lin Learner" || who["title"] != "@lin" {
		t.Errorf("the message's author shows %q with the hover text %q, want Lin Learner and @lin", who["name"], who["title"])
	}
	do(t, ada, "open the notifications", chromedp.Navigate(n.url+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(`.notification`)))
	if got := textOf(t, ada, `.notification`); !strings.Contains(got, "Lin Learner mentioned you") {
		t.Errorf("the notification says %q, want Lin Learner mentioned you", got)
	}
}

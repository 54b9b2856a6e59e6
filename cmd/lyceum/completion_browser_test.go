package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Lesson completion rules and the member's own side of a course in a real
// browser: the instructor sets "complete when the learner watches 50 % of
// the video", the learner's lesson completes by playing it (no "Mark
// complete"), the learner joins a self-select group and leaves the course;
// the last instructor cannot leave.

// fakeVideoPlayback makes the lesson's <video> report a 100 s duration and
// plays it from 0 to upTo seconds in 1 s timeupdate steps, then pauses.
// (The test has no real media file; the page only reads these properties
// and events.)
const fakeVideoPlayback = `(() => {
  const v = document.querySelector('[data-testid=lesson-body] video');
  if (!v) return false;
  let t = 0;
  Object.defineProperty(v, 'duration', { configurable: true, get: () => 100 });
  Object.defineProperty(v, 'currentTime', { configurable: true, get: () => t, set: (x) => { t = x; } });
  for (let s = 1; s <= %d; s++) { t = s; v.dispatchEvent(new Event('timeupdate')); }
  v.dispatchEvent(new Event('pause'));
  return true;
})()`

// runJS evaluates expr, which must answer true.
func runJS(t *testing.T, ctx context.Context, step, expr string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	if err != nil || !ok {
		screenshot(t, ctx, "failed")
		t.Fatalf("%s: %v (answer %v)", step, err, ok)
	}
}

func TestBrowserVideoRuleGroupChoiceAndLeaving(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	api.call("PUT", fmt.Sprintf("/lessons/%d", s.LessonID), map[string]any{"title": "Welcome",
		"body_md": "# Welcome\n\n<video controls src=\"/api/v1/uploads/1\"></video>\n"}, nil)
	api.call("POST", fmt.Sprintf("/courses/%d/groups", s.CourseID),
		map[string]any{"name": "Red team", "self_select": true, "max_size": 3}, nil)

	editPath := fmt.Sprintf("%s/courses/%d/lessons/%d/edit", n.url, s.CourseID, s.LessonID)
	do(t, inst, "open the lesson editor", chromedp.Navigate(editPath),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-rule]`)))
	runJS(t, inst, "choose the video rule", `(() => { const s = document.querySelector('#lesson-rule');
		s.value = 'video'; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`)
	do(t, inst, "ask for half the video", fill(map[string]string{"#lesson-percent": "50"}))
	screenshot(t, inst, "completion-rule")
	do(t, inst, "save the lesson",
		chromedp.Click(chromedp.CSS(`[data-testid=save-lesson]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=lesson-page]`)))
	var saved struct {
		Rule    string `json:"completion_rule"`
		Percent int    `json:"completion_percent"`
	}
	api.call("GET", fmt.Sprintf("/lessons/%d", s.LessonID), nil, &saved)
	if saved.Rule != "video" || saved.Percent != 50 {
		t.Fatalf("saved rule %q %d, want video 50", saved.Rule, saved.Percent)
	}

	lin := newBrowser(t, desktop)
	learnerJoins(t, lin, n.url, s.Code)
	do(t, lin, "open the lesson", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/lessons/%d", n.url, s.CourseID, s.LessonID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=rule-status][data-done=false]`)))
	if got := textOf(t, lin, `[data-testid=rule-status]`); !strings.Contains(got, "watch 50 % of the video") {
		t.Errorf("rule status = %q", got)
	}
	if ok, _ := chromedp.Run(lin, chromedp.Evaluate[bool](`!!document.querySelector('[data-testid=mark-complete]')`)); ok {
		t.Error("a video lesson offers Mark complete")
	}
	runJS(t, lin, "watch 30 % of the video", fmt.Sprintf(fakeVideoPlayback, 30))
	waitJS(t, lin, "the page shows 30 % watched",
		`document.querySelector('[data-testid=rule-status]').textContent.includes('watched 30 %')`)
	runJS(t, lin, "watch 60 % of the video", fmt.Sprintf(fakeVideoPlayback, 60))
	do(t, lin, "the lesson completes", chromedp.WaitVisible(chromedp.CSS(`[data-testid=rule-status][data-done=true]`)))
	screenshot(t, lin, "video-rule-completed")

	do(t, lin, "join the group", chromedp.Navigate(fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)),
		chromedp.Click(chromedp.CSS(`[data-testid=join-group]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=my-group-name]`)))
	if got := textOf(t, lin, `[data-testid=my-group-name]`); got != "Red team" {
		t.Errorf("my group = %q", got)
	}
	screenshot(t, lin, "my-group")
	do(t, lin, "dismiss the toast", chromedp.Click(chromedp.CSS(`[data-testid=toast] .toast-close`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid=toast]`)))
	do(t, lin, "leave the course", chromedp.Click(chromedp.CSS(`[data-testid=leave-course]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	waitJS(t, lin, "back on the dashboard", `location.pathname === '/'`)

	do(t, inst, "the last instructor tries to leave", chromedp.Navigate(fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)),
		chromedp.Click(chromedp.CSS(`[data-testid=leave-course]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=toast]`)))
	if got := textOf(t, inst, `[data-testid=toast]`); !strings.Contains(got, "instructor") {
		t.Errorf("toast = %q, want the server's refusal", got)
	}
	waitJS(t, inst, "still on the course page", fmt.Sprintf(`location.pathname === '/courses/%d'`, s.CourseID))
}

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The reports in a real browser: a learner joins and spends time on a
// lesson but misses an assignment due yesterday; the instructor opens the
// engagement report, sees the chart (drawn) and the learner in the at-risk
// list with the reason, and messages them in one click (the learner gets
// the notification). The learner opens "My report"; the administrator the
// site report; the page fits a phone.
func TestBrowserReports(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", courseLearnerPW)
	lin.call("POST", "/join", map[string]string{"code": s.Code}, nil)
	lin.call("POST", fmt.Sprintf("/lessons/%d/heartbeat", s.LessonID), map[string]int{"seconds": 20}, nil)
	api.call("POST", fmt.Sprintf("/courses/%d/assignments", s.CourseID), map[string]any{"title": "Essay 1",
		"max_points": 10, "online_text": true, "due_at": time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)}, nil)

	do(t, inst, "open the engagement report", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/reports", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=chart-active] canvas`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=at-risk-learner][data-username=lin]`)))
	if got := textOf(t, inst, `[data-testid=at-risk-learner][data-username=lin] [data-rule=missed_deadlines]`); !strings.Contains(got, "Missed 1 deadline: Essay 1") {
		t.Errorf("reason = %q", got)
	}
	waitJS(t, inst, "the chart is drawn at the page's width",
		`document.querySelector('[data-testid=chart-active] canvas').width > 300`)
	waitJS(t, inst, "today's row counts the learner",
		`[...document.querySelectorAll('[data-testid=table-days] tbody tr')].pop().children[1].textContent === '1'`)
	screenshot(t, inst, "reports-engagement")

	do(t, inst, "message the learner", chromedp.Click(chromedp.CSS(`[data-testid=message-learner]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=report-message-form]`)))
	screenshot(t, inst, "reports-message")
	do(t, inst, "send it", chromedp.Click(chromedp.CSS(`[data-testid=report-message-send]`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid=report-message-form]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=toast]`)))
	var notes struct {
		Items []struct {
			Kind    string `json:"kind"`
			Payload string `json:"payload"`
		} `json:"items"`
	}
	lin.call("GET", "/me/notifications", nil, &notes)
	if len(notes.Items) == 0 || notes.Items[0].Kind != "staff_message" || !strings.Contains(notes.Items[0].Payload, "falling behind") {
		t.Errorf("the learner's notifications = %+v", notes.Items)
	}

	do(t, inst, "open the performance report", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/reports/performance", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=report-performance] #quizzes`)))
	do(t, inst, "open the site report", chromedp.Navigate(n.url+"/admin/reports"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=table-site]`)))
	if got := textOf(t, inst, `[data-testid=stat-courses]`); got != "1" {
		t.Errorf("courses = %q", got)
	}
	screenshot(t, inst, "reports-site")

	ph := newBrowser(t, phone)
	do(t, ph, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, ph, "lin", courseLearnerPW)
	do(t, ph, "open my report", chromedp.Navigate(fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)),
		chromedp.Click(chromedp.CSS(`[data-tab=reports]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=learner-name]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=timeline] li[data-kind=lesson]`)))
	waitJS(t, ph, "nothing overflows the phone's width", `document.documentElement.scrollWidth <= window.innerWidth`)
	screenshot(t, ph, "reports-learner-phone")
}

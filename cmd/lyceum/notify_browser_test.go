package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserGradeBellAndNotificationSettings: a learner on a phone gets a
// live bell badge when the instructor releases a grade with feedback,
// follows the notification to the assignment, and saves their
// notification settings (notify-settings-form).
func TestBrowserGradeBellAndNotificationSettings(t *testing.T) {
	n, _, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	var a struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/assignments", s.CourseID), map[string]any{"title": "Lab report",
		"max_points": 10, "online_text": true, "due_at": time.Now().Add(48 * time.Hour)}, &a)

	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", courseLearnerPW)
	var sub struct{ ID int64 }
	lapi.call("POST", fmt.Sprintf("/assignments/%d/submission", a.ID), map[string]any{"text": "g = 9.81", "final": true}, &sub)
	lapi.call("POST", "/me/notifications/read", map[string]any{}, nil)
	do(t, lin, "open the dashboard", chromedp.Navigate(n.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notify-bell]`)))
	waitJS(t, lin, "no unread notifications yet", `!document.querySelector("[data-testid=notify-count]")`)

	// The instructor releases the grade; the learner's bell counts it live.
	api.call("PUT", fmt.Sprintf("/submissions/%d/grade", sub.ID), map[string]any{"score": 8,
		"feedback_md": "Good method.", "release": true}, nil)
	waitJS(t, lin, "the bell shows a new notification live", `!!document.querySelector("[data-testid=notify-count]")`)
	screenshot(t, lin, "bell")
	do(t, lin, "open the notifications", chromedp.Click(chromedp.CSS(`[data-testid=notify-bell]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notification][data-kind=grade]`)))
	if got := textOf(t, lin, `[data-testid=notification][data-kind=feedback]`); !strings.Contains(got, "Feedback on “Lab report”") {
		t.Errorf("the feedback notification reads %q", got)
	}
	screenshot(t, lin, "list")
	do(t, lin, "follow the grade notification",
		chromedp.Click(chromedp.CSS(`[data-testid=notification][data-kind=grade] a`), chromedp.NodeVisible))
	waitJS(t, lin, "the assignment opens", fmt.Sprintf(`location.pathname === "/courses/%d/assignments/%d"`, s.CourseID, a.ID))
	waitJS(t, lin, "the opened notification is read (the feedback one stays unread)",
		`(document.querySelector("[data-testid=notify-count]") || {}).textContent === "1"`)

	// Settings (in a fresh browser: one browser's time is bounded, and this
	// machine is slow): reply emails off, another zone, the course muted.
	lin = signedIn(t, n, narrow, "lin", courseLearnerPW)
	do(t, lin, "open the settings", chromedp.Navigate(n.url+"/notifications/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notify-settings-form]`)))
	screenshot(t, lin, "settings")
	submitForm(t, lin, "notify-settings-form", toastSays("Notification settings saved"),
		fill(map[string]string{"#time_zone": "Europe/Paris"}), choose(`[data-testid=email-reply]`, "off"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=mute-%d]`, s.CourseID)), chromedp.NodeVisible),
		submitButton("notify-settings-form"))
	var got struct {
		TimeZone string                            `json:"time_zone"`
		Kinds    map[string]struct{ Email string } `json:"kinds"`
		Muted    []int64                           `json:"muted_courses"`
	}
	lapi.call("GET", "/me/notification-settings", nil, &got)
	if got.TimeZone != "Europe/Paris" || got.Kinds["reply"].Email != "off" || len(got.Muted) != 1 || got.Muted[0] != s.CourseID {
		t.Errorf("saved settings %+v", got)
	}
}

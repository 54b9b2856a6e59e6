package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAnnouncements: the instructor posts an announcement from the
// course page (announcement-form); the learner, on a 360 px phone with the
// course page open, sees it appear live and their bell count it, and
// follows the notification back to it. A scheduled announcement shows to
// the instructor, marked, and not to the learner.
func TestBrowserAnnouncements(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	coursePage := fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)

	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", courseLearnerPW)
	lapi.call("POST", "/me/notifications/read", map[string]any{}, nil)
	do(t, lin, "the learner opens the course page", chromedp.Navigate(coursePage),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=announcements-empty]`)), chromedp.WaitReady(chromedp.CSS(selLive)))
	waitJS(t, lin, "no unread notifications yet", `!document.querySelector("[data-testid=notify-count]")`)
	if strings.Contains(textOf(t, lin, `[data-testid=announcements]`), "New announcement") {
		t.Error("a learner is offered the announcement form")
	}
	screenshot(t, lin, "empty")

	do(t, inst, "the instructor opens the course page", chromedp.Navigate(coursePage),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=announcements-empty]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=new-announcement]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=announcement-form]`)))
	screenshot(t, inst, "form")
	submitForm(t, inst, "announcement-form", toastSays("Announcement posted"),
		fill(map[string]string{"#announcement-title": "Field trip on Friday"}),
		sendKeys(chromedp.CSS(`#announcement-body`), "Meet at **8:00** by the gate.", chromedp.NodeVisible),
		submitButton("announcement-form"))
	waitJS(t, inst, "the instructor's list shows it", someTextJS(`[data-testid=announcement]`, "Field trip on Friday"))

	waitJS(t, lin, "the learner's page shows it live", someTextJS(`[data-testid=announcement]`, "Field trip on Friday"))
	if got := textOf(t, lin, `[data-testid=announcement-body] strong`); got != "8:00" {
		t.Errorf("the body renders %q in bold, want 8:00", got)
	}
	waitJS(t, lin, "the bell counts the announcement live",
		`(document.querySelector("[data-testid=notify-count]") || {}).textContent === "1"`)
	screenshot(t, lin, "posted")
	if width, err := chromedp.Run(lin, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || width > 360 {
		t.Errorf("the page is %d px wide at 360 px (%v)", width, err)
	}

	do(t, lin, "the learner follows the notification", chromedp.Navigate(n.url+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notification][data-kind=announcement]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=notification][data-kind=announcement] a`), chromedp.NodeVisible))
	waitJS(t, lin, "the link opens the course page at the announcement",
		fmt.Sprintf(`location.pathname === "/courses/%d" && location.search.startsWith("?announcement=") &&
			!!document.querySelector("[data-testid=announcement].announcement-wanted")`, s.CourseID))
	if got := textOf(t, lin, `.announcement-wanted h3`); !strings.Contains(got, "Field trip") {
		t.Errorf("the linked announcement reads %q", got)
	}

	// Scheduled for tomorrow: staff see it marked, the learner does not.
	api.call("POST", fmt.Sprintf("/courses/%d/announcements", s.CourseID), map[string]any{"title": "Results next week",
		"body_md": "Soon.", "post_at": time.Now().Add(24 * time.Hour)}, nil)
	waitJS(t, inst, "the instructor sees the scheduled one live, marked",
		someTextJS(`[data-testid=announcement]`, "Results next week")+` && !!document.querySelector("[data-testid=announcement-scheduled]")`)
	screenshot(t, inst, "scheduled")
	do(t, lin, "the learner reloads the course page", chromedp.Navigate(coursePage),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=announcement]`)))
	if got := textOf(t, lin, `[data-testid=announcements]`); strings.Contains(got, "Results next week") {
		t.Errorf("the learner sees a scheduled announcement: %q", got)
	}

	// The instructor edits the posted one; the learner's page follows live.
	if _, err := chromedp.Run(inst, chromedp.Evaluate[bool](`(() => {
		const a = [...document.querySelectorAll("[data-testid=announcement]")].find((e) => e.textContent.includes("Field trip"));
		a.querySelector("[data-testid=announcement-edit]").click();
		return true; })()`)); err != nil {
		t.Fatalf("opening the posted one for editing: %v", err)
	}
	do(t, inst, "the edit form opens", chromedp.WaitVisible(chromedp.CSS(`[data-testid=announcement-form] #announcement-title`)))
	if n, err := chromedp.Run(inst, chromedp.Evaluate[int](`document.querySelectorAll("#announcement-post-at").length`)); err != nil || n != 0 {
		t.Errorf("a posted announcement offers a new time (%d fields, %v)", n, err)
	}
	submitForm(t, inst, "announcement-form", toastSays("Announcement saved"),
		retype(`[data-testid=announcement-form] #announcement-title`, "Field trip on Saturday"),
		submitButton("announcement-form"))
	waitJS(t, lin, "the learner's page shows the edit live",
		someTextJS(`[data-testid=announcement]`, "Field trip on Saturday")+` && `+someTextJS(`[data-testid=announcement]`, "(edited)"))
	checkWalked(t, inst)
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// setValue sets the value of the input matching css (for datetime-local
// inputs, which take no typed text reliably) and tells the page.
func setValue(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(css)),
		evalJS(fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q;
			el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true }));
			return true; })()`, css, value)))
}

// evalJS runs a JS expression as a step.
func evalJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](expr)(ctx, t)
		return err
	})
}

// fetchFeed GETs a calendar feed URL and returns its status and body.
func fetchFeed(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// The calendar in real browsers: the instructor adds a course event on a
// desktop; the learner, on a 360 px phone, finds an assignment's due date
// in the agenda (the phone's default view), follows its link to the
// assignment, and subscribes to their feed, whose old address stops
// working when they make a new one.
func TestBrowserCalendar(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	due := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	var work struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/assignments", s.CourseID), map[string]any{"title": "Lab report",
		"online_text": true, "max_points": 10, "due_at": due.UTC()}, &work)

	// The instructor adds a field trip the day after.
	trip := due.Add(24 * time.Hour)
	do(t, inst, "open the calendar", chromedp.Navigate(n.url+"/calendar?view=month"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-month]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=add-event]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=event-form]`)))
	submitForm(t, inst, "event-form", `!!document.querySelector("[data-testid=event-panel]")`,
		fill(map[string]string{"#event-title": "Field trip", "#event-location": "Science museum"}),
		setValue("#event-starts", trip.Format("2006-01-02T15:04")),
		setValue("#event-ends", trip.Add(3*time.Hour).Format("2006-01-02T15:04")),
		submitButton("event-form"))
	waitJS(t, inst, "the event shows in the month", someTextJS(`[data-testid=cal-month] [data-kind=event]`, "Field trip"))
	screenshot(t, inst, "month")
	do(t, inst, "open the week", chromedp.Click(chromedp.CSS(`[data-testid=view-week]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-week]`)))
	screenshot(t, inst, "week")

	// The learner, on a phone, sees the due date in the agenda and follows it.
	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)
	do(t, lin, "open the calendar", chromedp.Navigate(n.url+"/calendar"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-agenda]`)))
	dueItem := `[data-testid=cal-agenda] [data-kind=assignment_due]`
	waitJS(t, lin, "the due date is on the agenda", someTextJS(dueItem, "Lab report"))
	waitJS(t, lin, "the field trip is on the agenda", someTextJS(`[data-testid=cal-agenda] [data-kind=event]`, "Field trip"))
	screenshot(t, lin, "agenda")
	do(t, lin, "open the week", chromedp.Click(chromedp.CSS(`[data-testid=view-week]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-week]`)))
	screenshot(t, lin, "week-phone")
	do(t, lin, "open the month", chromedp.Click(chromedp.CSS(`[data-testid=view-month]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=cal-month]`)))
	screenshot(t, lin, "month-phone")
	do(t, lin, "back to the agenda", chromedp.Click(chromedp.CSS(`[data-testid=view-agenda]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(dueItem)),
		chromedp.Click(chromedp.CSS(dueItem), chromedp.NodeVisible))
	waitJS(t, lin, "the link leads to the assignment",
		fmt.Sprintf(`location.pathname === "/courses/%d/assignments/%d" && !!document.querySelector("[data-testid=submission-form]")`,
			s.CourseID, work.ID))

	// The learner subscribes; a new address retires the old one.
	do(t, lin, "open subscribe", chromedp.Navigate(n.url+"/calendar"),
		chromedp.Click(chromedp.CSS(`[data-testid=subscribe]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=reset-feed]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=feed-url]`)))
	screenshot(t, lin, "subscribe")
	first, err := chromedp.Run(lin, chromedp.Evaluate[string](`document.querySelector("[data-testid=feed-url]").value`))
	if err != nil {
		t.Fatal(err)
	}
	code, body := fetchFeed(t, first)
	if code != http.StatusOK || !strings.Contains(body, "SUMMARY:Assignment due: Lab report\r\n") ||
		!strings.Contains(body, "SUMMARY:Event: Field trip\r\n") {
		t.Fatalf("the feed answered %d:\n%s", code, body)
	}
	do(t, lin, "make a new address", chromedp.Click(chromedp.CSS(`[data-testid=reset-feed]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	waitJS(t, lin, "a new address shows", fmt.Sprintf(`(() => { const i = document.querySelector("[data-testid=feed-url]");
		return !!i && i.value !== "" && i.value !== %q; })()`, first))
	if code, _ := fetchFeed(t, first); code != http.StatusNotFound {
		t.Errorf("the old feed address answers %d after a reset, want 404", code)
	}
	checkWalked(t, inst, lin)
}

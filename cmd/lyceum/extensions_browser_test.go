package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// extensionList is GET /assignments/{id}/extensions's answer, as these tests read it.
type extensionList struct {
	Items []struct {
		UserID int64     `json:"user_id"`
		DueAt  time.Time `json:"due_at"`
		Reason string    `json:"reason"`
	} `json:"items"`
}

// Extensions in real browsers: an assignment's due date and cut-off have
// passed, so the learner, on a 360 px phone, can no longer hand in; the
// instructor grants them an extension from the submissions table (a
// dialog), the table shows "Extended to …", and the learner, back on the
// page, sees their own due date, submits, and is not marked late.
func TestBrowserExtensions(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	due := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	var work struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/assignments", s.CourseID), map[string]any{"title": "Lab report",
		"online_text": true, "max_points": 10, "due_at": due.UTC(), "cutoff_at": due.Add(time.Hour).UTC(),
		"late": map[string]any{"unit": "day", "percent": 10}}, &work)
	page := fmt.Sprintf("%s/courses/%d/assignments/%d", n.url, s.CourseID, work.ID)

	// Past the cut-off, the learner's page says submissions are closed.
	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)
	do(t, lin, "open the assignment", chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=late-penalty]`)))
	if got := textOf(t, lin, `[data-testid=late-penalty]`); !strings.Contains(got, "cut-off date has passed") {
		t.Fatalf("before the extension the page says %q", got)
	}
	screenshot(t, lin, "closed")

	// The instructor grants an extension to three days from now.
	newDue := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	row := `[data-testid=submission-row][data-name="Lin Learner"]`
	do(t, inst, "open the submissions", chromedp.Navigate(page+"/submissions"),
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.Click(chromedp.CSS(row+` [data-testid=extension-row]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=extension-dialog]`)))
	screenshot(t, inst, "dialog")
	submitForm(t, inst, "extension-form", someTextJS(row+` [data-testid=extended-to]`, "Extended to"),
		setValue("#extension-due", newDue.Format("2006-01-02T15:04")),
		fill(map[string]string{"#extension-reason": "Flu, with a doctor's note"}),
		submitButton("extension-form"))
	waitJS(t, inst, "the dialog closes", `!document.querySelector("[data-testid=extension-dialog]")`)
	screenshot(t, inst, "table")
	var exts extensionList
	api.call("GET", fmt.Sprintf("/assignments/%d/extensions", work.ID), nil, &exts)
	if len(exts.Items) != 1 || !exts.Items[0].DueAt.Equal(newDue) || exts.Items[0].Reason != "Flu, with a doctor's note" {
		t.Fatalf("extensions %+v, want one to %v", exts.Items, newDue)
	}

	// On a phone the table and the dialog fit too.
	phone := signedIn(t, n, narrow, "ada", liveAdminPW)
	do(t, phone, "open the submissions on a phone", chromedp.Navigate(page+"/submissions"),
		chromedp.WaitVisible(chromedp.CSS(row+` [data-testid=extended-to]`)))
	screenshot(t, phone, "table-phone")
	do(t, phone, "open the dialog on a phone", chromedp.Click(chromedp.CSS(row+` [data-testid=extension-row]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=revoke-extension]`)))
	screenshot(t, phone, "dialog-phone")
	do(t, phone, "close the dialog", chromedp.Click(chromedp.CSS(`[data-testid=extension-cancel]`), chromedp.NodeVisible))
	waitJS(t, phone, "the dialog closes", `!document.querySelector("[data-testid=extension-dialog]")`)

	// The learner's bell counted the extension live; the notification says
	// what changed and leads back to the assignment.
	waitJS(t, lin, "the bell shows the extension live", `!!document.querySelector("[data-testid=notify-count]")`)
	do(t, lin, "open the notifications", chromedp.Click(chromedp.CSS(`[data-testid=notify-bell]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=notification][data-kind=extension]`)))
	if got := textOf(t, lin, `[data-testid=notification][data-kind=extension]`); !strings.Contains(got, "Your deadline for “Lab report” was extended to") {
		t.Errorf("the extension notification reads %q", got)
	}
	do(t, lin, "follow the extension notification",
		chromedp.Click(chromedp.CSS(`[data-testid=notification][data-kind=extension] a`), chromedp.NodeVisible))

	// The learner sees their own due date and hands in, on time.
	do(t, lin, "the assignment opens", chromedp.WaitVisible(chromedp.CSS(`[data-testid=extension-granted]`)))
	if got := textOf(t, lin, `[data-testid=late-penalty]`); got != "Your submission is on time." {
		t.Errorf("with the extension the page says %q", got)
	}
	screenshot(t, lin, "extended")
	submitForm(t, lin, "submission-form", someTextJS(`[data-testid=my-work]`, "Submitted"),
		sendKeys(chromedp.CSS(`#submission-text`), "Measured after all.", chromedp.NodeVisible),
		submitButton("submission-form"))
	screenshot(t, lin, "submitted")

	do(t, inst, "reload the submissions", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(row+`[data-state=submitted]`)))
	var table struct {
		Items []struct {
			State string `json:"state"`
			Late  int64  `json:"late"`
		} `json:"items"`
	}
	api.call("GET", fmt.Sprintf("/assignments/%d/submissions", work.ID), nil, &table)
	if len(table.Items) != 1 || table.Items[0].State != "submitted" || table.Items[0].Late != 0 {
		t.Errorf("the graders' table %+v, want one submission on time", table.Items)
	}
	api.call("GET", fmt.Sprintf("/assignments/%d/submissions?late=1", work.ID), nil, &table)
	if len(table.Items) != 0 {
		t.Errorf("late submissions %+v, want none", table.Items)
	}

	// The instructor revokes the extension: the row loses its date, the API
	// has none, and the learner's page is back at the assignment's dates.
	do(t, inst, "open the extension again", chromedp.Click(chromedp.CSS(row+` [data-testid=extension-row]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=revoke-extension]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	waitJS(t, inst, "the dialog closes", `!document.querySelector("[data-testid=extension-dialog]")`)
	waitJS(t, inst, "the row shows no extension", fmt.Sprintf(`!document.querySelector(%q)`, row+` [data-testid=extended-to]`))
	api.call("GET", fmt.Sprintf("/assignments/%d/extensions", work.ID), nil, &exts)
	if len(exts.Items) != 0 {
		t.Errorf("extensions after the revoke %+v, want none", exts.Items)
	}
	do(t, lin, "reload the assignment", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=my-work]`)))
	if still, err := chromedp.Run(lin, chromedp.Evaluate[bool](`!!document.querySelector("[data-testid=extension-granted]")`)); err != nil || still {
		t.Errorf("the learner's page still shows the extension after the revoke (%v)", err)
	}
	waitJS(t, lin, "the bell counts the revoke", `(document.querySelector("[data-testid=notify-count]") || {}).textContent === "1"`)
	do(t, lin, "open the notifications", chromedp.Click(chromedp.CSS(`[data-testid=notify-bell]`), chromedp.NodeVisible))
	waitJS(t, lin, "the revoke is in the list", someTextJS(`[data-testid=notification][data-kind=extension]`,
		"Your extension for “Lab report” was revoked: it is due"))

	checkWalked(t, inst, lin)
}

// TestBrowserGroupExtension: on a group assignment the instructor extends a
// whole group from its row in the submissions table; every member gets the
// extension (the API lists one per learner), the row shows the date, and
// revoking from the same dialog removes them all.
func TestBrowserGroupExtension(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	api.call("POST", "/admin/users", map[string]string{"email": "lou@school.example", "username": "lou",
		"name": "Lou Learner", "password": courseLearnerPW, "role": "user"}, nil)
	var group struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/groups", s.CourseID), map[string]any{"name": "Rocket team"}, &group)
	for _, login := range []string{"lin", "lou"} {
		var e struct {
			UserID int64 `json:"user_id"`
		}
		api.call("POST", fmt.Sprintf("/courses/%d/members", s.CourseID), map[string]string{"login": login, "role": "learner"}, &e)
		api.call("PATCH", fmt.Sprintf("/courses/%d/members/%d", s.CourseID, e.UserID), map[string]any{"group_id": group.ID}, nil)
	}
	due := time.Now().Add(24 * time.Hour).Truncate(time.Minute)
	var work struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/assignments", s.CourseID), map[string]any{"title": "Rocket design",
		"online_text": true, "group_mode": true, "max_points": 10, "due_at": due.UTC()}, &work)

	newDue := due.Add(72 * time.Hour)
	row := `[data-testid=submission-row][data-name="Rocket team"]`
	do(t, inst, "open the submissions", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/assignments/%d/submissions", n.url, s.CourseID, work.ID)),
		chromedp.Click(chromedp.CSS(row+` [data-testid=extension-row]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=extension-dialog]`)))
	if got := textOf(t, inst, `[data-testid=extension-dialog] p`); !strings.Contains(got, "every learner in Rocket team (2)") {
		t.Errorf("the dialog says %q", got)
	}
	screenshot(t, inst, "group-dialog")
	submitForm(t, inst, "extension-form", someTextJS(row+` [data-testid=extended-to]`, "Extended to"),
		setValue("#extension-due", newDue.Format("2006-01-02T15:04")),
		submitButton("extension-form"))
	waitJS(t, inst, "the dialog closes", `!document.querySelector("[data-testid=extension-dialog]")`)
	screenshot(t, inst, "group-extended")
	var exts extensionList
	api.call("GET", fmt.Sprintf("/assignments/%d/extensions", work.ID), nil, &exts)
	if len(exts.Items) != 2 || !exts.Items[0].DueAt.Equal(newDue) || !exts.Items[1].DueAt.Equal(newDue) {
		t.Fatalf("extensions %+v, want both members' to %v", exts.Items, newDue)
	}
	// One member's own extension changes: the row no longer has one date.
	api.call("PUT", fmt.Sprintf("/assignments/%d/extensions/%d", work.ID, exts.Items[0].UserID),
		map[string]any{"due_at": newDue.Add(24 * time.Hour).UTC()}, nil)
	do(t, inst, "reload the submissions", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(row)))
	waitJS(t, inst, "the row counts the extended members", someTextJS(row+` [data-testid=extended-to]`, "2 of 2 extended"))

	do(t, inst, "revoke the group's extension", chromedp.Click(chromedp.CSS(row+` [data-testid=extension-row]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=revoke-extension]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-ok]`), chromedp.NodeVisible))
	waitJS(t, inst, "the row shows no extension", fmt.Sprintf(`!document.querySelector(%q)`, row+` [data-testid=extended-to]`))
	api.call("GET", fmt.Sprintf("/assignments/%d/extensions", work.ID), nil, &exts)
	if len(exts.Items) != 0 {
		t.Errorf("extensions after the revoke %+v, want none", exts.Items)
	}
}

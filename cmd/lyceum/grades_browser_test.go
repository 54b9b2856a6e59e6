package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Assignments and the gradebook in real browsers: the instructor creates an
// assignment with a rubric, a learner on a 360 px phone hands in online
// text and a file, the instructor grades with the rubric and releases, the
// learner sees the grade, the feedback and their gradebook row, and the
// instructor's gradebook, open in another window, updates live. The
// instructor also overrides a grade and imports manual grades from CSV.

// narrow is the smallest phone the pages are made for.
var narrow = viewport{"360", 360, 740, true}

func TestBrowserAssignmentsAndGradebook(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	var manual struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/gradebook/items", s.CourseID),
		map[string]any{"title": "Participation", "max_points": 5}, &manual)
	base := fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)

	// The instructor writes the assignment with a two-criterion rubric.
	do(t, inst, "open the assignment editor", chromedp.Navigate(base+"/assignments/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=assignment-form]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=add-criterion]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=add-criterion]`), chromedp.NodeVisible))
	screenshot(t, inst, "editor")
	submitForm(t, inst, "assignment-form", `!!document.querySelector('[data-testid=open-submissions]')`,
		sendKeys(chromedp.CSS(`#assignment-instructions`), "Write up **the** experiment.", chromedp.NodeVisible),
		fill(map[string]string{"#assignment-title": "Lab report",
			"#crit-0": "Method", "#levels-0": "Sound: 6; Shaky: 2", "#crit-1": "Writing", "#levels-1": "Clear: 4; Muddled: 1"}),
		chromedp.Click(chromedp.CSS(`#assignment-files`)),
		submitButton("assignment-form"))
	var list struct {
		Items []struct {
			ID        int64   `json:"id"`
			MaxPoints float64 `json:"max_points"`
		} `json:"items"`
	}
	api.call("GET", fmt.Sprintf("/courses/%d/assignments", s.CourseID), nil, &list)
	if len(list.Items) != 1 || list.Items[0].MaxPoints != 10 {
		t.Fatalf("assignments %+v, want one worth the rubric's 10 points", list.Items)
	}
	aid := list.Items[0].ID

	// The instructor keeps the gradebook open in another window.
	book := signedIn(t, n, desktop, "ada", liveAdminPW)
	do(t, book, "open the gradebook", chromedp.Navigate(base+"/grades"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=gradebook]`)))

	// The learner hands in text and a file on a phone.
	lin := newBrowser(t, narrow)
	learnerJoins(t, lin, n.url, s.Code)
	report := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(report, []byte("Measurements: 9.81 m/s²\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, lin, "open the assignment", chromedp.Navigate(fmt.Sprintf("%s/assignments/%d", base, aid)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=submission-form]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#submission-file`), []string{report}))
	waitJS(t, lin, "the file is uploaded", `document.querySelectorAll('[data-testid=submission-files] li').length === 1`)
	if got := textOf(t, lin, `[data-testid=late-penalty]`); got == "" {
		t.Error("the page does not say what submitting now costs")
	}
	screenshot(t, lin, "submission")
	submitForm(t, lin, "submission-form", someTextJS(`[data-testid=my-work]`, "Submitted"),
		sendKeys(chromedp.CSS(`#submission-text`), "Our pendulum measured g.", chromedp.NodeVisible),
		submitButton("submission-form"))

	// The instructor grades with the rubric and releases.
	do(t, inst, "open the submissions", chromedp.Navigate(fmt.Sprintf("%s/assignments/%d/submissions", base, aid)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=submission-row][data-state=submitted]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=grade-row]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=grader]`)))
	if got := textOf(t, inst, `[data-testid=submission-text]`); got != "Our pendulum measured g." {
		t.Errorf("the grader sees %q", got)
	}
	screenshot(t, inst, "grading")
	var graded time.Time
	submitForm(t, inst, "grade-form", toastSays("Graded"),
		chromedp.Click(chromedp.CSS(`[data-testid=level-0-0]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=level-1-1]`), chromedp.NodeVisible),
		sendKeys(chromedp.CSS(`#grade-feedback`), "Careful method; tighten the prose.", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`#grade-release`)),
		chromedp.Func(func(context.Context, *chromedp.Target) error { graded = time.Now(); return nil }),
		submitButton("grade-form"))

	// The open gradebook shows the grade without a reload.
	cell := `[data-testid=gradebook-row][data-username=lin] [data-testid=grade-cell]`
	waitJS(t, book, "the gradebook shows the grade live", someTextJS(cell, "7"))
	t.Logf("grade shown in the open gradebook %v after the grade was saved", time.Since(graded).Round(time.Millisecond))
	screenshot(t, book, "gradebook")

	// The learner sees grade, feedback and rubric, and their gradebook row.
	do(t, lin, "reload the assignment", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=my-grade]`)))
	if got := textOf(t, lin, `[data-testid=grade-value]`); got != "7 / 10" {
		t.Errorf("the learner's grade reads %q, want 7 / 10", got)
	}
	waitJS(t, lin, "the feedback shows", someTextJS(`[data-testid=feedback]`, "tighten the prose"))
	waitJS(t, lin, "the chosen levels are marked", `document.querySelectorAll('[data-testid=rubric-view] [data-chosen=true]').length === 2`)
	screenshot(t, lin, "graded")
	do(t, lin, "open my grades", chromedp.Navigate(base+"/grades"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=my-grades]`)))
	waitJS(t, lin, "my row has the grade", someTextJS(`[data-testid=my-grade-row]`, "7"))
	if got := textOf(t, lin, `[data-testid=my-total]`); got != "70%" {
		t.Errorf("my total reads %q, want 70%%", got)
	}
	screenshot(t, lin, "my-grades")
	var notes struct {
		Items []struct{ Kind string } `json:"items"`
	}
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", courseLearnerPW)
	lapi.call("GET", "/me/notifications", nil, &notes)
	// The release notifies the grade and, with feedback given, the feedback (newest).
	if len(notes.Items) < 2 || notes.Items[0].Kind != "feedback" || notes.Items[1].Kind != "grade" {
		t.Errorf("the learner's notifications %+v, want the feedback, then the grade", notes.Items)
	}

	// An override with a reason, then a CSV import with a preview.
	labCell := fmt.Sprintf(`%s:not([data-item-id="%d"])`, cell, manual.ID)
	do(t, book, "open the grade", chromedp.Click(chromedp.CSS(labCell+` button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=grade-override-form]`)))
	submitForm(t, book, "grade-override-form", toastSays("Grade changed"),
		fill(map[string]string{"#override-points": "8", "#override-reason": "Re-marked after review"}),
		submitButton("grade-override-form"))
	waitJS(t, book, "the override shows", someTextJS(labCell, "8*"))
	csv := filepath.Join(t.TempDir(), "grades.csv")
	if err := os.WriteFile(csv, []byte("username,Participation\nlin,4\nnobody,3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	submitForm(t, book, "grade-import-form", `!!document.querySelector('[data-testid=import-preview]')`,
		chromedp.SetUploadFiles(chromedp.CSS(`#grade-import-file`), []string{csv}),
		submitButton("grade-import-form"))
	waitJS(t, book, "the preview names the bad row", someTextJS(`[data-testid=import-problems]`, "nobody"))
	screenshot(t, book, "import-preview")
	do(t, book, "import the valid rows", chromedp.Click(chromedp.CSS(`[data-testid=import-apply]`), chromedp.NodeVisible))
	waitJS(t, book, "the imported grade shows", someTextJS(fmt.Sprintf(`%s[data-item-id="%d"]`, cell, manual.ID), "4"))
	do(t, book, "look at it on a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	screenshot(t, book, "gradebook-360")
	checkWalked(t, inst, lin, book)
}

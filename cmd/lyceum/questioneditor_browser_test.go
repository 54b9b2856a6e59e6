package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// rowCell is the CSS of the control in cell `cell` (1-based) of row `row`
// of the answer rows with this data-testid, under scope.
func rowCell(scope, rows string, row, cell int, control string) string {
	return fmt.Sprintf(`%s [data-testid=%s] [data-testid=q-row]:nth-child(%d) label:nth-child(%d) %s`, scope, rows, row, cell, control)
}

// addRow clicks the "Add" button of the answer rows with this data-testid.
func addRow(scope, rows string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(fmt.Sprintf(`%s [data-testid=%s] > button`, scope, rows)), chromedp.NodeVisible)
}

// setInputs replaces the values of inputs (by CSS) as typing over them
// would, firing input events (a controlled input ignores chromedp.Clear).
func setInputs(values map[string]string) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for css, v := range values {
		eval := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const i = document.querySelector(%q); if (!i) return false;
			i.focus(); i.value = %q; i.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`, css, v))
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			ok, err := eval(ctx, t)
			if err == nil && !ok {
				err = fmt.Errorf("no input %s", css)
			}
			return err
		}))
	}
	return chromedp.Steps(steps...)
}

// bankQuestion reads back, through the API, the course's current question
// with this title.
func bankQuestion(api *apiClient, courseID int64, title string) *lms.Question {
	api.t.Helper()
	var list struct {
		Items []*lms.Question `json:"items"`
	}
	api.call("GET", fmt.Sprintf("/courses/%d/questions?q=%s", courseID, url.QueryEscape(title)), nil, &list)
	for _, q := range list.Items {
		if q.Title == title {
			return q
		}
	}
	api.t.Fatalf("no question %q in the bank", title)
	return nil
}

// sameJSON fails the test unless got and want encode to the same JSON
// value.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	var g, w any
	for _, x := range []struct {
		in  any
		out *any
	}{{got, &g}, {want, &w}} {
		b, err := json.Marshal(x.in)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, x.out); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(g, w) {
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		t.Errorf("%s:\n got %s\nwant %s", what, gb, wb)
	}
}

// TestBrowserQuestionEditors: an instructor writes a fill-in-the-blanks
// question (a gap marked in the text and defined from it, a typed answer
// with its case option, a drop-down added with "Add a gap" and its right
// option marked) tagged with the lesson it tests, and a calculated one
// (two variables, a formula with significant figures, required units),
// trying other values in the preview; the stored questions read back
// through the API are what was entered, the bank lists the tag, and once
// a learner answers the first wrong, their report says to review that
// lesson.
func TestBrowserQuestionEditors(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	var cat lms.QuestionCategory
	api.call("POST", fmt.Sprintf("/courses/%d/question-categories", s.CourseID), map[string]string{"name": "Unit 1"}, &cat)
	bank := fmt.Sprintf("%s/courses/%d/questions", n.url, s.CourseID)
	do(t, inst, "open the question bank", chromedp.Navigate(bank), chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-question]`)))

	const city, where = `[data-testid=gap][data-gap=city]`, `[data-testid=gap][data-gap=gap1]`
	do(t, inst, "write a fill-in-the-blanks question", setSelect(`[data-testid=new-question-type]`, "blanks"),
		chromedp.Click(chromedp.CSS(`[data-testid=new-question]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=blanks-editor]`)),
		fill(map[string]string{"#q-title": "Capital"}),
		sendKeys(chromedp.CSS("#q-text"), "The capital of France is [[city]], in", chromedp.NodeVisible))
	do(t, inst, "define the gap marked in the text", chromedp.Click(chromedp.CSS(`[data-testid=undefined-gaps] button`), chromedp.NodeVisible))
	do(t, inst, "its answer, case sensitive",
		sendKeys(chromedp.CSS(rowCell(city, "gap-answers", 1, 1, "input")), "Paris", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(city+` [data-testid=gap-case]`), chromedp.NodeVisible))
	do(t, inst, "add a drop-down gap", chromedp.Click(chromedp.CSS(`[data-testid=add-gap]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(where)),
		setSelect(where+` select`, "dropdown"),
		chromedp.WaitVisible(chromedp.CSS(where+` [data-testid=gap-options]`)))
	do(t, inst, "its options, the second right",
		sendKeys(chromedp.CSS(rowCell(where, "gap-options", 1, 1, "input")), "Asia", chromedp.NodeVisible),
		sendKeys(chromedp.CSS(rowCell(where, "gap-options", 2, 1, "input")), "Europe", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(rowCell(where, "gap-options", 2, 2, "input")), chromedp.NodeVisible))
	do(t, inst, "tag the lesson it tests", chromedp.Click(chromedp.CSS(`[data-testid=lesson-tag][data-title=Welcome]`), chromedp.NodeVisible))
	waitJS(t, inst, "the preview shows the gaps", `!!document.querySelector('[data-testid=question-preview] input.q-gap') &&
		!!document.querySelector('[data-testid=question-preview] select') && !document.querySelector('[data-testid=preview-error]')`)
	screenshot(t, inst, "blanks-editor")
	submitForm(t, inst, "question-form", `!!document.querySelector('[data-testid=bank-question][data-title=Capital]')`,
		submitButton("question-form"))
	waitJS(t, inst, "the bank lists the lesson it tests",
		`(document.querySelector('[data-testid=bank-question][data-title=Capital] [data-testid=question-lessons]') || {}).textContent?.includes('Welcome')`)

	blanks := bankQuestion(api, s.CourseID, "Capital")
	if blanks.TextMD != "The capital of France is [[city]], in [[gap1]]" {
		t.Errorf("stored text %q", blanks.TextMD)
	}
	sameJSON(t, "the stored gaps", blanks.Body.Blanks, map[string]any{"gaps": []any{
		map[string]any{"id": "city", "kind": "text", "weight": 1, "text": map[string]any{"case_sensitive": true,
			"answers": []any{map[string]any{"id": blanks.Body.Blanks.Gaps[0].Text.Answers[0].ID, "pattern": "Paris", "fraction": 1}}}},
		map[string]any{"id": "gap1", "kind": "dropdown", "weight": 1, "dropdown": map[string]any{"shuffle": true, "choices": []any{
			map[string]any{"id": blanks.Body.Blanks.Gaps[1].Dropdown.Choices[0].ID, "text_md": "Asia", "fraction": 0},
			map[string]any{"id": blanks.Body.Blanks.Gaps[1].Dropdown.Choices[1].ID, "text_md": "Europe", "fraction": 1}}}}}})
	var tags struct {
		LessonIDs []int64 `json:"lesson_ids"`
	}
	api.call("GET", fmt.Sprintf("/questions/%d/lessons", blanks.ID), nil, &tags)
	if !reflect.DeepEqual(tags.LessonIDs, []int64{s.LessonID}) {
		t.Errorf("stored lessons %v, want [%d]", tags.LessonIDs, s.LessonID)
	}

	do(t, inst, "write a calculated question", setSelect(`[data-testid=new-question-type]`, "calculated"),
		chromedp.Click(chromedp.CSS(`[data-testid=new-question]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=calculated-editor]`)),
		fill(map[string]string{"#q-title": "Force"}),
		sendKeys(chromedp.CSS("#q-text"), "A mass of {m} kg accelerates at {a} m/s2. What is the force?", chromedp.NodeVisible))
	do(t, inst, "its variables", setInputs(map[string]string{rowCell("", "variable-rows", 1, 1, "input"): "m",
		rowCell("", "variable-rows", 1, 3, "input"): "20", rowCell("", "variable-rows", 1, 4, "input"): "1"}),
		addRow("", "variable-rows"),
		setInputs(map[string]string{rowCell("", "variable-rows", 2, 1, "input"): "a", rowCell("", "variable-rows", 2, 3, "input"): "9",
			rowCell("", "variable-rows", 2, 4, "input"): "2"}))
	do(t, inst, "its formula", setInputs(map[string]string{rowCell("", "formula-rows", 1, 1, "input"): "{m} * {a}",
		rowCell("", "formula-rows", 1, 5, "input"): "3"}),
		setSelect(rowCell("", "formula-rows", 1, 6, "select"), "significant"))
	do(t, inst, "its units", setSelect("#units-mode", "required"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=unit-rows]`)),
		setInputs(map[string]string{"#units-penalty": "50", rowCell("", "unit-rows", 1, 1, "input"): "N"}),
		addRow("", "unit-rows"),
		setInputs(map[string]string{rowCell("", "unit-rows", 2, 1, "input"): "mN", rowCell("", "unit-rows", 2, 2, "input"): "1000"}))
	waitJS(t, inst, "the preview gives the answer for its values",
		`!!document.querySelector('[data-testid=preview-right-answer]') && !document.querySelector('[data-testid=preview-error]')`)
	first := textOf(t, inst, `[data-testid=question-preview]`)
	do(t, inst, "try other values", chromedp.Click(chromedp.CSS(`[data-testid=try-values]`), chromedp.NodeVisible))
	waitJS(t, inst, "the preview draws other values", fmt.Sprintf(
		`(document.querySelector('[data-testid=question-preview]') || {}).textContent !== %q && !!document.querySelector('[data-testid=preview-right-answer]')`, first))
	screenshot(t, inst, "calculated-editor")
	submitForm(t, inst, "question-form", `!!document.querySelector('[data-testid=bank-question][data-title=Force]')`,
		submitButton("question-form"))

	calc := bankQuestion(api, s.CourseID, "Force")
	if calc.TextMD != "A mass of {m} kg accelerates at {a} m/s2. What is the force?" {
		t.Errorf("stored text %q", calc.TextMD)
	}
	sameJSON(t, "the stored calculated body", calc.Body.Calculated, map[string]any{
		"variables": []any{map[string]any{"name": "m", "min": 1, "max": 20, "decimals": 1}, map[string]any{"name": "a", "min": 1, "max": 9, "decimals": 2}},
		"answers": []any{map[string]any{"id": calc.Body.Calculated.Answers[0].ID, "formula": "{m} * {a}", "fraction": 1, "tolerance": 0.01,
			"tolerance_kind": "relative", "format": "significant", "digits": 3}},
		"units": map[string]any{"mode": "required", "penalty": 0.5, "list": []any{map[string]any{"name": "N", "multiplier": 1},
			map[string]any{"name": "mN", "multiplier": 1000}}}})

	// A learner answers the blanks question wrong: their report points to the lesson.
	var quiz lms.Quiz
	api.call("POST", fmt.Sprintf("/courses/%d/quizzes", s.CourseID), map[string]any{"title": "Capitals", "grading_method": "highest",
		"behaviour": "deferred", "slots": []map[string]any{{"family_id": blanks.FamilyID}}}, &quiz)
	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", courseLearnerPW)
	var me lms.Enrollment
	lin.call("POST", "/join", map[string]string{"code": s.Code}, &me)
	var att assess.AttemptView
	lin.call("POST", fmt.Sprintf("/quizzes/%d/attempts", quiz.ID), map[string]any{}, &att)
	gaps := att.Slots[0].View.Gaps
	lin.call("PATCH", fmt.Sprintf("/attempts/%d/slots/0", att.Attempt.ID), map[string]any{"answer": map[string]any{
		"gaps": map[string]string{gaps[0].ID: "Lyon"}}}, nil)
	lin.call("POST", fmt.Sprintf("/attempts/%d/submit", att.Attempt.ID), nil, nil)
	do(t, inst, "open the learner's report", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/reports/learners/%d", n.url, s.CourseID, me.UserID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=review-list]`)))
	if r := textOf(t, inst, `[data-testid=review-list]`); !strings.Contains(r, "Welcome") {
		t.Errorf("what to review next says %q, want the Welcome lesson", r)
	}

	phone := newBrowser(t, phone360)
	do(t, phone, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, phone, "ada", liveAdminPW)
	const edit = `[data-testid=bank-question][data-title=Capital] .row-actions button`
	do(t, phone, "open the bank on a phone", chromedp.Navigate(bank), chromedp.WaitVisible(chromedp.CSS(edit)))
	waitJS(t, phone, "the bank lists the tag on a phone", `!!document.querySelector('[data-testid=question-lessons]')`)
	// A script's click: on a phone the sticky top bar may cover the button where a pointer would click.
	waitJS(t, phone, "edit the question", fmt.Sprintf(`(document.querySelector(%q).click(), true)`, edit))
	do(t, phone, "the editor opens", chromedp.WaitVisible(chromedp.CSS(`[data-testid=blanks-editor]`)))
	waitJS(t, phone, "the tag is checked", `!!document.querySelector('[data-testid=lesson-tag][data-title=Welcome]:checked')`)
	fits := func(what string) {
		t.Helper()
		wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		if err != nil || !wide {
			t.Errorf("the %s editor is wider than a 360 px phone (%v)", what, err)
		}
		screenshot(t, phone, what+"-editor-phone")
	}
	fits("blanks")
	const editForce = `[data-testid=bank-question][data-title=Force] .row-actions button`
	do(t, phone, "back to the list", chromedp.Navigate(bank), chromedp.WaitVisible(chromedp.CSS(editForce)))
	waitJS(t, phone, "edit the calculated question", fmt.Sprintf(`(document.querySelector(%q).click(), true)`, editForce))
	do(t, phone, "its editor opens", chromedp.WaitVisible(chromedp.CSS(`[data-testid=calculated-editor]`)))
	waitJS(t, phone, "its preview", `!!document.querySelector('[data-testid=preview-right-answer]')`)
	fits("calculated")
}

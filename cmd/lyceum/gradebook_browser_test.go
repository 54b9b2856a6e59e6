package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserGradebookSetup: an instructor sets the gradebook up in the
// browser (total points, a letter scale, a category dropping the lowest
// grade, an item moved into it, a manual item added), types a manual
// grade, and the learner's total and letter follow the rules.
func TestBrowserGradebookSetup(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", courseLearnerPW)
	lapi.call("POST", "/join", map[string]string{"code": s.Code}, nil)
	var lab1, lab2 struct{ ID int64 }
	api.call("POST", fmt.Sprintf("/courses/%d/gradebook/items", s.CourseID), map[string]any{"title": "Lab 1", "max_points": 10}, &lab1)
	api.call("POST", fmt.Sprintf("/courses/%d/gradebook/items", s.CourseID), map[string]any{"title": "Lab 2", "max_points": 10}, &lab2)
	var me struct{ ID int64 }
	lapi.call("GET", "/me", nil, &me)
	api.call("PATCH", fmt.Sprintf("/grade-items/%d/grades/%d", lab2.ID, me.ID), map[string]any{"points": 3, "released": true}, nil)

	do(t, inst, "open the gradebook", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/grades", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=gradebook-settings-form]`)))
	submitForm(t, inst, "gradebook-settings-form", toastSays("Gradebook settings saved"),
		setSelect("#gb-mode", "points"), retype("#gb-scale", "A 85; B 70; F 0"),
		submitButton("gradebook-settings-form"))
	submitForm(t, inst, "grade-category-form", `!!document.querySelector('[data-testid=grade-category] [data-name=Labs]')`,
		fill(map[string]string{"#cat-new-name": "Labs", "#cat-new-weight": "2"}), retype("#cat-new-drop", "1"),
		chromedp.Click(chromedp.CSS(`[data-testid=grade-categories] form[data-name=""] button[type=submit]`), chromedp.NodeVisible))
	var page struct {
		Categories []struct {
			ID         int64 `json:"id"`
			DropLowest int   `json:"drop_lowest"`
		} `json:"categories"`
	}
	api.call("GET", fmt.Sprintf("/courses/%d/gradebook", s.CourseID), nil, &page)
	if len(page.Categories) != 1 || page.Categories[0].DropLowest != 1 {
		t.Fatalf("categories %+v, want Labs dropping 1", page.Categories)
	}
	labs := page.Categories[0].ID
	item := func(id int64) string { return fmt.Sprintf(`[data-testid=grade-item][data-item-id="%d"]`, id) }
	submitForm(t, inst, "grade-item-edit-form", someTextJS(`[data-testid=gradebook-table] thead`, "Labs"),
		setSelect(item(lab1.ID)+` select[name=category_id]`, fmt.Sprint(labs)),
		chromedp.Click(chromedp.CSS(item(lab1.ID)+` button[type=submit]`), chromedp.NodeVisible))
	api.call("PATCH", fmt.Sprintf("/grade-items/%d", lab2.ID), map[string]any{"category_id": labs}, nil)
	submitForm(t, inst, "grade-item-form", `document.querySelectorAll('[data-testid=grade-item]').length === 3`,
		fill(map[string]string{"#new-item-title": "Participation"}), retype("#new-item-points", "5"),
		submitButton("grade-item-form"))

	// A manual grade typed in: Lab 1 9/10; Lab 2 (3/10) is dropped, so the
	// total is 9 of 10 points: 90 %, an A on this scale.
	cell := fmt.Sprintf(`[data-testid=gradebook-row][data-username=lin] [data-testid=grade-cell][data-item-id="%d"]`, lab1.ID)
	do(t, inst, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(cell+` button`)))
	do(t, inst, "open Lab 1's grade", chromedp.Click(chromedp.CSS(cell+` button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#manual-points`)))
	submitForm(t, inst, "grade-override-form", toastSays("Grade changed"),
		fill(map[string]string{"#manual-points": "9"}), submitButton("grade-override-form"))
	row := `[data-testid=gradebook-row][data-username=lin]`
	waitJS(t, inst, "the grade shows", someTextJS(cell, "9"))
	waitJS(t, inst, "Lab 2 is dropped", fmt.Sprintf(`!!document.querySelector('%s [data-item-id="%d"] [data-testid=dropped]')`, row, lab2.ID))
	waitJS(t, inst, "the total is 90%", someTextJS(row+` [data-testid=row-total]`, "90%"))
	if got := textOf(t, inst, row+` [data-testid=row-letter]`); got != "A" {
		t.Errorf("the letter is %q, want A", got)
	}
	screenshot(t, inst, "gradebook-setup")
	do(t, inst, "look at it on a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	screenshot(t, inst, "gradebook-setup-360")
	checkWalked(t, inst)
}

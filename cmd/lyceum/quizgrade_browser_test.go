package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// quizWithEssay creates, through the API, a question bank category with an
// essay worth 5 points and a quiz asking it; it returns the quiz's id.
func quizWithEssay(c *apiClient, courseID int64) int64 {
	c.t.Helper()
	var cat, q, quiz struct {
		ID       int64 `json:"id"`
		FamilyID int64 `json:"family_id"`
	}
	c.call("POST", fmt.Sprintf("/courses/%d/question-categories", courseID), map[string]any{"name": "Essays"}, &cat)
	c.call("POST", fmt.Sprintf("/courses/%d/questions", courseID), map[string]any{"category_id": cat.ID, "type": "essay",
		"title": "Pendulum", "text_md": "Explain why a **pendulum** swings.", "default_points": 5,
		"body": map[string]any{"essay": map[string]any{"max_words": 300}}}, &q)
	c.call("POST", fmt.Sprintf("/courses/%d/quizzes", courseID), map[string]any{"title": "Essay check",
		"grading_method": "highest", "behaviour": "deferred", "attempts_allowed": 1,
		"review": map[string]any{"after": map[string]any{"marks": true, "feedback": true}},
		"slots":  []map[string]any{{"family_id": q.FamilyID, "points": 5}}}, &quiz)
	return quiz.ID
}

// TestBrowserQuizEssayGradingAndOverrides: an instructor gives a learner an
// override (more attempts, a longer time limit) on the quiz builder, then
// grades the learner's essay (score and comment) on the attempt's review;
// the attempt's total follows and the learner's review shows the comment.
func TestBrowserQuizEssayGradingAndOverrides(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	qid := quizWithEssay(api, s.CourseID)
	lapi := newAPIClient(t, n.url)
	loginAPI(lapi, "lin", courseLearnerPW)
	lapi.call("POST", "/join", map[string]string{"code": s.Code}, nil)
	base := fmt.Sprintf("%s/courses/%d", n.url, s.CourseID)

	// The override: lin gets 3 attempts and 45 minutes.
	do(t, inst, "open the quiz builder", chromedp.Navigate(fmt.Sprintf("%s/quizzes/%d/edit", base, qid)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=quiz-overrides]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=override-form]`)))
	submitForm(t, inst, "override-form", `!!document.querySelector('[data-testid=override-row]')`,
		fill(map[string]string{"#override-time": "45", "#override-attempts": "3"}),
		submitButton("override-form"))
	if got := textOf(t, inst, `[data-testid=override-row]`); !strings.Contains(got, "Lin Learner") ||
		!strings.Contains(got, "45 min") || !strings.Contains(got, "3 attempts") {
		t.Errorf("the override reads %q", got)
	}
	screenshot(t, inst, "overrides")

	// The learner answers the essay and submits (through the API), with
	// the override's time limit.
	var att struct {
		Attempt struct {
			ID       int64  `json:"id"`
			Deadline string `json:"deadline"`
		} `json:"attempt"`
	}
	lapi.call("POST", fmt.Sprintf("/quizzes/%d/attempts", qid), map[string]any{}, &att)
	if att.Attempt.Deadline == "" {
		t.Error("the attempt has no deadline: the override's time limit was not applied")
	}
	lapi.call("PATCH", fmt.Sprintf("/attempts/%d/slots/0", att.Attempt.ID),
		map[string]any{"answer": map[string]any{"text": "Gravity pulls it back; <b>inertia</b> carries it past."}}, nil)
	lapi.call("POST", fmt.Sprintf("/attempts/%d/submit", att.Attempt.ID), nil, nil)

	// The instructor grades the essay on the review.
	do(t, inst, "open the attempt", chromedp.Navigate(fmt.Sprintf("%s/attempts/%d", base, att.Attempt.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-review]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=slot-grade-form]`)))
	if got := textOf(t, inst, `[data-testid=slot-grading] h3`); got != "Grade this answer" {
		t.Errorf("the grader's heading reads %q", got)
	}
	screenshot(t, inst, "essay-grading")
	submitForm(t, inst, "slot-grade-form", toastSays("Question 1 graded"),
		fill(map[string]string{"#grade-0-points": "4"}),
		sendKeys(chromedp.CSS(`#grade-0-comment`), "Good; name the restoring force.", chromedp.NodeVisible),
		submitButton("slot-grade-form"))
	waitJS(t, inst, "the total follows", someTextJS(`[data-testid=review-score]`, "4 / 5"))
	waitJS(t, inst, "the comment shows", someTextJS(`[data-testid=review-question]`, "name the restoring force"))

	lin := newBrowser(t, phone360)
	do(t, lin, "open the site", chromedp.Navigate(n.url+"/login"))
	signIn(t, lin, "lin", courseLearnerPW)
	do(t, lin, "the learner opens the review", chromedp.Navigate(fmt.Sprintf("%s/attempts/%d", base, att.Attempt.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-review]`)))
	waitJS(t, lin, "the learner sees the grade", someTextJS(`[data-testid=review-score]`, "4 / 5"))
	waitJS(t, lin, "and the comment", someTextJS(`[data-testid=review-question]`, "name the restoring force"))
	if n, err := chromedp.Run(lin, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=slot-grade-form]').length`)); err != nil || n != 0 {
		t.Errorf("the learner sees %d grading forms (%v)", n, err)
	}
	screenshot(t, lin, "essay-review")
	checkWalked(t, inst, lin)
}

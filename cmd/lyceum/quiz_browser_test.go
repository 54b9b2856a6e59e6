package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// phone360 is the narrowest phone the attempt page must work on.
var phone360 = viewport{"phone-360", 360, 740, true}

// setSelect sets a <select> (by CSS) to value as a person would, firing change.
func setSelect(css, value string) chromedp.Action[chromedp.Void] {
	eval := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (!s) return false;
		s.value = %q; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`, css, value))
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := eval(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("no select %s", css)
		}
		return err
	})
}

// quizGIFT has two good questions and one with an unclosed brace (line 6).
const quizGIFT = `// Unit 1
::Sky:: The sky is blue. {T}

::Capital:: The capital of France is {=Paris ~Lyon ~Rome}

::Broken:: This one is {=never ~closed

::Planets:: Which are planets? {~%50%Mars ~%50%Venus ~%-100%Moon}
`

// TestBrowserQuizJourney: an instructor writes a question with an image, imports a GIFT
// file (preview, the bad question's line, only the valid ones), builds a
// quiz with a time limit and instant feedback; a learner on a 360 px phone
// finds it in the outline, starts it, answers with instant feedback,
// reloads mid-attempt and finds the answers kept, submits and sees the
// review.
func TestBrowserQuizJourney(t *testing.T) {
	n, inst, api := adminWithLearner(t)
	s := seedProgressCourse(api)
	bank := fmt.Sprintf("%s/courses/%d/questions", n.url, s.CourseID)

	do(t, inst, "open the question bank", chromedp.Navigate(bank), chromedp.WaitVisible(chromedp.CSS(`[data-testid=category-form]`)))
	submitForm(t, inst, "category-form", `!!document.querySelector('[data-testid=category][data-name="Unit 1"]')`,
		fill(map[string]string{"#category-name": "Unit 1"}), submitButton("category-form"))

	do(t, inst, "write a true/false question", setSelect(`[data-testid=new-question-type]`, "truefalse"),
		chromedp.Click(chromedp.CSS(`[data-testid=new-question]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=question-form]`)),
		fill(map[string]string{"#q-title": "Water"}),
		sendKeys(chromedp.CSS("#q-text"), "Water boils at 100 °C at sea level.", chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=question-preview] [data-testid=q-option]`)))
	do(t, inst, "insert an image in the question", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=question-image]`), []string{writeTestPNG(t)}))
	waitImageLoaded(t, inst, `[data-testid=question-preview] .q-text img`)
	screenshot(t, inst, "question-editor")
	submitForm(t, inst, "question-form", `!!document.querySelector('[data-testid=bank-question][data-title=Water]')`,
		submitButton("question-form"))

	file := writeFile(t, t.TempDir(), "unit1.gift", quizGIFT)
	do(t, inst, "upload the GIFT file", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=gift-file]`), []string{file}),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=gift-preview]`)))
	screenshot(t, inst, "gift-preview")
	if p := textOf(t, inst, `[data-testid=gift-problem]`); !strings.HasPrefix(p, "Line 6:") {
		t.Fatalf("the preview's problem is %q, want line 6", p)
	}
	if c := textOf(t, inst, `[data-testid=gift-count]`); c != "3" {
		t.Fatalf("the preview counts %s questions, want 3", c)
	}
	do(t, inst, "import only the valid questions",
		chromedp.Click(chromedp.CSS(`[data-testid=gift-valid-only]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=gift-confirm]`), chromedp.NodeVisible))
	waitJS(t, inst, "the imported questions are listed", `document.querySelectorAll('[data-testid=bank-question]').length === 4`)

	do(t, inst, "open the quiz builder", chromedp.Navigate(fmt.Sprintf("%s/courses/%d/quizzes/new", n.url, s.CourseID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=quiz-form]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=bank-pick][data-title=Planets]`)),
		fill(map[string]string{"#quiz-title": "Unit 1 check", "#quiz-time": "10"}),
		setSelect("#quiz-behaviour", "immediate"))
	for _, title := range []string{"Water", "Sky", "Capital", "Planets"} {
		do(t, inst, "add "+title, chromedp.Click(chromedp.CSS(`[data-testid=bank-pick][data-title=`+title+`] [data-testid=add-question]`), chromedp.NodeVisible))
	}
	waitJS(t, inst, "four slots", `document.querySelectorAll('[data-testid=slot]').length === 4`)
	screenshot(t, inst, "quiz-builder")
	submitForm(t, inst, "quiz-form", `!!document.querySelector('[data-testid=quiz-start]')`, submitButton("quiz-form"))

	lin := newBrowser(t, phone360)
	learnerJoins(t, lin, n.url, s.Code)
	do(t, lin, "find the quiz in the outline", chromedp.Click(chromedp.CSS(`[data-testid=quiz-link]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=quiz-rules]`)))
	if r := textOf(t, lin, `[data-testid=rule-time]`); !strings.Contains(r, "10 minutes") {
		t.Fatalf("the rules say %q, want the 10 minute limit", r)
	}
	screenshot(t, lin, "quiz-start")
	submitForm(t, lin, "start-quiz-form", `!!document.querySelector('[data-testid=attempt]')`, submitButton("start-quiz-form"))
	do(t, lin, "the timer shows", chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-timer]`)))
	if left := textOf(t, lin, `[data-testid=attempt-timer]`); !strings.Contains(left, "9:5") && !strings.Contains(left, "10:00") {
		t.Errorf("the timer shows %q, want about 10 minutes", left)
	}

	waitImageLoaded(t, lin, `[data-testid=attempt-question] .q-text img`) // Water's image, through the upload service
	const option = `[data-testid=attempt-question] [data-testid=q-option]`
	do(t, lin, "answer the first question and check it", chromedp.Click(chromedp.CSS(option), chromedp.NodeVisible))
	waitJS(t, lin, "the answer is saved", `document.querySelector('[data-testid=autosave]').dataset.status === 'saved'`)
	do(t, lin, "check it", chromedp.Click(chromedp.CSS(`[data-testid=check-answer]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-question] [data-testid=q-state]`)))
	screenshot(t, lin, "instant-feedback")
	do(t, lin, "answer the second question", chromedp.Click(chromedp.CSS(`[data-testid=next-question]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-question][data-slot="1"]`)),
		chromedp.Click(chromedp.CSS(option), chromedp.NodeVisible))
	waitJS(t, lin, "the second answer is saved", `document.querySelector('[data-testid=autosave]').dataset.status === 'saved'`)
	wide, err := chromedp.Run(lin, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !wide {
		screenshot(t, lin, "too-wide")
		t.Errorf("the attempt page is wider than the 360 px phone (%v)", err)
	}
	screenshot(t, lin, "attempt")

	do(t, lin, "reload mid-attempt", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt]`)))
	do(t, lin, "go back to the second question", chromedp.Click(chromedp.CSS(`[data-testid=attempt-nav-item]:nth-child(2)`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-question][data-slot="1"]`)))
	waitJS(t, lin, "the second answer is kept", `!!document.querySelector('[data-testid=attempt-question] [data-testid=q-option] input:checked')`)
	do(t, lin, "the first question keeps its feedback", chromedp.Click(chromedp.CSS(`[data-testid=attempt-nav-item]:nth-child(1)`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-question][data-slot="0"] [data-testid=q-state]`)))

	do(t, lin, "finish", chromedp.Click(chromedp.CSS(`[data-testid=attempt-nav-item]:nth-child(4)`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`[data-testid=finish-attempt]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-summary]`)))
	if u := textOf(t, lin, `[data-testid=summary-unanswered]`); !strings.Contains(u, "question 3") || !strings.Contains(u, "question 4") {
		t.Errorf("the summary says %q, want questions 3 and 4 unanswered", u)
	}
	screenshot(t, lin, "summary")
	do(t, lin, "submit", chromedp.Click(chromedp.CSS(`[data-testid=submit-attempt]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=attempt-review]`)))
	screenshot(t, lin, "review")
	if score := textOf(t, lin, `[data-testid=review-score]`); !strings.HasPrefix(score, "1 / 4") && !strings.HasPrefix(score, "2 / 4") {
		t.Errorf("the review's score is %q, want 1 or 2 of 4 (two answered, the first checked right or wrong)", score)
	}
	if n, err := chromedp.Run(lin, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=review-question] [data-testid=right-answer]').length`)); err != nil || n != 4 {
		t.Errorf("the review shows %d right answers, want 4 (%v)", n, err)
	}
	// The grade reached the gradebook and the learner was told on their
	// personal topic.
	do(t, lin, "the learner is told the grade is available", chromedp.Navigate(n.url+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(`[data-kind="grade"]`)))
	if got := textOf(t, lin, `[data-kind="grade"]`); !strings.Contains(got, "Your grade for “Unit 1 check” is available") {
		t.Errorf("the notification says %q", got)
	}
	do(t, inst, "the instructor opens the statistics", chromedp.Click(chromedp.CSS(`[data-testid=quiz-stats-link]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-chart]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=stats-question]`)))
	if sum := textOf(t, inst, `[data-testid=stats-summary]`); !strings.HasPrefix(sum, "1 finished attempt by 1 learner") {
		t.Errorf("the statistics say %q", sum)
	}
	screenshot(t, inst, "statistics")
	checkWalked(t, inst, lin)
}

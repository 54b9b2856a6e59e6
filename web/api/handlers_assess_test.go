package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestGIFTImportPreviewThenConfirm: a preview writes nothing and lists the
// bad question with its line; the import refuses while something is wrong
// unless valid_only; the export gives the questions back.
func TestGIFTImportPreviewThenConfirm(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	inst := w.people[roleInstructor].c
	cat := "/api/v1/question-categories/" + id(w.cat.ID)
	src := []byte("::Sky:: The sky is <b>blue</b>. {T}\n\n::Broken:: Unclosed {=a ~b\n\n$CATEGORY: Maths\n\n::Two:: 1+1 = {#2}\n")
	before := decode[QuestionList](t, e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/questions", nil).want(t, sOK)).Total

	plan := decode[assess.ImportPlan](t, e.raw(t, inst, "POST", cat+"/gift?dry_run=1", "text/plain", src).want(t, sOK))
	if len(plan.Questions) != 2 || len(plan.Skipped) != 1 || plan.Skipped[0].Line != 3 || plan.Created != 0 {
		t.Fatalf("preview: %+v, want 2 questions and line 3 skipped", plan)
	}
	if len(plan.NewCategories) != 1 || plan.NewCategories[0] != "Maths" {
		t.Errorf("new categories %q, want Maths", plan.NewCategories)
	}
	if p := e.raw(t, inst, "POST", cat+"/gift", "text/plain", src).want(t, http.StatusBadRequest).problem(t); !strings.Contains(p.Detail, "line 3") {
		t.Errorf("the refusal says %q, want the line", p.Detail)
	}
	if n := decode[QuestionList](t, e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/questions", nil).want(t, sOK)).Total; n != before {
		t.Fatalf("refused import created %d questions", n-before)
	}
	plan = decode[assess.ImportPlan](t, e.raw(t, inst, "POST", cat+"/gift?valid_only=1", "text/plain", src).want(t, sOK))
	if plan.Created != 2 {
		t.Fatalf("valid_only import created %d, want 2", plan.Created)
	}
	list := decode[QuestionList](t, e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/questions?q=sky", nil).want(t, sOK))
	if len(list.Items) != 1 || !strings.Contains(list.Items[0].TextMD, "<b>blue</b>") {
		t.Fatalf("imported question: %+v, want the text verbatim", list.Items)
	}
	out := string(e.do(t, inst, "GET", cat+"/gift", nil).want(t, sOK).Body)
	if !strings.Contains(out, "::Sky::") || !strings.Contains(out, "$CATEGORY: Maths") {
		t.Errorf("export lacks the imported questions:\n%s", out)
	}
	// A learner cannot import.
	e.raw(t, w.people[roleLearner].c, "POST", cat+"/gift?valid_only=1", "text/plain", src).want(t, s403)
}

// TestAttemptThroughTheAPI: a learner answers, a reload shows the saved
// answers, nothing gives the right answers away before review allows it,
// bad answers are refused, and the submission's review shows the marks.
func TestAttemptThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	lc := w.people[roleLearner].c
	inst := w.people[roleInstructor].c
	q := w.newQuiz(lms.BehaviourDeferred, w.tf...)
	q.Review.After = lms.ReviewOptions{Correctness: true, Marks: true, RightAnswer: true}
	e.do(t, inst, "PATCH", "/api/v1/quizzes/"+id(q.ID), assess.QuizPatch{Review: &q.Review, TimeLimitSeconds: new(600)}).want(t, sOK)

	v := decode[assess.AttemptView](t, e.do(t, lc, "POST", "/api/v1/quizzes/"+id(q.ID)+"/attempts", StartAttemptRequest{}).want(t, sNew))
	if v.Attempt.Deadline.IsZero() || v.Now.IsZero() || len(v.Slots) != 3 {
		t.Fatalf("attempt %+v: want a deadline, the server's clock and 3 questions", v.Attempt)
	}
	at := "/api/v1/attempts/" + id(v.Attempt.ID)
	yes := true
	e.do(t, lc, "PATCH", at+"/slots/0", assess.SlotPatch{Answer: &lms.Response{Bool: &yes}}).want(t, sOK)
	// Bad input: a question not in the attempt, the wrong shape, a huge answer.
	e.do(t, lc, "PATCH", at+"/slots/9", assess.SlotPatch{Answer: &lms.Response{Bool: &yes}}).want(t, http.StatusBadRequest)
	if r := e.do(t, lc, "PATCH", at+"/slots/1", assess.SlotPatch{Answer: &lms.Response{Text: strings.Repeat("x", 10<<10)}}); r.Code < 400 {
		t.Errorf("a 10 kB text answer to a true/false question: status %d, want a refusal", r.Code)
	}
	e.do(t, lc, "PATCH", at+"/slots/-1", assess.SlotPatch{}).want(t, s404)

	// A reload keeps the answer and gives nothing away.
	r := e.do(t, lc, "GET", at, nil).want(t, sOK)
	v = decode[assess.AttemptView](t, r)
	if v.Slots[0].Response == nil || v.Slots[0].Response.Bool == nil || !*v.Slots[0].Response.Bool {
		t.Fatalf("saved answer lost on reload: %+v", v.Slots[0])
	}
	for _, leak := range []string{"FB-T", "FB-F", "right_answer", `"fraction"`} {
		if strings.Contains(string(r.Body), leak) {
			t.Errorf("the open attempt shows %q to the learner: %s", leak, r.Body)
		}
	}
	// Another learner cannot read or answer it.
	e.do(t, w.victim.c, "GET", at, nil).want(t, s404)
	e.do(t, w.victim.c, "PATCH", at+"/slots/1", assess.SlotPatch{Answer: &lms.Response{Bool: &yes}}).want(t, s404)
	e.do(t, w.victim.c, "POST", at+"/submit", nil).want(t, s404)

	v = decode[assess.AttemptView](t, e.do(t, lc, "POST", at+"/submit", nil).want(t, sOK))
	again := decode[assess.AttemptView](t, e.do(t, lc, "POST", at+"/submit", nil).want(t, sOK))
	if v.Attempt.State != lms.AttemptSubmitted || again.Attempt.Points != v.Attempt.Points || v.MarksHidden {
		t.Fatalf("submitted twice: %+v then %+v", v.Attempt, again.Attempt)
	}
	if v.Attempt.Points != 1 || v.Slots[0].Review == nil || v.Slots[0].Review.RightAnswer == nil {
		t.Errorf("review after submission: %v points, slot 0 %+v; want 1 and the right answer", v.Attempt.Points, v.Slots[0].Review)
	}
	st := decode[assess.QuizStats](t, e.do(t, inst, "GET", "/api/v1/quizzes/"+id(q.ID)+"/statistics", nil).want(t, sOK))
	if st.Attempts != 1 || len(st.Questions) != 3 {
		t.Errorf("statistics %+v, want one attempt over 3 questions", st)
	}
	csv := e.do(t, inst, "GET", "/api/v1/quizzes/"+id(q.ID)+"/responses.csv", nil).want(t, sOK)
	if n := strings.Count(string(csv.Body), "\n"); n != 4 {
		t.Errorf("responses CSV has %d lines, want 4:\n%s", n, csv.Body)
	}
}

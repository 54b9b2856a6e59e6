package api

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestQuestionImageOnlyOnceAsked: an image in a question's text is served
// to staff always, but to a learner only once an attempt of theirs asked
// the question (404 before: the image must not give the question away),
// then during the attempt and after it.
func TestQuestionImageOnlyOnceAsked(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	for kind, fn := range e.assess.Readers() {
		e.courses.Uploads.RegisterReader(kind, fn)
	}
	w := newWorld(t, e)
	inst, ta, lc := w.people[roleInstructor], w.people[roleTA].c, w.people[roleLearner].c
	A := "/api/v1/courses/" + id(w.a.ID)
	// Not dotPNG itself: the world's lesson shows that file already.
	up := decode[UploadInfo](t, e.raw(t, inst.c, "POST", A+"/uploads?name=chart.png", "image/png", append(append([]byte{}, dotPNG...), "chart"...)).want(t, sNew))
	cat := decode[lms.QuestionCategory](t, e.do(t, inst.c, "POST", A+"/question-categories", lms.QuestionCategory{Name: "Unit 1"}).want(t, sNew))
	q := tfQuestion(cat.ID, "Chart", true)
	q.TextMD = "Does ![the chart](" + up.URL + ") rise?"
	q = decode[*lms.Question](t, e.do(t, inst.c, "POST", A+"/questions", q).want(t, sNew))
	quiz := decode[lms.Quiz](t, e.do(t, inst.c, "POST", A+"/quizzes", lms.Quiz{Title: "Charts", GradingMethod: lms.GradeHighest,
		Behaviour: lms.BehaviourDeferred, Slots: []lms.QuizSlot{{FamilyID: q.FamilyID}}}).want(t, sNew))

	e.do(t, lc, "GET", up.URL, nil).want(t, s404) // not asked yet
	e.do(t, ta, "GET", up.URL, nil).want(t, sOK)  // staff always
	e.do(t, w.people[roleOutsider].c, "GET", up.URL, nil).want(t, s404)
	v := decode[assess.AttemptView](t, e.do(t, lc, "POST", "/api/v1/quizzes/"+id(quiz.ID)+"/attempts", StartAttemptRequest{}).want(t, sNew))
	e.do(t, lc, "GET", up.URL, nil).want(t, sOK) // during the attempt
	e.do(t, lc, "POST", "/api/v1/attempts/"+id(v.Attempt.ID)+"/submit", nil).want(t, sOK)
	e.do(t, lc, "GET", up.URL, nil).want(t, sOK) // its review
	e.do(t, w.victim.c, "GET", up.URL, nil).want(t, s404)
}

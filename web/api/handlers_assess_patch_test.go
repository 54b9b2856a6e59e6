package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestSlotPatch: one PATCH of a slot saves the answer and the flag
// together, leaves out what it does not name, refuses to mix answering
// with grading, and grades a submitted essay for a grader.
func TestSlotPatch(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	lc, inst := w.people[roleLearner].c, w.people[roleInstructor].c
	q := w.newQuiz(lms.BehaviourDeferred, w.tf...)
	v := decode[assess.AttemptView](t, e.do(t, lc, "POST", "/api/v1/quizzes/"+id(q.ID)+"/attempts", StartAttemptRequest{}).want(t, sNew))
	slot := "/api/v1/attempts/" + id(v.Attempt.ID) + "/slots/1"
	yes := true

	sv := decode[assess.SlotView](t, e.do(t, lc, "PATCH", slot, assess.SlotPatch{Answer: &lms.Response{Bool: &yes}, Flagged: new(true)}).want(t, sOK))
	if !sv.Flagged || sv.Response == nil || sv.Response.Bool == nil || !*sv.Response.Bool {
		t.Fatalf("answer and flag in one patch: %+v", sv)
	}
	sv = decode[assess.SlotView](t, e.do(t, lc, "PATCH", slot, assess.SlotPatch{Flagged: new(false)}).want(t, sOK))
	if sv.Flagged || sv.Response == nil || sv.Response.Bool == nil {
		t.Fatalf("unflagging changed the answer: %+v", sv)
	}
	sv = decode[assess.SlotView](t, e.do(t, lc, "PATCH", slot, assess.SlotPatch{}).want(t, sOK))
	if sv.Slot != 1 || sv.Flagged || sv.Response == nil {
		t.Errorf("an empty patch answers the slot unchanged: %+v", sv)
	}
	// A bad answer changes nothing, the flag with it, and names "answer".
	p := e.do(t, lc, "PATCH", slot, assess.SlotPatch{Answer: &lms.Response{Text: strings.Repeat("x", 10<<10)}, Flagged: new(true)}).
		want(t, http.StatusRequestEntityTooLarge).problem(t)
	if p.Field != "answer" {
		t.Errorf("a huge answer names %q, want answer", p.Field)
	}
	if got := try(e.assess.Attempt(t.Context(), w.people[roleLearner].u, v.Attempt.ID)).must(t).Slots[1]; got.Flagged {
		t.Errorf("a refused patch set the flag: %+v", got)
	}
	if p := e.do(t, lc, "PATCH", slot, assess.SlotPatch{Answer: &lms.Response{Bool: &yes}, Points: new(1.0)}).
		want(t, http.StatusBadRequest).problem(t); p.Field != "points" {
		t.Errorf("answer with points names %q, want points", p.Field)
	}

	essay := "/api/v1/attempts/" + id(w.essayAttempt.Attempt.ID) + "/slots/0"
	if p := e.do(t, inst, "PATCH", essay, assess.SlotPatch{Comment: new("Good.")}).want(t, http.StatusBadRequest).problem(t); p.Field != "points" {
		t.Errorf("a comment without points names %q, want points", p.Field)
	}
	sv = decode[assess.SlotView](t, e.do(t, inst, "PATCH", essay, assess.SlotPatch{Points: new(4.0), Comment: new("Good.")}).want(t, sOK))
	if sv.Points == nil || *sv.Points != 4 || sv.Comment != "Good." {
		t.Errorf("graded essay: points %v, comment %q; want 4 and Good.", sv.Points, sv.Comment)
	}
	if a := try(e.assess.Attempt(t.Context(), w.people[roleInstructor].u, w.essayAttempt.Attempt.ID)).must(t).Attempt; a.Points != 4 || a.NeedsGrading {
		t.Errorf("attempt after grading: %+v, want 4 points and graded", a)
	}
	// The learner cannot grade their own attempt.
	e.do(t, lc, "PATCH", slot, assess.SlotPatch{Points: new(1.0)}).want(t, s403)
}

// TestQuestionAndQuizPatches: a PATCH changes only the fields it names; a
// question an attempt asked gets a new version.
func TestQuestionAndQuizPatches(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newQuizWorld(t, e)
	inst := w.people[roleInstructor].c

	asked := w.tf[0] // in the learner's attempt
	got := decode[lms.Question](t, e.do(t, inst, "PATCH", "/api/v1/questions/"+id(asked.ID), assess.QuestionPatch{Title: new("Renamed")}).want(t, sOK))
	if got.Title != "Renamed" || got.TextMD != asked.TextMD || got.Body.TrueFalse == nil || !got.Body.TrueFalse.Answer {
		t.Errorf("title patch: %+v, want the rest kept", got)
	}
	if got.ID == asked.ID || got.Version != asked.Version+1 || got.FamilyID != asked.FamilyID {
		t.Errorf("an asked question edited in place: id %d v%d, was id %d v%d", got.ID, got.Version, asked.ID, asked.Version)
	}
	fresh := tfQuestion(w.cat.ID, "Fresh", true)
	try(0, e.assess.CreateQuestion(t.Context(), w.people[roleInstructor].u, fresh)).must(t)
	got = decode[lms.Question](t, e.do(t, inst, "PATCH", "/api/v1/questions/"+id(fresh.ID),
		assess.QuestionPatch{Body: &lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: false}}}).want(t, sOK))
	if got.ID != fresh.ID || got.Version != 1 || got.Title != "Fresh" || got.Body.TrueFalse.Answer {
		t.Errorf("an unasked question: %+v, want the same row with the new body", got)
	}
	e.do(t, inst, "PATCH", "/api/v1/questions/"+id(fresh.ID), map[string]any{"type": "essay"}).want(t, http.StatusBadRequest)

	qz := decode[lms.Quiz](t, e.do(t, inst, "PATCH", "/api/v1/quizzes/"+id(w.quiz.ID), assess.QuizPatch{IntroMD: new("Read carefully.")}).want(t, sOK))
	if qz.IntroMD != "Read carefully." || qz.Title != w.quiz.Title || len(qz.Slots) != len(w.quiz.Slots) || qz.Behaviour != w.quiz.Behaviour {
		t.Errorf("intro patch: %+v, want the rest kept", qz)
	}
	qz = decode[lms.Quiz](t, e.do(t, inst, "PATCH", "/api/v1/quizzes/"+id(w.quiz.ID), assess.QuizPatch{AccessCode: new("sesame")}).want(t, sOK))
	if !qz.HasAccessCode || qz.IntroMD != "Read carefully." {
		t.Errorf("access code patch: %+v", qz)
	}
	if p := e.do(t, inst, "PATCH", "/api/v1/quizzes/"+id(w.quiz.ID), assess.QuizPatch{Title: new("")}).want(t, http.StatusBadRequest).problem(t); p.Field != "title" {
		t.Errorf("an empty title names %q", p.Field)
	}
}

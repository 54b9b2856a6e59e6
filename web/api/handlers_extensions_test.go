package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestExtensionsThroughTheAPI: an instructor gives a learner their own due
// date, which the learner then sees as theirs; a grader of another course
// and a learner cannot grant one, and bad dates or people are field errors.
func TestExtensionsThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	e := w.g
	inst, learner := w.people[roleInstructor], w.people[roleLearner]
	as := "/api/v1/assignments/" + id(w.assignment.ID)
	mine := as + "/extensions/" + id(learner.u.ID)
	due := w.assignment.DueAt.Add(72 * time.Hour).Truncate(time.Second)
	body := assign.ExtensionInput{DueAt: due, Reason: "Ill for a week"}

	if p := e.do(t, w.bInstructor.c, "PUT", mine, body).want(t, http.StatusNotFound).problem(t); p.Code != lms.ENOTFOUND {
		t.Errorf("another course's instructor: %+v", p)
	}
	e.do(t, learner.c, "PUT", mine, body).want(t, http.StatusForbidden)
	e.do(t, learner.c, "GET", as+"/extensions", nil).want(t, http.StatusForbidden)
	early := assign.ExtensionInput{DueAt: w.assignment.DueAt.Add(-time.Hour)}
	if p := e.do(t, inst.c, "PUT", mine, early).want(t, http.StatusBadRequest).problem(t); p.Field != "due_at" {
		t.Errorf("a date before the assignment's names %q", p.Field)
	}
	if p := e.do(t, inst.c, "PUT", as+"/extensions/"+id(w.bLearner.u.ID), body).want(t, http.StatusBadRequest).problem(t); p.Field != "user_id" {
		t.Errorf("a learner of another course names %q", p.Field)
	}

	x := decode[lms.Extension](t, e.do(t, inst.c, "PUT", mine, body).want(t, sOK))
	if !x.DueAt.Equal(due) || x.UserID != learner.u.ID || x.GrantedBy != inst.u.ID || x.Reason != body.Reason {
		t.Fatalf("granted %+v", x)
	}
	list := decode[ExtensionList](t, e.do(t, w.people[roleTA].c, "GET", as+"/extensions", nil).want(t, sOK))
	if len(list.Items) != 1 || list.Items[0].UserID != learner.u.ID {
		t.Fatalf("extensions %+v", list)
	}
	a := decode[lms.Assignment](t, e.do(t, learner.c, "GET", as, nil).want(t, sOK))
	if !a.Extended || !a.DueAt.Equal(due) {
		t.Errorf("the learner's view: due %v extended %v", a.DueAt, a.Extended)
	}
	m := decode[assign.Mine](t, e.do(t, learner.c, "GET", as+"/mine", nil).want(t, sOK))
	if !m.Assignment.Extended || !m.Penalty.DueAt.Equal(due) {
		t.Errorf("the learner's work view: %+v %+v", m.Assignment, m.Penalty)
	}
	a = decode[lms.Assignment](t, e.do(t, inst.c, "GET", as, nil).want(t, sOK))
	if a.Extended || !a.DueAt.Equal(w.assignment.DueAt) {
		t.Errorf("the instructor's view: due %v extended %v", a.DueAt, a.Extended)
	}
	rows := decode[SubmissionTable](t, e.do(t, inst.c, "GET", as+"/submissions", nil).want(t, sOK))
	if len(rows.Items) == 0 || rows.Items[0].Extension == nil || !rows.Items[0].Extension.DueAt.Equal(due) {
		t.Errorf("the graders' table: %+v", rows.Items)
	}

	e.do(t, inst.c, "DELETE", mine, nil).want(t, http.StatusNoContent)
	e.do(t, inst.c, "DELETE", mine, nil).want(t, http.StatusNotFound)
	a = decode[lms.Assignment](t, e.do(t, learner.c, "GET", as, nil).want(t, sOK))
	if a.Extended || !a.DueAt.Equal(w.assignment.DueAt) {
		t.Errorf("after revoking: due %v extended %v", a.DueAt, a.Extended)
	}
}

package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestRosterImport(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor].c
	path := "/api/v1/courses/" + id(w.a.ID) + "/roster"
	members := func() int {
		return decode[EnrollmentList](t, e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/members", nil).want(t, http.StatusOK)).Total
	}
	start := members()
	csv := []byte("login,role,group\n" +
		"outsider,ta,Team 1\n" + // ok: enrol
		"nobody@example.org,learner,\n" + // unknown user
		"blearner,wizard,\n" + // bad role
		"bteacher,learner,No such group\n" + // unknown group
		"victim,learner,\n") // already like this

	t.Run("preview reports per row and writes nothing", func(t *testing.T) {
		rep := decode[course.RosterReport](t, e.raw(t, inst, "POST", path, "text/csv", csv).want(t, http.StatusOK))
		if rep.Applied || rep.Enrol != 1 || rep.Errors != 3 || len(rep.Rows) != 5 {
			t.Fatalf("preview = %+v", rep)
		}
		for _, row := range rep.Rows {
			if row.Outcome == course.RowError && row.Reason == "" {
				t.Errorf("line %d is an error without a reason", row.Line)
			}
		}
		if rep.Rows[0].Line != 2 || rep.Rows[0].Outcome != course.RowEnrol {
			t.Errorf("first row = %+v", rep.Rows[0])
		}
		if members() != start {
			t.Error("a preview enrolled people")
		}
	})
	t.Run("a malformed file is refused whole", func(t *testing.T) {
		e.raw(t, inst, "POST", path+"?apply=1", "text/csv", []byte("name;colour\nx;y\n")).want(t, http.StatusBadRequest).problem(t)
		e.raw(t, inst, "POST", path+"?apply=1", "text/csv", nil).want(t, http.StatusBadRequest)
		e.raw(t, inst, "POST", path+"?apply=1", "application/json", csv).want(t, http.StatusUnsupportedMediaType)
		e.raw(t, inst, "POST", path+"?apply=1", "text/csv", bytes.Repeat([]byte("a"), course.MaxRosterBytes+100<<10)).
			want(t, http.StatusRequestEntityTooLarge)
		if members() != start {
			t.Error("a refused roster enrolled people")
		}
	})
	t.Run("apply enrols the good rows only", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "roster.csv")
		_, _ = fw.Write(csv)
		_ = mw.Close()
		rep := decode[course.RosterReport](t, e.raw(t, inst, "POST", path+"?apply=1", mw.FormDataContentType(), buf.Bytes()).
			want(t, http.StatusOK))
		if !rep.Applied || rep.Enrol != 1 || rep.Errors != 3 {
			t.Fatalf("report = %+v", rep)
		}
		if members() != start+1 {
			t.Errorf("members %d, want %d", members(), start+1)
		}
		ta := decode[EnrollmentList](t, e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/members?role=ta", nil).want(t, http.StatusOK))
		found := false
		for _, m := range ta.Items {
			if m.UserID == w.people[roleOutsider].u.ID && m.GroupID == w.group.ID {
				found = true
			}
		}
		if !found {
			t.Errorf("outsider is not a TA in Team 1: %+v", ta.Items)
		}
	})
}

func TestMembership(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor].c
	cp := "/api/v1/courses/" + id(w.a.ID)
	e.do(t, inst, "POST", cp+"/members", EnrolRequest{Login: "nobody", Role: lms.CourseLearner}).want(t, http.StatusBadRequest)
	e.do(t, inst, "POST", cp+"/members", EnrolRequest{Login: "victim", Role: "wizard"}).want(t, http.StatusBadRequest)
	e.do(t, inst, "PATCH", cp+"/members/"+id(w.people[roleInstructor].u.ID), RoleRequest{Role: lms.CourseLearner}).
		want(t, http.StatusConflict)
	e.do(t, inst, "POST", cp+"/leave", nil).want(t, http.StatusConflict)
	e.do(t, inst, "GET", cp+"/members?status=maybe", nil).want(t, http.StatusBadRequest)

	t.Run("a full group refuses more members", func(t *testing.T) {
		g := decode[lms.Group](t, e.do(t, inst, "POST", cp+"/groups", GroupRequest{Name: "Pair", SelfSelect: true, MaxSize: 1}).
			want(t, http.StatusCreated))
		e.do(t, w.people[roleLearner].c, "PUT", cp+"/my-group", GroupChoice{GroupID: g.ID}).want(t, http.StatusNoContent)
		e.do(t, w.victim.c, "PUT", cp+"/my-group", GroupChoice{GroupID: g.ID}).want(t, http.StatusConflict)
	})
	t.Run("pending joiners wait for approval", func(t *testing.T) {
		c := decode[course.CourseView](t, e.do(t, inst, "PUT", cp+"/join", course.JoinSettings{Enabled: true, NeedsApproval: true}).
			want(t, http.StatusOK))
		out := w.people[roleOutsider]
		enr := decode[lms.Enrollment](t, e.do(t, out.c, "POST", "/api/v1/join", JoinRequest{Code: c.JoinCode}).want(t, http.StatusOK))
		if enr.Status != lms.EnrollPending {
			t.Fatalf("enrolment = %+v", enr)
		}
		e.do(t, out.c, "GET", cp, nil).want(t, http.StatusNotFound)
		e.do(t, inst, "POST", cp+"/members/"+id(out.u.ID)+"/approve", nil).want(t, http.StatusOK)
		e.do(t, out.c, "GET", cp, nil).want(t, http.StatusOK)
		e.do(t, out.c, "POST", cp+"/leave", nil).want(t, http.StatusNoContent)
		e.do(t, out.c, "GET", cp, nil).want(t, http.StatusNotFound)
	})
	t.Run("a wrong join code is not found", func(t *testing.T) {
		e.do(t, w.people[roleOutsider].c, "POST", "/api/v1/join", JoinRequest{Code: "NOPE1234"}).want(t, http.StatusNotFound)
	})
}

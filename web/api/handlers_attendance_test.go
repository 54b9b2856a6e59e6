package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// The attendance of a course's live sessions: per session, each person's
// stays and total minutes (two tabs at once count once), as JSON and CSV.
func TestAttendanceReport(t *testing.T) {
	e := newCourseEnv(t)
	w := newWorld(t, e)
	ctx := context.Background()
	inst, learner := w.people[roleInstructor], w.people[roleLearner]
	base := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	sess, err := e.st.ClaimVideoSession(ctx, w.room.ID, w.a.ID, "n1", base, base.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	stay := func(u *lms.User, from, to time.Duration) {
		t.Helper()
		a := &lms.Attendance{SessionID: sess.ID, UserID: u.ID, JoinedAt: base.Add(from)}
		if err := e.st.StartAttendance(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := e.st.EndAttendance(ctx, a.ID, base.Add(to)); err != nil {
			t.Fatal(err)
		}
	}
	stay(inst.u, 0, 60*time.Minute)
	stay(learner.u, 5*time.Minute, 20*time.Minute)
	stay(learner.u, 15*time.Minute, 30*time.Minute) // a second tab, overlapping
	stay(learner.u, 40*time.Minute, 50*time.Minute)

	path := "/api/v1/courses/" + id(w.a.ID) + "/attendance"
	rep := decode[course.AttendanceReport](t, e.do(t, inst.c, "GET", path, nil).want(t, http.StatusOK))
	if len(rep.Sessions) != 1 || rep.Sessions[0].RoomID != w.room.ID || len(rep.Sessions[0].People) != 2 {
		t.Fatalf("report = %+v, want one session in the main room with two people", rep)
	}
	got := map[int64]course.PersonAttendance{}
	for _, p := range rep.Sessions[0].People {
		got[p.UserID] = p
	}
	if p := got[inst.u.ID]; p.Minutes != 60 || len(p.Stays) != 1 {
		t.Errorf("instructor = %+v, want one stay of 60 minutes", p)
	}
	if p := got[learner.u.ID]; p.Minutes != 35 || len(p.Stays) != 3 || !p.Stays[2].LeftAt.Equal(base.Add(50*time.Minute)) {
		t.Errorf("learner = %+v, want three stays covering 35 minutes", p)
	}

	res := e.do(t, inst.c, "GET", path+".csv", nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(string(res.Body)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "session_id,room,") {
		t.Fatalf("csv:\n%s\nwant a header and four stays", res.Body)
	}
	if want := ",2026-09-01T09:05:00Z,2026-09-01T09:20:00Z,15,35"; !strings.Contains(string(res.Body), want) {
		t.Errorf("csv:\n%s\nwant a row ending %q", res.Body, want)
	}

	// A range that leaves the session out; a bad time.
	empty := decode[course.AttendanceReport](t, e.do(t, inst.c, "GET", path+"?from=2026-09-02T00:00:00Z", nil).want(t, http.StatusOK))
	if len(empty.Sessions) != 0 {
		t.Errorf("from the next day: %+v, want no session", empty)
	}
	e.do(t, inst.c, "GET", path+"?to=yesterday", nil).want(t, http.StatusBadRequest)
	e.do(t, learner.c, "GET", path, nil).want(t, http.StatusForbidden)
}

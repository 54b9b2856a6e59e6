package api

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The reports over HTTP: who may read which, every CSV table matches the
// JSON, a bad table or period is 400, the message reaches the learner.
func TestReportsRoutes(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withGrades(t))
	w := newWorld(t, e)
	inst, ta, learner := w.people[roleInstructor], w.people[roleTA], w.people[roleLearner]
	base := "/api/v1/courses/" + id(w.a.ID) + "/reports"

	eng := decode[reports.Engagement](t, e.do(t, ta.c, "GET", base+"/engagement?from=2026-01-01&to=2026-01-31", nil).want(t, http.StatusOK))
	if len(eng.Days) != 31 || len(eng.Lessons) == 0 {
		t.Fatalf("engagement: %d days, %d lessons", len(eng.Days), len(eng.Lessons))
	}
	res := e.do(t, inst.c, "GET", base+"/engagement.csv?table=lessons&from=2026-01-01&to=2026-01-31", nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := reports.FindTable(&eng, "lessons")
	if len(rows) != len(tb.Rows)+1 || strings.Join(rows[0], ",") != strings.Join(tb.Header, ",") || rows[1][2] != eng.Lessons[0].Title {
		t.Errorf("csv rows %v, want the header and %d lessons", rows, len(tb.Rows))
	}
	e.do(t, inst.c, "GET", base+"/engagement.csv?table=nope", nil).want(t, http.StatusBadRequest)
	e.do(t, inst.c, "GET", base+"/engagement?from=yesterday", nil).want(t, http.StatusBadRequest)
	for _, path := range []string{"/engagement", "/performance", "/at-risk", "/performance.csv?table=questions", "/at-risk.csv"} {
		e.do(t, inst.c, "GET", base+path, nil).want(t, http.StatusOK)
		e.do(t, learner.c, "GET", base+path, nil).want(t, http.StatusForbidden)
		e.do(t, w.people[roleOutsider].c, "GET", base+path, nil).want(t, http.StatusNotFound)
	}
	own := base + "/learners/" + id(learner.u.ID)
	e.do(t, learner.c, "GET", own, nil).want(t, http.StatusOK)
	e.do(t, learner.c, "GET", own+"/report.csv?table=timeline", nil).want(t, http.StatusOK)
	e.do(t, ta.c, "GET", own, nil).want(t, http.StatusOK)
	e.do(t, learner.c, "GET", base+"/learners/"+id(ta.u.ID), nil).want(t, http.StatusForbidden)

	msg := decode[MessageResult](t, e.do(t, ta.c, "POST", base+"/messages",
		MessageRequest{UserIDs: []int64{learner.u.ID}, Text: "How is it going?"}).want(t, http.StatusOK))
	if msg.Sent != 1 {
		t.Errorf("sent %d", msg.Sent)
	}
	e.do(t, learner.c, "POST", base+"/messages", MessageRequest{UserIDs: []int64{learner.u.ID}, Text: "x"}).want(t, http.StatusForbidden)

	e.do(t, inst.c, "GET", "/api/v1/admin/reports/site", nil).want(t, http.StatusForbidden)
	e.do(t, w.people[roleAdmin].c, "GET", "/api/v1/admin/reports/site.csv", nil).want(t, http.StatusOK)
}

package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The calendar routes: an instructor adds an event, a learner sees it
// beside an assignment's due date, outsiders see neither, and the feed URL
// works until it is reset.
func TestCalendarRoutes(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withGrades(t))
	w := newWorld(t, e)
	inst, learner, outsider := w.people[roleInstructor], w.people[roleLearner], w.people[roleOutsider]
	due := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	work := decode[lms.Assignment](t, e.do(t, inst.c, "POST", "/api/v1/courses/"+id(w.a.ID)+"/assignments",
		map[string]any{"title": "Essay", "online_text": true, "max_points": 10, "due_at": due}).want(t, http.StatusCreated))

	evPath := "/api/v1/courses/" + id(w.a.ID) + "/events"
	body := map[string]any{"title": "Exam, part 1", "location": "Hall", "starts_at": due.Add(24 * time.Hour),
		"ends_at": due.Add(26 * time.Hour)}
	e.do(t, learner.c, "POST", evPath, body).want(t, http.StatusForbidden)
	e.do(t, outsider.c, "POST", evPath, body).want(t, http.StatusNotFound)
	if p := e.do(t, inst.c, "POST", evPath, map[string]any{"title": "x"}).want(t, http.StatusBadRequest).problem(t); p.Field != "starts_at" {
		t.Errorf("no start: field %q", p.Field)
	}
	ev := decode[lms.CourseEvent](t, e.do(t, inst.c, "POST", evPath, body).want(t, http.StatusCreated))
	e.do(t, learner.c, "GET", "/api/v1/events/"+id(ev.ID), nil).want(t, http.StatusOK)
	e.do(t, outsider.c, "GET", "/api/v1/events/"+id(ev.ID), nil).want(t, http.StatusNotFound)
	e.do(t, learner.c, "PATCH", "/api/v1/events/"+id(ev.ID), map[string]any{"title": "no"}).want(t, http.StatusForbidden)
	ev = decode[lms.CourseEvent](t, e.do(t, inst.c, "PATCH", "/api/v1/events/"+id(ev.ID),
		map[string]any{"title": "Exam"}).want(t, http.StatusOK))
	if ev.Title != "Exam" || ev.Location != "Hall" {
		t.Errorf("patched = %+v", ev)
	}

	items := decode[calendar.Items](t, e.do(t, learner.c, "GET", "/api/v1/calendar", nil).want(t, http.StatusOK))
	var kinds []string
	for _, it := range items.Items {
		kinds = append(kinds, string(it.Kind)+":"+it.Title)
	}
	if want := []string{"assignment_due:Essay", "event:Exam"}; strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Errorf("learner's calendar %v, want %v", kinds, want)
	}
	if len(items.Items) > 0 && items.Items[0].Link != "/courses/"+id(w.a.ID)+"/assignments/"+id(work.ID) {
		t.Errorf("link %q", items.Items[0].Link)
	}
	out := decode[calendar.Items](t, e.do(t, outsider.c, "GET", "/api/v1/calendar", nil).want(t, http.StatusOK))
	if len(out.Items) != 0 || out.Items == nil {
		t.Errorf("outsider's calendar %+v", out.Items)
	}
	for q, field := range map[string]string{"from=tomorrow": "from", "to=2020-01-01T00:00:00Z": "to",
		"course_id=x": "course_id", "from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z": "to"} {
		if p := e.do(t, learner.c, "GET", "/api/v1/calendar?"+q, nil).want(t, http.StatusBadRequest).problem(t); p.Field != field {
			t.Errorf("%s: field %q, want %q", q, p.Field, field)
		}
	}
	e.do(t, outsider.c, "GET", "/api/v1/calendar?course_id="+id(w.a.ID), nil).want(t, http.StatusNotFound)
	e.do(t, anon, "GET", "/api/v1/calendar", nil).want(t, http.StatusUnauthorized)

	// The feed.
	if got := decode[FeedInfo](t, e.do(t, learner.c, "GET", "/api/v1/me/calendar-feed", nil).want(t, http.StatusOK)); got.Active {
		t.Errorf("a feed before any: %+v", got)
	}
	first := decode[FeedInfo](t, e.do(t, learner.c, "POST", "/api/v1/me/calendar-feed", nil).want(t, http.StatusCreated))
	if !strings.HasPrefix(first.URL, testPublicURL+"/api/v1/calendar/feed/") || !strings.HasSuffix(first.URL, ".ics") {
		t.Fatalf("feed URL %q", first.URL)
	}
	feedPath := strings.TrimPrefix(first.URL, testPublicURL)
	res := e.do(t, anon, "GET", feedPath, nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	ics := string(res.Body)
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.Contains(ics, "SUMMARY:Assignment due: Essay\r\n") ||
		!strings.Contains(ics, "SUMMARY:Event: Exam\r\n") || !strings.Contains(ics, "DTSTART:"+due.Format("20060102T150405Z")+"\r\n") {
		t.Errorf("feed:\n%s", ics)
	}
	if got := decode[FeedInfo](t, e.do(t, learner.c, "GET", "/api/v1/me/calendar-feed", nil).want(t, http.StatusOK)); !got.Active || got.URL != "" {
		t.Errorf("feed status %+v: active, without the URL", got)
	}
	second := decode[FeedInfo](t, e.do(t, learner.c, "POST", "/api/v1/me/calendar-feed", nil).want(t, http.StatusCreated))
	e.do(t, anon, "GET", feedPath, nil).want(t, http.StatusNotFound)
	e.do(t, anon, "GET", strings.TrimPrefix(second.URL, testPublicURL), nil).want(t, http.StatusOK)
	e.do(t, learner.c, "DELETE", "/api/v1/me/calendar-feed", nil).want(t, http.StatusNoContent)
	e.do(t, anon, "GET", strings.TrimPrefix(second.URL, testPublicURL), nil).want(t, http.StatusNotFound)

	e.do(t, learner.c, "DELETE", "/api/v1/events/"+id(ev.ID), nil).want(t, http.StatusForbidden)
	e.do(t, inst.c, "DELETE", "/api/v1/events/"+id(ev.ID), nil).want(t, http.StatusNoContent)
	e.do(t, inst.c, "GET", "/api/v1/events/"+id(ev.ID), nil).want(t, http.StatusNotFound)
}

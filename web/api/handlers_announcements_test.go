package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestAnnouncementPermissions calls every announcement route as every
// role: staff (TAs too) post, edit and delete; members read; a learner
// cannot post; an outsider cannot read.
func TestAnnouncementPermissions(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	A := "/api/v1/courses/" + id(w.a.ID)
	inst := w.people[roleInstructor].u
	fresh := func(w *world) int64 {
		return try(e.courses.Announcements.CreateAnnouncement(w.t.Context(), inst, w.a.ID,
			course.AnnouncementInput{Title: "News", BodyMD: "Hello"})).must(w.t).ID
	}
	posted := fresh(w)
	staffNew := [roleCount]int{s401, s404, s403, sNew, sNew, sNew}
	runPermTable(t, w, e.api.announcementRoutes(), []permRow{
		{"GET /api/v1/courses/{id}/announcements", p(A + "/announcements"), anyMember},
		{"POST /api/v1/courses/{id}/announcements", func(*world, int) (string, any) {
			return A + "/announcements", course.AnnouncementInput{Title: "Exam", BodyMD: "Friday."}
		}, staffNew},
		{"GET /api/v1/announcements/{id}", p("/api/v1/announcements/" + id(posted)), anyMember},
		{"PATCH /api/v1/announcements/{id}", func(*world, int) (string, any) {
			return "/api/v1/announcements/" + id(posted), map[string]any{"title": "News (edited)"}
		}, staffOK},
		{"DELETE /api/v1/announcements/{id}", func(w *world, _ int) (string, any) {
			return "/api/v1/announcements/" + id(fresh(w)), nil
		}, staffNone},
	})
}

// TestAnnouncementRoutes: a scheduled announcement for a group is shown to
// staff only until it is posted, then to the group's members only.
func TestAnnouncementRoutes(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	ta, learner := w.people[roleTA], w.people[roleLearner]
	path := "/api/v1/courses/" + id(w.a.ID) + "/announcements"
	if pr := e.do(t, ta.c, "POST", path, map[string]any{"title": "x", "body_md": "y", "group_ids": []int64{w.bGroup.ID}}).
		want(t, http.StatusBadRequest).problem(t); pr.Field != "group_ids" {
		t.Errorf("another course's group: field %q", pr.Field)
	}
	x := decode[lms.CourseAnnouncement](t, e.do(t, ta.c, "POST", path, map[string]any{"title": "Team news",
		"body_md": "<script>x</script>\n\n**hi**", "group_ids": []int64{w.group.ID}}).want(t, http.StatusCreated))
	if strings.Contains(x.BodyHTML, "<script") || !strings.Contains(x.BodyHTML, "<strong>hi</strong>") || x.PostedAt.IsZero() {
		t.Errorf("created %+v", x)
	}
	list := decode[AnnouncementList](t, e.do(t, learner.c, "GET", path, nil).want(t, http.StatusOK))
	if len(list.Items) != 0 {
		t.Errorf("a learner outside the group sees %+v", list.Items)
	}
	e.do(t, learner.c, "GET", "/api/v1/announcements/"+id(x.ID), nil).want(t, http.StatusNotFound)
	if err := e.courses.Enrolment.AssignGroup(t.Context(), w.people[roleInstructor].u, w.a.ID, learner.u.ID, w.group.ID); err != nil {
		t.Fatal(err)
	}
	list = decode[AnnouncementList](t, e.do(t, learner.c, "GET", path, nil).want(t, http.StatusOK))
	if len(list.Items) != 1 || list.Items[0].Title != "Team news" {
		t.Errorf("a learner in the group sees %+v", list.Items)
	}
}

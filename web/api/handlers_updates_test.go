package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestCoursePatchCarriesEverySetting: visibility, catalogue and join
// settings are fields of PATCH /courses/{id}, each changed alone.
func TestCoursePatchCarriesEverySetting(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor]
	c := try(e.courses.Courses.CreateCourse(t.Context(), inst.u, course.CourseInput{Title: "Fresh"})).must(t)
	path := "/api/v1/courses/" + id(c.ID)
	patch := func(p lms.CoursePatch) *course.CourseView {
		t.Helper()
		return decode[*course.CourseView](t, e.do(t, inst.c, "PATCH", path, p).want(t, http.StatusOK))
	}
	if c.JoinCode != "" {
		t.Fatalf("a new course has a join code %q", c.JoinCode)
	}
	v := patch(lms.CoursePatch{Visibility: new(lms.CoursePublished)})
	if v.Visibility != lms.CoursePublished || v.Title != "Fresh" {
		t.Fatalf("after publishing: %+v", v.Course)
	}
	v = patch(lms.CoursePatch{Listed: new(true), EnrolMode: new(lms.EnrolApproval)})
	if !v.Listed || v.EnrolMode != lms.EnrolApproval || v.Visibility != lms.CoursePublished {
		t.Fatalf("after listing: %+v", v.Course)
	}
	v = patch(lms.CoursePatch{JoinEnabled: new(true)})
	if v.JoinCode == "" || !v.JoinEnabled || !v.Listed {
		t.Fatalf("enabling joins made no code: %+v", v.Course)
	}
	code := v.JoinCode
	if v = patch(lms.CoursePatch{JoinNeedsApprove: new(true)}); v.JoinCode != code || !v.JoinNeedsApprove {
		t.Fatalf("a join setting changed the code or was lost: %+v", v.Course)
	}
	if v = patch(lms.CoursePatch{RegenerateJoinCode: true}); v.JoinCode == code || v.JoinCode == "" || !v.JoinEnabled {
		t.Fatalf("regenerating kept code %q: %+v", code, v.Course)
	}
	p := e.do(t, inst.c, "PATCH", path, map[string]string{"enrol_mode": "sometimes"}).want(t, http.StatusBadRequest).problem(t)
	if p.Field != "enrol_mode" {
		t.Errorf("bad enrol_mode: field %q", p.Field)
	}
	e.do(t, w.people[roleTA].c, "PATCH", "/api/v1/courses/"+id(w.a.ID), lms.CoursePatch{Listed: new(true)}).
		want(t, http.StatusForbidden)
}

// TestPatchesChangeOnlyWhatTheySay walks the PATCH routes that replaced a
// PUT or POST: each changes the fields sent and keeps the rest.
func TestPatchesChangeOnlyWhatTheySay(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst, learner := w.people[roleInstructor].c, w.people[roleLearner].c
	t.Run("lesson", func(t *testing.T) {
		lp := "/api/v1/lessons/" + id(w.lesson.ID)
		from := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
		l := decode[lms.Lesson](t, e.do(t, inst, "PATCH", lp, course.LessonPatch{AvailableFrom: &from}).want(t, http.StatusOK))
		if !l.AvailableFrom.Equal(from) || l.Title != w.lesson.Title || l.BodyMD != w.lesson.BodyMD {
			t.Fatalf("after setting the date: %+v", l)
		}
		l = decode[lms.Lesson](t, e.do(t, inst, "PATCH", lp, course.LessonPatch{Title: new("Welcome"),
			AvailableFrom: new(time.Time{})}).want(t, http.StatusOK))
		if l.Title != "Welcome" || !l.AvailableFrom.IsZero() || l.BodyMD != w.lesson.BodyMD {
			t.Fatalf("after renaming and clearing the date: %+v", l)
		}
		e.do(t, inst, "PATCH", lp, course.LessonPatch{Title: new("  ")}).want(t, http.StatusBadRequest)
	})
	t.Run("forum", func(t *testing.T) {
		f := decode[lms.Forum](t, e.do(t, inst, "PATCH", "/api/v1/forums/"+id(w.forum.ID),
			course.ForumPatch{Description: new("Questions")}).want(t, http.StatusOK))
		if f.Title != w.forum.Title || f.Description != "Questions" {
			t.Fatalf("forum = %+v", f)
		}
	})
	t.Run("group", func(t *testing.T) {
		g := decode[lms.Group](t, e.do(t, inst, "PATCH", "/api/v1/groups/"+id(w.group.ID),
			course.GroupPatch{MaxSize: new(4)}).want(t, http.StatusOK))
		if g.Name != w.group.Name || !g.SelfSelect || g.MaxSize != 4 {
			t.Fatalf("group = %+v", g)
		}
	})
	t.Run("member", func(t *testing.T) {
		mp := "/api/v1/courses/" + id(w.a.ID) + "/members/" + id(w.victim.u.ID)
		m := decode[lms.Enrollment](t, e.do(t, inst, "PATCH", mp, course.MemberPatch{GroupID: &w.group.ID}).want(t, http.StatusOK))
		if m.GroupID != w.group.ID || m.Role != lms.CourseLearner {
			t.Fatalf("after the group: %+v", m)
		}
		m = decode[lms.Enrollment](t, e.do(t, inst, "PATCH", mp, course.MemberPatch{Role: new(lms.CourseTA)}).want(t, http.StatusOK))
		if m.GroupID != w.group.ID || m.Role != lms.CourseTA {
			t.Fatalf("after the role: %+v", m)
		}
	})
	t.Run("thread answer", func(t *testing.T) {
		tp := "/api/v1/threads/" + id(w.thread.ID)
		e.do(t, learner, "PATCH", tp, course.ThreadPatch{Pinned: new(true)}).want(t, http.StatusForbidden)
		th := decode[lms.Thread](t, e.do(t, learner, "PATCH", tp, course.ThreadPatch{AnswerPostID: &w.reply.ID}).want(t, http.StatusOK))
		if th.AnswerPostID != w.reply.ID || th.Pinned {
			t.Fatalf("thread = %+v", th)
		}
		p := e.do(t, learner, "PATCH", tp, course.ThreadPatch{AnswerPostID: &w.bPost.ID}).want(t, http.StatusBadRequest).problem(t)
		if p.Field != "answer_post_id" {
			t.Errorf("field %q", p.Field)
		}
		th = decode[lms.Thread](t, e.do(t, w.people[roleTA].c, "PATCH", tp, course.ThreadPatch{Pinned: new(true)}).want(t, http.StatusOK))
		if th.AnswerPostID != w.reply.ID || !th.Pinned {
			t.Fatalf("pinning lost the answer: %+v", th)
		}
	})
	t.Run("read position", func(t *testing.T) {
		rs := decode[lms.ReadState](t, e.do(t, learner, "PATCH", "/api/v1/rooms/"+id(w.room.ID)+"/read",
			ReadRequest{LastReadID: w.message.ID}).want(t, http.StatusOK))
		if rs.LastReadID != w.message.ID {
			t.Fatalf("read state = %+v", rs)
		}
	})
	t.Run("site settings", func(t *testing.T) {
		admin := w.people[roleAdmin].c
		before := decode[SettingsBody](t, e.do(t, admin, "GET", "/api/v1/admin/settings", nil).want(t, http.StatusOK))
		after := decode[SettingsBody](t, e.do(t, admin, "PATCH", "/api/v1/admin/settings",
			auth.SettingsPatch{SiteName: new("Renamed")}).want(t, http.StatusOK))
		if after.SiteName != "Renamed" || after.SignupPolicy != before.SignupPolicy || after.CourseCreators != before.CourseCreators {
			t.Fatalf("settings %+v -> %+v", before, after)
		}
		p := e.do(t, admin, "PATCH", "/api/v1/admin/settings", auth.SettingsPatch{SignupPolicy: new(lms.SignupPolicy("maybe"))}).
			want(t, http.StatusBadRequest).problem(t)
		if p.Field != "signup_policy" {
			t.Errorf("field %q", p.Field)
		}
		e.do(t, learner, "PATCH", "/api/v1/admin/settings", auth.SettingsPatch{SiteName: new("Mine")}).want(t, http.StatusForbidden)
	})
}

// TestRemovalsAreDeletes: reactions are taken back and mutes lifted with
// DELETE.
func TestRemovalsAreDeletes(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	msgs, thread := "/api/v1/rooms/"+id(w.room.ID)+"/messages", "/api/v1/threads/"+id(w.thread.ID)
	for _, tc := range []struct {
		name, path string
		count      func() int
	}{
		{"message reaction", "/api/v1/messages/" + id(w.message.ID) + "/reactions", func() int {
			return len(decode[MessagePage](t, e.do(t, learner, "GET", msgs, nil).want(t, http.StatusOK)).Reactions)
		}},
		{"post reaction", "/api/v1/posts/" + id(w.reply.ID) + "/reactions", func() int {
			return len(decode[course.ThreadView](t, e.do(t, learner, "GET", thread, nil).want(t, http.StatusOK)).Reactions)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.do(t, learner, "POST", tc.path, ReactionRequest{Emoji: "👍"}).want(t, http.StatusNoContent)
			if n := tc.count(); n != 1 {
				t.Fatalf("%d reactions after reacting", n)
			}
			e.do(t, learner, "DELETE", tc.path+"/"+thumbsUp, nil).want(t, http.StatusNoContent)
			if n := tc.count(); n != 0 {
				t.Fatalf("%d reactions after taking it back", n)
			}
		})
	}
	t.Run("mute", func(t *testing.T) {
		rp := "/api/v1/rooms/" + id(w.room.ID)
		e.do(t, w.people[roleTA].c, "POST", rp+"/mutes", MuteRequest{UserID: w.people[roleLearner].u.ID}).want(t, http.StatusNoContent)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "let me talk"}).want(t, http.StatusForbidden)
		e.do(t, learner, "DELETE", rp+"/mutes/"+id(w.people[roleLearner].u.ID), nil).want(t, http.StatusForbidden)
		e.do(t, w.people[roleTA].c, "DELETE", rp+"/mutes/"+id(w.people[roleLearner].u.ID), nil).want(t, http.StatusNoContent)
		e.do(t, learner, "POST", rp+"/messages", SendMessageRequest{Body: "thank you"}).want(t, http.StatusCreated)
	})
}

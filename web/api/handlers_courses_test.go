package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestCourseFlow walks the main flow on both backends: an instructor
// creates and publishes a course with a module and a lesson, shares the
// join code; a learner joins, opens the lesson, completes it, posts and
// chats; the instructor sees the progress and replies.
func TestCourseFlow(t *testing.T) {
	t.Parallel()
	onBothBackends(t, courseFlow)
}

// onBothBackends runs flow as subtests on a course environment over SQLite
// and over PostgreSQL.
func onBothBackends(t *testing.T, flow func(*testing.T, *cenv)) {
	for _, b := range []struct {
		name string
		open func(testing.TB) store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(b.name, func(t *testing.T) { flow(t, newCourseEnvWith(t, b.open(t))) })
	}
}

func courseFlow(t *testing.T, e *cenv) {
	admin := e.setup(t)
	teacher := e.addUser(t, admin, "teacher")
	learner := e.addUser(t, admin, "learner")

	c := decode[course.CourseView](t, e.do(t, teacher, "POST", "/api/v1/courses",
		course.CourseInput{Title: "Physics", Code: "PHY1"}).want(t, http.StatusCreated))
	if c.Visibility != lms.CourseDraft || c.Role != lms.CourseInstructor || len(c.Can) == 0 {
		t.Fatalf("created course = %+v", c)
	}
	cp := "/api/v1/courses/" + id(c.ID)
	c = decode[course.CourseView](t, e.do(t, teacher, "PATCH", cp, CoursePatch{Description: new("Mechanics")}).want(t, http.StatusOK))
	if c.Title != "Physics" || c.Code != "PHY1" || c.Description != "Mechanics" {
		t.Fatalf("patched course = %+v", c.Course)
	}
	m := decode[lms.Module](t, e.do(t, teacher, "POST", cp+"/modules", TitleRequest{Title: "Week 1"}).want(t, http.StatusCreated))
	up := decode[UploadInfo](t, e.raw(t, teacher, "POST", cp+"/uploads?name=dot.png", "application/octet-stream", dotPNG).
		want(t, http.StatusCreated))
	if up.URL != course.UploadURL(up.ID) || up.ContentType != "image/png" || up.Name != "dot.png" {
		t.Fatalf("upload = %+v", up)
	}
	l := decode[lms.Lesson](t, e.do(t, teacher, "POST", "/api/v1/modules/"+id(m.ID)+"/lessons",
		course.LessonInput{Title: "Motion", BodyMD: "# Motion\n\n![dot](" + up.URL + ")"}).want(t, http.StatusCreated))
	if !strings.Contains(l.BodyHTML, `<img src="`+up.URL+`"`) {
		t.Fatalf("lesson html = %s", l.BodyHTML)
	}
	// The learner cannot join before the course is published.
	c = decode[course.CourseView](t, e.do(t, teacher, "PUT", cp+"/join", course.JoinSettings{Enabled: true}).want(t, http.StatusOK))
	e.do(t, learner, "POST", "/api/v1/join", JoinRequest{Code: c.JoinCode}).want(t, http.StatusNotFound)
	e.do(t, teacher, "POST", cp+"/visibility", VisibilityRequest{Visibility: lms.CoursePublished}).want(t, http.StatusOK)
	enr := decode[lms.Enrollment](t, e.do(t, learner, "POST", "/api/v1/join", JoinRequest{Code: c.JoinCode}).want(t, http.StatusOK))
	if enr.Status != lms.EnrollActive || enr.Role != lms.CourseLearner {
		t.Fatalf("enrolment = %+v", enr)
	}

	// The learner sees the course, opens the lesson and its image, completes it.
	lc := decode[course.CourseView](t, e.do(t, learner, "GET", cp, nil).want(t, http.StatusOK))
	if lc.JoinCode != "" || lc.Role != lms.CourseLearner {
		t.Errorf("learner's view shows %+v", lc)
	}
	o := decode[course.Outline](t, e.do(t, learner, "GET", cp+"/outline", nil).want(t, http.StatusOK))
	if len(o.Modules) != 1 || len(o.Modules[0].Lessons) != 1 || o.Progress.Total != 1 {
		t.Fatalf("outline = %+v", o)
	}
	st := decode[course.LessonState](t, e.do(t, learner, "GET", "/api/v1/lessons/"+id(l.ID), nil).want(t, http.StatusOK))
	if st.Progress == nil || st.Progress.OpenedAt.IsZero() {
		t.Errorf("opening the lesson recorded no progress: %+v", st.Progress)
	}
	e.do(t, learner, "GET", up.URL, nil).want(t, http.StatusOK)
	e.do(t, learner, "POST", "/api/v1/lessons/"+id(l.ID)+"/heartbeat", HeartbeatRequest{Seconds: 1}).want(t, http.StatusOK)
	pr := decode[lms.LessonProgress](t, e.do(t, learner, "POST", "/api/v1/lessons/"+id(l.ID)+"/complete", nil).want(t, http.StatusOK))
	if pr.CompletedAt.IsZero() {
		t.Errorf("complete without a body did not complete: %+v", pr)
	}
	mine := decode[lms.CourseProgress](t, e.do(t, learner, "GET", cp+"/progress", nil).want(t, http.StatusOK))
	if mine.Percent != 100 || mine.LastLessonID != l.ID {
		t.Errorf("learner progress = %+v", mine)
	}

	// Discussion and chat.
	forums := decode[ForumList](t, e.do(t, learner, "GET", cp+"/forums", nil).want(t, http.StatusOK))
	tv := decode[course.ThreadView](t, e.do(t, learner, "POST", "/api/v1/forums/"+id(forums.Items[0].ID)+"/threads",
		NewThreadRequest{Title: "Units?", BodyMD: "Which units, @teacher?"}).want(t, http.StatusCreated))
	rooms := decode[RoomList](t, e.do(t, learner, "GET", cp+"/rooms", nil).want(t, http.StatusOK))
	e.do(t, learner, "POST", "/api/v1/rooms/"+id(rooms.Items[0].ID)+"/messages", SendMessageRequest{Body: "hello"}).
		want(t, http.StatusCreated)

	// The instructor sees the progress, the notification and replies.
	rep := decode[course.ProgressReport](t, e.do(t, teacher, "GET", cp+"/progress/report", nil).want(t, http.StatusOK))
	if len(rep.Learners) != 1 || rep.Learners[0].Progress.Percent != 100 || rep.Rates[0].Percent != 100 {
		t.Errorf("report = %+v", rep)
	}
	csv := e.do(t, teacher, "GET", cp+"/progress/report.csv", nil).want(t, http.StatusOK)
	if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(string(csv.Body), "learner") {
		t.Errorf("csv %q: %s", ct, csv.Body)
	}
	notes := decode[NotificationList](t, e.do(t, teacher, "GET", "/api/v1/me/notifications", nil).want(t, http.StatusOK))
	if notes.Unread != 1 || len(notes.Items) != 1 || notes.Items[0].Kind != lms.NotifyMention {
		t.Errorf("notifications = %+v", notes)
	}
	marked := decode[MarkedCount](t, e.do(t, teacher, "POST", "/api/v1/me/notifications/read", nil).want(t, http.StatusOK))
	if marked.Marked != 1 {
		t.Errorf("marked = %+v", marked)
	}
	post := decode[lms.Post](t, e.do(t, teacher, "POST", "/api/v1/threads/"+id(tv.Thread.ID)+"/posts",
		ReplyRequest{BodyMD: "SI units."}).want(t, http.StatusCreated))
	if post.Depth != 1 || post.ParentID != tv.Posts[0].ID {
		t.Errorf("a reply to the thread = %+v, want depth 1 under the opening post", post)
	}
	th := decode[lms.Thread](t, e.do(t, learner, "POST", "/api/v1/threads/"+id(tv.Thread.ID)+"/answer",
		AnswerRequest{PostID: post.ID}).want(t, http.StatusOK))
	if th.AnswerPostID != post.ID {
		t.Errorf("answer = %d", th.AnswerPostID)
	}

	// The dashboards.
	dash := decode[MyCourseList](t, e.do(t, learner, "GET", "/api/v1/me/courses", nil).want(t, http.StatusOK))
	if len(dash.Items) != 1 || dash.Items[0].Progress.Percent != 100 || dash.Items[0].Role != lms.CourseLearner ||
		dash.Items[0].Unread != 0 {
		t.Errorf("learner dashboard = %+v", dash)
	}
	tdash := decode[MyCourseList](t, e.do(t, teacher, "GET", "/api/v1/me/courses", nil).want(t, http.StatusOK))
	if len(tdash.Items) != 1 || tdash.Items[0].Unread != 1 || tdash.Items[0].Role != lms.CourseInstructor {
		t.Errorf("teacher dashboard = %+v", tdash)
	}
	adash := decode[MyCourseList](t, e.do(t, admin, "GET", "/api/v1/me/courses", nil).want(t, http.StatusOK))
	if len(adash.Items) != 0 {
		t.Errorf("the admin's own dashboard lists courses they are not in: %+v", adash)
	}
	all := decode[CourseList](t, e.do(t, admin, "GET", "/api/v1/courses", nil).want(t, http.StatusOK))
	if all.Total != 1 || !all.CanCreate {
		t.Errorf("admin course list = %+v", all)
	}
}

func TestCourseCreatorPolicy(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	admin := e.setup(t)
	u := e.addUser(t, admin, "someone")
	e.do(t, admin, "PUT", "/api/v1/admin/course-settings", CourseSettingsBody{Creators: "nobody"}).want(t, http.StatusBadRequest)
	e.do(t, admin, "PUT", "/api/v1/admin/course-settings", CourseSettingsBody{Creators: course.CreatorsAdmins}).want(t, http.StatusOK)
	if l := decode[CourseList](t, e.do(t, u, "GET", "/api/v1/courses", nil).want(t, http.StatusOK)); l.CanCreate {
		t.Error("can_create is true under the admins-only policy")
	}
	e.do(t, u, "POST", "/api/v1/courses", course.CourseInput{Title: "X"}).want(t, http.StatusForbidden)
	e.do(t, admin, "POST", "/api/v1/courses", course.CourseInput{Title: "X"}).want(t, http.StatusCreated)
}

func TestCourseListPaging(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	admin := e.setup(t)
	for _, title := range []string{"One", "Two", "Three"} {
		e.do(t, admin, "POST", "/api/v1/courses", course.CourseInput{Title: title}).want(t, http.StatusCreated)
	}
	first := decode[CourseList](t, e.do(t, admin, "GET", "/api/v1/courses?limit=2", nil).want(t, http.StatusOK))
	if len(first.Items) != 2 || first.Total != 3 || first.NextCursor == "" {
		t.Fatalf("first page = %+v", first)
	}
	second := decode[CourseList](t, e.do(t, admin, "GET", "/api/v1/courses?limit=2&cursor="+first.NextCursor, nil).want(t, http.StatusOK))
	if len(second.Items) != 1 || second.NextCursor != "" || second.Items[0].Title != "Three" {
		t.Fatalf("second page = %+v", second)
	}
	e.do(t, admin, "GET", "/api/v1/courses?visibility=secret", nil).want(t, http.StatusBadRequest)
}

func TestOpenAPICoversCourseRoutes(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	doc := string(e.do(t, anon, "GET", "/api/v1/openapi.json", nil).want(t, http.StatusOK).Body)
	for _, rt := range e.api.courseRoutes() {
		if !strings.Contains(doc, `"operationId": "`+operationID(rt)+`"`) {
			t.Errorf("%s %s is missing from the document", rt.Method, rt.Path)
		}
	}
	for _, ref := range findRefs(doc) {
		if !strings.Contains(doc, `"`+strings.TrimPrefix(ref, "#/components/schemas/")+`": {`) {
			t.Errorf("dangling $ref %s", ref)
		}
	}
}

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

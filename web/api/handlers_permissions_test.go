package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// rawBody is a non-JSON request body.
type rawBody struct {
	ctype string
	data  []byte
}

// permRow is one course route's expected answer for each role. req builds
// the path and body at call time, so destructive routes get a fresh target
// for every caller.
type permRow struct {
	route string // "METHOD pattern" exactly as in the route table
	req   func(w *world, role int) (path string, body any)
	want  [roleCount]int
}

// Statuses, short.
const (
	sOK   = http.StatusOK
	sNew  = http.StatusCreated
	sNone = http.StatusNoContent
	s401  = http.StatusUnauthorized
	s403  = http.StatusForbidden
	s404  = http.StatusNotFound
	s409  = http.StatusConflict
)

// Common rows of expectations: {anonymous, non-member, learner, ta, instructor, admin}.
var (
	anyMember  = [roleCount]int{s401, s404, sOK, sOK, sOK, sOK}
	anySigned  = [roleCount]int{s401, sOK, sOK, sOK, sOK, sOK}
	editorOK   = [roleCount]int{s401, s404, s403, s403, sOK, sOK}
	editorNew  = [roleCount]int{s401, s404, s403, s403, sNew, sNew}
	editorNone = [roleCount]int{s401, s404, s403, s403, sNone, sNone}
	staffOK    = [roleCount]int{s401, s404, s403, sOK, sOK, sOK}
	staffNone  = [roleCount]int{s401, s404, s403, sNone, sNone, sNone}
	memberNone = [roleCount]int{s401, s404, sNone, sNone, sNone, sNone}
	memberNew  = [roleCount]int{s401, s404, sNew, sNew, sNew, sNew}
)

// thumbsUp is 👍 escaped for a path.
const thumbsUp = "%F0%9F%91%8D"

func p(path string) func(*world, int) (string, any) {
	return func(*world, int) (string, any) { return path, nil }
}

func permRows(w *world) []permRow {
	A, B := "/api/v1/courses/"+id(w.a.ID), "/api/v1/courses/"+id(w.b.ID)
	_ = B
	ctx := w.t.Context()
	s := w.e.courses
	inst := w.people[roleInstructor].u
	learner := w.people[roleLearner].u
	withBody := func(path string, body any) func(*world, int) (string, any) {
		return func(*world, int) (string, any) { return path, body }
	}
	return []permRow{
		// Courses.
		{"GET /api/v1/courses", p("/api/v1/courses"), anySigned},
		{"POST /api/v1/courses", withBody("/api/v1/courses", course.CourseInput{Title: "Mine"}),
			[roleCount]int{s401, sNew, sNew, sNew, sNew, sNew}},
		{"GET /api/v1/courses/{id}", p(A), anyMember},
		{"PATCH /api/v1/courses/{id}", withBody(A, CoursePatch{Code: new("A1")}), editorOK},
		{"DELETE /api/v1/courses/{id}", func(w *world, _ int) (string, any) {
			return "/api/v1/courses/" + id(w.newCourse(inst, "Doomed").ID), nil
		}, editorNone},
		{"POST /api/v1/courses/{id}/visibility", withBody(A+"/visibility", VisibilityRequest{Visibility: lms.CoursePublished}), editorOK},
		{"PUT /api/v1/courses/{id}/join", withBody(A+"/join", course.JoinSettings{Enabled: true}), editorOK},
		{"POST /api/v1/join", func(w *world, _ int) (string, any) {
			return "/api/v1/join", JoinRequest{Code: w.newCourse(inst, "Joinable").JoinCode}
		}, anySigned},
		{"GET /api/v1/admin/course-settings", p("/api/v1/admin/course-settings"),
			[roleCount]int{s401, s403, s403, s403, s403, sOK}},
		{"PATCH /api/v1/admin/course-settings", withBody("/api/v1/admin/course-settings", CourseSettingsPatch{Creators: new(course.CreatorsAnyone)}),
			[roleCount]int{s401, s403, s403, s403, s403, sOK}},
		{"PUT /api/v1/admin/course-settings", withBody("/api/v1/admin/course-settings", CourseSettingsBody{Creators: course.CreatorsAnyone}),
			[roleCount]int{s401, s403, s403, s403, s403, sOK}},

		// People and groups.
		{"GET /api/v1/courses/{id}/members", p(A + "/members"), anyMember},
		{"POST /api/v1/courses/{id}/members", withBody(A+"/members", EnrolRequest{Login: "victim", Role: lms.CourseLearner}), editorNew},
		{"PATCH /api/v1/courses/{id}/members/{user_id}", withBody(A+"/members/"+id(w.victim.u.ID), RoleRequest{Role: lms.CourseLearner}), editorOK},
		{"DELETE /api/v1/courses/{id}/members/{user_id}", func(w *world, _ int) (string, any) {
			return A + "/members/" + id(w.freshMember(false).ID), nil
		}, editorNone},
		{"POST /api/v1/courses/{id}/members/{user_id}/approve", func(w *world, _ int) (string, any) {
			return A + "/members/" + id(w.freshMember(true).ID) + "/approve", nil
		}, editorOK},
		{"PUT /api/v1/courses/{id}/members/{user_id}/group", withBody(A+"/members/"+id(w.victim.u.ID)+"/group", GroupChoice{GroupID: w.group.ID}), editorNone},
		{"POST /api/v1/courses/{id}/leave", func(w *world, _ int) (string, any) {
			return "/api/v1/courses/" + id(w.newCourse(inst, "Leavable").ID) + "/leave", nil
		}, [roleCount]int{s401, s404, sNone, sNone, s409, s404}},
		{"POST /api/v1/courses/{id}/roster", withBody(A+"/roster", rawBody{"text/csv", []byte("login,role\nvictim,learner\nnobody,learner\n")}), editorOK},
		{"GET /api/v1/courses/{id}/groups", p(A + "/groups"), anyMember},
		{"POST /api/v1/courses/{id}/groups", withBody(A+"/groups", GroupRequest{Name: "Team", MaxSize: 3}), editorNew},
		{"PATCH /api/v1/courses/{id}/my-group", withBody(A+"/my-group", GroupChoice{GroupID: w.group.ID}),
			[roleCount]int{s401, s404, sNone, sNone, sNone, s403}},
		{"PATCH /api/v1/groups/{id}", withBody("/api/v1/groups/"+id(w.group.ID), course.GroupPatch{Name: new("Team 1")}), editorOK},
		{"PUT /api/v1/courses/{id}/my-group", withBody(A+"/my-group", GroupChoice{GroupID: w.group.ID}),
			[roleCount]int{s401, s404, sNone, sNone, sNone, s403}},
		{"PUT /api/v1/groups/{id}", withBody("/api/v1/groups/"+id(w.group.ID), GroupRequest{Name: "Team 1", SelfSelect: true}), editorOK},
		{"DELETE /api/v1/groups/{id}", func(w *world, _ int) (string, any) {
			g := try(s.Enrolment.CreateGroup(ctx, inst, &lms.Group{CourseID: w.a.ID, Name: "Doomed"})).must(w.t)
			return "/api/v1/groups/" + id(g.ID), nil
		}, editorNone},

		// Modules and lessons.
		{"GET /api/v1/courses/{id}/outline", p(A + "/outline"), anyMember},
		{"PUT /api/v1/courses/{id}/layout", func(w *world, _ int) (string, any) { return A + "/layout", w.layout() }, editorOK},
		{"GET /api/v1/courses/{id}/search", p(A + "/search?q=intro"), anyMember},
		{"POST /api/v1/courses/{id}/modules", withBody(A+"/modules", TitleRequest{Title: "Week 2"}), editorNew},
		{"PATCH /api/v1/modules/{id}", withBody("/api/v1/modules/"+id(w.module.ID), TitleRequest{Title: "Week 1"}), editorOK},
		{"DELETE /api/v1/modules/{id}", func(w *world, _ int) (string, any) {
			m := try(s.Content.CreateModule(ctx, inst, w.a.ID, "Doomed")).must(w.t)
			return "/api/v1/modules/" + id(m.ID), nil
		}, editorNone},
		{"POST /api/v1/modules/{id}/lessons", withBody("/api/v1/modules/"+id(w.module.ID)+"/lessons", course.LessonInput{Title: "More", Draft: true}), editorNew},
		{"GET /api/v1/lessons/{id}", p("/api/v1/lessons/" + id(w.lesson.ID)), anyMember},
		{"PATCH /api/v1/lessons/{id}", withBody("/api/v1/lessons/"+id(w.lesson.ID), course.LessonPatch{Title: new("Intro")}), editorOK},
		{"PUT /api/v1/lessons/{id}", withBody("/api/v1/lessons/"+id(w.lesson.ID), course.LessonInput{Title: "Intro",
			BodyMD: "Hello ![dot](" + course.UploadURL(w.upload.ID) + ")"}), editorOK},
		{"DELETE /api/v1/lessons/{id}", func(w *world, _ int) (string, any) {
			l := try(s.Content.CreateLesson(ctx, inst, w.module.ID, course.LessonInput{Title: "Doomed"})).must(w.t)
			return "/api/v1/lessons/" + id(l.ID), nil
		}, editorNone},
		{"POST /api/v1/markdown/preview", withBody("/api/v1/markdown/preview", MarkdownRequest{Markdown: "*hi*"}), anySigned},

		// Uploads.
		{"POST /api/v1/courses/{id}/uploads", withBody(A+"/uploads?name=x.png", rawBody{"image/png", dotPNG}), memberNew},
		{"GET /api/v1/uploads/{id}", p("/api/v1/uploads/" + id(w.upload.ID)), anyMember},

		// Progress.
		{"POST /api/v1/lessons/{id}/heartbeat", withBody("/api/v1/lessons/"+id(w.lesson.ID)+"/heartbeat", HeartbeatRequest{Seconds: 5}),
			[roleCount]int{s401, s404, sOK, sOK, sOK, s403}},
		{"POST /api/v1/lessons/{id}/complete", withBody("/api/v1/lessons/"+id(w.lesson.ID)+"/complete", CompleteRequest{Done: true}),
			[roleCount]int{s401, s404, sOK, sOK, sOK, s403}},
		{"GET /api/v1/courses/{id}/progress", p(A + "/progress"), anyMember},
		{"GET /api/v1/courses/{id}/progress/report", p(A + "/progress/report"), staffOK},
		{"GET /api/v1/courses/{id}/progress/report.csv", p(A + "/progress/report.csv"), staffOK},
		{"GET /api/v1/courses/{id}/attendance", p(A + "/attendance"), staffOK},
		{"GET /api/v1/courses/{id}/attendance.csv", p(A + "/attendance.csv"), staffOK},

		// Discussion.
		{"GET /api/v1/courses/{id}/forums", p(A + "/forums"), anyMember},
		{"POST /api/v1/courses/{id}/forums", withBody(A+"/forums", ForumRequest{Title: "Off topic"}), editorNew},
		{"PATCH /api/v1/forums/{id}", withBody("/api/v1/forums/"+id(w.forum.ID), course.ForumPatch{Title: new("General")}), editorOK},
		{"PUT /api/v1/forums/{id}", withBody("/api/v1/forums/"+id(w.forum.ID), ForumRequest{Title: "General"}), editorOK},
		{"DELETE /api/v1/forums/{id}", func(w *world, _ int) (string, any) {
			f := try(s.Discussion.CreateForum(ctx, inst, &lms.Forum{CourseID: w.a.ID, Title: "Doomed"})).must(w.t)
			return "/api/v1/forums/" + id(f.ID), nil
		}, editorNone},
		{"GET /api/v1/forums/{id}/threads", p("/api/v1/forums/" + id(w.forum.ID) + "/threads"), anyMember},
		{"POST /api/v1/forums/{id}/threads", withBody("/api/v1/forums/"+id(w.forum.ID)+"/threads", NewThreadRequest{Title: "T", BodyMD: "b"}), memberNew},
		{"GET /api/v1/threads/{id}", p("/api/v1/threads/" + id(w.thread.ID)), anyMember},
		{"PATCH /api/v1/threads/{id}", withBody("/api/v1/threads/"+id(w.thread.ID), course.ThreadPatch{Pinned: new(true)}), staffOK},
		{"DELETE /api/v1/threads/{id}", func(w *world, _ int) (string, any) {
			tv := try(s.Discussion.CreateThread(ctx, learner, w.forum.ID, "Doomed", "x")).must(w.t)
			return "/api/v1/threads/" + id(tv.Thread.ID), nil
		}, staffNone},
		{"POST /api/v1/threads/{id}/answer", withBody("/api/v1/threads/"+id(w.thread.ID)+"/answer", AnswerRequest{PostID: w.reply.ID}), anyMember},
		{"POST /api/v1/threads/{id}/posts", withBody("/api/v1/threads/"+id(w.thread.ID)+"/posts", ReplyRequest{BodyMD: "me too"}), memberNew},
		{"PATCH /api/v1/posts/{id}", withBody("/api/v1/posts/"+id(w.reply.ID), PostEditRequest{BodyMD: "Like this!"}),
			[roleCount]int{s401, s404, s403, sOK, s403, s403}},
		{"DELETE /api/v1/posts/{id}", func(w *world, _ int) (string, any) {
			p := try(s.Discussion.Reply(ctx, learner, w.thread.ID, 0, "doomed")).must(w.t)
			return "/api/v1/posts/" + id(p.ID), nil
		}, memberNone},
		{"POST /api/v1/posts/{id}/reactions", withBody("/api/v1/posts/"+id(w.reply.ID)+"/reactions", ReactionRequest{Emoji: "👍"}), memberNone},
		{"DELETE /api/v1/posts/{id}/reactions/{emoji}", func(w *world, role int) (string, any) {
			_ = s.Discussion.ReactToPost(ctx, w.people[role].u, w.reply.ID, "👍", false) // refused for outsiders
			return "/api/v1/posts/" + id(w.reply.ID) + "/reactions/" + thumbsUp, nil
		}, memberNone},

		// Rooms.
		{"GET /api/v1/courses/{id}/rooms", p(A + "/rooms"), anyMember},
		{"POST /api/v1/courses/{id}/rooms", withBody(A+"/rooms", RoomRequest{Name: "Side room"}), editorNew},
		{"GET /api/v1/rooms/{id}", p("/api/v1/rooms/" + id(w.room.ID)), anyMember},
		{"PATCH /api/v1/rooms/{id}", withBody("/api/v1/rooms/"+id(w.room.ID), RoomRenameRequest{Name: lms.MainRoomName}), editorOK},
		{"DELETE /api/v1/rooms/{id}", func(w *world, _ int) (string, any) {
			r := try(s.Chat.CreateRoom(ctx, inst, w.a.ID, "Doomed", 0)).must(w.t)
			return "/api/v1/rooms/" + id(r.ID), nil
		}, editorNone},
		{"GET /api/v1/rooms/{id}/messages", p("/api/v1/rooms/" + id(w.room.ID) + "/messages"), anyMember},
		{"POST /api/v1/rooms/{id}/messages", withBody("/api/v1/rooms/"+id(w.room.ID)+"/messages", SendMessageRequest{Body: "hi"}), memberNew},
		{"PATCH /api/v1/rooms/{id}/read", withBody("/api/v1/rooms/"+id(w.room.ID)+"/read", ReadRequest{LastReadID: w.message.ID}), anyMember},
		{"DELETE /api/v1/rooms/{id}/mutes/{user_id}", p("/api/v1/rooms/" + id(w.room.ID) + "/mutes/" + id(w.victim.u.ID)), staffNone},
		{"PUT /api/v1/rooms/{id}/read", withBody("/api/v1/rooms/"+id(w.room.ID)+"/read", ReadRequest{LastReadID: w.message.ID}), anyMember},
		{"POST /api/v1/rooms/{id}/mutes", withBody("/api/v1/rooms/"+id(w.room.ID)+"/mutes", MuteRequest{UserID: w.victim.u.ID, Seconds: new(0)}), staffNone},
		{"PATCH /api/v1/messages/{id}", withBody("/api/v1/messages/"+id(w.message.ID), MessageEditRequest{Body: "edited"}),
			[roleCount]int{s401, s404, sOK, s403, s403, s403}},
		{"DELETE /api/v1/messages/{id}", func(w *world, _ int) (string, any) {
			return "/api/v1/messages/" + id(w.newMessage(learner, w.room.ID).ID), nil
		}, memberNone},
		{"POST /api/v1/messages/{id}/reactions", withBody("/api/v1/messages/"+id(w.message.ID)+"/reactions", ReactionRequest{Emoji: "🎉"}), memberNone},
		{"DELETE /api/v1/messages/{id}/reactions/{emoji}", func(w *world, role int) (string, any) {
			_ = s.Chat.ReactToMessage(ctx, w.people[role].u, w.message.ID, "👍", false) // refused for outsiders
			return "/api/v1/messages/" + id(w.message.ID) + "/reactions/" + thumbsUp, nil
		}, memberNone},
		{"GET /api/v1/messages/{id}/seen", p("/api/v1/messages/" + id(w.message.ID) + "/seen"), anyMember},

		// Notifications.
		{"GET /api/v1/me/notifications", p("/api/v1/me/notifications"), anySigned},
		{"POST /api/v1/me/notifications/read", withBody("/api/v1/me/notifications/read", MarkReadRequest{}), anySigned},
		{"POST /api/v1/me/notifications/{id}/read", func(w *world, role int) (string, any) {
			u := w.people[role].u
			if u == nil {
				u = learner
			}
			n := &lms.Notification{UserID: u.ID, Kind: lms.NotifyGrade}
			if err := w.e.st.CreateNotification(ctx, n); err != nil {
				w.t.Fatal(err)
			}
			return "/api/v1/me/notifications/" + id(n.ID) + "/read", nil
		}, [roleCount]int{s401, sNone, sNone, sNone, sNone, sNone}},
		{"GET /api/v1/me/notification-settings", p("/api/v1/me/notification-settings"), anySigned},
		{"PUT /api/v1/me/notification-settings", withBody("/api/v1/me/notification-settings",
			lms.NotifySettings{TimeZone: "Europe/Paris", QuietStart: 1320, QuietEnd: 420}), anySigned},

		// Catalogue.
		{"GET /api/v1/catalogue", p("/api/v1/catalogue?q=course"), anySigned},
		{"PUT /api/v1/courses/{id}/catalogue", withBody(A+"/catalogue", course.CatalogSettings{EnrolMode: lms.EnrolClosed}), editorOK},
		{"POST /api/v1/courses/{id}/enrol", func(w *world, _ int) (string, any) {
			c := w.newCourse(inst, "Open to all")
			try(s.Courses.SetCatalog(ctx, inst, c.ID, course.CatalogSettings{Listed: true, EnrolMode: lms.EnrolOpen})).must(w.t)
			return "/api/v1/courses/" + id(c.ID) + "/enrol", nil
		}, anySigned},
		{"POST /api/v1/courses/{id}/members/{user_id}/decline", func(w *world, _ int) (string, any) {
			return A + "/members/" + id(w.freshMember(true).ID) + "/decline", nil
		}, editorNone},
		{"GET /api/v1/join/{code}", p("/api/v1/join/" + w.a.JoinCode), anySigned},
		{"GET /api/v1/join/{code}/cover", func(w *world, _ int) (string, any) {
			cover := course.UploadURL(w.upload.ID)
			try(s.Courses.UpdateCourse(ctx, inst, w.a.ID, lms.CoursePatch{CoverPath: &cover})).must(w.t)
			return "/api/v1/join/" + w.a.JoinCode + "/cover", nil
		}, anySigned},
	}
}

// send sends a row's request as one role.
func (w *world) send(t *testing.T, method, path string, body any, c client) resp {
	t.Helper()
	if rb, ok := body.(rawBody); ok {
		return w.e.raw(t, c, method, path, rb.ctype, rb.data)
	}
	return w.e.do(t, c, method, path, body)
}

// TestCoursePermissions calls every course route as every role. The rows
// are checked against the route table: a new course route without a row
// fails this test.
func TestCoursePermissions(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	runPermTable(t, w, e.api.courseRoutes(), permRows(w))
}

// runPermTable calls every route as every role and checks the row's
// status; a route without a row, or a row without a route, fails.
func runPermTable(t *testing.T, w *world, routes []route, rows []permRow) {
	t.Helper()
	byRoute := map[string]permRow{}
	for _, r := range rows {
		if _, dup := byRoute[r.route]; dup {
			t.Errorf("two rows for %s", r.route)
		}
		byRoute[r.route] = r
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		row, ok := byRoute[key]
		if !ok {
			t.Errorf("no permission row for %s: add one to the table", key)
			continue
		}
		delete(byRoute, key)
		t.Run(key, func(t *testing.T) {
			for role := range roleCount {
				path, body := row.req(w, role)
				r := w.send(t, rt.Method, path, body, w.people[role].c)
				if r.Code != row.want[role] {
					t.Errorf("%s: status %d, want %d; body %s", roleNames[role], r.Code, row.want[role], r.Body)
				}
				if r.Code >= 400 {
					r.problem(t)
				}
			}
		})
	}
	for key := range byRoute {
		t.Errorf("row %s matches no route", key)
	}
}

// TestCoursesAreIsolated calls every course route that names an object as
// a learner of course A with the ids of course B's objects: every answer is
// 404, and course B is unchanged afterwards.
func TestCoursesAreIsolated(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	before := e.do(t, w.bInstructor.c, "GET", "/api/v1/courses/"+id(w.b.ID)+"/outline", nil).want(t, sOK).Body
	beforeThread := e.do(t, w.bInstructor.c, "GET", "/api/v1/threads/"+id(w.bThread.ID), nil).want(t, sOK)
	beforeMsgs := e.do(t, w.bInstructor.c, "GET", "/api/v1/rooms/"+id(w.bRoom.ID)+"/messages", nil).want(t, sOK).Body

	bIDs := map[string]int64{"courses": w.b.ID, "modules": w.bModule.ID, "lessons": w.bLesson.ID, "forums": w.bForum.ID,
		"threads": w.bThread.ID, "posts": w.bPost.ID, "rooms": w.bRoom.ID, "messages": w.bMessage.ID,
		"groups": w.bGroup.ID, "uploads": w.bUpload.ID}
	learner := w.people[roleLearner].c
	rows := map[string]permRow{}
	for _, r := range permRows(w) {
		rows[r.route] = r
	}
	for _, rt := range e.api.courseRoutes() {
		if !strings.Contains(rt.Path, "{id}") {
			continue
		}
		key := rt.Method + " " + rt.Path
		t.Run(key, func(t *testing.T) {
			_, body := rows[key].req(w, roleLearner)
			segs := strings.Split(strings.TrimPrefix(rt.Path, Prefix+"/"), "/")
			for i, s := range segs {
				switch s {
				case "{id}":
					segs[i] = id(bIDs[segs[i-1]])
				case "{user_id}":
					segs[i] = id(w.bLearner.u.ID)
				case "{emoji}":
					segs[i] = thumbsUp
				}
			}
			path := Prefix + "/" + strings.Join(segs, "/")
			if rt.Path == Prefix+"/courses/{id}/search" {
				path += "?q=B"
			}
			r := w.send(t, rt.Method, path, body, learner)
			if r.Code != s404 {
				t.Fatalf("%s %s: status %d, want 404; body %s", rt.Method, path, r.Code, r.Body)
			}
			r.problem(t)
		})
	}
	after := e.do(t, w.bInstructor.c, "GET", "/api/v1/courses/"+id(w.b.ID)+"/outline", nil).want(t, sOK).Body
	if string(after) != string(before) {
		t.Errorf("course B's outline changed:\n%s\n%s", before, after)
	}
	afterThread := e.do(t, w.bInstructor.c, "GET", "/api/v1/threads/"+id(w.bThread.ID), nil).want(t, sOK)
	if a, b := decode[course.ThreadView](t, afterThread), decode[course.ThreadView](t, beforeThread); len(a.Posts) != len(b.Posts) ||
		a.Thread.Pinned != b.Thread.Pinned || a.Posts[0].BodyMD != b.Posts[0].BodyMD || len(a.Reactions) != len(b.Reactions) {
		t.Errorf("course B's thread changed: %+v", a)
	}
	if afterMsgs := e.do(t, w.bInstructor.c, "GET", "/api/v1/rooms/"+id(w.bRoom.ID)+"/messages", nil).want(t, sOK).Body; string(afterMsgs) != string(beforeMsgs) {
		t.Errorf("course B's room changed:\n%s\n%s", beforeMsgs, afterMsgs)
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/privacy"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// dotPNG is a 1x1 PNG.
var dotPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// cenv is an API with the course routes over a real store.
type cenv struct {
	*tenv
	courses   *course.Services
	assess    *assess.Service
	uploadDir string
}

// testUploadLimit is the image size limit in the test environment.
const testUploadLimit = 64 << 10

func newCourseEnvWith(t testing.TB, st store.Store, opts ...envOption) *cenv {
	t.Helper()
	dir := t.TempDir()
	svc, err := course.NewServices(course.Params{Store: st, Logger: zerolog.Nop(),
		Uploads: course.UploadParams{Dir: dir, Limits: map[string]int64{course.KindImage: testUploadLimit}}})
	if err != nil {
		t.Fatalf("course.New: %v", err)
	}
	quizzes, err := assess.New(assess.Params{Store: assess.FromStore(st), Access: svc.Access, Release: svc.Content, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatalf("assess.New: %v", err)
	}
	games, err := livequiz.New(livequiz.Params{Data: st, Rooms: svc.Chat, Access: svc.Access, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatalf("livequiz.New: %v", err)
	}
	cal, err := calendar.New(calendar.Params{Store: calendar.FromStore(st), Access: svc.Access, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatalf("calendar.New: %v", err)
	}
	priv, err := privacy.New(privacy.Params{Store: privacy.FromStore(st), Files: assign.DirFiles{Uploads: st, Dir: dir},
		Logger: zerolog.Nop()})
	if err != nil {
		t.Fatalf("privacy.New: %v", err)
	}
	e := newEnvWith(t, st, append([]envOption{func(p *Params, _ store.Store) {
		p.Courses, p.Assess, p.LiveQuiz, p.Calendar, p.Privacy = svc, quizzes, games, cal, priv
		p.MaxUploadBytes = 4 * testUploadLimit
		p.Unsubscribe, p.Mail = testMail(t, st)
	}}, opts...)...)
	return &cenv{tenv: e, courses: svc, assess: quizzes, uploadDir: dir}
}

func newCourseEnv(t testing.TB) *cenv {
	t.Helper()
	return newCourseEnvWith(t, storetest.SQLite(t))
}

// raw sends body with the given Content-Type.
func (e *cenv) raw(t testing.TB, c client, method, path, ctype string, body []byte, hdr ...string) resp {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: c.cookie})
	}
	rec := httptest.NewRecorder()
	e.api.Handler().ServeHTTP(rec, req)
	return resp{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
}

// person is a signed-in test user.
type person struct {
	c client
	u *lms.User
}

// Roles of the permission table, in column order.
const (
	roleAnon = iota
	roleOutsider
	roleLearner
	roleTA
	roleInstructor
	roleAdmin
	roleCount
)

var roleNames = [roleCount]string{"anonymous", "non-member", "learner", "ta", "instructor", "admin"}

// world is a site with two courses. Course A (published) has an
// instructor, a TA, two learners (learner, victim), a module with a
// published and a draft lesson (the published one shows an upload), the
// General forum with a thread by learner and a reply, the main room with a
// message by learner, and a self-select group. Course B belongs to other
// people.
type world struct {
	e      *cenv
	t      testing.TB
	seq    int
	people [roleCount]person
	victim person

	a, b                  *course.CourseView
	module                *lms.Module
	lesson, draft         *lms.Lesson
	upload                *lms.Upload
	forum                 *lms.Forum
	thread                *lms.Thread
	reply                 *lms.Post
	room                  *lms.Room
	message               *lms.Message
	group                 *lms.Group
	bLesson               *lms.Lesson
	bModule               *lms.Module
	bForum                *lms.Forum
	bThread               *lms.Thread
	bPost                 *lms.Post
	bRoom                 *lms.Room
	bMessage              *lms.Message
	bGroup                *lms.Group
	bUpload               *lms.Upload
	bLearner, bInstructor person
}

func (w *world) user(p person) *lms.User { return p.u }

// newPerson creates and signs in a plain user.
func (w *world) newPerson(name string) person {
	w.t.Helper()
	c := w.e.addUser(w.t, w.people[roleAdmin].c, name)
	u, err := w.e.st.UserByLogin(w.t.Context(), name)
	if err != nil {
		w.t.Fatal(err)
	}
	return person{c: c, u: u}
}

// result is a value and an error, to check in one expression:
// try(f()).must(t).
type result[T any] struct {
	v   T
	err error
}

func try[T any](v T, err error) result[T] { return result[T]{v, err} }

// must fails the test on the error and returns the value.
func (r result[T]) must(t testing.TB) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func newWorld(t testing.TB, e *cenv) *world {
	t.Helper()
	w := &world{e: e, t: t}
	ctx := t.Context()
	admin := e.setup(t)
	w.people[roleAdmin] = person{c: admin, u: try(e.st.UserByLogin(ctx, "admin")).must(t)}
	w.people[roleAnon] = person{c: anon}
	w.people[roleOutsider] = w.newPerson("outsider")
	w.people[roleLearner] = w.newPerson("learner")
	w.people[roleTA] = w.newPerson("assistant")
	w.people[roleInstructor] = w.newPerson("teacher")
	w.victim = w.newPerson("victim")
	w.bLearner = w.newPerson("blearner")
	w.bInstructor = w.newPerson("bteacher")

	s := e.courses
	inst := w.people[roleInstructor].u
	w.a = w.newCourse(inst, "Course A")
	w.module = try(s.Content.CreateModule(ctx, inst, w.a.ID, "Week 1")).must(t)
	w.upload = try(s.Uploads.SaveUpload(ctx, inst, w.a.ID, "dot.png", bytes.NewReader(dotPNG))).must(t)
	w.lesson = try(s.Content.CreateLesson(ctx, inst, w.module.ID, course.LessonInput{Title: "Intro",
		BodyMD: "Hello ![dot](" + course.UploadURL(w.upload.ID) + ")"})).must(t)
	w.draft = try(s.Content.CreateLesson(ctx, inst, w.module.ID, course.LessonInput{Title: "Secret", BodyMD: "draft", Draft: true})).must(t)
	w.forum = try(s.Discussion.ListForums(ctx, inst, w.a.ID, lms.Page{})).must(t)[0]
	learner := w.people[roleLearner].u
	tv := try(s.Discussion.CreateThread(ctx, learner, w.forum.ID, "Question", "How?")).must(t)
	w.thread = tv.Thread
	w.reply = try(s.Discussion.Reply(ctx, w.people[roleTA].u, w.thread.ID, tv.Posts[0].ID, "Like this.")).must(t)
	w.room = try(s.Chat.ListRooms(ctx, inst, w.a.ID)).must(t)[0].Room
	w.message = w.newMessage(learner, w.room.ID)
	w.group = try(s.Enrolment.CreateGroup(ctx, inst, &lms.Group{CourseID: w.a.ID, Name: "Team 1", SelfSelect: true})).must(t)

	binst := w.bInstructor.u
	w.b = w.newCourseWith(binst, "Course B", map[*lms.User]lms.CourseRole{w.bLearner.u: lms.CourseLearner})
	w.bModule = try(s.Content.CreateModule(ctx, binst, w.b.ID, "B week")).must(t)
	w.bUpload = try(s.Uploads.SaveUpload(ctx, binst, w.b.ID, "b.txt", bytes.NewReader([]byte("course b secret file")))).must(t)
	w.bLesson = try(s.Content.CreateLesson(ctx, binst, w.bModule.ID, course.LessonInput{Title: "B lesson",
		BodyMD: "[file](" + course.UploadURL(w.bUpload.ID) + ")"})).must(t)
	w.bForum = try(s.Discussion.ListForums(ctx, binst, w.b.ID, lms.Page{})).must(t)[0]
	btv := try(s.Discussion.CreateThread(ctx, w.bLearner.u, w.bForum.ID, "B question", "B body")).must(t)
	w.bThread, w.bPost = btv.Thread, btv.Posts[0]
	w.bRoom = try(s.Chat.ListRooms(ctx, binst, w.b.ID)).must(t)[0].Room
	w.bMessage = w.newMessage(w.bLearner.u, w.bRoom.ID)
	w.bGroup = try(s.Enrolment.CreateGroup(ctx, binst, &lms.Group{CourseID: w.b.ID, Name: "B team", SelfSelect: true})).must(t)
	return w
}

// newCourse creates a published course with A's members.
func (w *world) newCourse(inst *lms.User, title string) *course.CourseView {
	w.t.Helper()
	return w.newCourseWith(inst, title, map[*lms.User]lms.CourseRole{
		w.people[roleTA].u: lms.CourseTA, w.people[roleLearner].u: lms.CourseLearner,
		w.victim.u: lms.CourseLearner})
}

func (w *world) newCourseWith(inst *lms.User, title string, members map[*lms.User]lms.CourseRole) *course.CourseView {
	w.t.Helper()
	ctx, s := w.t.Context(), w.e.courses
	c := try(s.Courses.CreateCourse(ctx, inst, course.CourseInput{Title: title})).must(w.t)
	for u, role := range members {
		try(s.Enrolment.Enrol(ctx, inst, c.ID, u.Username, role)).must(w.t)
	}
	try(s.Courses.SetVisibility(ctx, inst, c.ID, lms.CoursePublished)).must(w.t)
	c = try(s.Courses.ConfigureJoin(ctx, inst, c.ID, course.JoinSettings{Enabled: true})).must(w.t)
	return c
}

func (w *world) newMessage(u *lms.User, roomID int64) *lms.Message {
	w.t.Helper()
	w.seq++
	sent, err := w.e.courses.Chat.SendMessage(w.t.Context(), u, course.SendInput{RoomID: roomID,
		Body: "message " + strconv.Itoa(w.seq)})
	if err != nil {
		w.t.Fatal(err)
	}
	return sent.Message
}

// freshMember enrols a new user in course A (active, or pending).
func (w *world) freshMember(pending bool) *lms.User {
	w.t.Helper()
	w.seq++
	p := w.newPerson("member" + strconv.Itoa(w.seq))
	e := &lms.Enrollment{CourseID: w.a.ID, UserID: p.u.ID, Role: lms.CourseLearner, Status: lms.EnrollActive}
	if pending {
		e.Status = lms.EnrollPending
	}
	if err := w.e.st.PutEnrollment(w.t.Context(), e); err != nil {
		w.t.Fatal(err)
	}
	return p.u
}

// layout is course A's current layout.
func (w *world) layout() LayoutRequest {
	w.t.Helper()
	o := try(w.e.courses.Content.Outline(w.t.Context(), w.people[roleInstructor].u, w.a.ID)).must(w.t)
	req := LayoutRequest{Modules: []lms.ModuleLayout{}}
	for _, m := range o.Modules {
		ml := lms.ModuleLayout{ModuleID: m.ID, LessonIDs: []int64{}}
		for _, l := range m.Lessons {
			ml.LessonIDs = append(ml.LessonIDs, l.ID)
		}
		req.Modules = append(req.Modules, ml)
	}
	return req
}

// decode decodes r's JSON body into a new T.
func decode[T any](t testing.TB, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return v
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

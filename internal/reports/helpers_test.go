package reports_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// t0 is the seeded course's first day (09:00 UTC); now is ten days later.
var (
	t0  = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	now = t0.Add(10 * lms.Day)
)

// backends runs fn on SQLite and, when configured, PostgreSQL.
func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, storetest.Postgres(t)) })
}

type nopAnnouncer struct{}

func (nopAnnouncer) Announce(context.Context, *lms.Announcement) (lms.FeedPosition, error) {
	return lms.FeedPosition{}, nil
}

// fakeStats answers every quiz's statistics with one question.
type fakeStats struct{}

func (fakeStats) Stats(_ context.Context, _ *lms.User, quizID int64) (*assess.QuizStats, error) {
	d := 0.5
	return &assess.QuizStats{QuizID: quizID, Attempts: 1, Learners: 1, MeanPercent: 0,
		Questions: []assess.QuestionStats{{Title: "Q1", Asked: 1, Facility: 0, Discrimination: &d}}}, nil
}

// notifier records the notifications sent.
type notifier struct {
	mu   sync.Mutex
	sent []sent
}

type sent struct {
	user    int64
	kind    string
	payload map[string]any
}

func (n *notifier) Notify(_ context.Context, userID int64, kind string, payload map[string]any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, sent{userID, kind, payload})
}

// world is the seeded course (see seed).
type world struct {
	st      store.Store
	svc     *reports.Service
	note    *notifier
	course  *lms.Course
	users   map[string]*lms.User
	m1, m2  *lms.Module
	a, b, c *lms.Lesson // published; m2 also has a draft lesson
	essay   *lms.Assignment
	quiz    *lms.Quiz
	q1      *lms.Question
}

func (w *world) as(n string) *lms.User { return w.users[n] }

// result is a value and its error, for must(f()).of(t).
type result[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) result[T] { return result[T]{v, err} }

// of returns the value, failing t on the error.
func (r result[T]) of(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}

// day returns t0's day plus n days at hh:00 UTC.
func day(n, hh int) time.Time {
	return lms.DayOf(t0).Add(time.Duration(n)*lms.Day + time.Duration(hh)*time.Hour)
}

// seed builds the course the tests compute by hand:
//
//   - learners l1, l2, l3 (enrolled at t0), a TA and an instructor; an
//     outsider in another course; an admin.
//   - module M1 (lessons A, B) and M2 (lesson C and a draft lesson).
//   - progress: l1 on A day 0 (120 s, complete), B day 0 (60 s, complete),
//     A day 1 (30 s), C day 9 (600 s, complete); l2 on A day 1 (300 s); the
//     instructor on A day 1 (100 s, not a learner: not counted).
//   - discussion: the instructor opens a thread day 2, l2 replies day 2, l1
//     posts in it on day 0 (the day of their lessons).
//   - chat: l3 writes two messages day 3.
//   - a live session day 5: l1 10:00-10:30, l2 10:10-10:20.
//   - the assignment Essay due day 6, submitted by l1 only; graded l1 9/10,
//     l2 4/10 (the only gradebook item).
//   - a quiz closing day 7: l1 submitted an attempt with question Q1 wrong
//     (Q1 is tagged with lesson B); l2 has an override to day 20.
func seed(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{st: st, users: map[string]*lms.User{}, note: &notifier{}}
	for _, n := range []string{"l1", "l2", "l3", "ta", "ins", "outsider", "admin"} {
		role := lms.SiteUser
		if n == "admin" {
			role = lms.SiteAdmin
		}
		u := &lms.User{Email: n + "@example.com", Username: n, Name: "Name " + n, Role: role}
		noErr(t, st.CreateUser(ctx, u))
		w.users[n] = u
	}
	w.course = &lms.Course{Title: "Algebra", Visibility: lms.CoursePublished}
	other := &lms.Course{Title: "Other", Visibility: lms.CoursePublished}
	noErr(t, st.CreateCourse(ctx, w.course))
	noErr(t, st.CreateCourse(ctx, other))
	for n, r := range map[string]lms.CourseRole{"l1": lms.CourseLearner, "l2": lms.CourseLearner, "l3": lms.CourseLearner,
		"ta": lms.CourseTA, "ins": lms.CourseInstructor} {
		noErr(t, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: w.course.ID, UserID: w.as(n).ID, Role: r,
			Status: lms.EnrollActive, CreatedAt: t0}))
	}
	noErr(t, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: other.ID, UserID: w.as("outsider").ID,
		Role: lms.CourseLearner, Status: lms.EnrollActive, CreatedAt: t0}))
	w.m1 = &lms.Module{CourseID: w.course.ID, Title: "M1"}
	w.m2 = &lms.Module{CourseID: w.course.ID, Title: "M2"}
	noErr(t, st.CreateModule(ctx, w.m1))
	noErr(t, st.CreateModule(ctx, w.m2))
	lesson := func(m *lms.Module, title string, draft bool) *lms.Lesson {
		l := &lms.Lesson{ModuleID: m.ID, Title: title, Draft: draft}
		noErr(t, st.CreateLesson(ctx, l))
		return l
	}
	w.a, w.b = lesson(w.m1, "A", false), lesson(w.m1, "B", false)
	w.c = lesson(w.m2, "C", false)
	lesson(w.m2, "D (draft)", true)
	progress := func(who string, l *lms.Lesson, at time.Time, secs int, done bool) {
		_, err := st.UpdateProgress(ctx, lms.ProgressUpdate{UserID: w.as(who).ID, LessonID: l.ID, At: at,
			AddSeconds: secs, Complete: done})
		noErr(t, err)
	}
	progress("l1", w.a, day(0, 10), 120, true)
	progress("l1", w.b, day(0, 11), 60, true)
	progress("l1", w.a, day(1, 10), 30, false)
	progress("l1", w.c, day(9, 10), 600, true)
	progress("l2", w.a, day(1, 12), 300, false)
	progress("ins", w.a, day(1, 13), 100, false)

	forum := &lms.Forum{CourseID: w.course.ID, Title: "General"}
	noErr(t, st.CreateForum(ctx, forum))
	th := &lms.Thread{ForumID: forum.ID, AuthorID: w.as("ins").ID, Title: "Welcome", CreatedAt: day(2, 9)}
	noErr(t, st.CreateThread(ctx, th, &lms.Post{AuthorID: w.as("ins").ID, BodyMD: "hi", BodyHTML: "<p>hi</p>", CreatedAt: day(2, 9)}))
	noErr(t, st.CreatePost(ctx, &lms.Post{ThreadID: th.ID, ParentID: 0, AuthorID: w.as("l2").ID, BodyMD: "re",
		BodyHTML: "<p>re</p>", CreatedAt: day(2, 15)}, false))
	noErr(t, st.CreatePost(ctx, &lms.Post{ThreadID: th.ID, ParentID: 0, AuthorID: w.as("l1").ID, BodyMD: "me too",
		BodyHTML: "<p>me too</p>", CreatedAt: day(0, 12)}, false)) // the day l1 was on lessons: active once

	room := &lms.Room{CourseID: w.course.ID, Name: "Main", Main: true}
	noErr(t, st.CreateRoom(ctx, room))
	for i := range 2 {
		_, err := st.InsertMessage(ctx, &lms.Message{RoomID: room.ID, AuthorID: w.as("l3").ID, Body: "hello",
			CreatedAt: day(3, 10+i)})
		noErr(t, err)
	}
	v := must(st.ClaimVideoSession(ctx, room.ID, w.course.ID, "n1", day(5, 10), day(5, 10).Add(-10*time.Second))).of(t)
	for _, s := range []struct {
		who        string
		join, left time.Time
	}{{"l1", day(5, 10), day(5, 10).Add(30 * time.Minute)}, {"l2", day(5, 10).Add(10 * time.Minute), day(5, 10).Add(20 * time.Minute)}} {
		a := &lms.Attendance{SessionID: v.ID, UserID: w.as(s.who).ID, JoinedAt: s.join}
		noErr(t, st.StartAttendance(ctx, a))
		noErr(t, st.EndAttendance(ctx, a.ID, s.left))
	}

	w.essay = &lms.Assignment{CourseID: w.course.ID, Title: "Essay", DueAt: day(6, 23), MaxPoints: 10, OnlineText: true}
	noErr(t, st.CreateAssignment(ctx, w.essay))
	_, err := st.SaveSubmission(ctx, &lms.Submission{AssignmentID: w.essay.ID, UserID: w.as("l1").ID,
		Status: lms.SubmissionSubmitted, Text: "x", SubmittedAt: day(6, 12), SubmittedBy: w.as("l1").ID}, w.as("l1").ID, day(6, 12))
	noErr(t, err)

	cat := &lms.QuestionCategory{CourseID: w.course.ID, Name: "Bank"}
	noErr(t, st.CreateCategory(ctx, cat))
	w.q1 = &lms.Question{CourseID: w.course.ID, CategoryID: cat.ID, Type: lms.QTrueFalse, Title: "Q1", TextMD: "?",
		DefaultPoints: 1, Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: true}}}
	noErr(t, st.CreateQuestion(ctx, w.q1))
	w.quiz = &lms.Quiz{CourseID: w.course.ID, Title: "Quiz 1", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourDeferred,
		ClosesAt: day(7, 12), Slots: []lms.QuizSlot{{FamilyID: w.q1.FamilyID, Points: 1}}}
	noErr(t, st.CreateQuiz(ctx, w.quiz))
	noErr(t, st.PutOverride(ctx, &lms.QuizOverride{QuizID: w.quiz.ID, UserID: w.as("l2").ID, ClosesAt: day(20, 0)}))
	att := &lms.Attempt{QuizID: w.quiz.ID, CourseID: w.course.ID, UserID: w.as("l1").ID, Number: 1, State: lms.AttemptOpen,
		StartedAt: day(4, 10), MaxPoints: 1}
	noErr(t, st.CreateAttempt(ctx, att, []*lms.AttemptSlot{{Slot: 0, QuestionID: w.q1.ID, MaxPoints: 1}}))
	must(st.CloseAttempt(ctx, att.ID, day(4, 11), false)).of(t)

	clk := testenv.NewClock(now)
	courses, err := course.NewServices(course.Params{Store: st, Logger: zerolog.Nop(), Announcer: nopAnnouncer{},
		Clock: clk.Now, Uploads: course.UploadParams{Dir: t.TempDir()}})
	noErr(t, err)
	book, err := grades.New(grades.Params{Store: grades.FromStore(st), Access: courses.Access, Logger: zerolog.Nop(), Clock: clk.Now})
	noErr(t, err)
	for who, pts := range map[string]float64{"l1": 9, "l2": 4} {
		noErr(t, book.Report(ctx, lms.GradeResult{CourseID: w.course.ID, Source: lms.GradeAssignment, SourceID: w.essay.ID,
			Title: "Essay", UserID: w.as(who).ID, Points: pts, MaxPoints: 10, Released: true, At: day(8, 9)}))
	}
	w.svc, err = reports.New(reports.Params{Store: store.Scope[reports.Store](st), Access: courses.Access, Gradebook: book,
		Quizzes: fakeStats{}, Attendance: courses.Attendance, Progress: courses.Progress, Notifier: w.note,
		Connections: func() int { return 3 }, Logger: zerolog.Nop(), Clock: clk.Now})
	noErr(t, err)
	return w
}

package calendar

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// day is t0 plus n days.
func day(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

// backends runs fn on SQLite and, when LYCEUM_TEST_DATABASE_URL is set, on
// PostgreSQL.
func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, storetest.Postgres(t)) })
}

// fixture is a published course "Physics" with an instructor, a TA, a
// learner in group "Lab A" and one in no group, an outsider (a learner of
// another course), a site admin, and a draft course the learner is in.
type fixture struct {
	st                   store.Store
	svc                  *Service
	clock                *testenv.Clock
	course, draft, other *lms.Course
	groupA, groupB       *lms.Group
	users                map[string]*lms.User
}

func newFixture(t *testing.T, st store.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{st: st, clock: testenv.NewClock(t0), users: map[string]*lms.User{}}
	for _, n := range []string{"outsider", "learner", "learner2", "ta", "instructor", "admin"} {
		role := lms.SiteUser
		if n == "admin" {
			role = lms.SiteAdmin
		}
		u := &lms.User{Email: n + "@example.com", Username: n, Name: "N " + n, Role: role}
		must(t, st.CreateUser(ctx, u))
		f.users[n] = u
	}
	f.course = &lms.Course{Title: "Physics", Visibility: lms.CoursePublished}
	f.draft = &lms.Course{Title: "Drafty", Visibility: lms.CourseDraft}
	f.other = &lms.Course{Title: "Other", Visibility: lms.CoursePublished}
	for _, c := range []*lms.Course{f.course, f.draft, f.other} {
		must(t, st.CreateCourse(ctx, c))
	}
	f.groupA = &lms.Group{CourseID: f.course.ID, Name: "Lab A"}
	f.groupB = &lms.Group{CourseID: f.course.ID, Name: "Lab B"}
	must(t, st.CreateGroup(ctx, f.groupA))
	must(t, st.CreateGroup(ctx, f.groupB))
	enrol := func(c *lms.Course, n string, r lms.CourseRole, group int64) {
		must(t, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: f.users[n].ID, Role: r,
			Status: lms.EnrollActive, GroupID: group}))
	}
	enrol(f.course, "learner", lms.CourseLearner, f.groupA.ID)
	enrol(f.course, "learner2", lms.CourseLearner, 0)
	enrol(f.course, "ta", lms.CourseTA, 0)
	enrol(f.course, "instructor", lms.CourseInstructor, 0)
	enrol(f.draft, "learner", lms.CourseLearner, 0)
	enrol(f.draft, "instructor", lms.CourseInstructor, 0)
	enrol(f.other, "outsider", lms.CourseLearner, 0)
	svc, err := New(Params{Store: FromStore(st), Access: course.NewLoader(st), Logger: zerolog.Nop(), Clock: f.clock.Now})
	must(t, err)
	f.svc = svc
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seeded are the ids of the dated things seed made.
type seeded struct {
	lesson, draftLesson, quiz, draftQuiz, groupQuiz, work, draftWork, draftCourseWork int64
	event, roomA, roomB, eventA, eventB                                               int64
}

// seed adds every kind of dated thing to the fixture's courses.
func (f *fixture) seed(t *testing.T) seeded {
	t.Helper()
	ctx, st := t.Context(), f.st
	var s seeded
	m := &lms.Module{CourseID: f.course.ID, Title: "Week 1"}
	must(t, st.CreateModule(ctx, m))
	lessons := []*lms.Lesson{
		{ModuleID: m.ID, Title: "Forces", AvailableFrom: day(1)},
		{ModuleID: m.ID, Title: "Secret draft", AvailableFrom: day(2), Draft: true},
		{ModuleID: m.ID, Title: "No date"},
	}
	for _, l := range lessons {
		must(t, st.CreateLesson(ctx, l))
	}
	s.lesson, s.draftLesson = lessons[0].ID, lessons[1].ID
	quizzes := []*lms.Quiz{
		{CourseID: f.course.ID, Title: "Quiz 1", OpensAt: day(3), ClosesAt: day(4)},
		{CourseID: f.course.ID, Title: "Hidden quiz", OpensAt: day(3), ClosesAt: day(4), Draft: true},
		{CourseID: f.course.ID, Title: "Lab quiz", ClosesAt: day(8)},
		{CourseID: f.course.ID, Title: "Undated quiz"},
	}
	for _, q := range quizzes {
		q.GradingMethod, q.Behaviour = lms.GradeHighest, lms.BehaviourDeferred
		must(t, st.CreateQuiz(ctx, q))
	}
	s.quiz, s.draftQuiz, s.groupQuiz = quizzes[0].ID, quizzes[1].ID, quizzes[2].ID
	must(t, st.PutOverride(ctx, &lms.QuizOverride{QuizID: s.quiz, UserID: f.users["learner"].ID, ClosesAt: day(5)}))
	must(t, st.PutOverride(ctx, &lms.QuizOverride{QuizID: s.groupQuiz, GroupID: f.groupA.ID, ClosesAt: day(9)}))
	works := []*lms.Assignment{
		{CourseID: f.course.ID, Title: "Lab report", DueAt: day(6), CutoffAt: day(7)},
		{CourseID: f.course.ID, Title: "Unreleased essay", DueAt: day(6), Draft: true},
		{CourseID: f.draft.ID, Title: "In a draft course", DueAt: day(6)},
	}
	for _, w := range works {
		w.MaxPoints, w.OnlineText = 10, true
		must(t, st.CreateAssignment(ctx, w))
	}
	s.work, s.draftWork, s.draftCourseWork = works[0].ID, works[1].ID, works[2].ID
	roomA := &lms.Room{CourseID: f.course.ID, Name: "Lab A room", GroupID: f.groupA.ID}
	roomB := &lms.Room{CourseID: f.course.ID, Name: "Lab B room", GroupID: f.groupB.ID}
	must(t, st.CreateRoom(ctx, roomA))
	must(t, st.CreateRoom(ctx, roomB))
	s.roomA, s.roomB = roomA.ID, roomB.ID
	ins := f.users["instructor"]
	ev := func(in EventInput) int64 {
		e, err := f.svc.CreateEvent(ctx, ins, f.course.ID, in)
		must(t, err)
		return e.ID
	}
	s.event = ev(EventInput{Title: "Field trip", Location: "Museum", StartsAt: day(2), EndsAt: day(2).Add(3 * time.Hour)})
	s.eventA = ev(EventInput{Title: "Lab A live", RoomID: roomA.ID, StartsAt: day(10), EndsAt: day(10).Add(time.Hour)})
	s.eventB = ev(EventInput{Title: "Lab B live", RoomID: roomB.ID, StartsAt: day(10), EndsAt: day(10).Add(time.Hour)})
	return s
}

// uids lists the items as "uid@time".
func uids(items []*lms.CalendarItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.UID+"@"+it.StartsAt.Format("2006-01-02T15"))
	}
	return out
}

// storeSQLite is a fresh SQLite store (for tests that check rules, not
// storage).
func storeSQLite(t *testing.T) store.Store { return storetest.SQLite(t) }

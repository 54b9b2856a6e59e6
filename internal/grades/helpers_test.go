package grades

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// fakeAnnouncer records grade changes as the live layer would hear them.
type fakeAnnouncer struct {
	mu   sync.Mutex
	list []change // guarded by mu
}

func (f *fakeAnnouncer) GradeChanged(_ context.Context, courseID, userID, itemID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, change{courseID, userID, itemID})
	return nil
}

func (f *fakeAnnouncer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.list)
}

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// fixture is a published course with an instructor, a TA, two learners,
// an outsider (a learner of another course) and a site admin.
type fixture struct {
	st     store.Store
	svc    *Service
	ann    *fakeAnnouncer
	course *lms.Course
	users  map[string]*lms.User // "anonymous" is nil
}

// actors are the callers every permission case runs as.
var actors = []string{"anonymous", "outsider", "learner", "ta", "instructor", "admin"}

func newFixture(t *testing.T, st store.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{st: st, ann: &fakeAnnouncer{}, users: map[string]*lms.User{}}
	for _, n := range []string{"outsider", "learner", "learner2", "ta", "instructor", "admin"} {
		role := lms.SiteUser
		if n == "admin" {
			role = lms.SiteAdmin
		}
		u := &lms.User{Email: n + "@example.com", Username: n, Name: "N " + n, Role: role}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		f.users[n] = u
	}
	f.course = &lms.Course{Title: "Algebra", Visibility: lms.CoursePublished}
	other := &lms.Course{Title: "Other", Visibility: lms.CoursePublished}
	for _, c := range []*lms.Course{f.course, other} {
		if err := st.CreateCourse(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for n, r := range map[string]lms.CourseRole{"learner": lms.CourseLearner, "learner2": lms.CourseLearner,
		"ta": lms.CourseTA, "instructor": lms.CourseInstructor} {
		if err := st.PutEnrollment(ctx, &lms.Enrollment{CourseID: f.course.ID, UserID: f.users[n].ID, Role: r,
			Status: lms.EnrollActive}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutEnrollment(ctx, &lms.Enrollment{CourseID: other.ID, UserID: f.users["outsider"].ID,
		Role: lms.CourseLearner, Status: lms.EnrollActive}); err != nil {
		t.Fatal(err)
	}
	svc, err := New(Params{Store: FromStore(st), Access: course.NewLoader(st), Announcer: f.ann,
		Logger: zerolog.Nop(), Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// as returns the named user (nil for "anonymous").
func (f *fixture) as(name string) *lms.User { return f.users[name] }

// report reports a result for the named learner.
func (f *fixture) report(t *testing.T, src lms.GradeSource, srcID int64, who string, points, maxPoints float64, released bool) {
	t.Helper()
	if err := f.svc.Report(t.Context(), lms.GradeResult{CourseID: f.course.ID, Source: src, SourceID: srcID,
		Title: string(src) + " " + string(rune('0'+srcID)), UserID: f.as(who).ID, Points: points,
		MaxPoints: maxPoints, Released: released, At: t0}); err != nil {
		t.Fatalf("Report: %v", err)
	}
}

// backends runs fn on SQLite and, when configured, PostgreSQL.
func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.Postgres(t)) })
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}

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

func ptr[T any](v T) *T { return &v }

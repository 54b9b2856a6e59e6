package assign

import (
	"context"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// fakeFiles keeps uploads in memory and records references.
type fakeFiles struct {
	mu      sync.Mutex
	uploads map[int64]*lms.Upload // guarded by mu
	content map[int64]string      // guarded by mu
	refs    map[string][]int64    // guarded by mu
}

func newFakeFiles() *fakeFiles {
	return &fakeFiles{uploads: map[int64]*lms.Upload{}, content: map[int64]string{}, refs: map[string][]int64{}}
}

// add stores a file owned by owner and returns its id.
func (f *fakeFiles) add(owner int64, name, body string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := int64(len(f.uploads) + 1)
	f.uploads[id] = &lms.Upload{ID: id, Name: name, Size: int64(len(body)), OwnerID: owner}
	f.content[id] = body
	return id
}

func (f *fakeFiles) UploadByID(_ context.Context, id int64) (*lms.Upload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[id]
	if !ok {
		return nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
	}
	c := *u
	return &c, nil
}

func (f *fakeFiles) SetUploadRefs(_ context.Context, _ int64, ref string, ids []int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refs[ref] = append([]int64(nil), ids...)
	return nil
}

func (f *fakeFiles) Open(_ context.Context, u *lms.Upload) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return io.NopCloser(strings.NewReader(f.content[u.ID])), nil
}

func (f *fakeFiles) refsOf(ref string) []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refs[ref]
}

// notes records notifications: "user kind link".
type notes struct {
	mu   sync.Mutex
	sent []string // guarded by mu
}

func (n *notes) Notify(_ context.Context, userID int64, kind string, p map[string]any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, itoa(userID)+" "+kind+" "+lms.NotificationLink(kind, p))
}

func (n *notes) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// clock is the shared settable test clock.
type clock = testenv.Clock

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// fixture is a published course with an instructor, a TA, three learners
// (learner and learner2 in group "Team", learner3 in none), an outsider and
// a site admin, the assignment service and the real gradebook.
type fixture struct {
	st     store.Store
	svc    *Service
	book   *grades.Service
	files  *fakeFiles
	notes  *notes
	clock  *clock
	course *lms.Course
	group  *lms.Group
	users  map[string]*lms.User
}

var actors = []string{"anonymous", "outsider", "learner", "ta", "instructor", "admin"}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	st := storetest.SQLite(t)
	f := &fixture{st: st, files: newFakeFiles(), notes: &notes{}, clock: testenv.NewClock(t0.Add(-48 * time.Hour)), users: map[string]*lms.User{}}
	for _, n := range []string{"outsider", "learner", "learner2", "learner3", "ta", "instructor", "admin"} {
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
	f.course = &lms.Course{Title: "Writing", Visibility: lms.CoursePublished}
	other := &lms.Course{Title: "Other", Visibility: lms.CoursePublished}
	for _, c := range []*lms.Course{f.course, other} {
		if err := st.CreateCourse(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	f.group = &lms.Group{CourseID: f.course.ID, Name: "Team / A"}
	if err := st.CreateGroup(ctx, f.group); err != nil {
		t.Fatal(err)
	}
	enrol := func(c *lms.Course, n string, r lms.CourseRole, group int64) {
		if err := st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: f.users[n].ID, Role: r,
			Status: lms.EnrollActive, GroupID: group}); err != nil {
			t.Fatal(err)
		}
	}
	enrol(f.course, "learner", lms.CourseLearner, f.group.ID)
	enrol(f.course, "learner2", lms.CourseLearner, f.group.ID)
	enrol(f.course, "learner3", lms.CourseLearner, 0)
	enrol(f.course, "ta", lms.CourseTA, 0)
	enrol(f.course, "instructor", lms.CourseInstructor, 0)
	enrol(other, "outsider", lms.CourseLearner, 0)
	book, err := grades.New(grades.Params{Store: grades.FromStore(st), Access: course.NewLoader(st),
		Logger: zerolog.Nop(), Clock: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Params{Store: FromStore(st), Access: course.NewLoader(st), Files: f.files, Gradebook: book,
		Notify: f.notes, Logger: zerolog.Nop(), Clock: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.svc, f.book = svc, book
	return f
}

func (f *fixture) as(name string) *lms.User { return f.users[name] }

// create makes an assignment due at t0 with in's other fields.
func (f *fixture) create(t *testing.T, in Input) *lms.Assignment {
	t.Helper()
	if in.Title == "" {
		in.Title = "Essay"
	}
	if in.MaxPoints == 0 && in.Rubric == nil {
		in.MaxPoints = 10
	}
	if !in.OnlineText && !in.Files {
		in.OnlineText = true
	}
	if in.DueAt.IsZero() {
		in.DueAt = t0
	}
	return must(f.svc.Create(t.Context(), f.as("instructor"), f.course.ID, in)).of(t)
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

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

package assess

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// clock is the shared settable test clock.
type clock = testenv.Clock

// job is one scheduled job of the fake scheduler.
type job struct {
	Kind    string
	At      time.Time
	Payload []byte
}

// fakeJobs is a Scheduler that remembers jobs by key (ignoring the
// transaction: tests check what was scheduled, not atomicity).
type fakeJobs struct {
	mu      sync.Mutex
	jobs    map[string]job // guarded by mu
	cancels map[string]int // guarded by mu
}

func (f *fakeJobs) Schedule(_ context.Context, kind, key string, at time.Time, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[key] = job{Kind: kind, At: at, Payload: payload}
	return nil
}

func (f *fakeJobs) Cancel(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.jobs, key)
	f.cancels[key]++
	return nil
}

func (f *fakeJobs) get(key string) (job, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[key]
	return j, ok
}

// runDue runs the jobs of kind due by the fixture's clock on svc, as the
// job runner would (a job that succeeds is removed), and returns how many
// ran.
func (f *fixture) runDue(svc *Service, kind string) int {
	f.t.Helper()
	f.jobs.mu.Lock()
	due := map[string]job{}
	for k, j := range f.jobs.jobs {
		if j.Kind == kind && !j.At.After(f.clock.Now()) {
			due[k] = j
		}
	}
	f.jobs.mu.Unlock()
	for k, j := range due {
		must(f.t, svc.HandleJob(f.t.Context(), j.Kind, j.Payload))
		f.jobs.mu.Lock()
		delete(f.jobs.jobs, k)
		f.jobs.mu.Unlock()
	}
	return len(due)
}

// fakeGradebook records reports, keeping the last per learner and quiz.
type fakeGradebook struct {
	mu      sync.Mutex
	reports []lms.GradeResult // guarded by mu
}

func (g *fakeGradebook) Report(_ context.Context, r lms.GradeResult) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.reports = append(g.reports, r)
	return nil
}

// last returns the last report for a learner, or false.
func (g *fakeGradebook) last(userID int64) (lms.GradeResult, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.reports) - 1; i >= 0; i-- {
		if g.reports[i].UserID == userID {
			return g.reports[i], true
		}
	}
	return lms.GradeResult{}, false
}

// fixture is a course with people in every role and a service over SQLite.
type fixture struct {
	t                                                  testing.TB
	st                                                 store.Store
	svc                                                *Service
	clock                                              *clock
	jobs                                               *fakeJobs
	book                                               *fakeGradebook
	course                                             *lms.Course
	cat                                                *lms.QuestionCategory
	admin, instructor, ta, learner, learner2, outsider *lms.User
}

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture { return newFixtureOn(t, storetest.SQLite(t)) }

// newFixtureOn is newFixture over the store st.
func newFixtureOn(t testing.TB, st store.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, st: st, clock: testenv.NewClock(t0),
		jobs: &fakeJobs{jobs: map[string]job{}, cancels: map[string]int{}}, book: &fakeGradebook{}}
	ctx := t.Context()
	mk := func(name string, role lms.SiteRole) *lms.User {
		u := &lms.User{Email: name + "@example.com", Username: name, Name: name, Role: role}
		if err := f.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.admin, f.instructor, f.ta = mk("admin", lms.SiteAdmin), mk("inst", lms.SiteUser), mk("ta", lms.SiteUser)
	f.learner, f.learner2, f.outsider = mk("lea", lms.SiteUser), mk("leo", lms.SiteUser), mk("out", lms.SiteUser)
	f.course = &lms.Course{Title: "Physics", Visibility: lms.CoursePublished, CreatedBy: f.instructor.ID}
	must(t, f.st.CreateCourse(ctx, f.course))
	for u, r := range map[*lms.User]lms.CourseRole{f.instructor: lms.CourseInstructor, f.ta: lms.CourseTA,
		f.learner: lms.CourseLearner, f.learner2: lms.CourseLearner} {
		must(t, f.st.PutEnrollment(ctx, &lms.Enrollment{CourseID: f.course.ID, UserID: u.ID, Role: r, Status: lms.EnrollActive}))
	}
	f.svc = f.service()
	f.cat = &lms.QuestionCategory{CourseID: f.course.ID, Name: "Unit 1"}
	must(t, f.svc.CreateCategory(ctx, f.instructor, f.cat))
	return f
}

// service returns a new Service over the fixture's store (a "restart").
func (f *fixture) service() *Service {
	courses, err := course.NewServices(course.Params{Store: f.st, Clock: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	svc, err := New(Params{Store: FromStore(f.st), Access: course.NewLoader(f.st), Logger: zerolog.New(zerolog.NewTestWriter(f.t)),
		Jobs: func(Data) Scheduler { return f.jobs }, Gradebook: f.book, Release: courses.Content, Clock: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	return svc
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want %q", err, got, code)
	}
}

// add creates a question in the fixture's category.
func (f *fixture) add(q *lms.Question) *lms.Question {
	f.t.Helper()
	q.CategoryID = f.cat.ID
	must(f.t, f.svc.CreateQuestion(f.t.Context(), f.instructor, q))
	return q
}

// tf is a true/false question whose right answer is answer.
func tf(title string, answer bool) *lms.Question {
	return &lms.Question{Type: lms.QTrueFalse, Title: title, TextMD: "Is it " + title + "?", DefaultPoints: 1,
		Body:              lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: answer, FeedbackTrueMD: "FB-true", FeedbackFalseMD: "FB-false"}},
		GeneralFeedbackMD: "GENERAL"}
}

// quiz creates a quiz of the fixture's course asking qs (fixed slots),
// after edit changes its settings.
func (f *fixture) quiz(edit func(*lms.Quiz), qs ...*lms.Question) *lms.Quiz {
	f.t.Helper()
	q := &lms.Quiz{CourseID: f.course.ID, Title: "Quiz", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourDeferred}
	for _, x := range qs {
		q.Slots = append(q.Slots, lms.QuizSlot{FamilyID: x.FamilyID})
	}
	if edit != nil {
		edit(q)
	}
	must(f.t, f.svc.CreateQuiz(f.t.Context(), f.instructor, q))
	return q
}

// right returns a full-credit answer to a slot in presented ids.
func (f *fixture) right(att *AttemptView, slot int) lms.Response {
	f.t.Helper()
	ctx := f.t.Context()
	sl, err := f.st.AttemptSlots(ctx, att.Attempt.ID)
	must(f.t, err)
	q, err := f.st.QuestionByID(ctx, sl[slot].QuestionID)
	must(f.t, err)
	g, err := f.svc.grader(ctx, att.Attempt.ID, slot, q)
	must(f.t, err)
	r, ok := g.RightAnswer()
	if !ok {
		f.t.Fatalf("slot %d (%s) has no right answer", slot, q.Type)
	}
	p, err := g.Present(r)
	must(f.t, err)
	return p
}

// start starts u's attempt at qz.
func (f *fixture) start(u *lms.User, qz *lms.Quiz) *AttemptView {
	f.t.Helper()
	v, err := f.svc.StartAttempt(f.t.Context(), u, qz.ID, "")
	must(f.t, err)
	return v
}

var _ = question.StateCorrect

package remind_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// t0 is the assignments' due time.
var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// node is one node's view of a shared database: its own store, services,
// and job runner, all on the shared clock.
type node struct {
	st      store.Store
	notes   *course.Notifications
	content *course.Content
	assign  *assign.Service
	assess  *assess.Service
	cal     *calendar.Service
	runner  *jobs.Runner
}

// world is a course with an instructor and three learners on one database.
type world struct {
	t        *testing.T
	open     func() store.Store
	clock    *testenv.Clock
	inst     *lms.User
	learners []*lms.User
	course   *lms.Course
}

func newWorld(t *testing.T, open func() store.Store) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{t: t, open: open, clock: testenv.NewClock(t0.Add(-72 * time.Hour))}
	st := open()
	mk := func(name string) *lms.User {
		u := &lms.User{Email: name + "@example.com", Username: name, Name: "N " + name, Role: lms.SiteUser}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.inst = mk("inst")
	w.course = &lms.Course{Title: "Writing", Visibility: lms.CoursePublished}
	if err := st.CreateCourse(ctx, w.course); err != nil {
		t.Fatal(err)
	}
	enrol := func(u *lms.User, r lms.CourseRole) {
		if err := st.PutEnrollment(ctx, &lms.Enrollment{CourseID: w.course.ID, UserID: u.ID, Role: r,
			Status: lms.EnrollActive}); err != nil {
			t.Fatal(err)
		}
	}
	enrol(w.inst, lms.CourseInstructor)
	for i := range 3 {
		u := mk(fmt.Sprintf("l%d", i+1))
		enrol(u, lms.CourseLearner)
		w.learners = append(w.learners, u)
	}
	return w
}

// node starts a node's services and runner (not running: tests Poll it).
func (w *world) node() *node {
	t := w.t
	st := w.open()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	svc, err := course.NewServices(course.Params{Store: st, Logger: log, Clock: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc.Content.UseReminders()
	loader := svc.Access
	n := &node{st: st, notes: svc.Notifications, content: svc.Content}
	n.assess, err = assess.New(assess.Params{Store: assess.FromStore(st), Access: loader, Logger: log, Clock: w.clock.Now,
		Jobs: func(d assess.Data) assess.Scheduler {
			return remind.JobScheduler(jobs.NewScheduler(d.(jobs.ScheduleStore), w.clock.Now))
		}})
	if err != nil {
		t.Fatal(err)
	}
	n.cal, err = calendar.New(calendar.Params{Store: calendar.FromStore(st), Access: loader, Logger: log,
		Clock: w.clock.Now, Reminders: true})
	if err != nil {
		t.Fatal(err)
	}
	book, err := grades.New(grades.Params{Store: grades.FromStore(st), Access: loader, Logger: log, Clock: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	n.assign, err = assign.New(assign.Params{Store: assign.FromStore(st), Access: loader, Files: nopFiles{},
		Gradebook: book, Reminders: true, Logger: log, Clock: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	n.runner, err = jobs.New(jobs.Params{Store: st, Logger: log, Clock: w.clock.Now, Registerer: prometheus.NewRegistry(),
		Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	n.runner.Register(remind.JobKind, remind.New(st, n.notes, log, w.clock.Now).HandleJob)
	return n
}

// nopFiles: the assignments here have no files.
type nopFiles struct{}

func (nopFiles) UploadByID(context.Context, int64) (*lms.Upload, error) {
	return nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
}
func (nopFiles) SetUploadRefs(context.Context, int64, string, []int64) error { return nil }
func (nopFiles) Open(context.Context, *lms.Upload) (io.ReadCloser, error) {
	return nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
}

// reminders returns every reminder-kind notification on the database as
// "username kind within", sorted.
func (w *world) reminders(st store.Store) []string {
	w.t.Helper()
	var out []string
	for _, u := range w.learners {
		list, err := st.ListNotifications(w.t.Context(), lms.NotificationFilter{UserID: u.ID, Limit: lms.MaxPageSize})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, n := range list {
			switch n.Kind {
			case lms.NotifyDueSoon, lms.NotifyOverdue, lms.NotifyQuizOpens:
				within := ""
				if i := strings.Index(n.Payload, `"within":"`); i >= 0 {
					within = " " + strings.SplitN(n.Payload[i+10:], `"`, 2)[0]
				}
				out = append(out, u.Username+" "+n.Kind+within)
			}
		}
	}
	slices.Sort(out)
	return out
}

// pollAll has every node poll at once until none runs a job.
func pollAll(t *testing.T, nodes ...*node) {
	t.Helper()
	for range 20 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		ran := 0
		for _, n := range nodes {
			wg.Go(func() {
				k, err := n.runner.Poll(t.Context())
				if err != nil {
					t.Errorf("Poll: %v", err)
				}
				mu.Lock()
				ran += k
				mu.Unlock()
			})
		}
		wg.Wait()
		if ran == 0 {
			return
		}
	}
	t.Fatal("the runners kept finding jobs")
}

// eachBackend runs fn on SQLite and (LYCEUM_TEST_DATABASE_URL set) PostgreSQL.
func eachBackend(t *testing.T, fn func(t *testing.T, open func() store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "lyceum.db")
		fn(t, func() store.Store { return storetest.SQLiteAt(t, path) })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := storetest.MigratedPostgresURL(t)
		fn(t, func() store.Store { return storetest.PostgresAt(t, url) })
	})
}

func TestRemindersExactlyOnceAcrossThreeNodesAndARestart(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		a, b, c := w.node(), w.node(), w.node()
		as, err := a.assign.Create(ctx, w.inst, w.course.ID, assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true,
			DueAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		// l1 hands in before any reminder.
		if _, err := b.assign.Submit(ctx, w.learners[0], as.ID, assign.Work{Text: "done", Final: true}); err != nil {
			t.Fatal(err)
		}
		pollAll(t, a, b, c) // nothing due yet
		if got := w.reminders(a.st); len(got) != 0 {
			t.Fatalf("reminders before the time: %v", got)
		}
		w.clock.Set(t0.Add(-24 * time.Hour))
		pollAll(t, a, b, c)
		want := []string{"l2 due_soon 24h", "l3 due_soon 24h"}
		if got := w.reminders(a.st); !slices.Equal(got, want) {
			t.Fatalf("after 24 h reminders: %v, want %v", got, want)
		}
		// A node restarts (a new store and runner over the same database);
		// the 1 h reminder runs on it and two others together.
		a = w.node()
		if _, err := c.assign.Submit(ctx, w.learners[1], as.ID, assign.Work{Text: "late-ish", Final: true}); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(t0.Add(-time.Hour))
		pollAll(t, a, b, c)
		w.clock.Set(t0)
		pollAll(t, a, b, c)
		w.clock.Set(t0.Add(time.Hour))
		pollAll(t, a, b, c)
		want = []string{"l2 due_soon 24h", "l3 due_soon 1h", "l3 due_soon 24h", "l3 overdue"}
		if got := w.reminders(a.st); !slices.Equal(got, want) {
			t.Fatalf("reminders: %v, want %v", got, want)
		}
		// A job that runs again (a lost lease, a crash after notifying)
		// gives nobody a second reminder.
		h := remind.New(a.st, a.notes, zerolog.Nop(), w.clock.Now)
		job := &lms.Job{Kind: remind.JobKind, Key: remind.Key(remind.SourceAssignment, as.ID, remind.Overdue),
			Payload: fmt.Appendf(nil, `{"source":"assignment","id":%d,"moment":"overdue","at":%q}`, as.ID,
				t0.Format(time.RFC3339Nano))}
		if err := h.HandleJob(ctx, job); err != nil {
			t.Fatal(err)
		}
		if got := w.reminders(a.st); !slices.Equal(got, want) {
			t.Fatalf("after a second run: %v, want %v", got, want)
		}
	})
}

func TestRemindersRescheduleAndCancel(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		in := assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true, DueAt: t0}
		as, err := n.assign.Create(ctx, w.inst, w.course.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		key := remind.Key(remind.SourceAssignment, as.ID, remind.Due24h)
		job, err := n.st.JobByKey(ctx, key)
		if err != nil || !job.RunAt.Equal(t0.Add(-24*time.Hour)) {
			t.Fatalf("24 h job %+v, %v", job, err)
		}
		// The due date moves a day later: the reminders move with it.
		in.DueAt = t0.Add(24 * time.Hour)
		if _, err := n.assign.Update(ctx, w.inst, as.ID, in); err != nil {
			t.Fatal(err)
		}
		if job, err = n.st.JobByKey(ctx, key); err != nil || !job.RunAt.Equal(t0) {
			t.Fatalf("rescheduled 24 h job %+v, %v", job, err)
		}
		w.clock.Set(t0.Add(-time.Hour)) // the old 24 h and 1 h times have passed
		pollAll(t, n)
		if got := w.reminders(n.st); len(got) != 0 {
			t.Fatalf("reminders for the old date: %v", got)
		}
		w.clock.Set(t0)
		pollAll(t, n)
		if got := w.reminders(n.st); len(got) != 3 {
			t.Fatalf("reminders for the new date: %v, want three", got)
		}
		// Deleted: every job is gone and nothing more is sent.
		if err := n.assign.Delete(ctx, w.inst, as.ID); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{remind.Due24h, remind.Due1h, remind.Overdue} {
			if _, err := n.st.JobByKey(ctx, remind.Key(remind.SourceAssignment, as.ID, m)); !lms.IsCode(err, lms.ENOTFOUND) {
				t.Fatalf("job %s after the delete: %v", m, err)
			}
		}
		w.clock.Set(t0.Add(48 * time.Hour))
		pollAll(t, n)
		if got := w.reminders(n.st); len(got) != 3 {
			t.Fatalf("reminders after the delete: %v", got)
		}
		// A draft has no reminders.
		in.Draft, in.DueAt = true, t0.Add(96*time.Hour)
		d, err := n.assign.Create(ctx, w.inst, w.course.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.st.JobByKey(ctx, remind.Key(remind.SourceAssignment, d.ID, remind.Overdue)); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("a draft's overdue job: %v", err)
		}
	})
}

func TestReminderShowsTheDueTimeInTheReadersZone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lyceum.db")
	w := newWorld(t, func() store.Store { return storetest.SQLiteAt(t, path) })
	ctx := t.Context()
	n := w.node()
	set := lms.DefaultNotifySettings()
	set.TimeZone = "America/New_York"
	if _, err := n.notes.SaveNotifySettings(ctx, w.learners[0], set); err != nil {
		t.Fatal(err)
	}
	if _, err := n.assign.Create(ctx, w.inst, w.course.ID, assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true,
		DueAt: t0}); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(t0.Add(-24 * time.Hour))
	pollAll(t, n)
	list, err := n.st.ListNotifications(ctx, lms.NotificationFilter{UserID: w.learners[0].ID, Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("notifications %v, %v", list, err)
	}
	// 09:00 UTC on 14 March 2026 is 05:00 in New York (summer time began on the 8th).
	if !strings.Contains(list[0].Payload, `"due_local":"Sat 14 Mar 2026, 05:00 EDT"`) {
		t.Fatalf("payload %s", list[0].Payload)
	}
}

func TestQuizRemindersOpensDueAndOverrides(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		q := &lms.Quiz{CourseID: w.course.ID, Title: "Check", OpensAt: t0.Add(-48 * time.Hour), ClosesAt: t0,
			GradingMethod: lms.GradeHighest}
		if err := n.st.CreateQuiz(ctx, q); err != nil {
			t.Fatal(err)
		}
		sch := remind.JobScheduler(jobs.NewScheduler(n.st, w.clock.Now))
		it := remind.Item{Source: remind.SourceQuiz, ID: q.ID, CourseID: q.CourseID, Title: q.Title, OpensAt: q.OpensAt,
			DueAt: q.ClosesAt}
		if err := remind.Plan(ctx, sch, w.clock.Now(), it); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(q.OpensAt)
		pollAll(t, n)
		want := []string{"l1 quiz_opens", "l2 quiz_opens", "l3 quiz_opens"}
		if got := w.reminders(n.st); !slices.Equal(got, want) {
			t.Fatalf("at the opening: %v, want %v", got, want)
		}
		// l1 has submitted; l2 has a later close of their own.
		if err := n.st.CreateAttempt(ctx, &lms.Attempt{QuizID: q.ID, CourseID: q.CourseID, UserID: w.learners[0].ID,
			Number: 1, State: lms.AttemptSubmitted, StartedAt: w.clock.Now(), SubmittedAt: w.clock.Now()}, nil); err != nil {
			t.Fatal(err)
		}
		if err := n.st.PutOverride(ctx, &lms.QuizOverride{QuizID: q.ID, UserID: w.learners[1].ID,
			ClosesAt: t0.Add(72 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(t0)
		pollAll(t, n)
		want = append(want, "l3 due_soon 1h", "l3 due_soon 24h", "l3 overdue")
		slices.Sort(want)
		if got := w.reminders(n.st); !slices.Equal(got, want) {
			t.Fatalf("at the close: %v, want %v", got, want)
		}
		// Cancel removes every job of the quiz.
		if err := remind.Cancel(ctx, sch, remind.SourceQuiz, q.ID); err != nil {
			t.Fatal(err)
		}
	})
}

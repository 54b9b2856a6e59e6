package remind_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The issue 12 benchmark: benchLearners learners, benchDeadlines
// assignments due benchFirstDue, +benchSpacing, ... from the start; every
// "overdue" reminder must reach the in-app channel once, p99 lateness
// (created_at - due time) at most benchMaxP99.
const (
	benchEnv       = "LYCEUM_BENCH_REMIND"
	benchLearners  = 10000
	benchDeadlines = 5
	// benchFirstDue is half a poll interval off the runners' ticks (they
	// start with the clock), so a reminder waits for the next poll as it
	// would on average, not right at a tick.
	benchFirstDue = 20*time.Second + jobs.DefaultPollInterval/2
	benchSpacing  = 5 * time.Second
	benchMaxP99   = 5 * time.Second
	benchWait     = 5 * time.Minute // bound on waiting for every reminder
)

// TestRemindLatenessBenchmark runs the benchmark when LYCEUM_BENCH_REMIND=1
// (it takes about a minute per backend and seeds 10,000 people); otherwise
// it does nothing. SQLite runs one node, PostgreSQL two (two runners, each
// with its own store and pool, on one database).
func TestRemindLatenessBenchmark(t *testing.T) {
	if os.Getenv(benchEnv) != "1" {
		t.Logf("%s is not 1: the 10,000 × 5 reminder benchmark is not run", benchEnv)
		return
	}
	t.Run("sqlite-1-node", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lyceum.db")
		runRemindBench(t, func() store.Store { return storetest.SQLiteAt(t, path) }, 1)
	})
	t.Run("postgres-2-nodes", func(t *testing.T) {
		url := storetest.MigratedPostgresURL(t)
		runRemindBench(t, func() store.Store { return storetest.PostgresAt(t, url) }, 2)
	})
}

// runRemindBench seeds the course, plans the deadlines, runs nodes runners
// on the real clock until every reminder is there, and checks and reports
// lateness, duplicates and missing ones.
func runRemindBench(t *testing.T, open func() store.Store, nodes int) {
	ctx := t.Context()
	st := open()
	seeding := time.Now()
	courseID := seedBench(t, st)
	start := time.Now()
	due := map[int64]time.Time{}
	sch := remind.JobScheduler(jobs.NewScheduler(st, nil))
	for i := range benchDeadlines {
		a := &lms.Assignment{CourseID: courseID, Title: fmt.Sprintf("Essay %d", i+1), MaxPoints: 10, OnlineText: true,
			DueAt: start.Add(benchFirstDue + time.Duration(i)*benchSpacing).UTC().Truncate(time.Millisecond)}
		if err := st.CreateAssignment(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := remind.Plan(ctx, sch, start, remind.Item{Source: remind.SourceAssignment, ID: a.ID, CourseID: courseID,
			Title: a.Title, DueAt: a.DueAt}); err != nil {
			t.Fatal(err)
		}
		due[a.ID] = a.DueAt
	}
	t.Logf("seeded %d learners in %v; deadlines from +%v every %v", benchLearners, start.Sub(seeding).Round(time.Millisecond),
		benchFirstDue, benchSpacing)
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for i := range nodes {
		nst := open()
		log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
		notes := course.NewNotifications(course.Base{Logger: log, Access: course.NewLoader(nst)},
			store.Scope[course.NotificationsStore](nst))
		r, err := jobs.New(jobs.Params{Store: nst, Logger: log, Registerer: prometheus.NewRegistry(),
			Worker: fmt.Sprintf("bench-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		h := remind.New(nst, timedNotifier{t, notes}, log, nil)
		r.Register(remind.JobKind, func(ctx context.Context, j *lms.Job) error {
			began := time.Now()
			err := h.HandleJob(ctx, j)
			t.Logf("node %d: job %s took %v (claimed %v after its time)", i, j.Key, time.Since(began).Round(time.Millisecond),
				began.Sub(j.RunAt).Round(time.Millisecond))
			return err
		})
		wg.Go(func() { _ = r.Run(runCtx) })
	}
	db := st.(interface{ SQLDB() *sql.DB }).SQLDB()
	want := benchLearners * benchDeadlines
	deadline := time.Now().Add(benchFirstDue + benchWait)
	for {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE kind = 'overdue'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= want || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	stop()
	wg.Wait()
	reportBench(t, db, due, nodes)
}

// reportBench measures every reminder's lateness and counts duplicates and
// missing ones.
func reportBench(t *testing.T, db *sql.DB, due map[int64]time.Time, nodes int) {
	rows, err := db.QueryContext(t.Context(), `SELECT user_id, payload, created_at FROM notifications WHERE kind = 'overdue'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[[2]int64]int{}
	var late []time.Duration
	for rows.Next() {
		var (
			user, created int64
			payload       string
		)
		if err := rows.Scan(&user, &payload, &created); err != nil {
			t.Fatal(err)
		}
		var p struct {
			ID int64 `json:"assignment_id"`
		}
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatal(err)
		}
		seen[[2]int64{user, p.ID}]++
		late = append(late, time.UnixMilli(created).Sub(due[p.ID]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	missing := benchLearners*benchDeadlines - len(seen)
	if len(late) == 0 {
		t.Fatalf("no reminder arrived (%d missing)", missing)
	}
	slices.Sort(late)
	q := func(f float64) time.Duration { return late[min(len(late)-1, int(f*float64(len(late))))] }
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("%d node(s): %d reminders, duplicates %d, missing %d; lateness p50 %v p99 %v max %v, min %v; loadavg after: %s",
		nodes, len(late), dups, missing, q(0.50).Round(time.Millisecond), q(0.99).Round(time.Millisecond),
		late[len(late)-1].Round(time.Millisecond), late[0].Round(time.Millisecond), strings.TrimSpace(string(load)))
	if dups != 0 || missing != 0 {
		t.Errorf("duplicates %d, missing %d: want 0 and 0", dups, missing)
	}
	if q(0.99) > benchMaxP99 {
		t.Errorf("p99 lateness %v, want at most %v", q(0.99), benchMaxP99)
	}
}

// seedBench creates the course with an instructor and benchLearners
// active learners (multi-row inserts, no passwords) and returns its id.
func seedBench(t *testing.T, st store.Store) int64 {
	ctx := t.Context()
	ins := &lms.User{Email: "ins@example.com", Username: "ins", Name: "Ins", Role: lms.SiteUser}
	if err := st.CreateUser(ctx, ins); err != nil {
		t.Fatal(err)
	}
	c := &lms.Course{Title: "Big", Visibility: lms.CoursePublished}
	if err := st.CreateCourse(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: ins.ID, Role: lms.CourseInstructor,
		Status: lms.EnrollActive}); err != nil {
		t.Fatal(err)
	}
	db := st.(interface{ SQLDB() *sql.DB }).SQLDB()
	now := time.Now().UnixMilli()
	users := make([][]any, benchLearners)
	for i := range users {
		n := fmt.Sprintf("learner%05d", i)
		users[i] = []any{n + "@example.com", n, "Learner " + n, "user", now, now}
	}
	insertRows(t, db, "users", []string{"email", "username", "name", "role", "created_at", "updated_at"}, users)
	enrol := make([][]any, 0, benchLearners)
	rows, err := db.QueryContext(ctx, `SELECT id FROM users WHERE username LIKE 'learner%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		enrol = append(enrol, []any{c.ID, id, "learner", "active", now})
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	insertRows(t, db, "enrollments", []string{"course_id", "user_id", "role", "status", "created_at"}, enrol)
	return c.ID
}

// insertRows inserts rows into table with multi-row INSERTs of 500, in
// one transaction.
func insertRows(t *testing.T, db *sql.DB, table string, cols []string, rows [][]any) {
	t.Helper()
	const per = 500
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		var sb strings.Builder
		args := make([]any, 0, len(chunk)*len(cols))
		fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		for j, r := range chunk {
			sb.WriteString(map[bool]string{true: "(", false: ", ("}[j == 0])
			for k := range r {
				fmt.Fprintf(&sb, "%s$%d", map[bool]string{true: "", false: ", "}[k == 0], len(args)+k+1)
			}
			sb.WriteString(")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(t.Context(), sb.String(), args...); err != nil {
			t.Fatalf("insert into %s: %v", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// timedNotifier logs how long each NotifyOnceEach takes.
type timedNotifier struct {
	t *testing.T
	n remind.Notifier
}

func (tn timedNotifier) NotifyOnceEach(ctx context.Context, ids []int64, key, kind string, p map[string]any) (int, error) {
	began := time.Now()
	n, err := tn.n.NotifyOnceEach(ctx, ids, key, kind, p)
	tn.t.Logf("notified %d of %d in %v", n, len(ids), time.Since(began).Round(time.Millisecond))
	return n, err
}

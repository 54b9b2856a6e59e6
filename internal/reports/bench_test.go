package reports_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The engagement report of a big course: 2,000 learners × 100 lessons (10
// modules) with a year of activity — each learner active on about 30 % of
// the days, on one to four lessons a day (≈ 550,000 learner-lesson-days),
// progress in a random prefix of the lessons, 10,000 discussion posts,
// 30,000 chat messages and 100 live sessions of 30 people. It reports the
// p50 and p99 of one report (the default 30 days, and the whole year).
//
//	go test -run '^$' -bench BenchmarkEngagement -benchtime 50x ./internal/reports
//
// p99-cpu-ms is the slowest call's CPU time in this process (see
// processCPU).
func BenchmarkEngagement(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var st store.Store
			if backend == "sqlite" {
				st = storetest.SQLite(b)
			} else {
				st = storetest.Postgres(b)
			}
			svc, courseID, ins := seedBig(b, st)
			for _, period := range []struct {
				name string
				days int
			}{{"30days", 30}, {"365days", 365}} {
				b.Run(period.name, func(b *testing.B) {
					from := benchNow.Add(-time.Duration(period.days-1) * lms.Day)
					var took, cpu []time.Duration
					for b.Loop() {
						start, startCPU := time.Now(), processCPU(b)
						r, err := svc.Engagement(b.Context(), ins, courseID, from, benchNow)
						if err != nil {
							b.Fatal(err)
						}
						took, cpu = append(took, time.Since(start)), append(cpu, processCPU(b)-startCPU)
						if r.Learners != bigLearners || len(r.Lessons) != 100 {
							b.Fatalf("%d learners, %d lessons", r.Learners, len(r.Lessons))
						}
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
					slices.Sort(cpu)
					b.ReportMetric(float64(cpu[min(len(cpu)-1, len(cpu)*99/100)].Microseconds())/1000, "p99-cpu-ms")
					logQueryTimes(b, st, courseID, from)
				})
			}
		})
	}
}

// processCPU returns the CPU time this process has used (user and
// system). On a loaded machine a call's CPU time says what it costs where
// its wall time says how long it waited for a core too; with SQLite the
// whole report runs in this process, with PostgreSQL the server's share is
// not in it.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// logQueryTimes logs how long one call of each store read of the report
// takes over the period from..benchNow (where the time goes).
func logQueryTimes(b *testing.B, st store.Store, courseID int64, from time.Time) {
	ctx := b.Context()
	to := lms.DayOf(benchNow).Add(lms.Day)
	var line []string
	for _, q := range []struct {
		name string
		call func() error
	}{
		{"CourseActivityDays", func() error { _, err := st.CourseActivityDays(ctx, courseID, from, to); return err }},
		{"CourseLessonActivity", func() error { _, err := st.CourseLessonActivity(ctx, courseID, from, to); return err }},
		{"ModuleLearners", func() error { _, err := st.ModuleLearners(ctx, courseID); return err }},
		{"CourseAttendance", func() error { _, err := st.CourseAttendance(ctx, courseID, from, to); return err }},
	} {
		start := time.Now()
		noErr(b, q.call())
		line = append(line, fmt.Sprintf("%s %.1f ms", q.name, float64(time.Since(start).Microseconds())/1000))
	}
	b.Logf("one call each: %s", strings.Join(line, ", "))
}

const bigLearners = 2000

var benchNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// bulk inserts rows into table in multi-row INSERTs of 500, each its own
// transaction: the report aggregates' triggers update a few rows again and
// again, and PostgreSQL cannot prune the versions one transaction leaves
// (one transaction for the whole table took over half an hour).
func bulk(b *testing.B, db *sql.DB, table string, cols []string, rows [][]any) {
	b.Helper()
	const per = 500
	ctx := context.Background()
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		var sb strings.Builder
		fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for j, r := range chunk {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for k := range r {
				if k > 0 {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "$%d", len(args)+k+1)
			}
			sb.WriteString(")")
			args = append(args, r...)
		}
		if _, err := db.ExecContext(ctx, sb.String(), args...); err != nil {
			b.Fatalf("insert into %s: %v", table, err)
		}
	}
}

// seedBig builds the benchmark's course and returns the reports service,
// the course and its instructor.
func seedBig(b *testing.B, st store.Store) (*reports.Service, int64, *lms.User) {
	b.Helper()
	ctx := context.Background()
	db := st.(interface{ SQLDB() *sql.DB }).SQLDB()
	rng := rand.New(rand.NewPCG(1, 2))
	ins := &lms.User{Email: "ins@example.com", Username: "ins", Name: "Ins", Role: lms.SiteUser}
	noErr(b, st.CreateUser(ctx, ins))
	c := &lms.Course{Title: "Big", Visibility: lms.CoursePublished}
	noErr(b, st.CreateCourse(ctx, c))
	noErr(b, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: ins.ID, Role: lms.CourseInstructor, Status: lms.EnrollActive}))
	var lessons []int64
	for m := range 10 {
		mod := &lms.Module{CourseID: c.ID, Title: fmt.Sprintf("Module %d", m+1)}
		noErr(b, st.CreateModule(ctx, mod))
		for l := range 10 {
			ls := &lms.Lesson{ModuleID: mod.ID, Title: fmt.Sprintf("Lesson %d.%d", m+1, l+1)}
			noErr(b, st.CreateLesson(ctx, ls))
			lessons = append(lessons, ls.ID)
		}
	}
	created := benchNow.Add(-400 * lms.Day).UnixMilli()
	var users [][]any
	for i := range bigLearners {
		n := fmt.Sprintf("learner%04d", i)
		users = append(users, []any{n + "@example.com", n, "Learner " + n, "user", created, created})
	}
	bulk(b, db, "users", []string{"email", "username", "name", "role", "created_at", "updated_at"}, users)
	var firstID int64
	noErr(b, db.QueryRowContext(ctx, `SELECT min(id) FROM users WHERE username LIKE 'learner%'`).Scan(&firstID))
	var enrol, progress, activity, posts, messages, attendance [][]any
	day0 := lms.DayOf(benchNow).Add(-364 * lms.Day)
	for i := range int64(bigLearners) {
		uid := firstID + i
		enrol = append(enrol, []any{c.ID, uid, "learner", "active", created})
		reached := rng.IntN(101)
		for k := range reached {
			done := int64(0)
			if rng.IntN(10) < 9 {
				done = benchNow.Add(-time.Duration(rng.IntN(300)) * lms.Day).UnixMilli()
			}
			seen := benchNow.Add(-time.Duration(rng.IntN(365)) * lms.Day).UnixMilli()
			progress = append(progress, []any{uid, lessons[k], c.ID, seen, seen, int64(60 + rng.IntN(900)), done})
		}
		for d := range 365 {
			if rng.IntN(10) >= 3 {
				continue
			}
			day := day0.Add(time.Duration(d) * lms.Day).UnixMilli()
			first := rng.IntN(97)
			for k := range 1 + rng.IntN(4) {
				activity = append(activity, []any{uid, lessons[first+k], c.ID, day, int64(30 + rng.IntN(1200)), 1 + rng.IntN(20)})
			}
		}
	}
	bulk(b, db, "enrollments", []string{"course_id", "user_id", "role", "status", "created_at"}, enrol)
	bulk(b, db, "lesson_progress", []string{"user_id", "lesson_id", "course_id", "opened_at", "last_seen_at", "seconds_spent", "completed_at"}, progress)
	bulk(b, db, "lesson_activity", []string{"user_id", "lesson_id", "course_id", "day", "seconds", "beats"}, activity)

	forum := &lms.Forum{CourseID: c.ID, Title: "General"}
	noErr(b, st.CreateForum(ctx, forum))
	var threads []int64
	for i := range 50 {
		th := &lms.Thread{ForumID: forum.ID, AuthorID: ins.ID, Title: fmt.Sprintf("Thread %d", i)}
		noErr(b, st.CreateThread(ctx, th, &lms.Post{AuthorID: ins.ID, BodyMD: "hi", BodyHTML: "<p>hi</p>"}))
		threads = append(threads, th.ID)
	}
	room := &lms.Room{CourseID: c.ID, Name: "Main", Main: true}
	noErr(b, st.CreateRoom(ctx, room))
	at := func() int64 { return day0.Add(time.Duration(rng.Int64N(int64(365 * lms.Day)))).UnixMilli() }
	for range 10000 {
		posts = append(posts, []any{threads[rng.IntN(len(threads))], firstID + rng.Int64N(bigLearners), "re", "<p>re</p>", at()})
	}
	for range 30000 {
		messages = append(messages, []any{room.ID, firstID + rng.Int64N(bigLearners), "hello", at()})
	}
	bulk(b, db, "posts", []string{"thread_id", "author_id", "body_md", "body_html", "created_at"}, posts)
	bulk(b, db, "messages", []string{"room_id", "author_id", "body", "created_at"}, messages)
	for s := range 100 {
		start := day0.Add(time.Duration(s*3) * lms.Day).Add(10 * time.Hour)
		var sessID int64
		noErr(b, db.QueryRowContext(ctx, `INSERT INTO live_sessions (room_id, course_id, node_id, started_at, heartbeat_at, ended_at)
			VALUES ($1, $2, 'n1', $3, $3, $4) RETURNING id`, room.ID, c.ID, start.UnixMilli(), start.Add(time.Hour).UnixMilli()).Scan(&sessID))
		for p := range 30 {
			join := start.Add(time.Duration(p) * time.Minute)
			attendance = append(attendance, []any{sessID, firstID + rng.Int64N(bigLearners), join.UnixMilli(), join.Add(40 * time.Minute).UnixMilli()})
		}
	}
	bulk(b, db, "live_attendance", []string{"session_id", "user_id", "joined_at", "left_at"}, attendance)
	// Settle the tables as a running site would have them: PostgreSQL
	// vacuumed (the aggregates' rows were updated over and over by the
	// triggers; autovacuum would clear the old versions), SQLite's log
	// checkpointed.
	settle := []string{"VACUUM ANALYZE"}
	if _, ok := st.(*sqlite.DB); ok {
		settle = []string{"ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"}
	}
	for _, q := range settle {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	b.Logf("seeded %d progress rows, %d activity rows, %d posts, %d messages, %d stays", len(progress), len(activity),
		len(posts), len(messages), len(attendance))

	courses, err := course.NewServices(course.Params{Store: st, Logger: zerolog.Nop(), Announcer: nopAnnouncer{},
		Clock: func() time.Time { return benchNow }, Uploads: course.UploadParams{Dir: b.TempDir()}})
	noErr(b, err)
	book, err := grades.New(grades.Params{Store: grades.FromStore(st), Access: courses.Access, Logger: zerolog.Nop()})
	noErr(b, err)
	svc, err := reports.New(reports.Params{Store: store.Scope[reports.Store](st), Access: courses.Access, Gradebook: book,
		Quizzes: fakeStats{}, Attendance: courses.Attendance, Progress: courses.Progress, Notifier: &notifier{},
		Logger: zerolog.Nop(), Clock: func() time.Time { return benchNow }})
	noErr(b, err)
	return svc, c.ID, ins
}

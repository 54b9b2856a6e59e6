package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// reportAggregateTests check the engagement report's aggregates (migration
// 00020) against a recomputation from lesson_activity after each step of a
// mixed workload, and the report figures read from them against the
// figures counted from every row.
var reportAggregateTests = map[string]func(*testing.T, store.Store){
	"maintained aggregates equal a recomputation": testReportAggregatesRecomputed,
}

// aggregateRecomputations are, per aggregate table, the query that reads it
// and the query that computes it from lesson_activity, both in key order.
var aggregateRecomputations = []struct{ table, stored, computed string }{
	{"report_course_users", `SELECT course_id, user_id, entries FROM report_course_users ORDER BY 1, 2`,
		`SELECT course_id, user_id, count(*) FROM lesson_activity GROUP BY course_id, user_id ORDER BY 1, 2`},
	{"report_course_days", `SELECT course_id, day, active, views, seconds FROM report_course_days ORDER BY 1, 2`,
		`SELECT course_id, day, count(DISTINCT user_id), count(*), sum(seconds) FROM lesson_activity
			GROUP BY course_id, day ORDER BY 1, 2`},
	{"report_lesson_days", `SELECT course_id, day, lesson_id, views, seconds, lasts FROM report_lesson_days ORDER BY 1, 2, 3`,
		`SELECT a.course_id, a.day, a.lesson_id, count(*), sum(a.seconds), sum(CASE WHEN a.day = (SELECT max(b.day)
			FROM lesson_activity b WHERE b.user_id = a.user_id AND b.lesson_id = a.lesson_id) THEN 1 ELSE 0 END)
			FROM lesson_activity a GROUP BY a.course_id, a.day, a.lesson_id ORDER BY 1, 2, 3`},
}

// CheckReportAggregates fails t unless every report aggregate table holds
// what lesson_activity gives when counted from scratch. db is the store's
// *sql.DB.
func CheckReportAggregates(t testing.TB, db *sql.DB, step string) {
	t.Helper()
	for _, a := range aggregateRecomputations {
		got, want := intRows(t, db, a.stored), intRows(t, db, a.computed)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: %s =\n%v\nrecomputed:\n%v", step, a.table, got, want)
		}
	}
}

// intRows reads a query of integer columns.
func intRows(t testing.TB, db *sql.DB, q string, args ...any) [][]int64 {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]int64
	for rows.Next() {
		r := make([]int64, len(cols))
		dest := make([]any, len(cols))
		for i := range r {
			dest[i] = &r[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func testReportAggregatesRecomputed(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	db := s.(interface{ SQLDB() *sql.DB }).SQLDB()
	day := func(n, hh int) time.Time {
		return lms.DayOf(base).Add(time.Duration(n)*lms.Day + time.Duration(hh)*time.Hour)
	}
	users := map[string]*lms.User{}
	for _, n := range []string{"l1", "l2", "l3", "l4", "ins"} {
		users[n] = newUser(t, s, n)
	}
	c1, c2 := &lms.Course{Title: "One", Visibility: lms.CoursePublished}, &lms.Course{Title: "Two", Visibility: lms.CoursePublished}
	noErr(t, s.CreateCourse(ctx, c1), "course")
	noErr(t, s.CreateCourse(ctx, c2), "course")
	for n, u := range users {
		role := lms.CourseLearner
		if n == "ins" {
			role = lms.CourseInstructor
		}
		for _, c := range []*lms.Course{c1, c2} {
			noErr(t, s.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: u.ID, Role: role, Status: lms.EnrollActive, CreatedAt: base}), "enrol")
		}
	}
	var lessons []*lms.Lesson // four in c1 (two modules), one in c2
	var m2 *lms.Module
	for i, c := range []*lms.Course{c1, c1, c2} {
		m := &lms.Module{CourseID: c.ID, Title: fmt.Sprintf("M%d", i)}
		noErr(t, s.CreateModule(ctx, m), "module")
		if i == 1 {
			m2 = m
		}
		for j := range 2 - i/2 {
			l := &lms.Lesson{ModuleID: m.ID, Title: fmt.Sprintf("L%d.%d", i, j)}
			noErr(t, s.CreateLesson(ctx, l), "lesson")
			lessons = append(lessons, l)
		}
	}
	beat := func(who string, l *lms.Lesson, at time.Time, secs int, complete, uncomplete bool) {
		t.Helper()
		_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: users[who].ID, LessonID: l.ID, At: at, AddSeconds: secs,
			Complete: complete, Uncomplete: uncomplete})
		noErr(t, err, "progress")
	}
	// Busy first days, a quiet tail; days out of order, repeated beats,
	// zero-second beats, completions and un-completions.
	for d := range 4 {
		for i, who := range []string{"l1", "l2", "l3", "ins"} {
			for k, l := range lessons[:3] {
				if (d+i+k)%4 != 3 {
					beat(who, l, day(d, 9+k), 30*(i+k+1), k == 1, false)
				}
			}
		}
	}
	beat("l1", lessons[0], day(9, 10), 100, false, true)
	beat("l1", lessons[0], day(9, 11), 0, false, false)
	beat("l2", lessons[3], day(8, 10), 50, true, false)
	beat("l2", lessons[3], day(6, 10), 70, false, false) // an earlier day after a later one
	beat("l2", lessons[3], day(7, 10), 20, false, false)
	beat("l3", lessons[4], day(5, 10), 40, false, false) // the other course
	beat("l4", lessons[0], day(6, 12), 10, false, false)
	CheckReportAggregates(t, db, "after the heartbeats")

	// Heartbeats of one learner on every lesson of one day at once: the
	// day's active count must still see them once.
	var wg sync.WaitGroup
	errs := make(chan error, len(lessons))
	for _, l := range lessons {
		wg.Go(func() {
			_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: users["l4"].ID, LessonID: l.ID, At: day(10, 8), AddSeconds: 5})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		noErr(t, err, "concurrent progress")
	}
	CheckReportAggregates(t, db, "after concurrent heartbeats")
	checkReportFigures(t, s, c1.ID, day(0, 0), "with everyone a learner")

	// l3 leaves c1's learners: the figures drop their rows at once.
	noErr(t, s.DeleteEnrollment(ctx, c1.ID, users["l3"].ID), "unenrol")
	checkReportFigures(t, s, c1.ID, day(0, 0), "after l3 left")

	// A row deleted on its own (nothing does so yet; pruning old activity
	// would): the latest days of l1 on the first lesson, newest first.
	for range 2 {
		_, err := db.ExecContext(ctx, `DELETE FROM lesson_activity WHERE user_id = $1 AND lesson_id = $2 AND day =
			(SELECT max(day) FROM lesson_activity WHERE user_id = $1 AND lesson_id = $2)`, users["l1"].ID, lessons[0].ID)
		noErr(t, err, "delete a row")
		CheckReportAggregates(t, db, "after a row was deleted")
	}
	noErr(t, s.DeleteLesson(ctx, lessons[1].ID), "delete lesson")
	CheckReportAggregates(t, db, "after a lesson was deleted")
	noErr(t, s.DeleteUser(ctx, users["l2"].ID), "delete user")
	CheckReportAggregates(t, db, "after a user was deleted")
	checkReportFigures(t, s, c1.ID, day(0, 0), "after the deletions")
	noErr(t, s.DeleteModule(ctx, m2.ID), "delete module")
	CheckReportAggregates(t, db, "after a module was deleted")
	noErr(t, s.DeleteCourse(ctx, c2.ID), "delete course")
	CheckReportAggregates(t, db, "after a course was deleted")
	checkReportFigures(t, s, c1.ID, day(0, 0), "at the end")
}

// checkReportFigures compares CourseActivityDays and CourseLessonActivity
// over several periods (the whole range, ones inside it, one after it)
// with the same figures counted from every lesson_activity row.
func checkReportFigures(t *testing.T, s store.Store, courseID int64, day0 time.Time, step string) {
	t.Helper()
	ctx := ctxOf(t)
	db := s.(interface{ SQLDB() *sql.DB }).SQLDB()
	const learners = ` AND a.user_id IN (SELECT e.user_id FROM enrollments e WHERE e.course_id = $1
		AND e.role = 'learner' AND e.status = 'active')`
	for _, p := range [][2]int{{0, 11}, {0, 30}, {1, 3}, {2, 7}, {5, 7}, {6, 9}, {9, 10}, {12, 20}} {
		from, to := day0.Add(time.Duration(p[0])*lms.Day), day0.Add(time.Duration(p[1])*lms.Day)
		what := fmt.Sprintf("%s, days [%d, %d)", step, p[0], p[1])
		args := []any{courseID, from.UnixMilli(), to.UnixMilli()}
		lessons, err := s.CourseLessonActivity(ctx, courseID, from, to)
		noErr(t, err, "CourseLessonActivity")
		var got [][]int64
		for _, l := range lessons {
			got = append(got, []int64{l.LessonID, int64(l.Views), int64(l.Learners), l.Seconds})
		}
		want := intRows(t, db, `SELECT a.lesson_id, count(*), count(DISTINCT a.user_id), sum(a.seconds)
			FROM lesson_activity a WHERE a.course_id = $1 AND a.day >= $2 AND a.day < $3`+learners+`
			GROUP BY a.lesson_id ORDER BY a.lesson_id`, args...)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: lessons %v, counted %v", what, got, want)
		}
		days, err := s.CourseActivityDays(ctx, courseID, from, to)
		noErr(t, err, "CourseActivityDays")
		got = nil
		for _, d := range days {
			if d.Views > 0 {
				got = append(got, []int64{d.Day.UnixMilli(), int64(d.Views), d.Seconds, int64(d.Active)})
			}
		}
		want = intRows(t, db, `SELECT a.day, count(*), sum(a.seconds), count(DISTINCT a.user_id)
			FROM lesson_activity a WHERE a.course_id = $1 AND a.day >= $2 AND a.day < $3`+learners+`
			GROUP BY a.day ORDER BY a.day`, args...)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: days %v, counted %v", what, got, want)
		}
	}
}

// reportAggregatesVersion is the migration that adds the report aggregates.
const reportAggregatesVersion = 20

// ReportBackfill checks that migration 00020 fills the report aggregates
// from the activity recorded before it: s is rolled back to the version
// before it (downTo), gets activity, is migrated again and must hold what
// a recomputation gives; the triggers then keep it so.
func ReportBackfill(t *testing.T, s interface {
	store.Store
	Migrate(ctx context.Context) error
}, downTo func(ctx context.Context, version int64) error) {
	ctx := ctxOf(t)
	db := s.(interface{ SQLDB() *sql.DB }).SQLDB()
	noErr(t, downTo(ctx, reportAggregatesVersion-1), "migrate down")
	c := &lms.Course{Title: "Old", Visibility: lms.CoursePublished}
	noErr(t, s.CreateCourse(ctx, c), "course")
	m := &lms.Module{CourseID: c.ID, Title: "M"}
	noErr(t, s.CreateModule(ctx, m), "module")
	var lessons []*lms.Lesson
	for i := range 3 {
		l := &lms.Lesson{ModuleID: m.ID, Title: fmt.Sprint("L", i)}
		noErr(t, s.CreateLesson(ctx, l), "lesson")
		lessons = append(lessons, l)
	}
	beat := func(u *lms.User, l *lms.Lesson, d int) {
		t.Helper()
		_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID,
			At: lms.DayOf(base).Add(time.Duration(d) * lms.Day), AddSeconds: 10 + d})
		noErr(t, err, "progress")
	}
	var users []*lms.User
	for i := range 3 {
		u := newUser(t, s, fmt.Sprint("u", i))
		users = append(users, u)
		for d := range 6 {
			for k, l := range lessons {
				if (i+d+k)%3 != 0 {
					beat(u, l, d)
				}
			}
		}
	}
	beat(users[0], lessons[0], 2) // a second beat on a day
	noErr(t, s.Migrate(ctx), "migrate up")
	if n := len(intRows(t, db, `SELECT course_id, day, views FROM report_course_days`)); n != 6 {
		t.Fatalf("backfill: %d course days, want 6", n)
	}
	CheckReportAggregates(t, db, "after the backfill")
	beat(users[1], lessons[0], 9)
	noErr(t, s.DeleteUser(ctx, users[2].ID), "delete user")
	CheckReportAggregates(t, db, "after more activity")
}

package sqldb

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The engagement report's activity figures come from the aggregates of
// migration 00020 (report_course_days, report_lesson_days), which its
// triggers keep for every user with lesson activity. The learner figures
// subtract the few users who are not the course's active learners now
// (staff, learners who left): their own lesson_activity rows are read, so a
// change of enrolment changes the report at once, as it did when the
// report read every row.

// othersRows is a FROM and WHERE that give "a", the lesson_activity rows in
// the course ($1) of its users who are not its active learners. The CROSS
// JOIN makes SQLite start from those few users and read their rows by the
// primary key, not scan the period's rows for them.
const othersRows = ` report_course_users u CROSS JOIN lesson_activity a
	WHERE u.course_id = $1 AND u.user_id NOT IN (SELECT e.user_id FROM enrollments e WHERE e.course_id = $1
		AND e.role = 'learner' AND e.status = 'active')
	AND a.user_id = u.user_id AND a.course_id = $1`

// recordActivity adds a heartbeat's seconds to the learner's day on the
// lesson (see UpdateProgress). It updates the day's row or inserts it, not
// an upsert: the aggregates' insert trigger would fire on a conflicting
// upsert too. Two first heartbeats of one learner's day on one lesson
// cannot race: UpdateProgress holds the learner's lesson_progress row.
func (s *DB) recordActivity(ctx context.Context, p *lms.LessonProgress, at time.Time, seconds int) error {
	ms := toMS(at)
	res, err := s.q.ExecContext(ctx, `UPDATE lesson_activity SET seconds = seconds + $4, beats = beats + 1
		WHERE user_id = $1 AND lesson_id = $2 AND day = $3`, p.UserID, p.LessonID, ms-ms%dayMS, max(seconds, 0))
	if err != nil {
		return s.wrap(err, "record lesson activity")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return s.wrap(err, "record lesson activity")
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO lesson_activity (user_id, lesson_id, course_id, day, seconds, beats)
		VALUES ($1, $2, $3, $4, $5, 1)`, p.UserID, p.LessonID, p.CourseID, ms-ms%dayMS, max(seconds, 0))
	return s.wrap(err, "record lesson activity")
}

// sumQuery is a query whose rows are (key, a, b, c) integers and what to
// do with each row.
type sumQuery struct {
	what, q string
	into    func(key, a, b, c int64)
}

// sumRows runs each query with args and hands its rows to into.
func (s *DB) sumRows(ctx context.Context, queries []sumQuery, args ...any) error {
	for _, qu := range queries {
		rows, err := s.q.QueryContext(ctx, qu.q, args...)
		if err != nil {
			return s.wrap(err, qu.what)
		}
		for rows.Next() {
			var k, a, b, c int64
			if err := rows.Scan(&k, &a, &b, &c); err != nil {
				rows.Close()
				return s.wrap(err, qu.what)
			}
			qu.into(k, a, b, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return s.wrap(err, qu.what)
		}
	}
	return nil
}

// CourseActivityDays returns the course's activity per UTC day: the day
// totals less the other users' rows, the posts and messages of the day,
// and the learners who only posted or chatted.
func (s *DB) CourseActivityDays(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.ActivityDay, error) {
	days := map[int64]*lms.ActivityDay{}
	get := func(d int64) *lms.ActivityDay {
		if days[d] == nil {
			days[d] = &lms.ActivityDay{Day: fromMS(d)}
		}
		return days[d]
	}
	postsDay := `p.created_at - p.created_at % ` + strconv.FormatInt(dayMS, 10)
	msgsDay := `m.created_at - m.created_at % ` + strconv.FormatInt(dayMS, 10)
	err := s.sumRows(ctx, []sumQuery{
		{"activity days", `SELECT day, views, seconds, active FROM report_course_days
			WHERE course_id = $1 AND day >= $2 AND day < $3`,
			func(k, n, secs, active int64) {
				d := get(k)
				d.Views, d.Seconds, d.Active = d.Views+int(n), d.Seconds+secs, d.Active+int(active)
			}},
		{"others' days", `SELECT a.day, count(*), sum(a.seconds), count(DISTINCT a.user_id) FROM` + othersRows + `
			AND a.day >= $2 AND a.day < $3 GROUP BY a.day`,
			func(k, n, secs, users int64) {
				d := get(k)
				d.Views, d.Seconds, d.Active = d.Views-int(n), d.Seconds-secs, d.Active-int(users)
			}},
		{"post days", `SELECT ` + postsDay + `, count(*), 0, 0 FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE t.course_id = $1 AND p.created_at >= $2 AND p.created_at < $3 AND p.deleted_at = 0 GROUP BY ` + postsDay,
			func(k, n, _, _ int64) { get(k).Posts = int(n) }},
		{"message days", `SELECT ` + msgsDay + `, count(*), 0, 0 FROM messages m JOIN rooms r ON r.id = m.room_id
			WHERE r.course_id = $1 AND m.created_at >= $2 AND m.created_at < $3 AND m.deleted_at = 0 GROUP BY ` + msgsDay,
			func(k, n, _, _ int64) { get(k).Messages = int(n) }},
		// Active learners who have no lesson row that day (the NOT EXISTS
		// keeps each learner once without a union of the period's rows).
		// LIMIT 1 OFFSET 0 keeps it a probe per talker-day on PostgreSQL,
		// which otherwise hashes all the course's lesson rows for an anti
		// join (355 ms against 230 ms over the benchmark's year).
		{"talk-only active days", `SELECT x.day, count(DISTINCT x.user_id), 0, 0 FROM (
			SELECT ` + postsDay + ` AS day, p.author_id AS user_id FROM posts p JOIN threads t ON t.id = p.thread_id
				WHERE t.course_id = $1 AND p.created_at >= $2 AND p.created_at < $3 AND p.deleted_at = 0
			UNION SELECT ` + msgsDay + `, m.author_id FROM messages m JOIN rooms r ON r.id = m.room_id
				WHERE r.course_id = $1 AND m.created_at >= $2 AND m.created_at < $3 AND m.deleted_at = 0
			) x WHERE` + learnersOn("x.user_id") + ` AND NOT EXISTS (SELECT 1 FROM lesson_activity a
				WHERE a.course_id = $1 AND a.day = x.day AND a.user_id = x.user_id LIMIT 1 OFFSET 0)
			GROUP BY x.day`,
			func(k, n, _, _ int64) { get(k).Active += int(n) }},
	}, courseID, toMS(lms.DayOf(from)), toMS(lms.DayOf(to)))
	if err != nil {
		return nil, err
	}
	list := make([]*lms.ActivityDay, 0, len(days))
	for _, d := range days {
		if *d != (lms.ActivityDay{Day: d.Day}) { // only others' activity that day
			list = append(list, d)
		}
	}
	slices.SortFunc(list, func(a, b *lms.ActivityDay) int { return a.Day.Compare(b.Day) })
	return list, nil
}

// CourseLessonActivity returns the learners' activity per lesson. Views
// and seconds are the period's lesson-day totals; distinct learners are the
// pairs whose latest day falls in the period plus those with days both in
// and after it (none when the period reaches today), less the other users'.
// When more activity lies after the period than in it, counting the
// period's rows is cheaper, and that is done instead.
func (s *DB) CourseLessonActivity(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.LessonActivity, error) {
	f, t := toMS(lms.DayOf(from)), toMS(lms.DayOf(to))
	var in, after int64
	if err := s.q.QueryRowContext(ctx, `SELECT coalesce(sum(CASE WHEN day < $3 THEN views ELSE 0 END), 0),
		coalesce(sum(CASE WHEN day >= $3 THEN views ELSE 0 END), 0) FROM report_course_days
		WHERE course_id = $1 AND day >= $2`, courseID, f, t).Scan(&in, &after); err != nil {
		return nil, s.wrap(err, "lesson activity")
	}
	if after > in {
		return s.scanLessonActivity(ctx, courseID, f, t)
	}
	lessons := map[int64]*lms.LessonActivity{}
	get := func(id int64) *lms.LessonActivity {
		if lessons[id] == nil {
			lessons[id] = &lms.LessonActivity{LessonID: id}
		}
		return lessons[id]
	}
	add := func(sign int64) func(id, views, learners, secs int64) {
		return func(id, views, learners, secs int64) {
			a := get(id)
			a.Views, a.Learners, a.Seconds = a.Views+int(sign*views), a.Learners+int(sign*learners), a.Seconds+sign*secs
		}
	}
	err := s.sumRows(ctx, []sumQuery{
		{"lesson days", `SELECT lesson_id, sum(views), sum(lasts), sum(seconds) FROM report_lesson_days
			WHERE course_id = $1 AND day >= $2 AND day < $3 GROUP BY lesson_id`, add(1)},
		{"lesson learners after the period", `SELECT a.lesson_id, 0, count(DISTINCT a.user_id), 0 FROM lesson_activity a
			WHERE a.course_id = $1 AND a.day >= $3 AND EXISTS (SELECT 1 FROM lesson_activity b
				WHERE b.user_id = a.user_id AND b.lesson_id = a.lesson_id AND b.day >= $2 AND b.day < $3)
			GROUP BY a.lesson_id`, add(1)},
		{"others' lessons", `SELECT a.lesson_id, count(*), count(DISTINCT a.user_id), sum(a.seconds) FROM` + othersRows + `
			AND a.day >= $2 AND a.day < $3 GROUP BY a.lesson_id`, add(-1)},
	}, courseID, f, t)
	if err != nil {
		return nil, err
	}
	list := make([]*lms.LessonActivity, 0, len(lessons))
	for _, a := range lessons {
		if a.Views > 0 {
			list = append(list, a)
		}
	}
	slices.SortFunc(list, func(a, b *lms.LessonActivity) int { return int(a.LessonID - b.LessonID) })
	return list, nil
}

// scanLessonActivity is CourseLessonActivity from the period's rows.
func (s *DB) scanLessonActivity(ctx context.Context, courseID, from, to int64) ([]*lms.LessonActivity, error) {
	return queryList(ctx, s, "lesson activity", func(sc scanner) (*lms.LessonActivity, error) {
		var a lms.LessonActivity
		return &a, sc.Scan(&a.LessonID, &a.Views, &a.Learners, &a.Seconds)
	}, `SELECT a.lesson_id, count(*), count(DISTINCT a.user_id), sum(a.seconds) FROM lesson_activity a
		WHERE a.course_id = $1 AND a.day >= $2 AND a.day < $3 AND`+learnersOn("a.user_id")+`
		GROUP BY a.lesson_id ORDER BY a.lesson_id`, courseID, from, to)
}

package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Reports = (*DB)(nil)

// dayMS is one day in milliseconds: "x - x % dayMS" is the start of x's UTC day.
const dayMS = int64(lms.Day / time.Millisecond)

// learnerOnly keeps the course's active learners (the query binds $1 to
// the course). It is a semi-join (IN) rather than a join: a join lets
// SQLite loop over the enrolments and scan the period's activity once per
// learner.
const learnerOnly = ` %s IN (SELECT e.user_id FROM enrollments e WHERE e.course_id = $1
	AND e.role = 'learner' AND e.status = 'active')`

// learnersOn returns the learnerOnly condition on the user id column col.
func learnersOn(col string) string { return fmt.Sprintf(learnerOnly, col) }

// ModuleLearners returns each active learner's progress per module. The
// CROSS JOIN makes SQLite read the course's progress once on its covering
// index and look each lesson up; with a JOIN it looped over the lessons and
// probed every learner for each (5 times the work on the benchmark course).
// PostgreSQL plans a CROSS JOIN with a WHERE like any join.
func (s *DB) ModuleLearners(ctx context.Context, courseID int64) ([]*lms.ModuleLearner, error) {
	return queryList(ctx, s, "module learners", func(sc scanner) (*lms.ModuleLearner, error) {
		var m lms.ModuleLearner
		return &m, sc.Scan(&m.ModuleID, &m.UserID, &m.Opened, &m.Completed)
	}, `SELECT l.module_id, p.user_id, count(*), sum(CASE WHEN p.completed_at > 0 THEN 1 ELSE 0 END)
		FROM lesson_progress p CROSS JOIN lessons l
		WHERE l.id = p.lesson_id AND p.course_id = $1 AND l.draft = 0 AND`+learnersOn("p.user_id")+`
		GROUP BY l.module_id, p.user_id ORDER BY l.module_id, p.user_id`, courseID)
}

// LastActivity returns each active learner's latest activity in the course.
func (s *DB) LastActivity(ctx context.Context, courseID int64) (map[int64]time.Time, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT x.user_id, max(x.at) FROM (
		SELECT user_id, last_seen_at AS at FROM lesson_progress WHERE course_id = $1
		UNION ALL SELECT p.author_id, p.created_at FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.course_id = $1
		UNION ALL SELECT m.author_id, m.created_at FROM messages m JOIN rooms r ON r.id = m.room_id WHERE r.course_id = $1
		UNION ALL SELECT user_id, CASE WHEN submitted_at > 0 THEN submitted_at ELSE started_at END FROM attempts WHERE course_id = $1
		UNION ALL SELECT s.submitted_by, s.submitted_at FROM submissions s JOIN assignments a ON a.id = s.assignment_id
			WHERE a.course_id = $1 AND s.submitted_at > 0
		) x WHERE`+learnersOn("x.user_id")+` GROUP BY x.user_id`, courseID)
	if err != nil {
		return nil, s.wrap(err, "last activity")
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, s.wrap(err, "last activity")
		}
		if at > 0 {
			out[id] = fromMS(at)
		}
	}
	return out, s.wrap(rows.Err(), "last activity")
}

// learnerDue is a learner's due date for assignment a with their extension
// x (LEFT JOINed): the extension's when it is later (lms.Extension.Counts).
const learnerDue = `CASE WHEN x.due_at > a.due_at THEN x.due_at ELSE a.due_at END`

// MissedAssignments returns the assignments an active learner missed, at
// their own due date when they have an extension.
func (s *DB) MissedAssignments(ctx context.Context, courseID int64, now time.Time) ([]*lms.MissedDeadline, error) {
	return queryList(ctx, s, "missed assignments", func(sc scanner) (*lms.MissedDeadline, error) {
		m := lms.MissedDeadline{Kind: "assignment"}
		var due int64
		err := sc.Scan(&m.UserID, &m.ID, &m.Title, &due)
		m.DueAt = fromMS(due)
		return &m, err
	}, `SELECT e.user_id, a.id, a.title, `+learnerDue+` AS due FROM assignments a
		JOIN enrollments e ON e.course_id = a.course_id AND e.role = 'learner' AND e.status = 'active'
		LEFT JOIN assignment_extensions x ON x.assignment_id = a.id AND x.user_id = e.user_id
		WHERE a.course_id = $1 AND a.draft = 0 AND a.due_at > 0 AND `+learnerDue+` < $2
		AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.assignment_id = a.id AND s.submitted_at > 0
			AND (s.user_id = e.user_id OR (s.group_id <> 0 AND s.group_id = e.group_id)))
		ORDER BY e.user_id, due, a.id`, courseID, toMS(now))
}

// QuizSubmitters returns who submitted an attempt of each quiz of the course.
func (s *DB) QuizSubmitters(ctx context.Context, courseID int64) (map[int64]map[int64]bool, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT quiz_id, user_id FROM attempts
		WHERE course_id = $1 AND submitted_at > 0`, courseID)
	if err != nil {
		return nil, s.wrap(err, "quiz submitters")
	}
	defer rows.Close()
	out := map[int64]map[int64]bool{}
	for rows.Next() {
		var q, u int64
		if err := rows.Scan(&q, &u); err != nil {
			return nil, s.wrap(err, "quiz submitters")
		}
		if out[q] == nil {
			out[q] = map[int64]bool{}
		}
		out[q][u] = true
	}
	return out, s.wrap(rows.Err(), "quiz submitters")
}

// LearnerTimeline returns a learner's activity in the course, newest first.
func (s *DB) LearnerTimeline(ctx context.Context, courseID, userID int64, limit int) ([]*lms.TimelineEvent, error) {
	msgsDay := `m.created_at - m.created_at % ` + strconv.FormatInt(dayMS, 10)
	return queryList(ctx, s, "learner timeline", func(sc scanner) (*lms.TimelineEvent, error) {
		var (
			e     lms.TimelineEvent
			at, n int64
		)
		err := sc.Scan(&at, &e.Kind, &e.Title, &e.RefID, &n, &e.Points, &e.MaxPoints)
		e.At = fromMS(at)
		if e.Kind == lms.TimelineLesson {
			e.Seconds = n
		} else {
			e.Count = int(n)
		}
		return &e, err
	}, `SELECT at, kind, title, ref_id, n, points, max_points FROM (
		SELECT a.day AS at, 'lesson' AS kind, l.title AS title, a.lesson_id AS ref_id, a.seconds AS n,
			0.0 AS points, 0.0 AS max_points
			FROM lesson_activity a JOIN lessons l ON l.id = a.lesson_id WHERE a.course_id = $1 AND a.user_id = $2
		UNION ALL SELECT p.created_at, 'post', t.title, t.id, 1, 0.0, 0.0 FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE t.course_id = $1 AND p.author_id = $2 AND p.deleted_at = 0
		UNION ALL SELECT `+msgsDay+`, 'chat', r.name, r.id, count(*), 0.0, 0.0 FROM messages m JOIN rooms r ON r.id = m.room_id
			WHERE r.course_id = $1 AND m.author_id = $2 AND m.deleted_at = 0 GROUP BY `+msgsDay+`, r.name, r.id
		UNION ALL SELECT a.submitted_at, 'quiz', q.title, q.id, a.number, a.points, a.max_points
			FROM attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE a.course_id = $1 AND a.user_id = $2 AND a.submitted_at > 0
		UNION ALL SELECT s.submitted_at, 'assignment', a.title, a.id, s.version, 0.0, 0.0
			FROM submissions s JOIN assignments a ON a.id = s.assignment_id
			WHERE a.course_id = $1 AND s.submitted_by = $2 AND s.submitted_at > 0
		) x ORDER BY at DESC, kind, ref_id LIMIT $3`, courseID, userID, lms.ClampLimit(limit))
}

// WrongAnswerLessons returns the lessons tagged on questions the learner got
// wrong in their latest submitted attempt of each quiz.
func (s *DB) WrongAnswerLessons(ctx context.Context, courseID, userID int64) ([]*lms.WrongAnswers, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT ql.lesson_id, q.title FROM attempt_slots sl
		JOIN questions q ON q.id = sl.question_id
		JOIN question_lessons ql ON ql.family_id = q.family_id
		JOIN lessons l ON l.id = ql.lesson_id AND l.course_id = $1
		WHERE sl.max_points > 0 AND sl.points < sl.max_points AND sl.attempt_id IN (
			SELECT max(id) FROM attempts WHERE course_id = $1 AND user_id = $2 AND submitted_at > 0
				AND needs_grading = 0 GROUP BY quiz_id)
		ORDER BY ql.lesson_id, q.title`, courseID, userID)
	if err != nil {
		return nil, s.wrap(err, "wrong answers")
	}
	defer rows.Close()
	out := []*lms.WrongAnswers{}
	for rows.Next() {
		var (
			id    int64
			title string
		)
		if err := rows.Scan(&id, &title); err != nil {
			return nil, s.wrap(err, "wrong answers")
		}
		if n := len(out); n == 0 || out[n-1].LessonID != id {
			out = append(out, &lms.WrongAnswers{LessonID: id})
		}
		w := out[len(out)-1]
		w.Questions = append(w.Questions, title)
	}
	return out, s.wrap(rows.Err(), "wrong answers")
}

// SetQuestionLessons replaces the lessons a question family tests.
func (s *DB) SetQuestionLessons(ctx context.Context, familyID int64, lessonIDs []int64) error {
	return s.tx(ctx, func(tx *DB) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM question_lessons WHERE family_id = $1`, familyID); err != nil {
			return tx.wrap(err, "set question lessons")
		}
		for _, id := range lessonIDs {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO question_lessons (family_id, lesson_id) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, familyID, id); err != nil {
				return tx.wrapFK(err, "set question lessons", "lesson")
			}
		}
		return nil
	})
}

// QuestionLessons returns the lessons a question family tests.
func (s *DB) QuestionLessons(ctx context.Context, familyID int64) ([]int64, error) {
	return queryList(ctx, s, "question lessons", func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT lesson_id FROM question_lessons WHERE family_id = $1 ORDER BY lesson_id`, familyID)
}

// CourseQuestionLessons returns the lessons each tagged question family of
// a course tests.
func (s *DB) CourseQuestionLessons(ctx context.Context, courseID int64) (map[int64][]int64, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT ql.family_id, ql.lesson_id FROM question_lessons ql
		JOIN lessons l ON l.id = ql.lesson_id WHERE l.course_id = $1 ORDER BY ql.family_id, ql.lesson_id`, courseID)
	if err != nil {
		return nil, s.wrap(err, "course question lessons")
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var fam, lesson int64
		if err := rows.Scan(&fam, &lesson); err != nil {
			return nil, s.wrap(err, "course question lessons")
		}
		out[fam] = append(out[fam], lesson)
	}
	return out, s.wrap(rows.Err(), "course question lessons")
}

// SiteCounts returns the site report's figures.
func (s *DB) SiteCounts(ctx context.Context, now time.Time) (*lms.SiteCounts, error) {
	var c lms.SiteCounts
	active := `SELECT count(*) FROM users u WHERE u.disabled = 0 AND (u.last_login_at >= $1
		OR EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.last_seen_at >= $1))`
	for _, q := range []struct {
		dest  any
		query string
		args  []any
	}{
		{&c.Users, `SELECT count(*) FROM users WHERE disabled = 0`, nil},
		{&c.ActiveDay, active, []any{toMS(now.Add(-lms.Day))}},
		{&c.ActiveWeek, active, []any{toMS(now.Add(-7 * lms.Day))}},
		{&c.ActiveMonth, active, []any{toMS(now.Add(-30 * lms.Day))}},
		{&c.Courses, `SELECT count(*) FROM courses`, nil},
	} {
		if err := s.q.QueryRowContext(ctx, q.query, q.args...).Scan(q.dest); err != nil {
			return nil, s.wrap(err, "site counts")
		}
	}
	if err := s.q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM uploads`).
		Scan(&c.Uploads, &c.StorageBytes); err != nil {
		return nil, s.wrap(err, "site counts")
	}
	return &c, nil
}

package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Progress = (*DB)(nil)

const progressCols = `user_id, lesson_id, course_id, opened_at, last_seen_at, seconds_spent, video_percent,
	completed_at`

func scanProgress(sc scanner) (*lms.LessonProgress, error) {
	var (
		p                       lms.LessonProgress
		opened, seen, completed int64
	)
	if err := sc.Scan(&p.UserID, &p.LessonID, &p.CourseID, &opened, &seen, &p.SecondsSpent, &p.VideoPercent, &completed); err != nil {
		return nil, err
	}
	p.OpenedAt, p.LastSeenAt, p.CompletedAt = fromMS(opened), fromMS(seen), fromMS(completed)
	return &p, nil
}

// UpdateProgress applies u in one transaction: opened_at is set once,
// seconds are added, video_percent only rises, completion is set once (or
// cleared by Uncomplete). It also adds the seconds to the learner's day on
// the lesson in lesson_activity (the reports' activity per day).
// CourseID comes from the lesson.
func (s *DB) UpdateProgress(ctx context.Context, u lms.ProgressUpdate) (*lms.LessonProgress, error) {
	var p *lms.LessonProgress
	err := s.tx(ctx, func(tx *DB) error {
		var err error
		p, err = tx.updateProgress(ctx, u)
		return err
	})
	return p, err
}

// updateProgress is UpdateProgress in a transaction.
func (s *DB) updateProgress(ctx context.Context, u lms.ProgressUpdate) (*lms.LessonProgress, error) {
	at := normalize(u.At)
	if at.IsZero() {
		at = normalize(s.now())
	}
	completed := int64(0)
	if u.Complete && !u.Uncomplete {
		completed = toMS(at)
	}
	p, err := scanProgress(s.q.QueryRowContext(ctx, `INSERT INTO lesson_progress (user_id, lesson_id, course_id,
		opened_at, last_seen_at, seconds_spent, video_percent, completed_at)
		SELECT $1, l.id, l.course_id, $3, $3, $4, $7, $5 FROM lessons l WHERE l.id = $2
		ON CONFLICT (user_id, lesson_id) DO UPDATE SET
			opened_at = CASE WHEN lesson_progress.opened_at = 0 THEN excluded.opened_at
				ELSE lesson_progress.opened_at END,
			last_seen_at = excluded.last_seen_at,
			seconds_spent = lesson_progress.seconds_spent + excluded.seconds_spent,
			video_percent = CASE WHEN excluded.video_percent > lesson_progress.video_percent
				THEN excluded.video_percent ELSE lesson_progress.video_percent END,
			completed_at = CASE WHEN $6 = 1 THEN 0
				WHEN lesson_progress.completed_at = 0 THEN excluded.completed_at
				ELSE lesson_progress.completed_at END
		RETURNING `+progressCols,
		u.UserID, u.LessonID, toMS(at), max(u.AddSeconds, 0), completed, boolInt(u.Uncomplete),
		min(max(u.VideoPercent, 0), 100)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, lms.Errorf(lms.ENOTFOUND, "lesson not found")
	case err != nil:
		return nil, s.wrapFK(err, "update progress", "user")
	}
	if err := s.recordActivity(ctx, p, at, u.AddSeconds); err != nil {
		return nil, err
	}
	return p, nil
}

// LessonProgressOf returns one learner's progress in one lesson.
func (s *DB) LessonProgressOf(ctx context.Context, userID, lessonID int64) (*lms.LessonProgress, error) {
	p, err := scanProgress(s.q.QueryRowContext(ctx, `SELECT `+progressCols+` FROM lesson_progress
		WHERE user_id = $1 AND lesson_id = $2`, userID, lessonID))
	if err != nil {
		return nil, s.notFound(err, "progress")
	}
	return p, nil
}

// ListProgress returns a course's progress rows (one user's when userID != 0).
func (s *DB) ListProgress(ctx context.Context, courseID, userID int64) ([]*lms.LessonProgress, error) {
	var a args
	where := ` WHERE course_id = ` + a.add(courseID)
	if userID != 0 {
		where += ` AND user_id = ` + a.add(userID)
	}
	return queryList(ctx, s, "list progress", scanProgress,
		`SELECT `+progressCols+` FROM lesson_progress`+where+` ORDER BY user_id, lesson_id`, a...)
}

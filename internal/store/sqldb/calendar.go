package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Calendar = (*DB)(nil)

const courseEventCols = `id, course_id, title, description, location, room_id, starts_at, ends_at, created_by,
	created_at, updated_at`

func scanCourseEvent(sc scanner) (*lms.CourseEvent, error) {
	var (
		e                      lms.CourseEvent
		room                   sql.NullInt64
		starts, ends, crt, upd int64
	)
	if err := sc.Scan(&e.ID, &e.CourseID, &e.Title, &e.Description, &e.Location, &room, &starts, &ends,
		&e.CreatedBy, &crt, &upd); err != nil {
		return nil, err
	}
	e.RoomID = room.Int64
	e.StartsAt, e.EndsAt, e.CreatedAt, e.UpdatedAt = fromMS(starts), fromMS(ends), fromMS(crt), fromMS(upd)
	return &e, nil
}

// roomArg stores room id 0 as NULL.
func roomArg(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateCourseEvent inserts e and sets e.ID, CreatedAt and UpdatedAt.
func (s *DB) CreateCourseEvent(ctx context.Context, e *lms.CourseEvent) error {
	now := normalize(s.now())
	e.StartsAt, e.EndsAt = normalize(e.StartsAt), normalize(e.EndsAt)
	err := s.q.QueryRowContext(ctx, `INSERT INTO course_events (course_id, title, description, location, room_id,
		starts_at, ends_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		RETURNING id`, e.CourseID, e.Title, e.Description, e.Location, roomArg(e.RoomID), toMS(e.StartsAt),
		toMS(e.EndsAt), e.CreatedBy, toMS(now)).Scan(&e.ID)
	if err != nil {
		return s.wrapFK(err, "create course event", "course or room")
	}
	e.CreatedAt, e.UpdatedAt = now, now
	return nil
}

// CourseEventByID returns the event (ENOTFOUND if none).
func (s *DB) CourseEventByID(ctx context.Context, id int64) (*lms.CourseEvent, error) {
	e, err := scanCourseEvent(s.q.QueryRowContext(ctx, `SELECT `+courseEventCols+` FROM course_events WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "event")
	}
	return e, nil
}

// UpdateCourseEvent saves the event's editable fields and sets UpdatedAt.
func (s *DB) UpdateCourseEvent(ctx context.Context, e *lms.CourseEvent) error {
	now := normalize(s.now())
	e.StartsAt, e.EndsAt = normalize(e.StartsAt), normalize(e.EndsAt)
	err := s.execOne(ctx, "event", `UPDATE course_events SET title = $1, description = $2, location = $3,
		room_id = $4, starts_at = $5, ends_at = $6, updated_at = $7 WHERE id = $8`, e.Title, e.Description,
		e.Location, roomArg(e.RoomID), toMS(e.StartsAt), toMS(e.EndsAt), toMS(now), e.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return lms.Errorf(lms.ENOTFOUND, "room not found")
		}
		return err
	}
	e.UpdatedAt = now
	return nil
}

// DeleteCourseEvent removes the event (ENOTFOUND if none).
func (s *DB) DeleteCourseEvent(ctx context.Context, id int64) error {
	return s.execOne(ctx, "event", `DELETE FROM course_events WHERE id = $1`, id)
}

// ListCourseEvents returns the events of the courses that overlap [from, to).
func (s *DB) ListCourseEvents(ctx context.Context, courseIDs []int64, from, to time.Time) ([]*lms.CourseEvent, error) {
	if len(courseIDs) == 0 {
		return []*lms.CourseEvent{}, nil
	}
	var a args
	q := `SELECT ` + courseEventCols + ` FROM course_events WHERE course_id IN ` + a.in(courseIDs)
	fromP, toP := a.add(toMS(from)), a.add(toMS(to))
	q += ` AND starts_at < ` + toP + ` AND (starts_at >= ` + fromP + ` OR ends_at > ` + fromP + `)
		ORDER BY starts_at, id LIMIT ` + a.add(store.MaxCourseEvents)
	return queryList(ctx, s, "list course events", scanCourseEvent, q, a...)
}

// PutCalendarFeed replaces the user's feed token hash.
func (s *DB) PutCalendarFeed(ctx context.Context, userID int64, hash []byte, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		userID, hash, toMS(at))
	return s.wrapFK(err, "put calendar feed", "user")
}

// CalendarFeedUser returns the owner of the feed token hash.
func (s *DB) CalendarFeedUser(ctx context.Context, hash []byte) (int64, error) {
	var id int64
	if err := s.q.QueryRowContext(ctx, `SELECT user_id FROM calendar_feeds WHERE token_hash = $1`, hash).Scan(&id); err != nil {
		return 0, s.notFound(err, "calendar feed")
	}
	return id, nil
}

// CalendarFeedOf returns when the user's feed token was made.
func (s *DB) CalendarFeedOf(ctx context.Context, userID int64) (time.Time, error) {
	var at int64
	if err := s.q.QueryRowContext(ctx, `SELECT created_at FROM calendar_feeds WHERE user_id = $1`, userID).Scan(&at); err != nil {
		return time.Time{}, s.notFound(err, "calendar feed")
	}
	return fromMS(at), nil
}

// DeleteCalendarFeed removes the user's feed token.
func (s *DB) DeleteCalendarFeed(ctx context.Context, userID int64) error {
	return s.execOne(ctx, "calendar feed", `DELETE FROM calendar_feeds WHERE user_id = $1`, userID)
}

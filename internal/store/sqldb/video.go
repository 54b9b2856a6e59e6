package sqldb

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.VideoSessions = (*DB)(nil)

const videoSessionCols = `id, room_id, course_id, node_id, started_at, heartbeat_at, ended_at`

func scanVideoSession(sc scanner) (*lms.VideoSession, error) {
	var (
		v                    lms.VideoSession
		started, beat, ended int64
	)
	if err := sc.Scan(&v.ID, &v.RoomID, &v.CourseID, &v.NodeID, &started, &beat, &ended); err != nil {
		return nil, err
	}
	v.StartedAt, v.HeartbeatAt, v.EndedAt = fromMS(started), fromMS(beat), fromMS(ended)
	return &v, nil
}

// ClaimVideoSession ends a stale open session of another node (with its
// open attendance), inserts an open one for node unless one exists (the
// partial unique index on room_id decides between concurrent claims), and
// returns the open session.
func (s *DB) ClaimVideoSession(ctx context.Context, roomID, courseID int64, node string, now, staleBefore time.Time) (*lms.VideoSession, error) {
	err := s.InTx(ctx, func(st store.Store) error {
		tx := st.(*DB)
		stale := `SELECT id FROM live_sessions WHERE room_id = $1 AND ended_at = 0 AND node_id <> $2 AND heartbeat_at < $3`
		if _, err := tx.q.ExecContext(ctx, `UPDATE live_attendance SET left_at = (SELECT heartbeat_at FROM live_sessions
			WHERE live_sessions.id = live_attendance.session_id)
			WHERE left_at = 0 AND session_id IN (`+stale+`)`, roomID, node, toMS(staleBefore)); err != nil {
			return tx.wrap(err, "end stale attendance")
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE live_sessions SET ended_at = heartbeat_at
			WHERE id IN (`+stale+`)`, roomID, node, toMS(staleBefore)); err != nil {
			return tx.wrap(err, "end stale video session")
		}
		_, err := tx.q.ExecContext(ctx, `INSERT INTO live_sessions (room_id, course_id, node_id, started_at, heartbeat_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT (room_id) WHERE ended_at = 0 DO NOTHING`,
			roomID, courseID, node, toMS(now))
		return tx.wrapFK(err, "claim video session", "room or course")
	})
	if err != nil {
		return nil, err
	}
	return s.OpenVideoSession(ctx, roomID)
}

// OpenVideoSession returns the room's open session (ENOTFOUND if none).
func (s *DB) OpenVideoSession(ctx context.Context, roomID int64) (*lms.VideoSession, error) {
	v, err := scanVideoSession(s.q.QueryRowContext(ctx, `SELECT `+videoSessionCols+` FROM live_sessions
		WHERE room_id = $1 AND ended_at = 0`, roomID))
	if err != nil {
		return nil, s.notFound(err, "video session")
	}
	return v, nil
}

// TouchVideoSessions refreshes the heartbeat of node's open sessions.
func (s *DB) TouchVideoSessions(ctx context.Context, node string, now time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE live_sessions SET heartbeat_at = $2 WHERE node_id = $1 AND ended_at = 0`,
		node, toMS(now))
	return s.wrap(err, "touch video sessions")
}

// EndVideoSession ends the session and its open attendance at `at`.
func (s *DB) EndVideoSession(ctx context.Context, id int64, at time.Time) error {
	return s.InTx(ctx, func(st store.Store) error {
		tx := st.(*DB)
		var ended int64
		if err := tx.q.QueryRowContext(ctx, `SELECT ended_at FROM live_sessions WHERE id = $1`, id).Scan(&ended); err != nil {
			return tx.notFound(err, "video session")
		}
		if ended != 0 {
			return nil
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE live_attendance SET left_at = $2 WHERE session_id = $1 AND left_at = 0`,
			id, toMS(at)); err != nil {
			return tx.wrap(err, "end attendance")
		}
		_, err := tx.q.ExecContext(ctx, `UPDATE live_sessions SET ended_at = $2 WHERE id = $1`, id, toMS(at))
		return tx.wrap(err, "end video session")
	})
}

// StartAttendance inserts a and sets a.ID.
func (s *DB) StartAttendance(ctx context.Context, a *lms.Attendance) error {
	a.JoinedAt = normalize(a.JoinedAt)
	err := s.q.QueryRowContext(ctx, `INSERT INTO live_attendance (session_id, user_id, joined_at)
		VALUES ($1, $2, $3) RETURNING id`, a.SessionID, a.UserID, toMS(a.JoinedAt)).Scan(&a.ID)
	if err != nil {
		return s.wrapFK(err, "start attendance", "video session")
	}
	return nil
}

// EndAttendance sets LeftAt of an open attendance.
func (s *DB) EndAttendance(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE live_attendance SET left_at = $2 WHERE id = $1 AND left_at = 0`, id, toMS(at))
	return s.wrap(err, "end attendance")
}

// CourseAttendance returns the attendance of a course's sessions started
// in [from, to).
func (s *DB) CourseAttendance(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.AttendanceRow, error) {
	var a args
	q := `SELECT a.id, a.session_id, a.user_id, a.joined_at, a.left_at, v.room_id, COALESCE(r.name, ''), v.started_at,
		COALESCE(u.username, ''), COALESCE(u.name, '')
		FROM live_attendance a JOIN live_sessions v ON v.id = a.session_id
		LEFT JOIN rooms r ON r.id = v.room_id LEFT JOIN users u ON u.id = a.user_id
		WHERE v.course_id = ` + a.add(courseID)
	if !from.IsZero() {
		q += ` AND v.started_at >= ` + a.add(toMS(from))
	}
	if !to.IsZero() {
		q += ` AND v.started_at < ` + a.add(toMS(to))
	}
	q += ` ORDER BY v.started_at, a.joined_at, a.id LIMIT ` + a.add(store.MaxAttendanceRows)
	rows, err := s.q.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, s.wrap(err, "list attendance")
	}
	defer func() { _ = rows.Close() }()
	out := []*lms.AttendanceRow{}
	for rows.Next() {
		var (
			r                     lms.AttendanceRow
			joined, left, started int64
		)
		if err := rows.Scan(&r.ID, &r.SessionID, &r.UserID, &joined, &left, &r.RoomID, &r.RoomName, &started,
			&r.Username, &r.Name); err != nil {
			return nil, s.wrap(err, "list attendance")
		}
		r.JoinedAt, r.LeftAt, r.StartedAt = fromMS(joined), fromMS(left), fromMS(started)
		out = append(out, &r)
	}
	return out, s.wrap(rows.Err(), "list attendance")
}

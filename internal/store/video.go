package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// VideoSessions stores which node hosts each room's live video session and
// who attended it. A room has at most one open session.
type VideoSessions interface {
	// ClaimVideoSession returns the room's open session, opening one hosted
	// by node when there is none. An open session of another node whose
	// heartbeat is before staleBefore is ended first (at its last
	// heartbeat, with its open attendance), so node takes the room over.
	// Concurrent claims of one room return the same session.
	ClaimVideoSession(ctx context.Context, roomID, courseID int64, node string, now, staleBefore time.Time) (*lms.VideoSession, error)
	// OpenVideoSession returns the room's open session (ENOTFOUND if none).
	OpenVideoSession(ctx context.Context, roomID int64) (*lms.VideoSession, error)
	// TouchVideoSessions sets the heartbeat of node's open sessions to now.
	TouchVideoSessions(ctx context.Context, node string, now time.Time) error
	// EndVideoSession ends the session and every open attendance in it at
	// `at` (a no-op for an ended session; ENOTFOUND if none).
	EndVideoSession(ctx context.Context, id int64, at time.Time) error
	// StartAttendance inserts a (SessionID, UserID, JoinedAt) and sets a.ID.
	StartAttendance(ctx context.Context, a *lms.Attendance) error
	// EndAttendance sets LeftAt of an open attendance (a no-op once set).
	EndAttendance(ctx context.Context, id int64, at time.Time) error
	// CourseAttendance returns the attendance of a course's sessions that
	// started in [from, to) (zero times: unbounded), ordered by session
	// start, join time and id, at most MaxAttendanceRows.
	CourseAttendance(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.AttendanceRow, error)
}

// MaxAttendanceRows bounds one CourseAttendance answer.
const MaxAttendanceRows = 50000

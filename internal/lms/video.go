package lms

import "time"

// VideoSession is one live video session of a room: it is hosted by one
// node (NodeID), which refreshes HeartbeatAt while it lives; another node
// may take a session over when its heartbeat is stale (the host died).
// EndedAt is zero while the session is open.
type VideoSession struct {
	ID          int64     `json:"id"`
	RoomID      int64     `json:"room_id"`
	CourseID    int64     `json:"course_id"`
	NodeID      string    `json:"node_id"`
	StartedAt   time.Time `json:"started_at"`
	HeartbeatAt time.Time `json:"heartbeat_at"`
	EndedAt     time.Time `json:"ended_at,omitzero"`
}

// Attendance is one stay of a user in a live video session: from joining
// to leaving (LeftAt zero while still there).
type Attendance struct {
	ID        int64     `json:"id"`
	SessionID int64     `json:"session_id"`
	UserID    int64     `json:"user_id"`
	JoinedAt  time.Time `json:"joined_at"`
	LeftAt    time.Time `json:"left_at,omitzero"`
}

// AttendanceRow is an Attendance with where and who, for reports.
type AttendanceRow struct {
	Attendance
	RoomID    int64     `json:"room_id"`
	RoomName  string    `json:"room_name"`
	StartedAt time.Time `json:"session_started_at"`
	Username  string    `json:"username"` // empty when the account was deleted
	Name      string    `json:"name"`
}

// Minutes is the time the stay lasted, in minutes (until now while the
// user is still there).
func (a *Attendance) Minutes(now time.Time) float64 {
	end := a.LeftAt
	if end.IsZero() {
		end = now
	}
	if end.Before(a.JoinedAt) {
		return 0
	}
	return end.Sub(a.JoinedAt).Minutes()
}

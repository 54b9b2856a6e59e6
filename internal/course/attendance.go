package course

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// AttendanceStore is what the Attendance service reads (store.VideoSessions).
type AttendanceStore interface {
	// CourseAttendance returns the stays in a course's live sessions that
	// started in [from, to) (zero times: unbounded), ordered by session
	// start, join time and id.
	CourseAttendance(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.AttendanceRow, error)
}

// Attendance reports who was in a course's live sessions, when, and for how
// long (the live video layer records every stay).
type Attendance struct {
	core
	store AttendanceStore
}

// NewAttendance returns the attendance service over st.
func NewAttendance(b Base, st AttendanceStore) *Attendance {
	return &Attendance{core: newCore(b), store: st}
}

// AttendanceReport is a course's live sessions with who attended each.
type AttendanceReport struct {
	CourseID int64               `json:"course_id"`
	Sessions []AttendanceSession `json:"sessions"` // oldest first
}

// AttendanceSession is one live session of a room.
type AttendanceSession struct {
	SessionID int64              `json:"session_id"`
	RoomID    int64              `json:"room_id"`
	RoomName  string             `json:"room_name"`
	StartedAt time.Time          `json:"started_at"`
	People    []PersonAttendance `json:"people"` // by first join
}

// PersonAttendance is one person's stays in a session; Minutes counts the
// time they were in it at least once (two tabs at once count once), an
// open stay up to now.
type PersonAttendance struct {
	UserID   int64            `json:"user_id"`
	Username string           `json:"username"` // empty when the account was deleted
	Name     string           `json:"name"`
	Stays    []AttendanceStay `json:"stays"`
	Seconds  int64            `json:"seconds"`
	Minutes  int64            `json:"minutes"` // Seconds rounded to the nearest minute
}

// AttendanceStay is one join and leave; LeftAt is absent while still there.
type AttendanceStay struct {
	JoinedAt time.Time `json:"joined_at"`
	LeftAt   time.Time `json:"left_at,omitzero"`
}

// AttendanceReport returns the attendance of the course's live sessions
// started in [from, to) (zero: unbounded), for those who see grades.
func (s *Attendance) AttendanceReport(ctx context.Context, actor *lms.User, courseID int64, from, to time.Time) (*AttendanceReport, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActViewGrades); err != nil {
		return nil, err
	}
	rows, err := s.store.CourseAttendance(ctx, courseID, from, to)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rep := &AttendanceReport{CourseID: courseID, Sessions: []AttendanceSession{}}
	for _, r := range rows {
		if n := len(rep.Sessions); n == 0 || rep.Sessions[n-1].SessionID != r.SessionID {
			rep.Sessions = append(rep.Sessions, AttendanceSession{SessionID: r.SessionID, RoomID: r.RoomID,
				RoomName: r.RoomName, StartedAt: r.StartedAt, People: []PersonAttendance{}})
		}
		sess := &rep.Sessions[len(rep.Sessions)-1]
		i := slices.IndexFunc(sess.People, func(p PersonAttendance) bool { return p.UserID == r.UserID })
		if i < 0 {
			sess.People = append(sess.People, PersonAttendance{UserID: r.UserID, Username: r.Username, Name: r.Name})
			i = len(sess.People) - 1
		}
		sess.People[i].Stays = append(sess.People[i].Stays, AttendanceStay{JoinedAt: r.JoinedAt, LeftAt: r.LeftAt})
	}
	for si := range rep.Sessions {
		for pi := range rep.Sessions[si].People {
			p := &rep.Sessions[si].People[pi]
			p.Seconds = int64(presence(p.Stays, now) / time.Second)
			p.Minutes = (p.Seconds + 30) / 60
		}
	}
	return rep, nil
}

// presence is the time covered by at least one of the stays (ordered by
// join time); an open stay lasts until now.
func presence(stays []AttendanceStay, now time.Time) time.Duration {
	var total time.Duration
	var start, end time.Time
	for _, st := range stays {
		left := st.LeftAt
		if left.IsZero() || left.After(now) {
			left = now
		}
		if left.Before(st.JoinedAt) {
			continue
		}
		if !end.IsZero() && !st.JoinedAt.After(end) { // overlaps the current run
			if left.After(end) {
				end = left
			}
			continue
		}
		total += end.Sub(start)
		start, end = st.JoinedAt, left
	}
	return total + end.Sub(start)
}

// WriteAttendanceCSV writes the report as CSV, one row per stay, with the
// person's total minutes in that session on each of their rows.
func (s *Attendance) WriteAttendanceCSV(ctx context.Context, actor *lms.User, courseID int64, from, to time.Time, w io.Writer) error {
	rep, err := s.AttendanceReport(ctx, actor, courseID, from, to)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"session_id", "room", "session_started_at", "username", "name", "joined_at", "left_at",
		"stay_minutes", "session_minutes"})
	now := s.now()
	for _, sess := range rep.Sessions {
		for _, p := range sess.People {
			for _, st := range p.Stays {
				left, stay := "", presence([]AttendanceStay{st}, now)
				if !st.LeftAt.IsZero() {
					left = st.LeftAt.UTC().Format(time.RFC3339)
				}
				_ = cw.Write([]string{strconv.FormatInt(sess.SessionID, 10), csvSafe(sess.RoomName),
					sess.StartedAt.UTC().Format(time.RFC3339), csvSafe(p.Username), csvSafe(p.Name),
					st.JoinedAt.UTC().Format(time.RFC3339), left, strconv.FormatInt(int64((stay+30*time.Second)/time.Minute), 10),
					strconv.FormatInt(p.Minutes, 10)})
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write attendance csv: %w", err)
	}
	return nil
}

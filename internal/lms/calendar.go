package lms

import (
	"strings"
	"time"
)

// Calendar audit actions (internal/calendar).
const (
	AuditEventCreate = "course.event_create"  // an instructor added a course event
	AuditEventUpdate = "course.event_update"  // changed one
	AuditEventDelete = "course.event_delete"  // deleted one
	AuditFeedReset   = "calendar.feed_reset"  // a user made (or remade) their calendar feed URL
	AuditFeedDelete  = "calendar.feed_delete" // a user turned their calendar feed off
)

// Limits of a course event's text.
const (
	MaxEventTitle       = 200
	MaxEventDescription = 4000
	MaxEventLocation    = 200
	// MaxEventLength bounds how long one event lasts.
	MaxEventLength = 31 * 24 * time.Hour
)

// CourseEvent is a dated thing an instructor adds to a course's calendar
// (a field trip, an exam, office hours); with RoomID it is a scheduled live
// session in that room.
type CourseEvent struct {
	ID          int64     `json:"id"`
	CourseID    int64     `json:"course_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"` // plain text, newlines kept
	Location    string    `json:"location"`
	RoomID      int64     `json:"room_id,omitzero"` // a live session in this room of the course; 0: none
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at,omitzero"` // zero: a point in time
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks the event's fields (not its course or room).
func (e *CourseEvent) Validate() error {
	if err := CheckText("title", e.Title, MaxEventTitle, true); err != nil {
		return err
	}
	if err := CheckText("description", strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(e.Description),
		MaxEventDescription, false); err != nil {
		return err
	}
	if err := CheckText("location", e.Location, MaxEventLocation, false); err != nil {
		return err
	}
	switch {
	case e.StartsAt.IsZero():
		return FieldError("starts_at", "The start time is required.")
	case !e.EndsAt.IsZero() && !e.EndsAt.After(e.StartsAt):
		return FieldError("ends_at", "The event must end after it starts.")
	case !e.EndsAt.IsZero() && e.EndsAt.Sub(e.StartsAt) > MaxEventLength:
		return FieldError("ends_at", "An event lasts at most %d days.", int(MaxEventLength/(24*time.Hour)))
	}
	return nil
}

// CalendarKind is what a calendar item marks.
type CalendarKind string

// Calendar item kinds.
const (
	CalLessonRelease    CalendarKind = "lesson_release"    // a lesson becomes available
	CalQuizOpens        CalendarKind = "quiz_opens"        // a quiz opens (with the learner's override)
	CalQuizCloses       CalendarKind = "quiz_closes"       // a quiz closes (with the learner's override)
	CalAssignmentDue    CalendarKind = "assignment_due"    // an assignment is due
	CalAssignmentCutoff CalendarKind = "assignment_cutoff" // late work is no longer accepted
	CalEvent            CalendarKind = "event"             // a course event
	CalLiveSession      CalendarKind = "live_session"      // a scheduled live session (an event with a room)
)

// Label is the kind's short English label ("Assignment due").
func (k CalendarKind) Label() string {
	switch k {
	case CalLessonRelease:
		return "Lesson released"
	case CalQuizOpens:
		return "Quiz opens"
	case CalQuizCloses:
		return "Quiz closes"
	case CalAssignmentDue:
		return "Assignment due"
	case CalAssignmentCutoff:
		return "Last day for late work"
	case CalLiveSession:
		return "Live session"
	default:
		return "Event"
	}
}

// CalendarItem is one dated thing on a person's calendar, as they may see
// it (their overrides applied, hidden things left out).
type CalendarItem struct {
	// UID is stable across reads and unique across kinds ("assignment-12-due"):
	// the iCal feed's UID.
	UID         string       `json:"uid"`
	Kind        CalendarKind `json:"kind"`
	CourseID    int64        `json:"course_id"`
	CourseTitle string       `json:"course_title"`
	ItemID      int64        `json:"item_id"` // the lesson, quiz, assignment or event id
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Location    string       `json:"location,omitempty"`
	StartsAt    time.Time    `json:"starts_at"`
	EndsAt      time.Time    `json:"ends_at,omitzero"` // zero: a point in time
	// Link is the app path of the thing ("/courses/3/assignments/12").
	Link string `json:"link"`
	// Overridden says a personal or group override (or an assignment
	// extension) moved the date.
	Overridden bool `json:"overridden,omitzero"`
}

// End returns when the item ends: EndsAt, or StartsAt for a point in time.
func (c *CalendarItem) End() time.Time {
	if c.EndsAt.IsZero() {
		return c.StartsAt
	}
	return c.EndsAt
}

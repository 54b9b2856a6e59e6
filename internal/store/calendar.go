package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Calendar stores course events and each user's calendar feed token.
// Deleting a course deletes its events; deleting a room takes it off its
// events (they stay, as plain events).
type Calendar interface {
	// CreateCourseEvent inserts e and sets e.ID, CreatedAt and UpdatedAt
	// (ENOTFOUND when the course or room does not exist).
	CreateCourseEvent(ctx context.Context, e *lms.CourseEvent) error
	// CourseEventByID returns the event (ENOTFOUND if none).
	CourseEventByID(ctx context.Context, id int64) (*lms.CourseEvent, error)
	// UpdateCourseEvent saves Title, Description, Location, RoomID,
	// StartsAt and EndsAt and sets UpdatedAt (ENOTFOUND if none).
	UpdateCourseEvent(ctx context.Context, e *lms.CourseEvent) error
	// DeleteCourseEvent removes the event (ENOTFOUND if none).
	DeleteCourseEvent(ctx context.Context, id int64) error
	// ListCourseEvents returns the events of these courses that overlap
	// [from, to) (a point in time: starts in it), ordered by start then id,
	// at most MaxCourseEvents.
	ListCourseEvents(ctx context.Context, courseIDs []int64, from, to time.Time) ([]*lms.CourseEvent, error)

	// PutCalendarFeed gives the user the feed token with this hash,
	// replacing any previous one (whose URL stops working).
	PutCalendarFeed(ctx context.Context, userID int64, hash []byte, at time.Time) error
	// CalendarFeedUser returns the user whose feed token has this hash
	// (ENOTFOUND if none).
	CalendarFeedUser(ctx context.Context, hash []byte) (int64, error)
	// CalendarFeedOf returns when the user's feed token was made
	// (ENOTFOUND if they have none).
	CalendarFeedOf(ctx context.Context, userID int64) (time.Time, error)
	// DeleteCalendarFeed removes the user's feed token (ENOTFOUND if none).
	DeleteCalendarFeed(ctx context.Context, userID int64) error
}

// MaxCourseEvents bounds one ListCourseEvents answer.
const MaxCourseEvents = 5000

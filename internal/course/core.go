// Package course holds the rules of courses over the storage contract:
// creating and publishing courses, enrolment (join codes, invitations, CSV
// rosters, groups), modules and lessons (Markdown rendered and sanitised at
// save time, release rules, reordering), uploads, learner progress,
// discussion boards, persistent room chat and in-app notifications.
//
// Every operation takes the acting user (nil for an anonymous caller) and
// checks permission with lms.Can and the caller's course role: anonymous
// callers get EUNAUTHORIZED, people outside a course get ENOTFOUND for
// everything in it (so ids cannot be probed), members without the right get
// EFORBIDDEN. Durable changes are stored first, then announced through the
// Publisher.
package course

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Tunables.
const (
	DefaultEditWindow   = 30 * time.Minute // authors may edit a post this long after writing it
	DefaultMaxHeartbeat = 60 * time.Second // one progress heartbeat counts at most this much time
	heartbeatSlack      = 5 * time.Second  // allowed clock drift between heartbeats
	publishTimeout      = 2 * time.Second  // bound on one live announcement
	joinCodeLength      = 8                // characters in a generated join code
	joinCodeAttempts    = 5                // retries when a generated code is taken
	maxMentionsPerPost  = 20               // @mentions notified per post or message
	DefaultUploadGrace  = 24 * time.Hour   // an unreferenced upload is swept after this long
)

// Event is what the service announces on a feed: Kind says what happened,
// the other fields carry it.
type Event struct {
	Kind         string              `json:"kind"` // see the Event* constants
	CourseID     int64               `json:"course_id,omitzero"`
	Progress     *lms.LessonProgress `json:"progress,omitempty"`
	Post         *lms.Post           `json:"post,omitempty"`
	Thread       *lms.Thread         `json:"thread,omitempty"`
	Message      *lms.Message        `json:"message,omitempty"`
	Reaction     *lms.Reaction       `json:"reaction,omitempty"`
	Notification *lms.Notification   `json:"notification,omitempty"`
	ReadState    *lms.ReadState      `json:"read_state,omitempty"`
	Removed      bool                `json:"removed,omitempty"` // a reaction was removed
	Course       *lms.CourseProgress `json:"course_progress,omitempty"`
	Extra        map[string]any      `json:"extra,omitempty"`
}

// Event kinds.
const (
	EventProgress       = "progress"        // a learner opened, worked on or completed a lesson
	EventPostCreated    = "post.created"    // a new post in a thread
	EventPostEdited     = "post.edited"     // a post's body changed
	EventPostDeleted    = "post.deleted"    // a post became a tombstone
	EventThreadUpdated  = "thread.updated"  // pinned, locked or answered
	EventThreadCreated  = "thread.created"  // a new thread in a forum (on the forum's topic)
	EventReaction       = "reaction"        // a reaction was added or removed
	EventMessageCreated = "message.created" // a new chat message (stored)
	EventMessageEdited  = "message.edited"  // a chat message's body changed
	EventMessageDeleted = "message.deleted" // a chat message became a tombstone
	EventRead           = "read"            // a member's read position moved
	EventNotification   = "notification"    // a new notification for the user
)

// requireUser returns EUNAUTHORIZED for anonymous or disabled callers.
func requireUser(u *lms.User) error {
	if u == nil || u.Disabled || u.ID == 0 {
		return lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	return nil
}

// errCourseNotFound is what outsiders get for anything in a course.
func errCourseNotFound() error { return lms.Errorf(lms.ENOTFOUND, "course not found") }

// errForbidden is what members without the right get.
func errForbidden() error { return lms.Errorf(lms.EFORBIDDEN, "You may not do this in this course.") }

// Base is what every course service shares; NewServices builds it once.
type Base struct {
	Logger zerolog.Logger
	// Announcer delivers stored changes live; nil announces nothing
	// (and leaves nothing in the outbox).
	Announcer Announcer
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Access answers who a caller is in a course.
	Access *Loader
}

// core is Base as the services hold it.
type core struct {
	log    zerolog.Logger
	ann    Announcer
	now    func() time.Time
	access *Loader
}

func newCore(b Base) core {
	c := core{log: b.Logger, ann: b.Announcer, now: b.Clock, access: b.Access}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// load checks that u may do act in the course and returns the access.
func (c *core) load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*Access, error) {
	return c.access.Load(ctx, u, courseID, act)
}

// hideMissing turns ENOTFOUND of a thing inside a course into the same
// answer an outsider gets, so probing ids tells nothing.
func hideMissing(err error, what string) error {
	if lms.IsCode(err, lms.ENOTFOUND) {
		return lms.Errorf(lms.ENOTFOUND, "%s not found", what)
	}
	return err
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

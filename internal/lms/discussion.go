package lms

import (
	"time"
	"unicode/utf8"
)

// Discussion limits.
const (
	MaxPostDepth     = 2  // a reply to a reply is as deep as threads go (0 = opening post)
	MaxEmojiBytes    = 32 // a reaction is one short emoji or shortcode
	MaxNotifyPayload = 4096
)

// Forum is a course's discussion board.
type Forum struct {
	ID          int64     `json:"id"`
	CourseID    int64     `json:"course_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate checks a forum's editable fields.
func (f *Forum) Validate() error {
	if err := CheckText("title", f.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if utf8.RuneCountInString(f.Description) > MaxDescriptionChars || !utf8.ValidString(f.Description) {
		return FieldError("description", "The description must be valid text of at most %d characters.", MaxDescriptionChars)
	}
	return nil
}

// Thread is a topic in a forum: its opening post and replies.
type Thread struct {
	ID           int64     `json:"id"`
	ForumID      int64     `json:"forum_id"`
	CourseID     int64     `json:"course_id"` // the forum's course (kept by the store)
	AuthorID     int64     `json:"author_id"`
	Title        string    `json:"title"`
	Pinned       bool      `json:"pinned"`
	Locked       bool      `json:"locked"`                  // no new posts
	AnswerPostID int64     `json:"answer_post_id,omitzero"` // the reply marked as the answer
	CreatedAt    time.Time `json:"created_at"`
	LastPostID   int64     `json:"last_post_id"` // kept by the store
	LastPostAt   time.Time `json:"last_post_at"` // kept by the store
	PostCount    int       `json:"post_count"`   // kept by the store (tombstones count)
	Unread       bool      `json:"unread"`       // filled by lists for the viewer
	// AuthorName is the author's display name and AuthorUsername their
	// username; both filled by reads (read only).
	AuthorName     string `json:"author_name,omitempty"`
	AuthorUsername string `json:"author_username,omitempty"`
}

// ThreadFilter selects a forum's threads: pinned first, then by latest
// post, newest first.
type ThreadFilter struct {
	ForumID  int64 // required
	ViewerID int64 // fills Unread for this user; 0: none
	Limit    int
	Offset   int
}

// Post is an opening post or a reply in a thread.
type Post struct {
	ID       int64  `json:"id"`
	ThreadID int64  `json:"thread_id"`
	ParentID int64  `json:"parent_id,omitzero"` // 0 for the opening post
	Depth    int    `json:"depth"`              // 0 opening post, 1 reply, 2 reply to a reply
	AuthorID int64  `json:"author_id"`
	BodyMD   string `json:"body_md"`
	BodyHTML string `json:"body_html"` // rendered and sanitised at save time
	// EditedAt is set when the body was edited ("edited" marker).
	EditedAt time.Time `json:"edited_at,omitzero"`
	// DeletedAt marks a tombstone: the body is gone, the place stays.
	DeletedAt time.Time `json:"deleted_at,omitzero"`
	DeletedBy int64     `json:"deleted_by,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	// AuthorName is the author's display name and AuthorUsername their
	// username; both filled by reads (read only).
	AuthorName     string `json:"author_name,omitempty"`
	AuthorUsername string `json:"author_username,omitempty"`
}

// Deleted reports whether p is a tombstone.
func (p *Post) Deleted() bool { return !p.DeletedAt.IsZero() }

// Reaction is one person's emoji on a post or message.
type Reaction struct {
	TargetID int64  `json:"target_id"` // post or message id
	UserID   int64  `json:"user_id"`
	Emoji    string `json:"emoji"`
	// CreatedAt is when the reaction was added; in a removal event, when
	// it was removed.
	CreatedAt time.Time `json:"created_at"`
}

// CheckEmoji checks a reaction: non-empty, short, one line.
func CheckEmoji(e string) error {
	if e == "" || len(e) > MaxEmojiBytes {
		return FieldError("emoji", "A reaction must be one emoji.")
	}
	return CheckText("emoji", e, MaxEmojiBytes, true)
}

// Notification kinds.
const (
	NotifyMention     = "mention"      // someone @mentioned the user; payload names the post or message
	NotifyReply       = "reply"        // someone replied to the user's post
	NotifyEnrolled    = "enrolled"     // the user was enrolled in a course
	NotifyJoinRequest = "join_request" // someone asks to join a course the user teaches
	NotifyGrade       = "grade"        // the user's grade on a graded item is available (or changed)
)

// Notification is an in-app notice for one user.
type Notification struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Kind      string    `json:"kind"`
	Payload   string    `json:"payload"` // a JSON object, at most MaxNotifyPayload bytes
	CreatedAt time.Time `json:"created_at"`
	ReadAt    time.Time `json:"read_at,omitzero"`
}

// NotificationFilter selects a user's notifications, newest first.
type NotificationFilter struct {
	UserID     int64 // required
	UnreadOnly bool
	BeforeID   int64 // cursor: only ids < BeforeID; 0 for the newest
	Limit      int
}

package lms

import (
	"time"
	"unicode/utf8"
)

// Chat limits.
const (
	MaxMessageChars = 4000 // a chat message's length limit
	MaxIdemKeyBytes = 64   // a client-generated idempotency key
	MainRoomName    = "Main room"
)

// Room is a course's persistent chat room.
type Room struct {
	ID       int64  `json:"id"`
	CourseID int64  `json:"course_id"`
	Name     string `json:"name"`
	// GroupID restricts the room to one group's members (and staff); 0: the
	// whole course.
	GroupID   int64     `json:"group_id,omitzero"`
	Main      bool      `json:"main"` // the course's main room (one per course)
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a room's editable fields.
func (r *Room) Validate() error { return CheckText("name", r.Name, MaxTitleChars, true) }

// Message is one chat message in a room.
type Message struct {
	ID       int64  `json:"id"`
	RoomID   int64  `json:"room_id"`
	AuthorID int64  `json:"author_id"`
	Body     string `json:"body"` // plain text; "" for a tombstone
	ReplyTo  int64  `json:"reply_to,omitzero"`
	// UploadID attaches an uploaded file (image or other); 0: none.
	UploadID int64 `json:"upload_id,omitzero"`
	// IdemKey is the client's idempotency key, unique per (room, author):
	// a retried send returns the stored message.
	IdemKey   string    `json:"idem_key,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	EditedAt  time.Time `json:"edited_at,omitzero"`
	DeletedAt time.Time `json:"deleted_at,omitzero"`
	DeletedBy int64     `json:"deleted_by,omitzero"`
	// AuthorName is the author's display name and AuthorUsername their
	// username (for @mentions and profiles); both filled by reads (read only).
	AuthorName     string `json:"author_name,omitempty"`
	AuthorUsername string `json:"author_username,omitempty"`
}

// Deleted reports whether m is a tombstone.
func (m *Message) Deleted() bool { return !m.DeletedAt.IsZero() }

// CheckMessageBody checks a chat message: valid UTF-8 and at most
// MaxMessageChars (ETOOLARGE beyond). Whether it may be blank (an
// attachment only) is the caller's rule.
func CheckMessageBody(body string) error {
	switch {
	case !utf8.ValidString(body):
		return FieldError("body", "The message must be valid UTF-8.")
	case utf8.RuneCountInString(body) > MaxMessageChars:
		e := Errorf(ETOOLARGE, "The message is too long: at most %d characters.", MaxMessageChars)
		e.Field = "body"
		return e
	}
	return nil
}

// MessageFilter selects a page of a room's history, always returned oldest
// first. With BeforeID: the newest Limit messages older than it (scrolling
// back); with AfterID: the oldest Limit messages newer than it (catching
// up); with neither: the newest Limit messages.
type MessageFilter struct {
	RoomID   int64 // required
	BeforeID int64
	AfterID  int64
	Limit    int
}

// ReadState is how far one member has read in one room.
type ReadState struct {
	UserID     int64     `json:"user_id"`
	RoomID     int64     `json:"room_id"`
	LastReadID int64     `json:"last_read_id"` // the newest message id read; 0: none
	UpdatedAt  time.Time `json:"updated_at"`
}

// RoomUnread is a room's unread count for one user.
type RoomUnread struct {
	RoomID int64 `json:"room_id"`
	Unread int   `json:"unread"`
}

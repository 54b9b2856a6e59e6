package api

import (
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// CourseList is a page of the caller's courses.
type CourseList struct {
	Items      []*course.CourseView `json:"items"`
	Total      int                  `json:"total"`
	NextCursor string               `json:"next_cursor,omitempty"`
	// CanCreate says whether the caller may create courses (a site setting).
	CanCreate bool `json:"can_create"`
}

// CatalogList is a page of the course catalogue.
type CatalogList struct {
	Items      []*course.CatalogCard `json:"items"`
	Total      int                   `json:"total"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

// CoursePatch changes some of a course's fields (details, visibility,
// catalogue and join settings); absent fields stay as stored.
type CoursePatch = lms.CoursePatch

// VisibilityRequest publishes, archives or un-publishes a course.
type VisibilityRequest struct {
	Visibility lms.CourseVisibility `json:"visibility"`
}

// JoinRequest joins a course with its join code.
type JoinRequest struct {
	Code string `json:"code"`
}

// CourseSettingsBody are the site's course settings.
type CourseSettingsBody struct {
	Creators course.CreatorPolicy `json:"creators"`
}

// CourseSettingsPatch changes some of the site's course settings.
type CourseSettingsPatch struct {
	Creators *course.CreatorPolicy `json:"creators,omitempty"`
}

// EnrollmentList is a page of a course's members.
type EnrollmentList struct {
	Items      []*lms.Enrollment `json:"items"`
	Total      int               `json:"total"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// EnrolRequest adds an existing user to a course.
type EnrolRequest struct {
	Login string         `json:"login"`
	Role  lms.CourseRole `json:"role"`
}

// RoleRequest changes a member's course role.
type RoleRequest struct {
	Role lms.CourseRole `json:"role"`
}

// GroupChoice names a group (0: none).
type GroupChoice struct {
	GroupID int64 `json:"group_id"`
}

// GroupRequest creates or changes a group.
type GroupRequest struct {
	Name       string `json:"name"`
	SelfSelect bool   `json:"self_select"`
	MaxSize    int    `json:"max_size"`
}

// GroupList is a page of a course's groups.
type GroupList struct {
	Items      []*lms.Group `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// TitleRequest names a module.
type TitleRequest struct {
	Title string `json:"title"`
}

// LayoutRequest is the whole course in a new order.
type LayoutRequest struct {
	Modules []lms.ModuleLayout `json:"modules"`
}

// MarkdownRequest is Markdown to preview.
type MarkdownRequest struct {
	Markdown string `json:"markdown"`
}

// MarkdownPreview is Markdown rendered and sanitised.
type MarkdownPreview struct {
	HTML string `json:"html"`
}

// LessonList lists lessons (search results).
type LessonList struct {
	Items []*lms.Lesson `json:"items"`
}

// UploadInfo is a stored upload with its URL.
type UploadInfo struct {
	*lms.Upload
	URL string `json:"url"`
}

// HeartbeatRequest adds time spent on a lesson page and, optionally, how
// far the learner watched the lesson's video.
type HeartbeatRequest struct {
	Seconds int `json:"seconds"`
	// VideoPercent is the furthest position watched / the duration, 0..100.
	VideoPercent int `json:"video_percent,omitempty"`
}

// CompleteRequest marks a lesson complete (or, with done false, not).
type CompleteRequest struct {
	Done bool `json:"done"`
}

// ForumRequest creates or changes a forum.
type ForumRequest struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// ForumList is a page of a course's forums.
type ForumList struct {
	Items      []*lms.Forum `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// ThreadList is a page of a forum's threads.
type ThreadList struct {
	Items      []*lms.Thread `json:"items"`
	Total      int           `json:"total"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// NewThreadRequest opens a thread.
type NewThreadRequest struct {
	Title  string `json:"title"`
	BodyMD string `json:"body_md"`
}

// ReplyRequest posts in a thread; parent_id 0 replies to the thread.
type ReplyRequest struct {
	ParentID int64  `json:"parent_id,omitempty"`
	BodyMD   string `json:"body_md"`
}

// PostEditRequest changes a post's body.
type PostEditRequest struct {
	BodyMD string `json:"body_md"`
}

// AnswerRequest marks a reply as the answer (0 clears).
type AnswerRequest struct {
	PostID int64 `json:"post_id"`
}

// ReactionRequest adds an emoji reaction. Remove is deprecated: take a
// reaction back with DELETE .../reactions/{emoji}.
type ReactionRequest struct {
	Emoji  string `json:"emoji"`
	Remove bool   `json:"remove,omitempty" deprecated:"take a reaction back with DELETE .../reactions/{emoji}"`
}

// RoomRequest creates a room, optionally for one group.
type RoomRequest struct {
	Name    string `json:"name"`
	GroupID int64  `json:"group_id,omitempty"`
}

// RoomRenameRequest renames a room.
type RoomRenameRequest struct {
	Name string `json:"name"`
}

// RoomList is a page of the rooms the caller may see.
type RoomList struct {
	Items      []*course.RoomView `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// RoomInfo is a room with the caller's standing in it.
type RoomInfo struct {
	Room      *lms.Room      `json:"room"`
	Role      lms.CourseRole `json:"role"`
	Moderator bool           `json:"moderator"`
	// LastReadID is the newest message id the caller has read (0: none).
	LastReadID int64 `json:"last_read_id"`
}

// MessagePage is a page of a room's history, oldest first.
type MessagePage struct {
	Items     []*lms.Message  `json:"items"`
	Reactions []*lms.Reaction `json:"reactions"`
	// HasMore says whether more messages lie beyond this page in the
	// direction asked (older for before= and the newest page, newer for after=).
	HasMore bool `json:"has_more"`
}

// SendMessageRequest sends a chat message; key is the idempotency key (or
// use the Idempotency-Key header).
type SendMessageRequest struct {
	Body     string `json:"body"`
	ReplyTo  int64  `json:"reply_to,omitempty"`
	UploadID int64  `json:"upload_id,omitempty"`
	Key      string `json:"key,omitempty"`
}

// MessageEditRequest changes a message's body.
type MessageEditRequest struct {
	Body string `json:"body"`
}

// ReadRequest moves the caller's read position in a room.
type ReadRequest struct {
	LastReadID int64 `json:"last_read_id"`
}

// MuteRequest mutes a member for seconds (absent: course.DefaultMutePeriod; 0 lifts).
type MuteRequest = course.MuteInput

// NotificationList is a page of the caller's notifications, newest first.
type NotificationList struct {
	Items      []*lms.Notification `json:"items"`
	Unread     int                 `json:"unread"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// MarkReadRequest marks notifications read up to an id (absent: all).
type MarkReadRequest struct {
	UpToID int64 `json:"up_to_id,omitempty"`
}

// NotifySettingsBody is the caller's notification settings with the
// kinds they choose among (names, labels and defaults).
type NotifySettingsBody struct {
	lms.NotifySettings
	KindList []lms.NotifyKind `json:"kind_list"`
}

// MarkedCount says how many notifications were marked read.
type MarkedCount struct {
	Marked int `json:"marked"`
}

package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Courses stores courses. Deleting a course deletes everything in it
// (enrolments, groups, modules, lessons, progress, forums, rooms).
type Courses interface {
	// CreateCourse inserts c and sets c.ID, CreatedAt and UpdatedAt. A
	// non-empty JoinCode is unique (ECONFLICT).
	CreateCourse(ctx context.Context, c *lms.Course) error
	// CourseByID returns the course (ENOTFOUND if none).
	CourseByID(ctx context.Context, id int64) (*lms.Course, error)
	// CourseByJoinCode finds a course by its join code, case-insensitively
	// (ENOTFOUND if none), whether or not joining is open.
	CourseByJoinCode(ctx context.Context, code string) (*lms.Course, error)
	// UpdateCourse saves every field of c but ID, CreatedBy and CreatedAt,
	// and sets UpdatedAt.
	UpdateCourse(ctx context.Context, c *lms.Course) error
	// PatchCourse saves only the fields p sets (and UpdatedAt) and returns
	// the course as stored (ENOTFOUND if none; ECONFLICT for a join code
	// taken by another course).
	PatchCourse(ctx context.Context, id int64, p lms.CoursePatch) (*lms.Course, error)
	// DeleteCourse removes the course and everything in it.
	DeleteCourse(ctx context.Context, id int64) error
	// ListCourses returns the matching courses ordered by id and the total.
	ListCourses(ctx context.Context, f lms.CourseFilter) ([]*lms.Course, int, error)
}

// Enrollments stores course memberships and groups.
type Enrollments interface {
	// PutEnrollment inserts e, or updates Role, Status and GroupID of the
	// existing (course, user) enrolment; CreatedAt is set on insert and
	// kept on update (e.CreatedAt is set to the stored value).
	PutEnrollment(ctx context.Context, e *lms.Enrollment) error
	// EnrollmentOf returns the user's enrolment in the course (ENOTFOUND if
	// none), with Username and Name.
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
	// DeleteEnrollment removes the enrolment (ENOTFOUND if none). The
	// member's progress and posts stay.
	DeleteEnrollment(ctx context.Context, courseID, userID int64) error
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// ListActiveMembers returns every active enrolment of the course with
	// role ("" any) in one read, ordered by user id, with Username and Name
	// (a notification to a whole course, without paging).
	ListActiveMembers(ctx context.Context, courseID int64, role lms.CourseRole) ([]*lms.Enrollment, error)
	// CountEnrollments returns the number of enrolments per role with the
	// given status in the course.
	CountEnrollments(ctx context.Context, courseID int64, status lms.EnrollmentStatus) (map[lms.CourseRole]int, error)

	// CreateGroup inserts g and sets g.ID and CreatedAt.
	CreateGroup(ctx context.Context, g *lms.Group) error
	// GroupByID returns the group with its member count (ENOTFOUND if none).
	GroupByID(ctx context.Context, id int64) (*lms.Group, error)
	// UpdateGroup saves Name, SelfSelect and MaxSize.
	UpdateGroup(ctx context.Context, g *lms.Group) error
	// DeleteGroup removes the group; its members become group-less and
	// rooms restricted to it are deleted.
	DeleteGroup(ctx context.Context, id int64) error
	// ListGroups returns a course's groups ordered by id, with member counts.
	ListGroups(ctx context.Context, courseID int64) ([]*lms.Group, error)
	// SetEnrollmentGroup puts the member into groupID (0: out of any
	// group). It is atomic against concurrent joins: when the group has
	// MaxSize > 0 members already it fails with ECONFLICT. ENOTFOUND when
	// the enrolment or the group (in that course) does not exist.
	SetEnrollmentGroup(ctx context.Context, courseID, userID, groupID int64) error
}

// Content stores a course's modules and lessons.
type Content interface {
	// CreateModule inserts m at the end of its course and sets m.ID,
	// Position, CreatedAt and UpdatedAt.
	CreateModule(ctx context.Context, m *lms.Module) error
	// ModuleByID returns the module (ENOTFOUND if none).
	ModuleByID(ctx context.Context, id int64) (*lms.Module, error)
	// UpdateModule saves Title and sets UpdatedAt.
	UpdateModule(ctx context.Context, m *lms.Module) error
	// DeleteModule removes the module and its lessons (and their progress).
	DeleteModule(ctx context.Context, id int64) error
	// ListModules returns a course's modules in order.
	ListModules(ctx context.Context, courseID int64) ([]*lms.Module, error)

	// CreateLesson inserts l at the end of its module, sets l.ID, CourseID
	// (from the module; ENOTFOUND if there is none), Position, CreatedAt
	// and UpdatedAt.
	CreateLesson(ctx context.Context, l *lms.Lesson) error
	// LessonByID returns the lesson (ENOTFOUND if none).
	LessonByID(ctx context.Context, id int64) (*lms.Lesson, error)
	// UpdateLesson saves Title, BodyMD, BodyHTML, Draft, AvailableFrom and
	// RequiresPrevious and sets UpdatedAt. It does not move the lesson.
	UpdateLesson(ctx context.Context, l *lms.Lesson) error
	// DeleteLesson removes the lesson and its progress.
	DeleteLesson(ctx context.Context, id int64) error
	// ListLessons returns a course's lessons in course order (module
	// position, then lesson position). withBody false leaves BodyMD and
	// BodyHTML empty.
	ListLessons(ctx context.Context, courseID int64, withBody bool) ([]*lms.Lesson, error)
	// ReorderCourse applies a drag-and-drop layout atomically: layout must
	// name every module of the course exactly once and every lesson of the
	// course exactly once (lessons may move between modules); anything else
	// means the caller's view is stale and fails with ECONFLICT, changing
	// nothing.
	ReorderCourse(ctx context.Context, courseID int64, layout []lms.ModuleLayout) error
	// SearchLessons returns up to limit lessons of the course whose title or
	// Markdown contains query case-insensitively, in course order, without
	// bodies. Drafts are included only when withDrafts.
	SearchLessons(ctx context.Context, courseID int64, query string, withDrafts bool, limit int) ([]*lms.Lesson, error)
}

// Uploads stores uploaded files' metadata and who references them. A file
// no reference points to is swept after a grace period.
type Uploads interface {
	// CreateUpload inserts u and sets u.ID (and CreatedAt when zero). The
	// hash is unique: ECONFLICT when the content is stored already.
	CreateUpload(ctx context.Context, u *lms.Upload) error
	// UploadByID returns the upload (ENOTFOUND if none).
	UploadByID(ctx context.Context, id int64) (*lms.Upload, error)
	// UploadByHash returns the upload with the content hash (ENOTFOUND if none).
	UploadByHash(ctx context.Context, hash string) (*lms.Upload, error)
	// SetUploadRefs makes ref (e.g. "lesson:12") reference exactly uploadIDs
	// within courseID (0: in no course, e.g. "avatar:3"); unknown ids are
	// ignored. An empty list drops ref.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	// AddUploadOwner records that userID uploaded the file (again); a
	// repeat changes nothing.
	AddUploadOwner(ctx context.Context, uploadID, userID int64) error
	// UploadUsableBy reports whether userID uploaded the file or a ref
	// within courseID (when not 0) uses it already; a link to no upload
	// (none has the id) gives nothing away and is usable.
	UploadUsableBy(ctx context.Context, uploadID, userID, courseID int64) (bool, error)
	// UploadRefs returns the refs pointing at the upload, sorted.
	UploadRefs(ctx context.Context, uploadID int64) ([]string, error)
	// UnreferencedUploads returns up to limit uploads created before
	// olderThan that nothing references, oldest first.
	UnreferencedUploads(ctx context.Context, olderThan time.Time, limit int) ([]*lms.Upload, error)
	// DeleteUpload removes the upload's row (ENOTFOUND if none); the file is
	// the caller's.
	DeleteUpload(ctx context.Context, id int64) error
}

// Progress stores learners' lesson progress.
type Progress interface {
	// UpdateProgress applies u atomically (creating the row if needed) and
	// returns the result. ENOTFOUND if the lesson or user does not exist.
	UpdateProgress(ctx context.Context, u lms.ProgressUpdate) (*lms.LessonProgress, error)
	// LessonProgressOf returns one learner's progress in one lesson
	// (ENOTFOUND if they never opened it).
	LessonProgressOf(ctx context.Context, userID, lessonID int64) (*lms.LessonProgress, error)
	// ListProgress returns the progress rows of a course ordered by user id
	// then lesson id; userID 0 means every learner.
	ListProgress(ctx context.Context, courseID, userID int64) ([]*lms.LessonProgress, error)
}

// Discussions stores forums, threads, posts, reactions and read markers.
type Discussions interface {
	// CreateForum inserts f and sets f.ID and CreatedAt.
	CreateForum(ctx context.Context, f *lms.Forum) error
	// ForumByID returns the forum (ENOTFOUND if none).
	ForumByID(ctx context.Context, id int64) (*lms.Forum, error)
	// UpdateForum saves Title and Description.
	UpdateForum(ctx context.Context, f *lms.Forum) error
	// DeleteForum removes the forum with its threads and posts.
	DeleteForum(ctx context.Context, id int64) error
	// ListForums returns a page of a course's forums ordered by id.
	ListForums(ctx context.Context, courseID int64, p lms.Page) ([]*lms.Forum, error)

	// CreateThread inserts t and its opening post first atomically, and sets
	// their IDs, t.CourseID (from the forum; ENOTFOUND if none), CreatedAt
	// (now unless t.CreatedAt is set) and the thread's counters.
	CreateThread(ctx context.Context, t *lms.Thread, first *lms.Post) error
	// ThreadByID returns the thread (ENOTFOUND if none).
	ThreadByID(ctx context.Context, id int64) (*lms.Thread, error)
	// UpdateThread saves Title, Pinned, Locked and AnswerPostID.
	UpdateThread(ctx context.Context, t *lms.Thread) error
	// DeleteThread removes the thread and its posts.
	DeleteThread(ctx context.Context, id int64) error
	// ListThreads returns a forum's threads (pinned first, then latest
	// activity first) and the total.
	ListThreads(ctx context.Context, f lms.ThreadFilter) ([]*lms.Thread, int, error)

	// CreatePost inserts p into its thread, sets p.ID, Depth (parent's + 1)
	// and CreatedAt (now unless set), and updates the thread's counters. A
	// parent that is not in the same thread is ENOTFOUND; a locked thread is
	// EFORBIDDEN unless evenIfLocked (a moderator's post).
	CreatePost(ctx context.Context, p *lms.Post, evenIfLocked bool) error
	// PostByID returns the post (ENOTFOUND if none).
	PostByID(ctx context.Context, id int64) (*lms.Post, error)
	// EditPost saves BodyMD and BodyHTML and sets EditedAt to at.
	EditPost(ctx context.Context, id int64, bodyMD, bodyHTML string, at time.Time) error
	// TombstonePost clears the body and sets DeletedAt and DeletedBy; the
	// post keeps its place. Tombstoning a tombstone is ENOTFOUND.
	TombstonePost(ctx context.Context, id, by int64, at time.Time) error
	// ListPosts returns a thread's posts in id order (tombstones included).
	ListPosts(ctx context.Context, threadID int64) ([]*lms.Post, error)

	// React adds the user's emoji to a post (adding it twice is a no-op).
	React(ctx context.Context, r *lms.Reaction) error
	// Unreact removes it (ENOTFOUND if absent).
	Unreact(ctx context.Context, postID, userID int64, emoji string) error
	// ThreadReactions returns the reactions on a thread's posts ordered by
	// post, time.
	ThreadReactions(ctx context.Context, threadID int64) ([]*lms.Reaction, error)
	// MarkThreadRead records that the user has read the thread up to
	// lastPostID; it never moves backwards.
	MarkThreadRead(ctx context.Context, userID, threadID, lastPostID int64) error
}

// Rooms stores chat rooms, their message history, read states and mutes.
type Rooms interface {
	// CreateRoom inserts r and sets r.ID and CreatedAt. A second main room
	// in a course is ECONFLICT.
	CreateRoom(ctx context.Context, r *lms.Room) error
	// RoomByID returns the room (ENOTFOUND if none).
	RoomByID(ctx context.Context, id int64) (*lms.Room, error)
	// UpdateRoom saves Name and GroupID.
	UpdateRoom(ctx context.Context, r *lms.Room) error
	// DeleteRoom removes the room and its history.
	DeleteRoom(ctx context.Context, id int64) error
	// ListRooms returns a course's rooms, the main room first, then by id.
	ListRooms(ctx context.Context, courseID int64) ([]*lms.Room, error)

	// InsertMessage stores m and sets m.ID and CreatedAt (when zero) and
	// reports created = true. When m.IdemKey is set and the author already
	// sent a message with that key in that room, nothing is stored: m is
	// overwritten with the stored message and created is false.
	InsertMessage(ctx context.Context, m *lms.Message) (created bool, err error)
	// MessageByID returns the message (ENOTFOUND if none).
	MessageByID(ctx context.Context, id int64) (*lms.Message, error)
	// EditMessage replaces the body and sets EditedAt (ENOTFOUND for a
	// missing or deleted message).
	EditMessage(ctx context.Context, id int64, body string, at time.Time) error
	// TombstoneMessage clears the body and sets DeletedAt and DeletedBy
	// (ENOTFOUND for a missing or deleted message).
	TombstoneMessage(ctx context.Context, id, by int64, at time.Time) error
	// ListMessages returns a page of history oldest first (see
	// lms.MessageFilter), with AuthorName.
	ListMessages(ctx context.Context, f lms.MessageFilter) ([]*lms.Message, error)
	// ReactMessage and UnreactMessage add and remove an emoji on a message.
	ReactMessage(ctx context.Context, r *lms.Reaction) error
	// UnreactMessage removes a message reaction (ENOTFOUND if absent).
	UnreactMessage(ctx context.Context, messageID, userID int64, emoji string) error
	// MessageReactions returns the reactions on the given messages.
	MessageReactions(ctx context.Context, messageIDs []int64) ([]*lms.Reaction, error)

	// MarkRoomRead moves the user's read position forward to lastReadID
	// (never backwards) and returns the stored state.
	MarkRoomRead(ctx context.Context, userID, roomID, lastReadID int64, at time.Time) (*lms.ReadState, error)
	// RoomReadStates returns every read state of a room ordered by user id.
	RoomReadStates(ctx context.Context, roomID int64) ([]*lms.ReadState, error)
	// UnreadCounts returns, for each of the given rooms, how many messages
	// (not deleted, not the user's own) are newer than the user's position.
	UnreadCounts(ctx context.Context, userID int64, roomIDs []int64) ([]lms.RoomUnread, error)

	// MuteUser stops the user posting in the room until until (zero: lift).
	MuteUser(ctx context.Context, roomID, userID int64, until time.Time) error
	// MutedUntil returns when the user's mute in the room ends (zero: none).
	MutedUntil(ctx context.Context, roomID, userID int64) (time.Time, error)
}

// Notifications stores in-app notifications.
type Notifications interface {
	// CreateNotification inserts n and sets n.ID (and CreatedAt when zero).
	CreateNotification(ctx context.Context, n *lms.Notification) error
	// ListNotifications returns the user's notifications newest first.
	ListNotifications(ctx context.Context, f lms.NotificationFilter) ([]*lms.Notification, error)
	// MarkNotificationsRead marks the user's unread notifications with id <=
	// upToID (0: all) read at at and returns how many.
	MarkNotificationsRead(ctx context.Context, userID, upToID int64, at time.Time) (int, error)
	// CountUnreadNotifications returns how many are unread.
	CountUnreadNotifications(ctx context.Context, userID int64) (int, error)
	// MarkNotificationRead marks the user's notification id read at at
	// (already read: unchanged; ENOTFOUND if the user has no such one).
	MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error
	// ClaimNotificationOnce records that the user gets the notification
	// with key at at, and reports false when they had it already.
	ClaimNotificationOnce(ctx context.Context, userID int64, key string, at time.Time) (bool, error)
	// GetNotifySettings returns the user's notification settings, or
	// lms.DefaultNotifySettings() when none were saved.
	GetNotifySettings(ctx context.Context, userID int64) (lms.NotifySettings, error)
	// PutNotifySettings saves the user's settings (a zero UpdatedAt: now).
	PutNotifySettings(ctx context.Context, userID int64, st lms.NotifySettings) error
	// ClaimNotificationsOnce is ClaimNotificationOnce for many users and
	// one key: it returns those it claimed now (not before), in no order.
	ClaimNotificationsOnce(ctx context.Context, key string, userIDs []int64, at time.Time) ([]int64, error)
	// CreateNotifications inserts every notification of list (at most one
	// per user: EINVALID otherwise) with multi-row inserts and sets their
	// IDs (and CreatedAt when zero).
	CreateNotifications(ctx context.Context, list []*lms.Notification) error
	// NotifySettingsOf returns the settings of each of userIDs
	// (lms.DefaultNotifySettings() for those who saved none).
	NotifySettingsOf(ctx context.Context, userIDs []int64) (map[int64]lms.NotifySettings, error)
}

package course

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// CoursesStore is the storage the Courses service uses (creating, listing, updating and deleting courses, and the catalogue): the backends
// implement it; a test may hand-write a fake.
type CoursesStore interface {
	changeStore
	usableStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(CoursesStore) error) error
	// CourseInstructors returns the active instructors of the given courses
	// ordered by course id, then user id, with Username and Name.
	CourseInstructors(ctx context.Context, courseIDs []int64) ([]*lms.Enrollment, error)
	// CreateCourse inserts c and sets c.ID, CreatedAt and UpdatedAt. A
	// non-empty JoinCode is unique (ECONFLICT).
	CreateCourse(ctx context.Context, c *lms.Course) error
	// CreateForum inserts f and sets f.ID and CreatedAt.
	CreateForum(ctx context.Context, f *lms.Forum) error
	// CreateRoom inserts r and sets r.ID and CreatedAt. A second main room
	// in a course is ECONFLICT.
	CreateRoom(ctx context.Context, r *lms.Room) error
	// DeleteCourse removes the course and everything in it.
	DeleteCourse(ctx context.Context, id int64) error
	// GetSettings returns the saved settings, or lms.DefaultSettings().
	GetSettings(ctx context.Context) (lms.Settings, error)
	// ListCatalog returns the published, listed courses matching f (see
	// lms.CatalogFilter) ordered by lower-cased title, then id, and the total.
	ListCatalog(ctx context.Context, f lms.CatalogFilter) ([]*lms.Course, int, error)
	// ListCourses returns the matching courses ordered by id and the total.
	ListCourses(ctx context.Context, f lms.CourseFilter) ([]*lms.Course, int, error)
	// PutEnrollment inserts e, or updates Role, Status and GroupID of the
	// existing (course, user) enrolment; CreatedAt is set on insert and
	// kept on update (e.CreatedAt is set to the stored value).
	PutEnrollment(ctx context.Context, e *lms.Enrollment) error
	// PutSettings saves s; a zero s.UpdatedAt is stored as now.
	PutSettings(ctx context.Context, s lms.Settings) error
	// SetUploadRefs makes ref (e.g. "lesson:12") reference exactly uploadIDs
	// within courseID; unknown ids are ignored. An empty list drops ref.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	// UploadByID returns the upload (ENOTFOUND if none).
	UploadByID(ctx context.Context, id int64) (*lms.Upload, error)
	// UserEnrollments returns the user's enrolments (any status) in the
	// given courses ordered by course id.
	UserEnrollments(ctx context.Context, userID int64, courseIDs []int64) ([]*lms.Enrollment, error)
	// CourseByJoinCode finds a course by its join code, case-insensitively
	// (ENOTFOUND if none), whether or not joining is open.
	CourseByJoinCode(ctx context.Context, code string) (*lms.Course, error)
	// PatchCourse saves only the fields p sets (and UpdatedAt) and returns
	// the course as stored (ENOTFOUND if none; ECONFLICT for a join code
	// taken by another course).
	PatchCourse(ctx context.Context, id int64, p lms.CoursePatch) (*lms.Course, error)
}

// EnrolmentStore is the storage the Enrolment service uses (memberships, join codes, self-enrolment, groups and rosters): the backends
// implement it; a test may hand-write a fake.
type EnrolmentStore interface {
	changeStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(EnrolmentStore) error) error
	// CountEnrollments returns the number of enrolments per role with the
	// given status in the course.
	CountEnrollments(ctx context.Context, courseID int64, status lms.EnrollmentStatus) (map[lms.CourseRole]int, error)
	// CourseByJoinCode finds a course by its join code, case-insensitively
	// (ENOTFOUND if none), whether or not joining is open.
	CourseByJoinCode(ctx context.Context, code string) (*lms.Course, error)
	// CreateGroup inserts g and sets g.ID and CreatedAt.
	CreateGroup(ctx context.Context, g *lms.Group) error
	// DeleteEnrollment removes the enrolment (ENOTFOUND if none). The
	// member's progress and posts stay.
	DeleteEnrollment(ctx context.Context, courseID, userID int64) error
	// DeleteGroup removes the group; its members become group-less and
	// rooms restricted to it are deleted.
	DeleteGroup(ctx context.Context, id int64) error
	// GroupByID returns the group with its member count (ENOTFOUND if none).
	GroupByID(ctx context.Context, id int64) (*lms.Group, error)
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// ListGroups returns a course's groups ordered by id, with member counts.
	ListGroups(ctx context.Context, courseID int64) ([]*lms.Group, error)
	// PutEnrollment inserts e, or updates Role, Status and GroupID of the
	// existing (course, user) enrolment; CreatedAt is set on insert and
	// kept on update (e.CreatedAt is set to the stored value).
	PutEnrollment(ctx context.Context, e *lms.Enrollment) error
	// SetEnrollmentGroup puts the member into groupID (0: out of any
	// group). It is atomic against concurrent joins: when the group has
	// MaxSize > 0 members already it fails with ECONFLICT. ENOTFOUND when
	// the enrolment or the group (in that course) does not exist.
	SetEnrollmentGroup(ctx context.Context, courseID, userID, groupID int64) error
	// UpdateGroup saves Name, SelfSelect and MaxSize.
	UpdateGroup(ctx context.Context, g *lms.Group) error
	// UserByLogin finds a user by email or username, case-insensitively.
	UserByLogin(ctx context.Context, login string) (*lms.User, error)
}

// NotificationsStore is the storage the Notifications service uses (in-app notifications): the backends
// implement it; a test may hand-write a fake.
type NotificationsStore interface {
	changeStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(NotificationsStore) error) error
	// ClaimNotificationsOnce, CreateNotifications and NotifySettingsOf
	// are the batch forms for NotifyOnceEach (store.Notifications).
	ClaimNotificationsOnce(ctx context.Context, key string, userIDs []int64, at time.Time) ([]int64, error)
	CreateNotifications(ctx context.Context, list []*lms.Notification) error
	NotifySettingsOf(ctx context.Context, userIDs []int64) (map[int64]lms.NotifySettings, error)
	// CountUnreadNotifications returns how many are unread.
	CountUnreadNotifications(ctx context.Context, userID int64) (int, error)
	// CreateNotification inserts n and sets n.ID (and CreatedAt when zero).
	CreateNotification(ctx context.Context, n *lms.Notification) error
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// ListNotifications returns the user's notifications newest first.
	ListNotifications(ctx context.Context, f lms.NotificationFilter) ([]*lms.Notification, error)
	// MarkNotificationsRead marks the user's unread notifications with id <=
	// upToID (0: all) read at at and returns how many.
	MarkNotificationsRead(ctx context.Context, userID, upToID int64, at time.Time) (int, error)
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
	// UserByLogin finds a user by email or username, case-insensitively.
	UserByLogin(ctx context.Context, login string) (*lms.User, error)
}

// ContentStore is the storage the Content service uses (modules and lessons): the backends
// implement it; a test may hand-write a fake.
type ContentStore interface {
	changeStore
	lessonStore
	usableStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(ContentStore) error) error
	// CreateLesson inserts l at the end of its module, sets l.ID, CourseID
	// (from the module; ENOTFOUND if there is none), Position, CreatedAt
	// and UpdatedAt.
	CreateLesson(ctx context.Context, l *lms.Lesson) error
	// CreateModule inserts m at the end of its course and sets m.ID,
	// Position, CreatedAt and UpdatedAt.
	CreateModule(ctx context.Context, m *lms.Module) error
	// DeleteLesson removes the lesson and its progress.
	DeleteLesson(ctx context.Context, id int64) error
	// DeleteModule removes the module and its lessons (and their progress).
	DeleteModule(ctx context.Context, id int64) error
	// ListModules returns a course's modules in order.
	ListModules(ctx context.Context, courseID int64) ([]*lms.Module, error)
	// ModuleByID returns the module (ENOTFOUND if none).
	ModuleByID(ctx context.Context, id int64) (*lms.Module, error)
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
	// SetUploadRefs makes ref (e.g. "lesson:12") reference exactly uploadIDs
	// within courseID; unknown ids are ignored. An empty list drops ref.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	// UpdateLesson saves Title, BodyMD, BodyHTML, Draft, AvailableFrom and
	// RequiresPrevious and sets UpdatedAt. It does not move the lesson.
	UpdateLesson(ctx context.Context, l *lms.Lesson) error
	// UpdateModule saves Title and sets UpdatedAt.
	UpdateModule(ctx context.Context, m *lms.Module) error
	// UploadByID returns the upload (ENOTFOUND if none).
	UploadByID(ctx context.Context, id int64) (*lms.Upload, error)
}

// ProgressStore is the storage the Progress service uses (learner progress): the backends
// implement it; a test may hand-write a fake.
type ProgressStore interface {
	changeStore
	lessonStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(ProgressStore) error) error
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// UpdateProgress applies u atomically (creating the row if needed) and
	// returns the result. ENOTFOUND if the lesson or user does not exist.
	UpdateProgress(ctx context.Context, u lms.ProgressUpdate) (*lms.LessonProgress, error)
}

// DiscussionStore is the storage the Discussion service uses (forums, threads and posts): the backends
// implement it; a test may hand-write a fake.
type DiscussionStore interface {
	changeStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(DiscussionStore) error) error
	// CreateForum inserts f and sets f.ID and CreatedAt.
	CreateForum(ctx context.Context, f *lms.Forum) error
	// CreatePost inserts p into its thread, sets p.ID, Depth (parent's + 1)
	// and CreatedAt (now unless set), and updates the thread's counters. A
	// parent that is not in the same thread is ENOTFOUND; a locked thread is
	// EFORBIDDEN unless evenIfLocked (a moderator's post).
	CreatePost(ctx context.Context, p *lms.Post, evenIfLocked bool) error
	// CreateThread inserts t and its opening post first atomically, and sets
	// their IDs, t.CourseID (from the forum; ENOTFOUND if none), CreatedAt
	// (now unless t.CreatedAt is set) and the thread's counters.
	CreateThread(ctx context.Context, t *lms.Thread, first *lms.Post) error
	// DeleteForum removes the forum with its threads and posts.
	DeleteForum(ctx context.Context, id int64) error
	// DeleteThread removes the thread and its posts.
	DeleteThread(ctx context.Context, id int64) error
	// EditPost saves BodyMD and BodyHTML and sets EditedAt to at.
	EditPost(ctx context.Context, id int64, bodyMD, bodyHTML string, at time.Time) error
	// ForumByID returns the forum (ENOTFOUND if none).
	ForumByID(ctx context.Context, id int64) (*lms.Forum, error)
	// ListForums returns a page of a course's forums ordered by id.
	ListForums(ctx context.Context, courseID int64, p lms.Page) ([]*lms.Forum, error)
	// ListPosts returns a thread's posts in id order (tombstones included).
	ListPosts(ctx context.Context, threadID int64) ([]*lms.Post, error)
	// ListThreads returns a forum's threads (pinned first, then latest
	// activity first) and the total.
	ListThreads(ctx context.Context, f lms.ThreadFilter) ([]*lms.Thread, int, error)
	// MarkThreadRead records that the user has read the thread up to
	// lastPostID; it never moves backwards.
	MarkThreadRead(ctx context.Context, userID, threadID, lastPostID int64) error
	// PostByID returns the post (ENOTFOUND if none).
	PostByID(ctx context.Context, id int64) (*lms.Post, error)
	// React adds the user's emoji to a post (adding it twice is a no-op).
	React(ctx context.Context, r *lms.Reaction) error
	// ThreadByID returns the thread (ENOTFOUND if none).
	ThreadByID(ctx context.Context, id int64) (*lms.Thread, error)
	// ThreadReactions returns the reactions on a thread's posts ordered by
	// post, time.
	ThreadReactions(ctx context.Context, threadID int64) ([]*lms.Reaction, error)
	// TombstonePost clears the body and sets DeletedAt and DeletedBy; the
	// post keeps its place. Tombstoning a tombstone is ENOTFOUND.
	TombstonePost(ctx context.Context, id, by int64, at time.Time) error
	// Unreact removes it (ENOTFOUND if absent).
	Unreact(ctx context.Context, postID, userID int64, emoji string) error
	// UpdateForum saves Title and Description.
	UpdateForum(ctx context.Context, f *lms.Forum) error
	// UpdateThread saves Title, Pinned, Locked and AnswerPostID.
	UpdateThread(ctx context.Context, t *lms.Thread) error
	// UserByLogin finds a user by email or username, case-insensitively.
	UserByLogin(ctx context.Context, login string) (*lms.User, error)
}

// ChatStore is the storage the Chat service uses (room chat): the backends
// implement it; a test may hand-write a fake.
type ChatStore interface {
	changeStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(ChatStore) error) error
	// CreateRoom inserts r and sets r.ID and CreatedAt. A second main room
	// in a course is ECONFLICT.
	CreateRoom(ctx context.Context, r *lms.Room) error
	// DeleteRoom removes the room and its history.
	DeleteRoom(ctx context.Context, id int64) error
	// EditMessage replaces the body and sets EditedAt (ENOTFOUND for a
	// missing or deleted message).
	EditMessage(ctx context.Context, id int64, body string, at time.Time) error
	// GroupByID returns the group with its member count (ENOTFOUND if none).
	GroupByID(ctx context.Context, id int64) (*lms.Group, error)
	// InsertMessage stores m and sets m.ID and CreatedAt (when zero) and
	// reports created = true. When m.IdemKey is set and the author already
	// sent a message with that key in that room, nothing is stored: m is
	// overwritten with the stored message and created is false.
	InsertMessage(ctx context.Context, m *lms.Message) (created bool, err error)
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// ListMessages returns a page of history oldest first (see
	// lms.MessageFilter), with AuthorName.
	ListMessages(ctx context.Context, f lms.MessageFilter) ([]*lms.Message, error)
	// ListRooms returns a course's rooms, the main room first, then by id.
	ListRooms(ctx context.Context, courseID int64) ([]*lms.Room, error)
	// MarkRoomRead moves the user's read position forward to lastReadID
	// (never backwards) and returns the stored state.
	MarkRoomRead(ctx context.Context, userID, roomID, lastReadID int64, at time.Time) (*lms.ReadState, error)
	// MessageByID returns the message (ENOTFOUND if none).
	MessageByID(ctx context.Context, id int64) (*lms.Message, error)
	// MessageReactions returns the reactions on the given messages.
	MessageReactions(ctx context.Context, messageIDs []int64) ([]*lms.Reaction, error)
	// MuteUser stops the user posting in the room until until (zero: lift).
	MuteUser(ctx context.Context, roomID, userID int64, until time.Time) error
	// MutedUntil returns when the user's mute in the room ends (zero: none).
	MutedUntil(ctx context.Context, roomID, userID int64) (time.Time, error)
	// ReactMessage and UnreactMessage add and remove an emoji on a message.
	ReactMessage(ctx context.Context, r *lms.Reaction) error
	// RoomByID returns the room (ENOTFOUND if none).
	RoomByID(ctx context.Context, id int64) (*lms.Room, error)
	// RoomReadStates returns every read state of a room ordered by user id.
	RoomReadStates(ctx context.Context, roomID int64) ([]*lms.ReadState, error)
	// SetUploadRefs makes ref (e.g. "lesson:12") reference exactly uploadIDs
	// within courseID; unknown ids are ignored. An empty list drops ref.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	// TombstoneMessage clears the body and sets DeletedAt and DeletedBy
	// (ENOTFOUND for a missing or deleted message).
	TombstoneMessage(ctx context.Context, id, by int64, at time.Time) error
	// UnreactMessage removes a message reaction (ENOTFOUND if absent).
	UnreactMessage(ctx context.Context, messageID, userID int64, emoji string) error
	// UnreadCounts returns, for each of the given rooms, how many messages
	// (not deleted, not the user's own) are newer than the user's position.
	UnreadCounts(ctx context.Context, userID int64, roomIDs []int64) ([]lms.RoomUnread, error)
	// UpdateRoom saves Name and GroupID.
	UpdateRoom(ctx context.Context, r *lms.Room) error
}

// UploadsStore is the storage the Uploads service uses (stored files): the backends
// implement it; a test may hand-write a fake.
type UploadsStore interface {
	lessonStore
	usableStore
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(UploadsStore) error) error
	// AppendOutbox inserts a and sets a.ID (and CreatedAt when zero).
	AppendOutbox(ctx context.Context, a *lms.Announcement) error
	// CourseByID returns the course (ENOTFOUND if none).
	CourseByID(ctx context.Context, id int64) (*lms.Course, error)
	// CreateUpload inserts u and sets u.ID (and CreatedAt when zero). The
	// hash is unique: ECONFLICT when the content is stored already.
	CreateUpload(ctx context.Context, u *lms.Upload) error
	// DeleteUpload removes the upload's row (ENOTFOUND if none); the file is
	// the caller's.
	DeleteUpload(ctx context.Context, id int64) error
	// EnrollmentOf returns the user's enrolment in the course (ENOTFOUND if
	// none), with Username and Name.
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
	// UnreferencedUploads returns up to limit uploads created before
	// olderThan that nothing references, oldest first.
	UnreferencedUploads(ctx context.Context, olderThan time.Time, limit int) ([]*lms.Upload, error)
	// UploadByHash returns the upload with the content hash (ENOTFOUND if none).
	UploadByHash(ctx context.Context, hash string) (*lms.Upload, error)
	// UploadByID returns the upload (ENOTFOUND if none).
	UploadByID(ctx context.Context, id int64) (*lms.Upload, error)
	// UploadRefs returns the refs pointing at the upload, sorted.
	UploadRefs(ctx context.Context, uploadID int64) ([]string, error)
	// AddUploadOwner records that userID uploaded the file (again); a
	// repeat changes nothing.
	AddUploadOwner(ctx context.Context, uploadID, userID int64) error
	// SetUploadRefs makes ref (e.g. "lesson:12") reference exactly uploadIDs
	// within courseID (0: in no course, e.g. "avatar:3"); unknown ids are
	// ignored. An empty list drops ref.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
}

// changeStore is what every service's changes need besides their own
// tables: what the access loader reads, the outbox and the audit log.
type changeStore interface {
	AccessStore
	AppendOutbox(ctx context.Context, a *lms.Announcement) error
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
}

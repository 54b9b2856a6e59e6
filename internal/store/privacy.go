package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Privacy reads everything stored about one user (for their data export)
// and anonymises accounts.
type Privacy interface {
	// PutDeletionRequest records (or replaces) the user's deletion request.
	PutDeletionRequest(ctx context.Context, r *lms.DeletionRequest) error
	// DeletionRequestOf returns the user's request (ENOTFOUND if none).
	DeletionRequestOf(ctx context.Context, userID int64) (*lms.DeletionRequest, error)
	// DeleteDeletionRequest removes the user's request (ENOTFOUND if none).
	DeleteDeletionRequest(ctx context.Context, userID int64) error
	// ListDeletionRequests returns the requests, oldest first, with
	// Username and Name, at most MaxPrivacyRows.
	ListDeletionRequests(ctx context.Context) ([]*lms.DeletionRequest, error)

	// The user's own rows, each at most MaxPrivacyRows, ordered by id (or
	// course, lesson): every enrolment (any status), lesson progress, post,
	// chat message and course announcement (scheduled too, with its
	// groups) they wrote, submission of theirs or that they handed in for
	// their group, assignment extension granted to them, quiz attempt,
	// grade released to them on a visible item, notification, and upload
	// they own.
	AllUserEnrollments(ctx context.Context, userID int64) ([]*lms.Enrollment, error)
	UserProgress(ctx context.Context, userID int64) ([]*lms.LessonProgress, error)
	UserPosts(ctx context.Context, userID int64) ([]*lms.Post, error)
	UserMessages(ctx context.Context, userID int64) ([]*lms.Message, error)
	UserCourseAnnouncements(ctx context.Context, userID int64) ([]*lms.CourseAnnouncement, error)
	UserSubmissions(ctx context.Context, userID int64) ([]*lms.Submission, error)
	UserExtensions(ctx context.Context, userID int64) ([]*lms.Extension, error)
	UserAttempts(ctx context.Context, userID int64) ([]*lms.Attempt, error)
	UserReleasedGrades(ctx context.Context, userID int64) ([]*lms.Grade, error)
	UserNotifications(ctx context.Context, userID int64) ([]*lms.Notification, error)
	UserUploads(ctx context.Context, userID int64) ([]*lms.Upload, error)

	// AnonymiseUser turns the account into a tombstone named
	// lms.DeletedUserName that cannot sign in (email, username, password
	// and avatar replaced; disabled) and removes what belongs only to it:
	// sessions, tokens, calendar feed, notifications, enrolments,
	// progress, reactions, read markers, mutes, quiz overrides, assignment
	// extensions, upload ownership and its deletion request, and its
	// avatar's upload reference (so the sweeper removes the picture).
	// Threads, posts, chat messages and course announcements stay, under
	// the new name (so do scheduled
	// announcements: they are the course's, and post as planned).
	// Unless keepGrades, its grades, submissions (with their files'
	// references) and attempts go too.
	// ENOTFOUND when there is no such user.
	AnonymiseUser(ctx context.Context, userID int64, keepGrades bool, at time.Time) error
}

// MaxPrivacyRows bounds each list of a user's rows.
const MaxPrivacyRows = 100000

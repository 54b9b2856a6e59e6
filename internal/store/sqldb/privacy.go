package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Privacy = (*DB)(nil)

const deletionRequestCols = `r.user_id, r.reason, r.created_at, COALESCE(u.username, ''), COALESCE(u.name, '')`

const deletionRequestFrom = ` FROM deletion_requests r LEFT JOIN users u ON u.id = r.user_id`

func scanDeletionRequest(sc scanner) (*lms.DeletionRequest, error) {
	var (
		r   lms.DeletionRequest
		crt int64
	)
	if err := sc.Scan(&r.UserID, &r.Reason, &crt, &r.Username, &r.Name); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMS(crt)
	return &r, nil
}

// PutDeletionRequest records or replaces the user's deletion request.
func (s *DB) PutDeletionRequest(ctx context.Context, r *lms.DeletionRequest) error {
	r.CreatedAt = normalize(r.CreatedAt)
	_, err := s.q.ExecContext(ctx, `INSERT INTO deletion_requests (user_id, reason, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at`,
		r.UserID, r.Reason, toMS(r.CreatedAt))
	return s.wrapFK(err, "put deletion request", "user")
}

// DeletionRequestOf returns the user's request (ENOTFOUND if none).
func (s *DB) DeletionRequestOf(ctx context.Context, userID int64) (*lms.DeletionRequest, error) {
	r, err := scanDeletionRequest(s.q.QueryRowContext(ctx, `SELECT `+deletionRequestCols+deletionRequestFrom+
		` WHERE r.user_id = $1`, userID))
	if err != nil {
		return nil, s.notFound(err, "deletion request")
	}
	return r, nil
}

// DeleteDeletionRequest removes the user's request (ENOTFOUND if none).
func (s *DB) DeleteDeletionRequest(ctx context.Context, userID int64) error {
	return s.execOne(ctx, "deletion request", `DELETE FROM deletion_requests WHERE user_id = $1`, userID)
}

// ListDeletionRequests returns the requests, oldest first.
func (s *DB) ListDeletionRequests(ctx context.Context) ([]*lms.DeletionRequest, error) {
	return queryList(ctx, s, "list deletion requests", scanDeletionRequest, `SELECT `+deletionRequestCols+
		deletionRequestFrom+` ORDER BY r.created_at, r.user_id LIMIT $1`, store.MaxPrivacyRows)
}

// AllUserEnrollments returns every enrolment of the user.
func (s *DB) AllUserEnrollments(ctx context.Context, userID int64) ([]*lms.Enrollment, error) {
	return queryList(ctx, s, "user enrolments", scanEnrollment, `SELECT `+enrollmentCols+enrollmentFrom+
		` WHERE e.user_id = $1 ORDER BY e.course_id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserProgress returns the user's lesson progress.
func (s *DB) UserProgress(ctx context.Context, userID int64) ([]*lms.LessonProgress, error) {
	return queryList(ctx, s, "user progress", scanProgress, `SELECT `+progressCols+` FROM lesson_progress
		WHERE user_id = $1 ORDER BY course_id, lesson_id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserPosts returns the posts the user wrote.
func (s *DB) UserPosts(ctx context.Context, userID int64) ([]*lms.Post, error) {
	return queryList(ctx, s, "user posts", scanPost, `SELECT `+postCols+postFrom+
		` WHERE p.author_id = $1 ORDER BY p.id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserMessages returns the chat messages the user wrote.
func (s *DB) UserMessages(ctx context.Context, userID int64) ([]*lms.Message, error) {
	return queryList(ctx, s, "user messages", scanMessage, `SELECT `+messageCols+messageFrom+
		` WHERE m.author_id = $1 ORDER BY m.id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserCourseAnnouncements returns the course announcements the user wrote
// (scheduled ones too) with their groups. The groups are read with one
// query keyed on the author as well, not a list of ids: an export can hold
// more announcements than a statement takes parameters.
func (s *DB) UserCourseAnnouncements(ctx context.Context, userID int64) ([]*lms.CourseAnnouncement, error) {
	list, err := queryList(ctx, s, "user announcements", scanCourseAnnouncement, `SELECT `+announcementCols+
		announcementFrom+` WHERE a.author_id = $1 ORDER BY a.id LIMIT $2`, userID, store.MaxPrivacyRows)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := make(map[int64]*lms.CourseAnnouncement, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	return list, s.scanAnnouncementGroups(ctx, byID, `SELECT g.announcement_id, g.group_id
		FROM course_announcement_groups g JOIN course_announcements a ON a.id = g.announcement_id
		WHERE a.author_id = $1 ORDER BY g.announcement_id, g.group_id`, userID)
}

// UserSubmissions returns the user's submissions and those they handed in
// for their group.
func (s *DB) UserSubmissions(ctx context.Context, userID int64) ([]*lms.Submission, error) {
	return queryList(ctx, s, "user submissions", scanSubmission, `SELECT `+submissionCols+` FROM submissions
		WHERE user_id = $1 OR submitted_by = $1 ORDER BY id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserAttempts returns the user's quiz attempts.
func (s *DB) UserAttempts(ctx context.Context, userID int64) ([]*lms.Attempt, error) {
	return queryList(ctx, s, "user attempts", scanAttempt, `SELECT `+attemptColumns+` FROM attempts
		WHERE user_id = $1 ORDER BY id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserReleasedGrades returns the grades released to the user on visible items.
func (s *DB) UserReleasedGrades(ctx context.Context, userID int64) ([]*lms.Grade, error) {
	return queryList(ctx, s, "user grades", scanGrade, `SELECT `+gradeCols+` FROM grades g
		JOIN grade_items i ON i.id = g.item_id WHERE g.user_id = $1 AND g.released = 1 AND i.hidden = 0
		ORDER BY g.item_id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserNotifications returns the user's notifications, oldest first.
func (s *DB) UserNotifications(ctx context.Context, userID int64) ([]*lms.Notification, error) {
	return queryList(ctx, s, "user notifications", scanNotification, `SELECT `+notificationCols+` FROM notifications
		WHERE user_id = $1 ORDER BY id LIMIT $2`, userID, store.MaxPrivacyRows)
}

// UserUploads returns the uploads the user owns.
func (s *DB) UserUploads(ctx context.Context, userID int64) ([]*lms.Upload, error) {
	return queryList(ctx, s, "user uploads", scanUpload, `SELECT `+uploadCols+` FROM uploads
		WHERE owner_id = $1 OR id IN (SELECT upload_id FROM upload_owners WHERE user_id = $1) ORDER BY id LIMIT $2`,
		userID, store.MaxPrivacyRows)
}

// The author name columns of threads (t), posts (p) and messages (m):
// lms.DeletedUserName once the account is deleted (author_id stays, the
// user row is gone).
const (
	threadAuthorName  = "CASE WHEN u.id IS NULL AND t.author_id <> 0 THEN '" + lms.DeletedUserName + "' ELSE COALESCE(u.name, '') END"
	postAuthorName    = "CASE WHEN u.id IS NULL AND p.author_id <> 0 THEN '" + lms.DeletedUserName + "' ELSE COALESCE(u.name, '') END"
	messageAuthorName = "CASE WHEN u.id IS NULL AND m.author_id <> 0 THEN '" + lms.DeletedUserName + "' ELSE COALESCE(u.name, '') END"
)

// anonymiseDeletes are the user's rows AnonymiseUser removes always; the
// grade tables follow unless grades are kept. What the user wrote for
// others to read (threads, posts, chat messages, course announcements) is
// keyed on author_id and stays: the tombstone's name is its author's.
var (
	anonymiseDeletes = []string{"sessions", "api_tokens", "calendar_feeds", "notifications", "enrollments",
		"lesson_progress", "post_reactions", "thread_reads", "message_reactions", "room_reads", "room_mutes",
		"upload_owners", "deletion_requests", "quiz_overrides", "assignment_extensions"}
	gradeDeletes = []string{"grades", "attempts"}
)

// AnonymiseUser turns the account into a tombstone (see store.Privacy).
func (s *DB) AnonymiseUser(ctx context.Context, userID int64, keepGrades bool, at time.Time) error {
	return s.tx(ctx, func(tx *DB) error {
		err := tx.execOne(ctx, "user", `UPDATE users SET name = $2, username = $3, email = $4, password_hash = '',
			avatar_path = '', disabled = 1, updated_at = $5 WHERE id = $1`, userID, lms.DeletedUserName,
			fmt.Sprintf("deleted-%d", userID), fmt.Sprintf("deleted-%d@deleted.invalid", userID), toMS(normalize(at)))
		if err != nil {
			return err
		}
		// The avatar's reference goes: the upload sweeper removes the picture.
		refs := []string{fmt.Sprintf("avatar:%d", userID)}
		tables := anonymiseDeletes
		if !keepGrades {
			tables = append(append([]string{}, tables...), gradeDeletes...)
			subs, err := tx.UserSubmissions(ctx, userID)
			if err != nil {
				return err
			}
			for _, sub := range subs {
				if sub.UserID == userID { // group work stays with the group
					refs = append(refs, fmt.Sprintf("submission:%d", sub.ID), fmt.Sprintf("feedback:%d", sub.ID))
				}
			}
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM submissions WHERE user_id = $1`, userID); err != nil {
				return tx.wrap(err, "anonymise: submissions")
			}
		}
		for _, ref := range refs {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM upload_refs WHERE ref = $1`, ref); err != nil {
				return tx.wrap(err, "anonymise: upload refs")
			}
		}
		for _, t := range tables {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+t+` WHERE user_id = $1`, userID); err != nil {
				return tx.wrap(err, "anonymise: "+t)
			}
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE uploads SET owner_id = 0 WHERE owner_id = $1`, userID); err != nil {
			return tx.wrap(err, "anonymise: uploads")
		}
		return nil
	})
}

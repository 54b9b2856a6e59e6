package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Announcements stores course announcements (lms.CourseAnnouncement).
// Deleting a course deletes its announcements; deleting a group takes it
// off the announcements for it (one for no group left stays restricted:
// only staff see it).
type Announcements interface {
	// CreateCourseAnnouncement inserts a with its groups and sets a.ID,
	// CreatedAt and UpdatedAt (ENOTFOUND when the course or a group does
	// not exist).
	CreateCourseAnnouncement(ctx context.Context, a *lms.CourseAnnouncement) error
	// CourseAnnouncementByID returns the announcement with its groups and
	// author names (ENOTFOUND if none).
	CourseAnnouncementByID(ctx context.Context, id int64) (*lms.CourseAnnouncement, error)
	// UpdateCourseAnnouncement saves Title, BodyMD, BodyHTML, GroupIDs,
	// PostAt and EditedAt and sets UpdatedAt (ENOTFOUND if none, or when a
	// group does not exist).
	UpdateCourseAnnouncement(ctx context.Context, a *lms.CourseAnnouncement) error
	// MarkCourseAnnouncementPosted sets PostedAt to at unless it is set
	// already, and reports whether this call set it (ENOTFOUND if none).
	MarkCourseAnnouncementPosted(ctx context.Context, id int64, at time.Time) (bool, error)
	// DeleteCourseAnnouncement removes the announcement (ENOTFOUND if none).
	DeleteCourseAnnouncement(ctx context.Context, id int64) error
	// ListCourseAnnouncements returns a page of the announcements f
	// selects, latest PostAt first, then newest first, with their groups
	// and author names.
	ListCourseAnnouncements(ctx context.Context, f lms.AnnouncementFilter) ([]*lms.CourseAnnouncement, error)
}

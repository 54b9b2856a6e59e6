package lms

import "time"

// Announcement audit actions (internal/course).
const (
	AuditAnnouncementCreate = "course.announcement_create" // staff posted (or scheduled) an announcement
	AuditAnnouncementUpdate = "course.announcement_update" // changed one
	AuditAnnouncementDelete = "course.announcement_delete" // deleted one
)

// MaxAnnouncementGroups bounds the groups one announcement is for.
const MaxAnnouncementGroups = 100

// CourseAnnouncement is news the course staff post to a course (Moodle's
// Announcements forum, Canvas announcements): a title and a Markdown body,
// for every member or only the members of some groups (staff see all), and
// posted now or at a later time (PostAt). Until it is posted (PostedAt is
// zero) only staff see it, marked as scheduled. Posting notifies everyone
// it is for (NotifyAnnouncement).
type CourseAnnouncement struct {
	ID       int64  `json:"id"`
	CourseID int64  `json:"course_id"`
	AuthorID int64  `json:"author_id"`
	Title    string `json:"title"`
	BodyMD   string `json:"body_md"`
	BodyHTML string `json:"body_html"` // rendered and sanitised at save time
	// GroupIDs are the groups it is for, ascending; empty: every member.
	GroupIDs []int64 `json:"group_ids"`
	// PostAt is when it is (or was) to be posted.
	PostAt time.Time `json:"post_at"`
	// PostedAt is when it was posted; zero while it is scheduled.
	PostedAt time.Time `json:"posted_at,omitzero"`
	// EditedAt is set when it was changed after posting ("edited").
	EditedAt  time.Time `json:"edited_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// AuthorName is the author's display name and AuthorUsername their
	// username; both filled by reads (read only).
	AuthorName     string `json:"author_name,omitempty"`
	AuthorUsername string `json:"author_username,omitempty"`
}

// Scheduled reports whether the announcement is not posted yet.
func (a *CourseAnnouncement) Scheduled() bool { return a.PostedAt.IsZero() }

// ForGroup reports whether a learner in groupID (0: none) is among those
// the announcement is for.
func (a *CourseAnnouncement) ForGroup(groupID int64) bool {
	if len(a.GroupIDs) == 0 {
		return true
	}
	for _, g := range a.GroupIDs {
		if g == groupID && groupID != 0 {
			return true
		}
	}
	return false
}

// AnnouncementFilter selects a course's announcements, latest PostAt
// first (then newest id first).
type AnnouncementFilter struct {
	CourseID int64 // required
	// All selects every announcement, scheduled ones and those for any
	// group (staff). Otherwise only posted ones for every member or for
	// GroupID (0: the reader is in no group).
	All     bool
	GroupID int64
	Page
}

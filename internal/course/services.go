package course

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
)

// Params are the dependencies and settings of the course services, for
// NewServices. Each service also has a constructor of its own that takes
// only the store interface it consumes.
type Params struct {
	Store  store.Store
	Logger zerolog.Logger
	// Announcer delivers stored changes live; nil announces nothing
	// (and leaves nothing in the outbox).
	Announcer Announcer
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// EditWindow is how long authors may edit their posts (zero: DefaultEditWindow).
	EditWindow time.Duration
	// MaxHeartbeat bounds the time one heartbeat adds (zero: DefaultMaxHeartbeat).
	MaxHeartbeat time.Duration
	// Uploads configures stored files; zero fields take the defaults.
	Uploads UploadParams
}

// Services are the course services, one per area, sharing one access
// loader. docs/architecture.md maps what each owns.
type Services struct {
	Access        *Loader
	Courses       *Courses
	Enrolment     *Enrolment
	Notifications *Notifications
	Content       *Content
	Progress      *Progress
	Discussion    *Discussion
	Chat          *Chat
	Uploads       *Uploads
	Attendance    *Attendance
	Announcements *Announcements
}

// NewServices builds every course service over one store.
func NewServices(p Params) (*Services, error) {
	if p.Store == nil {
		return nil, fmt.Errorf("course: Params.Store is nil")
	}
	b := Base{Logger: p.Logger, Announcer: p.Announcer, Clock: p.Clock, Access: NewLoader(p.Store)}
	s := &Services{Access: b.Access}
	s.Notifications = NewNotifications(b, store.Scope[NotificationsStore](p.Store))
	s.Uploads = NewUploads(b, store.Scope[UploadsStore](p.Store), p.Uploads)
	s.Courses = NewCourses(b, store.Scope[CoursesStore](p.Store), s.Uploads)
	s.Enrolment = NewEnrolment(b, store.Scope[EnrolmentStore](p.Store), s.Notifications)
	s.Progress = NewProgress(b, store.Scope[ProgressStore](p.Store), s.Uploads, p.MaxHeartbeat)
	s.Content = NewContent(b, store.Scope[ContentStore](p.Store), s.Uploads, s.Progress)
	s.Discussion = NewDiscussion(b, store.Scope[DiscussionStore](p.Store), s.Notifications, p.EditWindow)
	s.Chat = NewChat(b, store.Scope[ChatStore](p.Store), s.Notifications, s.Uploads, p.EditWindow)
	s.Attendance = NewAttendance(b, store.Scope[AttendanceStore](p.Store))
	s.Announcements = NewAnnouncements(b, store.Scope[AnnouncementsStore](p.Store), s.Notifications)
	for kind, fn := range map[string]RefReader{"course": s.Courses.coverVisible, "lesson": s.Content.lessonVisible,
		"message": s.Chat.messageVisible, avatarKind: avatarVisible, "announcement": s.Announcements.announcementVisible} {
		s.Uploads.RegisterReader(kind, fn)
	}
	return s, nil
}

// Every backend implements every service's store: checked at compile time.
var (
	_ CoursesStore       = store.Scoped[CoursesStore]{}
	_ EnrolmentStore     = store.Scoped[EnrolmentStore]{}
	_ NotificationsStore = store.Scoped[NotificationsStore]{}
	_ ContentStore       = store.Scoped[ContentStore]{}
	_ ProgressStore      = store.Scoped[ProgressStore]{}
	_ DiscussionStore    = store.Scoped[DiscussionStore]{}
	_ ChatStore          = store.Scoped[ChatStore]{}
	_ UploadsStore       = store.Scoped[UploadsStore]{}
	_ AttendanceStore    = store.Scoped[AttendanceStore]{}
	_ AnnouncementsStore = store.Scoped[AnnouncementsStore]{}
)

package lms

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Course field limits.
const (
	MaxTitleChars       = 200     // course, module, lesson, forum, thread and room titles
	MaxCodeChars        = 40      // a course's short code, e.g. "CS101"
	MaxDescriptionChars = 10_000  // a course's description
	MaxBodyBytes        = 200_000 // a lesson's or post's Markdown source
	MaxGroupSize        = 1000    // the largest group size limit
)

// CourseVisibility says who can see a course.
type CourseVisibility string

// Course visibilities.
const (
	CourseDraft     CourseVisibility = "draft"     // only staff see it
	CoursePublished CourseVisibility = "published" // members see it; join codes work
	CourseArchived  CourseVisibility = "archived"  // members see it read-only
)

// Valid reports whether v is a known visibility.
func (v CourseVisibility) Valid() bool {
	return v == CourseDraft || v == CoursePublished || v == CourseArchived
}

// Course is a class: its settings, dates and join code.
type Course struct {
	ID          int64            `json:"id"`
	Title       string           `json:"title"`
	Code        string           `json:"code"`
	Description string           `json:"description"`
	CoverPath   string           `json:"cover_path"` // URL of the cover image, an uploaded file's (/api/v1/uploads/{id}); "" when none
	Visibility  CourseVisibility `json:"visibility"`
	StartsAt    time.Time        `json:"starts_at,omitzero"`
	EndsAt      time.Time        `json:"ends_at,omitzero"`
	CreatedBy   int64            `json:"created_by"`
	// JoinCode lets people enrol themselves; "" when none was generated.
	JoinCode         string    `json:"join_code,omitempty"`
	JoinEnabled      bool      `json:"join_enabled"`
	JoinExpiresAt    time.Time `json:"join_expires_at,omitzero"` // zero: never
	JoinNeedsApprove bool      `json:"join_needs_approval"`      // joiners wait as pending until staff approve
	// Listed shows the course in the catalogue while it is published.
	Listed bool `json:"listed"`
	// EnrolMode is how people enrol themselves from the catalogue; ""
	// reads as EnrolClosed (see Enrolment).
	EnrolMode EnrolMode `json:"enrol_mode"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the fields a person edits and returns an EINVALID *Error
// naming the first bad one.
func (c *Course) Validate() error {
	if err := CheckText("title", c.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if err := CheckText("code", c.Code, MaxCodeChars, false); err != nil {
		return err
	}
	if utf8.RuneCountInString(c.Description) > MaxDescriptionChars || !utf8.ValidString(c.Description) {
		return FieldError("description", "The description must be valid text of at most %d characters.", MaxDescriptionChars)
	}
	if !c.Visibility.Valid() {
		return FieldError("visibility", "The visibility must be draft, published or archived.")
	}
	if c.EnrolMode != "" && !c.EnrolMode.Valid() {
		return FieldError("enrol_mode", "The enrolment mode must be open, approval or closed.")
	}
	if !c.StartsAt.IsZero() && !c.EndsAt.IsZero() && c.EndsAt.Before(c.StartsAt) {
		return FieldError("ends_at", "The course must end after it starts.")
	}
	return nil
}

// JoinOpen reports whether the join code may be used at now.
func (c *Course) JoinOpen(now time.Time) bool {
	return c.JoinCode != "" && c.JoinEnabled && c.Visibility == CoursePublished &&
		(c.JoinExpiresAt.IsZero() || now.Before(c.JoinExpiresAt))
}

// CourseFilter selects courses in a list ordered by id.
type CourseFilter struct {
	MemberID   int64            // only courses where this user has an active enrolment; 0 for any
	Visibility CourseVisibility // "" for any
	Query      string           // matched case-insensitively against title and code; "" for all
	Limit      int
	Offset     int
}

// EnrollmentStatus is where an enrolment stands.
type EnrollmentStatus string

// Enrolment statuses.
const (
	EnrollActive  EnrollmentStatus = "active"  // a member of the course
	EnrollPending EnrollmentStatus = "pending" // joined with a code that needs approval
)

// Valid reports whether s is a known status.
func (s EnrollmentStatus) Valid() bool { return s == EnrollActive || s == EnrollPending }

// Enrollment is one person's membership of one course.
type Enrollment struct {
	CourseID  int64            `json:"course_id"`
	UserID    int64            `json:"user_id"`
	Role      CourseRole       `json:"role"`
	Status    EnrollmentStatus `json:"status"`
	GroupID   int64            `json:"group_id,omitzero"` // 0: no group
	CreatedAt time.Time        `json:"created_at"`
	// Username and Name are filled by lists from the user (read only).
	Username string `json:"username,omitempty"`
	Name     string `json:"name,omitempty"`
}

// EnrollmentFilter selects a course's enrolments ordered by user id.
type EnrollmentFilter struct {
	CourseID int64            // required
	Role     CourseRole       // "" for any
	Status   EnrollmentStatus // "" for any
	GroupID  int64            // 0 for any
	Limit    int
	Offset   int
}

// Group is a set of a course's learners (e.g. for a group project).
type Group struct {
	ID         int64     `json:"id"`
	CourseID   int64     `json:"course_id"`
	Name       string    `json:"name"`
	SelfSelect bool      `json:"self_select"` // learners may join it themselves
	MaxSize    int       `json:"max_size"`    // 0: no limit
	CreatedAt  time.Time `json:"created_at"`
	Members    int       `json:"members"` // filled by reads (read only)
}

// Validate checks a group's editable fields.
func (g *Group) Validate() error {
	if err := CheckText("name", g.Name, MaxTitleChars, true); err != nil {
		return err
	}
	if g.MaxSize < 0 || g.MaxSize > MaxGroupSize {
		return FieldError("max_size", "The size limit must be between 0 (none) and %d.", MaxGroupSize)
	}
	return nil
}

// Module is an ordered section of a course.
type Module struct {
	ID        int64     `json:"id"`
	CourseID  int64     `json:"course_id"`
	Position  int       `json:"position"` // 1-based order within the course
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Lesson is an ordered page of a module.
type Lesson struct {
	ID       int64  `json:"id"`
	ModuleID int64  `json:"module_id"`
	CourseID int64  `json:"course_id"` // the module's course (kept by the store)
	Position int    `json:"position"`  // 1-based order within the module
	Title    string `json:"title"`
	BodyMD   string `json:"body_md"`
	// BodyHTML is BodyMD rendered and sanitised when the lesson was saved.
	BodyHTML string `json:"body_html"`
	Draft    bool   `json:"draft"` // invisible to learners
	// AvailableFrom releases the lesson at a time; zero: at once.
	AvailableFrom time.Time `json:"available_from,omitzero"`
	// RequiresPrevious releases the lesson only once the lesson before it
	// (in course order) is completed.
	RequiresPrevious bool `json:"requires_previous"`
	// CompletionRule decides how the lesson becomes completed; empty
	// means CompleteManual.
	CompletionRule CompletionRule `json:"completion_rule"`
	// CompletionPercent is N of CompleteVideo (1..100); 0 for other rules.
	CompletionPercent int       `json:"completion_percent"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// CompletionRule is how a lesson becomes completed for a learner.
type CompletionRule string

// The completion rules. Only CompleteManual lets the learner mark the
// lesson complete; the others are decided by the server.
const (
	CompleteManual CompletionRule = "manual" // the learner marks it complete
	CompleteViewed CompletionRule = "viewed" // completed when the learner opens it
	CompleteVideo  CompletionRule = "video"  // completed when the learner watched CompletionPercent % of its video
	// CompleteQuizPassed completes the lesson when the learner passes the
	// quiz standing at its place (lms.Quiz.LessonID).
	CompleteQuizPassed CompletionRule = "quiz_passed"
)

// Rule returns the lesson's completion rule, CompleteManual when unset.
func (l *Lesson) Rule() CompletionRule {
	if l.CompletionRule == "" {
		return CompleteManual
	}
	return l.CompletionRule
}

// Validate checks a lesson's editable fields (not the rendered HTML).
func (l *Lesson) Validate() error {
	if err := CheckText("title", l.Title, MaxTitleChars, true); err != nil {
		return err
	}
	switch l.Rule() {
	case CompleteManual, CompleteViewed, CompleteQuizPassed:
		if l.CompletionPercent != 0 {
			return FieldError("completion_percent", "A percentage only goes with the video completion rule.")
		}
	case CompleteVideo:
		if l.CompletionPercent < 1 || l.CompletionPercent > 100 {
			return FieldError("completion_percent", "The percentage of the video to watch must be between 1 and 100.")
		}
	default:
		return FieldError("completion_rule", "The completion rule must be manual, viewed, video or quiz_passed.")
	}
	if len(l.BodyMD) > MaxBodyBytes {
		return &Error{Code: ETOOLARGE, Field: "body", Message: "The lesson text is too long."}
	}
	if !utf8.ValidString(l.BodyMD) {
		return FieldError("body", "The lesson text must be valid UTF-8.")
	}
	return nil
}

// ModuleLayout is one module and its lessons in order: the unit of a
// drag-and-drop reorder.
type ModuleLayout struct {
	ModuleID  int64   `json:"module_id"`
	LessonIDs []int64 `json:"lesson_ids"`
}

// Upload is a stored file, named by the SHA-256 of its content.
type Upload struct {
	ID          int64     `json:"id"`
	Hash        string    `json:"hash"` // hex SHA-256 of the content; unique
	Path        string    `json:"-"`    // relative path in the data dir
	Name        string    `json:"name"` // the file name given at upload (for downloads)
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	OwnerID     int64     `json:"owner_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// LessonProgress is one learner's progress through one lesson.
type LessonProgress struct {
	UserID       int64     `json:"user_id"`
	LessonID     int64     `json:"lesson_id"`
	CourseID     int64     `json:"course_id"`
	OpenedAt     time.Time `json:"opened_at,omitzero"`
	LastSeenAt   time.Time `json:"last_seen_at,omitzero"` // the last open or heartbeat
	SecondsSpent int       `json:"seconds_spent"`
	// VideoPercent is the furthest point of the lesson's video the learner
	// reported watching, 0..100.
	VideoPercent int       `json:"video_percent"`
	CompletedAt  time.Time `json:"completed_at,omitzero"`
}

// Completed reports whether the lesson is completed.
func (p *LessonProgress) Completed() bool { return p != nil && !p.CompletedAt.IsZero() }

// ProgressUpdate is one change to a learner's lesson progress, applied
// atomically by the store.
type ProgressUpdate struct {
	UserID, CourseID, LessonID int64
	At                         time.Time // now; sets OpenedAt when unset and LastSeenAt
	AddSeconds                 int       // added to SecondsSpent (already bounded by the caller)
	VideoPercent               int       // raises VideoPercent to at least this (0..100)
	Complete                   bool      // sets CompletedAt when unset
	Uncomplete                 bool      // clears CompletedAt
}

// CourseProgress sums one learner's progress in one course.
type CourseProgress struct {
	CourseID     int64     `json:"course_id"`
	UserID       int64     `json:"user_id"`
	Completed    int       `json:"completed"` // lessons completed (of the visible ones)
	Total        int       `json:"total"`     // visible lessons
	Percent      int       `json:"percent"`   // 0..100, rounded down
	LastActivity time.Time `json:"last_activity,omitzero"`
	LastLessonID int64     `json:"last_lesson_id,omitzero"` // "continue where you left off"
}

// CheckText checks a one-line text field: valid UTF-8, no control
// characters, at most maxChars, and non-blank when required. It returns an
// EINVALID *Error naming field.
func CheckText(field, s string, maxChars int, required bool) error {
	switch {
	case !utf8.ValidString(s):
		return FieldError(field, "The %s must be valid UTF-8.", field)
	case required && strings.TrimSpace(s) == "":
		return FieldError(field, "The %s is required.", field)
	case utf8.RuneCountInString(s) > maxChars:
		return FieldError(field, "The %s must be at most %d characters long.", field, maxChars)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return FieldError(field, "The %s must not contain control characters.", field)
	}
	return nil
}

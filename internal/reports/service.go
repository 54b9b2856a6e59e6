// Package reports owns the course and site reports: engagement (active
// learners per day, lesson views and time, the completion funnel per
// module, discussion and chat activity, live-session attendance),
// performance (grade distributions per item and for the course total, quiz
// item analysis, the at-risk list with its reasons), one learner's report
// (timeline, grades, completion, what to review next) and the site report
// for administrators.
//
// Permissions follow lms.Can: the course reports need ActViewGrades
// (instructors, TAs, administrators); a learner may read only their own
// learner report; the site report is for administrators. The figures are
// read from the store's aggregates (store.Reports) and from the services
// that own the data (gradebook, quiz statistics, attendance), through the
// small interfaces below.
package reports

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Store is what the reports read.
type Store interface {
	store.Reports
	ListModules(ctx context.Context, courseID int64) ([]*lms.Module, error)
	ListLessons(ctx context.Context, courseID int64, withBody bool) ([]*lms.Lesson, error)
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	ListQuizzes(ctx context.Context, courseID int64) ([]*lms.Quiz, error)
	ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error)
	UserByID(ctx context.Context, id int64) (*lms.User, error)
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
	QuestionByID(ctx context.Context, id int64) (*lms.Question, error)
	LessonByID(ctx context.Context, id int64) (*lms.Lesson, error)
}

// Access answers "who is this caller in this course" (course.Loader).
type Access interface {
	Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error)
}

// Gradebook reads grades (grades.Service).
type Gradebook interface {
	Book(ctx context.Context, actor *lms.User, courseID int64) (*grades.Book, error)
	MyGrades(ctx context.Context, actor *lms.User, courseID int64) (*grades.Book, error)
}

// QuizStats reads a quiz's item analysis (assess.Service).
type QuizStats interface {
	Stats(ctx context.Context, actor *lms.User, quizID int64) (*assess.QuizStats, error)
}

// Attendance reads live-session attendance (course.Attendance).
type Attendance interface {
	AttendanceReport(ctx context.Context, actor *lms.User, courseID int64, from, to time.Time) (*course.AttendanceReport, error)
}

// Progress reads one learner's course progress (course.Progress).
type Progress interface {
	CourseProgress(ctx context.Context, actor *lms.User, courseID, userID int64) (*lms.CourseProgress, error)
}

// Notifier delivers the at-risk message (course.Notifications).
type Notifier interface {
	Notify(ctx context.Context, userID int64, kind string, payload map[string]any)
}

// Params are a Service's dependencies; every field but Clock and
// Connections is required.
type Params struct {
	Store      Store
	Access     Access
	Gradebook  Gradebook
	Quizzes    QuizStats
	Attendance Attendance
	Progress   Progress
	Notifier   Notifier
	// Connections returns the live connections this node holds now (the
	// hub's gauge); nil reports none.
	Connections func() int
	Rules       Rules // zero fields take DefaultRules' values
	Logger      zerolog.Logger
	Clock       func() time.Time // nil: time.Now
}

// Service computes the reports.
type Service struct {
	p   Params
	now func() time.Time
}

// New returns the reports service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Access == nil || p.Gradebook == nil || p.Quizzes == nil || p.Attendance == nil ||
		p.Progress == nil || p.Notifier == nil {
		return nil, errors.New("reports: a required dependency is missing")
	}
	p.Rules = p.Rules.withDefaults()
	now := p.Clock
	if now == nil {
		now = time.Now
	}
	return &Service{p: p, now: now}, nil
}

// Rules returns the at-risk thresholds in force.
func (s *Service) Rules() Rules { return s.p.Rules }

// staff loads the course for a caller who sees every learner's figures.
func (s *Service) staff(ctx context.Context, actor *lms.User, courseID int64) (*course.Access, error) {
	return s.p.Access.Load(ctx, actor, courseID, lms.ActViewGrades)
}

// DefaultPeriod is the engagement period when none is given: the last 30
// days, today included.
const DefaultPeriod = 30 * lms.Day

// MaxPeriod bounds a report's period.
const MaxPeriod = 366 * lms.Day

// Period returns the whole UTC days [from, to) a report covers: zero to
// means through today, zero from DefaultPeriod before to. A period that is
// empty, reversed or longer than MaxPeriod is EINVALID.
func (s *Service) Period(from, to time.Time) (time.Time, time.Time, error) {
	if to.IsZero() {
		to = s.now()
	}
	to = lms.DayOf(to).Add(lms.Day)
	if from.IsZero() {
		from = to.Add(-DefaultPeriod)
	}
	from = lms.DayOf(from)
	switch {
	case !from.Before(to):
		return from, to, lms.FieldError("from", "The period must start before it ends.")
	case to.Sub(from) > MaxPeriod:
		return from, to, lms.FieldError("from", "The period may be at most %d days.", int(MaxPeriod/lms.Day))
	}
	return from, to, nil
}

// learners returns the course's active learners by user id, in the
// enrolment list's order.
func (s *Service) learners(ctx context.Context, courseID int64) ([]*lms.Enrollment, error) {
	var out []*lms.Enrollment
	for offset := 0; ; offset += lms.MaxPageSize {
		page, total, err := s.p.Store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID,
			Role: lms.CourseLearner, Status: lms.EnrollActive, Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if offset+len(page) >= total || len(page) == 0 {
			return out, nil
		}
	}
}

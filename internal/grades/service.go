// Package grades owns the gradebook: per course, learners × graded items
// (quizzes, assignments, live quizzes and manual items), grade categories
// with weights or points totals, dropping each learner's lowest grades per
// category, the course total and its letter, manual grades, overrides with
// a reason and excused grades (all audited), hidden items, CSV export and a
// CSV import of manual grades with a preview and per-row problems.
//
// Assessments report results through Report (an idempotent upsert of an
// lms.GradeResult). Every method that acts for a person takes the acting
// user; permission follows lms.Can: ActViewGrades to see everyone's grades,
// ActGrade to grade, override and excuse, ActEditContent to shape the
// gradebook (items, categories, settings); a learner sees only their own
// row and only released grades of visible items. Every change of a grade is
// announced after its commit through the Announcer.
package grades

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Store is what the gradebook reads and writes.
type Store interface {
	store.Gradebook
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	UsersByLogins(ctx context.Context, logins []string) ([]*lms.User, error)
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
}

// TxStore is a Store that runs functions in one transaction.
type TxStore interface {
	Store
	// InTx runs fn with a Store bound to one transaction; fn's error rolls
	// it back.
	InTx(ctx context.Context, fn func(Store) error) error
}

// FromStore adapts a store.Store to TxStore.
func FromStore(st store.Store) TxStore { return txAdapter{st} }

type txAdapter struct{ store.Store }

func (a txAdapter) InTx(ctx context.Context, fn func(Store) error) error {
	return a.Store.InTx(ctx, func(s store.Store) error { return fn(txAdapter{s}) })
}

// Access answers "who is this caller in this course" (course.Loader).
type Access interface {
	Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error)
}

// Announcer hears of every changed grade after its commit: the live layer
// tells the learner (their personal topic) and open gradebooks.
type Announcer interface {
	GradeChanged(ctx context.Context, courseID, userID, itemID int64) error
}

// Params are a Service's dependencies.
type Params struct {
	Store  TxStore
	Access Access
	// Announcer hears of changed grades; nil announces nothing.
	Announcer Announcer
	Logger    zerolog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// Service implements the gradebook.
type Service struct {
	store  TxStore
	access Access
	ann    Announcer
	log    zerolog.Logger
	now    func() time.Time
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Access == nil {
		return nil, fmt.Errorf("grades: Params.Store and Params.Access are required")
	}
	s := &Service{store: p.Store, access: p.Access, ann: p.Announcer, log: p.Logger, now: p.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// change is one grade whose change is announced after the commit.
type change struct{ courseID, userID, itemID int64 }

// announce tells the Announcer of committed changes; a failure is logged
// (the grade is stored: a reload shows it).
func (s *Service) announce(ctx context.Context, changes ...change) {
	if s.ann == nil {
		return
	}
	for _, c := range changes {
		if err := s.ann.GradeChanged(ctx, c.courseID, c.userID, c.itemID); err != nil {
			s.log.Warn().Err(err).Int64("course", c.courseID).Int64("user", c.userID).Int64("item", c.itemID).
				Msg("announce grade change")
		}
	}
}

// item loads a grade item and checks that actor may do act in its course.
func (s *Service) item(ctx context.Context, actor *lms.User, itemID int64, act lms.CourseAction) (*lms.GradeItem, *course.Access, error) {
	if actor == nil || actor.ID == 0 || actor.Disabled {
		return nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	it, err := s.store.GradeItemByID(ctx, itemID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "grade item not found")
	}
	if err != nil {
		return nil, nil, err
	}
	a, err := s.access.Load(ctx, actor, it.CourseID, act)
	if err != nil {
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, lms.Errorf(lms.ENOTFOUND, "grade item not found")
		}
		return nil, nil, err
	}
	return it, a, nil
}

// learners returns the course's active learners ordered by user id.
func learners(ctx context.Context, st Store, courseID int64) ([]*lms.Enrollment, error) {
	return course.AllEnrollments(ctx, st, lms.EnrollmentFilter{CourseID: courseID, Role: lms.CourseLearner,
		Status: lms.EnrollActive})
}

// isLearner reports whether userID is an active learner of the course.
func isLearner(list []*lms.Enrollment, userID int64) bool {
	for _, e := range list {
		if e.UserID == userID {
			return true
		}
	}
	return false
}

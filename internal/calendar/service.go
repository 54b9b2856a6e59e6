// Package calendar owns the calendar: every dated thing across a person's
// courses (lesson release dates, quiz open and close times, assignment due
// and cut-off dates, course events and scheduled live sessions) as that
// person may see it (their quiz overrides and assignment extensions
// applied; drafts, hidden lessons and rooms of other groups left out),
// course events that instructors add (audited), and a per-user iCal feed
// at a secret URL whose token is stored hashed and can be reset.
//
// Permission follows lms.Can: ActViewContent to see a course's calendar
// (ActViewDrafts to see drafts too), ActEditContent to add, change and
// delete its events.
package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Store is what the service reads and writes.
type Store interface {
	store.Calendar
	ListCourses(ctx context.Context, f lms.CourseFilter) ([]*lms.Course, int, error)
	ListLessons(ctx context.Context, courseID int64, withBody bool) ([]*lms.Lesson, error)
	ListQuizzes(ctx context.Context, courseID int64) ([]*lms.Quiz, error)
	ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error)
	ListAssignments(ctx context.Context, courseID int64) ([]*lms.Assignment, error)
	ExtensionOf(ctx context.Context, assignmentID, userID int64) (*lms.Extension, error)
	ListRooms(ctx context.Context, courseID int64) ([]*lms.Room, error)
	RoomByID(ctx context.Context, id int64) (*lms.Room, error)
	UserByID(ctx context.Context, id int64) (*lms.User, error)
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

// Params are a Service's dependencies.
type Params struct {
	Store  TxStore
	Access Access
	Logger zerolog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Reminders schedules the "live session starting" notification of
	// every live session (internal/remind) in the transaction that saves
	// it; a runner must handle remind.JobKind.
	Reminders bool
}

// Service implements the calendar.
type Service struct {
	store  TxStore
	access Access
	log    zerolog.Logger
	now    func() time.Time
	remind bool
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Access == nil {
		return nil, fmt.Errorf("calendar: Params.Store and Access are required")
	}
	s := &Service{store: p.Store, access: p.Access, log: p.Logger, now: p.Clock, remind: p.Reminders}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Limits of one calendar read.
const (
	// MaxSpan bounds the range of one read (a year and a month: the feed's
	// window fits).
	MaxSpan = 400 * 24 * time.Hour
	// MaxItems bounds the items of one read; Truncated says when more fell
	// in the range.
	MaxItems = 2000
	// maxCourses bounds the courses one read walks.
	maxCourses = 1000
)

// Range selects calendar items: those overlapping [From, To), of one
// course (CourseID) or of every course the caller is an active member of
// (0).
type Range struct {
	From, To time.Time
	CourseID int64
}

// Validate checks the range.
func (r Range) Validate() error {
	switch {
	case r.From.IsZero() || r.To.IsZero():
		return lms.FieldError("from", "The range needs a start and an end.")
	case !r.To.After(r.From):
		return lms.FieldError("to", "The end of the range must be after its start.")
	case r.To.Sub(r.From) > MaxSpan:
		return lms.FieldError("to", "A range spans at most %d days.", int(MaxSpan/(24*time.Hour)))
	}
	return nil
}

// Items is one calendar read.
type Items struct {
	From      time.Time           `json:"from"`
	To        time.Time           `json:"to"`
	Items     []*lms.CalendarItem `json:"items"`
	Truncated bool                `json:"truncated"` // more than MaxItems fell in the range
}

// Items returns what actor may see in r, ordered by start, then course,
// kind and uid.
func (s *Service) Items(ctx context.Context, actor *lms.User, r Range) (*Items, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	accesses, err := s.courses(ctx, actor, r.CourseID)
	if err != nil {
		return nil, err
	}
	var items []*lms.CalendarItem
	for _, a := range accesses {
		got, err := s.courseItems(ctx, a)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	ids := make([]int64, 0, len(accesses))
	byID := map[int64]*course.Access{}
	for _, a := range accesses {
		ids = append(ids, a.Course.ID)
		byID[a.Course.ID] = a
	}
	evs, err := s.eventItems(ctx, byID, ids, r)
	if err != nil {
		return nil, err
	}
	items = append(items, evs...)
	out := &Items{From: r.From.UTC(), To: r.To.UTC(), Items: inRange(items, r)}
	if len(out.Items) > MaxItems {
		out.Items, out.Truncated = out.Items[:MaxItems], true
	}
	return out, nil
}

// courses returns the caller's access to the course asked, or to each
// course they are an active member of (draft courses only for their
// staff).
func (s *Service) courses(ctx context.Context, actor *lms.User, courseID int64) ([]*course.Access, error) {
	if courseID != 0 {
		a, err := s.access.Load(ctx, actor, courseID, lms.ActViewContent)
		if err != nil {
			return nil, err
		}
		return []*course.Access{a}, nil
	}
	var out []*course.Access
	for offset := 0; offset < maxCourses; {
		page, total, err := s.store.ListCourses(ctx, lms.CourseFilter{MemberID: actor.ID, Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, fmt.Errorf("calendar: list courses: %w", err)
		}
		for _, c := range page {
			a, err := s.access.Load(ctx, actor, c.ID, lms.ActViewContent)
			switch {
			case lms.IsCode(err, lms.ENOTFOUND) || lms.IsCode(err, lms.EFORBIDDEN):
				continue // e.g. a learner of a draft course
			case err != nil:
				return nil, err
			}
			out = append(out, a)
		}
		offset += len(page)
		if len(page) == 0 || offset >= total {
			break
		}
	}
	return out, nil
}

func requireUser(u *lms.User) error {
	if u == nil || u.Disabled {
		return lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	return nil
}

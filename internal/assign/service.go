// Package assign owns assignments: instructions (Markdown rendered and
// sanitised like lessons) with attachments, due and cut-off dates, late
// penalties per day or hour (shown to the learner before they submit),
// online text and file submissions with allowed types and a size limit,
// individual or group submission (one per course group; any member submits,
// every member gets the grade), drafts and submissions for grading with
// every version kept, the graders' table of submissions (submitted, late by
// how long, missing, graded), grading with a score or a rubric and feedback
// (text and a file), releasing grades together or one by one, and all
// submissions as one zip.
//
// Grades go to the gradebook through Gradebook.Report (lms.GradeResult,
// released or not); learners see grade, feedback and rubric only once
// released. Permission follows lms.Can: ActEditContent to create and edit
// assignments, ActGrade to see and grade submissions, learners only their
// own (or their group's) work.
package assign

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Store is what the service reads and writes.
type Store interface {
	store.Assignments
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	ListGroups(ctx context.Context, courseID int64) ([]*lms.Group, error)
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
	UserExtensions(ctx context.Context, userID int64) ([]*lms.Extension, error)
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

// Files is what the service needs of uploaded files: their metadata (to
// decide whether a person may attach one: their own), recording which
// uploads an assignment, a submission or a feedback references (so they
// are kept), and their content (for the zip of all submissions).
type Files interface {
	// UploadByID returns the upload (ENOTFOUND if none).
	UploadByID(ctx context.Context, id int64) (*lms.Upload, error)
	// SetUploadRefs makes ref (e.g. "submission:12") reference exactly
	// uploadIDs within courseID.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	// Open opens the upload's content.
	Open(ctx context.Context, u *lms.Upload) (io.ReadCloser, error)
}

// DirFiles are uploads as internal/course stores them: metadata in the
// store, content under Dir at the upload's Path.
type DirFiles struct {
	store.Uploads
	Dir string
}

// refSetter records which uploads a thing references.
type refSetter interface {
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
}

// refsIn is where a change made in the transaction st records upload
// references: with DirFiles the uploads live in the service's own store,
// so they are written by st and commit with the change (writing them
// through another connection while st holds the database would wait for
// st forever on SQLite); other Files record them themselves.
func (s *Service) refsIn(st Store) refSetter {
	if _, same := s.files.(DirFiles); same {
		if rs, ok := st.(refSetter); ok {
			return rs
		}
	}
	return s.files
}

// Open opens the upload's file under Dir.
func (d DirFiles) Open(_ context.Context, u *lms.Upload) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(d.Dir, u.Path))
	if err != nil {
		return nil, fmt.Errorf("open upload %d: %w", u.ID, err)
	}
	return f, nil
}

// Gradebook receives grades (grades.Service.Report).
type Gradebook interface {
	Report(ctx context.Context, r lms.GradeResult) error
}

// Notifier notifies a person (course.Notifications.Notify).
type Notifier interface {
	Notify(ctx context.Context, userID int64, kind string, payload map[string]any)
}

// Params are a Service's dependencies.
type Params struct {
	Store     TxStore
	Access    Access
	Files     Files
	Gradebook Gradebook
	// Notify tells learners their feedback is released; nil: nobody is told.
	Notify Notifier
	// Reminders schedules deadline reminders (internal/remind) with every
	// change of a due date, through the store's jobs in the change's
	// transaction.
	Reminders bool
	Logger    zerolog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// Service implements assignments.
type Service struct {
	store  TxStore
	access Access
	files  Files
	book   Gradebook
	notify Notifier
	remind bool
	log    zerolog.Logger
	now    func() time.Time
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Access == nil || p.Files == nil || p.Gradebook == nil {
		return nil, fmt.Errorf("assign: Params.Store, Access, Files and Gradebook are required")
	}
	s := &Service{store: p.Store, access: p.Access, files: p.Files, book: p.Gradebook, notify: p.Notify, remind: p.Reminders,
		log: p.Logger,
		now: p.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// assignment loads an assignment and checks that actor may do act in its
// course; drafts are hidden from those who may not see drafts.
func (s *Service) assignment(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.Assignment, *course.Access, error) {
	if actor == nil || actor.ID == 0 || actor.Disabled {
		return nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	a, err := s.store.AssignmentByID(ctx, id)
	if err != nil {
		return nil, nil, hideMissing(err)
	}
	acc, err := s.access.Load(ctx, actor, a.CourseID, act)
	if err != nil {
		return nil, nil, hideMissing(err)
	}
	if a.Draft && !acc.Can(lms.ActViewDrafts) {
		return nil, nil, errNotFound()
	}
	return a, acc, nil
}

func errNotFound() error { return lms.Errorf(lms.ENOTFOUND, "assignment not found") }

// hideMissing answers an outsider and a missing assignment alike.
func hideMissing(err error) error {
	if lms.IsCode(err, lms.ENOTFOUND) {
		return errNotFound()
	}
	return err
}

// ref names what references an upload.
func ref(kind string, id int64) string { return fmt.Sprintf("%s:%d", kind, id) }

// strconvF formats a float with two decimals.
func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// Package assess holds the rules of assessments over the storage contract:
// question banks (nested categories, versioned questions, tags, search,
// GIFT import and export), quizzes (fixed and random slots, dates, time
// limits, attempts, grading methods, review options, access codes,
// overrides), and attempts (start, autosave, flags, checks with tries,
// submission once, auto-submission at the deadline through a Scheduler,
// grading with internal/question, hand grading, regrades). Grades go to the
// gradebook through the Gradebook interface after the change commits.
//
// Every operation takes the acting user explicitly and checks permission
// with the course access loader: anonymous callers get EUNAUTHORIZED,
// outsiders ENOTFOUND, members without the right EFORBIDDEN.
package assess

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Job kinds this service schedules; the job runner calls HandleJob with them.
const (
	JobAutoSubmit = "assess.autosubmit" // submit an attempt at its deadline
	JobReport     = "assess.report"     // report a learner's quiz grade to the gradebook
	JobRelease    = "assess.release"    // release a quiz's marks to the gradebook when it closes
)

// seedKeyName is the stored name of the server secret that per-attempt
// seeds are derived from (docs/questions.md: a seed learners cannot
// compute).
const seedKeyName = "assess_seed_key"

// Data is what the service reads and writes: the assessment tables, a
// named value (the seed key), and lesson progress for the quiz_passed
// completion rule.
type Data interface {
	store.Assess
	EnsureValue(ctx context.Context, key, value string) (string, error)
	LessonByID(ctx context.Context, id int64) (*lms.Lesson, error)
	UpdateProgress(ctx context.Context, u lms.ProgressUpdate) (*lms.LessonProgress, error)
	// SetUploadRefs and UploadUsableBy record and check the files a
	// question or an essay answer links (store.Course's).
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	UploadUsableBy(ctx context.Context, uploadID, userID, courseID int64) (bool, error)
	// EnrollmentOf returns a user's enrolment (their group decides which
	// override applies to them when no request carries it, as at a
	// release).
	EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error)
}

// Store is Data with transactions.
type Store interface {
	Data
	// InTx runs fn with a Data bound to one transaction; fn's error rolls
	// back.
	InTx(ctx context.Context, fn func(Data) error) error
}

// FromStore adapts a store.Store (whose InTx hands out a store.Store).
// Inside InTx the Data passed on is the transaction's store.Store, so a
// Params.Jobs built over store.Store may type-assert it.
func FromStore(st store.Store) Store { return storeAdapter{st} }

type storeAdapter struct{ store.Store }

func (a storeAdapter) InTx(ctx context.Context, fn func(Data) error) error {
	return a.Store.InTx(ctx, func(tx store.Store) error { return fn(tx) })
}

// Access answers "who is this caller in this course" (course.Loader).
type Access interface {
	Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error)
}

// Release says whether a lesson is released to a caller
// (course.Content.CheckReleased): nil when it is, else the error opening
// the lesson gives (ENOTFOUND hidden, EFORBIDDEN locked with the reason).
type Release interface {
	CheckReleased(ctx context.Context, actor *lms.User, lessonID int64) error
}

// Gradebook receives quiz grades. Report is an idempotent upsert; the
// service calls it after its transaction commits.
type Gradebook interface {
	Report(ctx context.Context, r lms.GradeResult) error
}

// Scheduler schedules durable jobs (internal/jobs). Schedule replaces a
// job with the same key.
type Scheduler interface {
	Schedule(ctx context.Context, kind, key string, at time.Time, payload []byte) error
	Cancel(ctx context.Context, key string) error
}

// Params are a Service's dependencies.
type Params struct {
	Store  Store
	Access Access
	Logger zerolog.Logger
	// Jobs returns a Scheduler bound to the given Data (inside a
	// transaction: the transaction's), so a job is scheduled atomically
	// with the attempt that needs it. nil schedules nothing: attempts are
	// then submitted at their deadline only when someone touches them.
	Jobs func(Data) Scheduler
	// Gradebook receives grades; nil reports nothing.
	Gradebook Gradebook
	// Release checks the release rules of a quiz's lesson before a
	// learner starts an attempt; nil checks none (the operator's CLI).
	Release Release
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// Service implements the assessment rules.
type Service struct {
	store     Store
	access    Access
	log       zerolog.Logger
	jobs      func(Data) Scheduler
	gradebook Gradebook
	release   Release
	now       func() time.Time

	md mdCache // rendered question Markdown

	keyMu sync.Mutex // guards key
	key   []byte     // the seed key, loaded once
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Access == nil {
		return nil, fmt.Errorf("assess: Params.Store and Params.Access are required")
	}
	s := &Service{store: p.Store, access: p.Access, log: p.Logger, jobs: p.Jobs, gradebook: p.Gradebook, release: p.Release,
		now: p.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// clock returns the current time in UTC at the store's precision.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// seedKey returns the server secret, generated and stored by the first
// node that needs it.
func (s *Service) seedKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("assess: seed key: %w", err)
	}
	v, err := s.store.EnsureValue(ctx, seedKeyName, hex.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("assess: the stored seed key is malformed")
	}
	s.key = key
	return key, nil
}

// seed derives a 64-bit seed from the server secret and a label, e.g.
// "slot:12:3": the first 8 bytes of HMAC-SHA256(key, label).
func (s *Service) seed(ctx context.Context, format string, args ...any) (uint64, error) {
	key, err := s.seedKey(ctx)
	if err != nil {
		return 0, err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, format, args...)
	return binary.BigEndian.Uint64(mac.Sum(nil)[:8]), nil
}

// slotSeed is the seed of one question of one attempt.
func (s *Service) slotSeed(ctx context.Context, attemptID int64, slot int) (uint64, error) {
	return s.seed(ctx, "slot:%d:%d", attemptID, slot)
}

// scheduler returns the Scheduler bound to d, or nil.
func (s *Service) scheduler(d Data) Scheduler {
	if s.jobs == nil {
		return nil
	}
	return s.jobs(d)
}

// notFound is what callers get for a thing they may not see.
func notFound(what string) error { return lms.Errorf(lms.ENOTFOUND, "%s not found", what) }

// hide turns ENOTFOUND of a thing into the same error naming what.
func hide(err error, what string) error {
	if lms.IsCode(err, lms.ENOTFOUND) {
		return notFound(what)
	}
	return err
}

// tx runs fn in a transaction once the seed key is loaded (loading it
// inside would wait on the transaction's own lock with SQLite).
func (s *Service) tx(ctx context.Context, fn func(Data) error) error {
	if _, err := s.seedKey(ctx); err != nil {
		return err
	}
	return s.store.InTx(ctx, fn)
}

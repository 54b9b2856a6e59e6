// Package remind sends deadline reminders for assignments and quizzes: "due
// in 24 h" and "due in 1 h" to the learners who have not submitted,
// "overdue" (once) to those who still have not at the due time, and "quiz
// opens" to every learner when a quiz opens.
//
// Each reminder is a durable job (internal/jobs) keyed by the item and the
// moment ("remind:assignment:12:24h"), scheduled by Plan in the transaction
// that creates or changes the item: a new date replaces the job, a deleted
// item (Cancel) or a draft removes it. A job runs on one node at a time
// (the runner's claim); what makes each person's reminder exactly once
// whatever runs again (a lease that ran out, a node that died after
// notifying half the course, a restart) is the notification's dedup key
// (course.Notifications.NotifyOnce), written with the notification in one
// transaction. The key holds the deadline, so a reminder for a date that
// moved is sent again for the new date, but never twice for one.
package remind

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// JobKind is the kind of every reminder job.
const JobKind = "remind.deadline"

// Sources of items with deadlines.
const (
	SourceAssignment = "assignment"
	SourceQuiz       = "quiz"
)

// Moments a reminder is for.
const (
	Opens   = "opens"   // at the opening (quizzes)
	Due24h  = "24h"     // 24 hours before the due time
	Due1h   = "1h"      // 1 hour before the due time
	Overdue = "overdue" // at the due time
)

// moments lists every moment, for cancelling.
var moments = []string{Opens, Due24h, Due1h, Overdue}

// Item is a dated thing reminders are about.
type Item struct {
	Source   string // SourceAssignment or SourceQuiz
	ID       int64
	CourseID int64
	Title    string
	Draft    bool      // drafts get no reminders
	OpensAt  time.Time // zero: no "opens" reminder
	DueAt    time.Time // zero: no due reminders
}

// Key returns the job key of the item's reminder for moment.
func Key(source string, id int64, moment string) string {
	return fmt.Sprintf("remind:%s:%d:%s", source, id, moment)
}

// payload is a reminder job's data: which item and moment, and the date it
// was planned for (a job whose item has another date by now is stale).
type payload struct {
	Source string    `json:"source"`
	ID     int64     `json:"id"`
	Moment string    `json:"moment"`
	At     time.Time `json:"at"` // the opening or due time the reminder is about
}

// Store is what the reminders read.
type Store interface {
	AssignmentByID(ctx context.Context, id int64) (*lms.Assignment, error)
	ListSubmissions(ctx context.Context, assignmentID int64) ([]*lms.Submission, error)
	QuizByID(ctx context.Context, id int64) (*lms.Quiz, error)
	ListAttempts(ctx context.Context, f lms.AttemptFilter) ([]*lms.Attempt, error)
	ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error)
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
}

// Notifier gives each person a notification once per key
// (course.Notifications.NotifyOnce).
type Notifier interface {
	NotifyOnce(ctx context.Context, userID int64, key, kind string, payload map[string]any) (bool, error)
}

// Service plans and sends reminders.
type Service struct {
	store  Store
	notify Notifier
	log    zerolog.Logger
	now    func() time.Time
}

// New returns the reminders service; clock nil means time.Now.
func New(st Store, n Notifier, log zerolog.Logger, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	return &Service{store: st, notify: n, log: log, now: clock}
}

// Scheduler schedules and cancels jobs with JSON payloads (the shape of
// assess.Scheduler; JobScheduler adapts a *jobs.Scheduler).
type Scheduler interface {
	Schedule(ctx context.Context, kind, key string, at time.Time, payload []byte) error
	Cancel(ctx context.Context, key string) error
}

// JobScheduler adapts s to Scheduler.
func JobScheduler(s *jobs.Scheduler) Scheduler { return jobScheduler{s} }

type jobScheduler struct{ s *jobs.Scheduler }

func (j jobScheduler) Schedule(ctx context.Context, kind, key string, at time.Time, payload []byte) error {
	return j.s.Schedule(ctx, kind, key, at, json.RawMessage(payload))
}

func (j jobScheduler) Cancel(ctx context.Context, key string) error { return j.s.Cancel(ctx, key) }

// Plan schedules the item's reminders through sch (a transaction's store,
// so they commit with the change) and removes those it no longer has: a
// draft or an item without dates has none; moments already past when the
// date is set are skipped, except "overdue" (it runs at once and tells
// those who are late).
func Plan(ctx context.Context, sch Scheduler, now time.Time, it Item) error {
	want := map[string]time.Time{}
	if !it.Draft {
		if !it.OpensAt.IsZero() && it.OpensAt.After(now) {
			want[Opens] = it.OpensAt
		}
		if !it.DueAt.IsZero() {
			for m, before := range map[string]time.Duration{Due24h: 24 * time.Hour, Due1h: time.Hour} {
				if at := it.DueAt.Add(-before); at.After(now) {
					want[m] = at
				}
			}
			want[Overdue] = it.DueAt
		}
	}
	for _, m := range moments {
		key := Key(it.Source, it.ID, m)
		at, ok := want[m]
		if !ok {
			if err := sch.Cancel(ctx, key); err != nil {
				return err
			}
			continue
		}
		p := payload{Source: it.Source, ID: it.ID, Moment: m, At: it.OpensAt}
		if m != Opens {
			p.At = it.DueAt
		}
		data, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("remind: encode %s: %w", key, err)
		}
		if err := sch.Schedule(ctx, JobKind, key, at, data); err != nil {
			return err
		}
	}
	return nil
}

// Cancel removes every reminder of the item (it was deleted).
func Cancel(ctx context.Context, sch Scheduler, source string, id int64) error {
	for _, m := range moments {
		if err := sch.Cancel(ctx, Key(source, id, m)); err != nil {
			return err
		}
	}
	return nil
}

// HandleJob sends one reminder to everyone it is for (jobs.Handler). An
// item that is gone, a draft, or whose date moved since the job was planned
// is left alone (its new jobs remind). An error retries the job; people
// reminded already are not reminded again.
func (s *Service) HandleJob(ctx context.Context, j *lms.Job) error {
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("remind: payload of %s: %w", j.Key, err))
	}
	it, done, err := s.item(ctx, p)
	if err != nil || it == nil {
		return err
	}
	learners, err := s.learners(ctx, it.CourseID)
	if err != nil {
		return err
	}
	kind := map[string]string{Opens: lms.NotifyQuizOpens, Due24h: lms.NotifyDueSoon, Due1h: lms.NotifyDueSoon,
		Overdue: lms.NotifyOverdue}[p.Moment]
	dedup := fmt.Sprintf("%s:%s:%d:%s:%d", kind, p.Source, p.ID, p.Moment, p.At.UnixMilli())
	data := map[string]any{"course_id": it.CourseID, p.Source + "_id": it.ID, "title": it.Title, "source": p.Source,
		"due_at": it.DueAt}
	if p.Moment == Due24h || p.Moment == Due1h {
		data["within"] = p.Moment
	}
	if p.Moment == Opens {
		data["opens_at"] = it.OpensAt
		delete(data, "due_at")
	}
	sent := 0
	for _, e := range learners {
		if done(e) {
			continue
		}
		given, err := s.notify.NotifyOnce(ctx, e.UserID, dedup, kind, data)
		if err != nil {
			return fmt.Errorf("remind %d of %s: %w", e.UserID, j.Key, err)
		}
		if given {
			sent++
		}
	}
	s.log.Debug().Str("job", j.Key).Int("sent", sent).Msg("reminders sent")
	return nil
}

// learners returns the course's active learners, every page.
func (s *Service) learners(ctx context.Context, courseID int64) ([]*lms.Enrollment, error) {
	var all []*lms.Enrollment
	for {
		page, _, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID, Role: lms.CourseLearner,
			Status: lms.EnrollActive, Limit: lms.MaxPageSize, Offset: len(all)})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < lms.MaxPageSize {
			return all, nil
		}
	}
}

// item loads the job's item and says who has submitted it; nil when the
// job is stale.
func (s *Service) item(ctx context.Context, p payload) (*Item, func(*lms.Enrollment) bool, error) {
	switch p.Source {
	case SourceAssignment:
		a, err := s.store.AssignmentByID(ctx, p.ID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		it := &Item{Source: p.Source, ID: a.ID, CourseID: a.CourseID, Title: a.Title, Draft: a.Draft, DueAt: a.DueAt}
		if it.Draft || !p.At.Equal(it.DueAt) {
			return nil, nil, nil
		}
		subs, err := s.store.ListSubmissions(ctx, a.ID)
		if err != nil {
			return nil, nil, err
		}
		users, groups := map[int64]bool{}, map[int64]bool{}
		for _, sub := range subs {
			if sub.SubmittedAt.IsZero() {
				continue
			}
			users[sub.UserID] = true
			if sub.GroupID != 0 {
				groups[sub.GroupID] = true
			}
		}
		return it, func(e *lms.Enrollment) bool { return users[e.UserID] || e.GroupID != 0 && groups[e.GroupID] }, nil
	case SourceQuiz:
		q, err := s.store.QuizByID(ctx, p.ID)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		it := &Item{Source: p.Source, ID: q.ID, CourseID: q.CourseID, Title: q.Title, Draft: q.Draft,
			OpensAt: q.OpensAt, DueAt: q.ClosesAt}
		at := it.DueAt
		if p.Moment == Opens {
			at = it.OpensAt
		}
		if it.Draft || !p.At.Equal(at) {
			return nil, nil, nil
		}
		atts, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: q.ID, State: lms.AttemptSubmitted})
		if err != nil {
			return nil, nil, err
		}
		users, groups := map[int64]bool{}, map[int64]bool{}
		if p.Moment != Opens {
			for _, a := range atts {
				users[a.UserID] = true
			}
		}
		// People with their own date (an override) are not told about the
		// quiz's (reminders for override dates are not planned yet).
		overrides, err := s.store.ListOverrides(ctx, q.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range overrides {
			if p.Moment == Opens && o.OpensAt.IsZero() || p.Moment != Opens && o.ClosesAt.IsZero() {
				continue
			}
			users[o.UserID] = o.UserID != 0
			groups[o.GroupID] = o.GroupID != 0
		}
		return it, func(e *lms.Enrollment) bool { return users[e.UserID] || e.GroupID != 0 && groups[e.GroupID] }, nil
	}
	return nil, nil, jobs.Permanent(fmt.Errorf("remind: unknown source %q", p.Source))
}

// Package remind sends notifications planned for a moment: deadline
// reminders for assignments and quizzes ("due in 24 h" and "due in 1 h" to
// the learners who have not submitted, "overdue" once to those who still
// have not at the due time, "quiz opens" when a quiz opens), each learner at
// their own dates when a quiz override or an assignment extension gives
// them other ones; "new lesson released" when a lesson becomes available;
// and "live session starting" when a scheduled live session (a course
// event with a room) begins.
//
// Each notification moment is a durable job (internal/jobs) keyed by the
// thing and the moment ("remind:assignment:12:24h", "remind:quiz:3:u7:1h"
// for learner 7's override), scheduled by the Plan functions in the
// transaction that creates or changes the thing: a new date replaces the
// job, a deletion or a draft removes it. A job runs on one node at a time
// (the runner's claim); what makes each person's notification exactly once
// whatever runs again (a lease that ran out, a node that died after
// notifying half the course, a restart, two jobs covering one learner) is
// the notification's dedup key (course.Notifications.NotifyOnceEach),
// written with the notification in one transaction. The key holds the date,
// so a reminder for a date that moved is sent again for the new date, but
// never twice for one.
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

// JobKind is the kind of every job of this package (deadline reminders,
// lesson releases, live sessions: the payload's source tells them apart).
const JobKind = "remind.deadline"

// Sources of things with moments.
const (
	SourceAssignment = "assignment"
	SourceQuiz       = "quiz"
	SourceLesson     = "lesson" // a lesson's release
	SourceEvent      = "event"  // a scheduled live session (a course event with a room)
)

// Moments a notification is for.
const (
	Opens    = "opens"    // at the opening (quizzes)
	Due24h   = "24h"      // 24 hours before the due time
	Due1h    = "1h"       // 1 hour before the due time
	Overdue  = "overdue"  // at the due time
	Released = "released" // when a lesson becomes available
	Starts   = "starts"   // when a live session starts
)

// moments lists every deadline moment, for cancelling.
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

// payload is a job's data: which thing and moment, and the date it was
// planned for (a job whose thing has another date by now is stale). User or
// Group names the quiz override the job is for (0: the quiz's own dates).
type payload struct {
	Source string    `json:"source"`
	ID     int64     `json:"id"`
	Moment string    `json:"moment"`
	At     time.Time `json:"at"` // the opening, due, release or start time the job is about
	User   int64     `json:"user,omitzero"`
	Group  int64     `json:"group,omitzero"`
}

// Store is what the jobs read.
type Store interface {
	AssignmentByID(ctx context.Context, id int64) (*lms.Assignment, error)
	ListSubmissions(ctx context.Context, assignmentID int64) ([]*lms.Submission, error)
	ListExtensions(ctx context.Context, assignmentID int64) ([]*lms.Extension, error)
	QuizByID(ctx context.Context, id int64) (*lms.Quiz, error)
	ListAttempts(ctx context.Context, f lms.AttemptFilter) ([]*lms.Attempt, error)
	ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error)
	ListActiveMembers(ctx context.Context, courseID int64, role lms.CourseRole) ([]*lms.Enrollment, error)
	LessonByID(ctx context.Context, id int64) (*lms.Lesson, error)
	CourseEventByID(ctx context.Context, id int64) (*lms.CourseEvent, error)
	RoomByID(ctx context.Context, id int64) (*lms.Room, error)
	CourseByID(ctx context.Context, id int64) (*lms.Course, error)
}

// Notifier gives each person a notification once per key
// (course.Notifications.NotifyOnceEach) and says how many it gave.
type Notifier interface {
	NotifyOnceEach(ctx context.Context, userIDs []int64, key, kind string, payload map[string]any) (int, error)
}

// Service sends what the jobs plan.
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

// SchedulerIn returns a Scheduler writing through st (a transaction's
// store, so the jobs commit with the change) on clock, or nil when st
// cannot hold jobs.
func SchedulerIn(st any, clock func() time.Time) Scheduler {
	js, ok := st.(jobs.ScheduleStore)
	if !ok {
		return nil
	}
	return JobScheduler(jobs.NewScheduler(js, clock))
}

// dueMoments returns the deadline moments to plan for an opening and a due
// time: moments already past are skipped, except "overdue" (it runs at once
// and tells those who are late).
func dueMoments(now, opensAt, dueAt time.Time) map[string]time.Time {
	want := map[string]time.Time{}
	if !opensAt.IsZero() && opensAt.After(now) {
		want[Opens] = opensAt
	}
	if !dueAt.IsZero() {
		for m, before := range map[string]time.Duration{Due24h: 24 * time.Hour, Due1h: time.Hour} {
			if at := dueAt.Add(-before); at.After(now) {
				want[m] = at
			}
		}
		want[Overdue] = dueAt
	}
	return want
}

// schedule plans the deadline moments in want under keys from key, and
// cancels the others; p is the payload template (Moment and At are set
// per moment: the opening for Opens, else dueAt).
func schedule(ctx context.Context, sch Scheduler, key func(moment string) string, want map[string]time.Time,
	p payload, opensAt, dueAt time.Time) error {
	for _, m := range moments {
		k := key(m)
		at, ok := want[m]
		if !ok {
			if err := sch.Cancel(ctx, k); err != nil {
				return err
			}
			continue
		}
		p.Moment, p.At = m, dueAt
		if m == Opens {
			p.At = opensAt
		}
		if err := put(ctx, sch, k, at, p); err != nil {
			return err
		}
	}
	return nil
}

// put schedules one job with payload p at at.
func put(ctx context.Context, sch Scheduler, key string, at time.Time, p payload) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("remind: encode %s: %w", key, err)
	}
	return sch.Schedule(ctx, JobKind, key, at, data)
}

// Plan schedules the item's reminders through sch (a transaction's store,
// so they commit with the change) and removes those it no longer has: a
// draft or an item without dates has none. A quiz with overrides takes
// PlanQuiz, which calls Plan.
func Plan(ctx context.Context, sch Scheduler, now time.Time, it Item) error {
	want := map[string]time.Time{}
	if !it.Draft {
		want = dueMoments(now, it.OpensAt, it.DueAt)
	}
	return schedule(ctx, sch, func(m string) string { return Key(it.Source, it.ID, m) }, want,
		payload{Source: it.Source, ID: it.ID}, it.OpensAt, it.DueAt)
}

// Cancel removes every reminder of the item (it was deleted); a quiz's
// overrides take CancelOverride.
func Cancel(ctx context.Context, sch Scheduler, source string, id int64) error {
	for _, m := range moments {
		if err := sch.Cancel(ctx, Key(source, id, m)); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// NotifyGradeAvailable is the kind of the notification a learner gets on
// their personal topic when a grade they may see changes (docs/protocol.md).
const NotifyGradeAvailable = "grade.available"

// newGrades builds the gradebook service; changed grades a learner may see
// are announced to them as notifications.
func (n *node) newGrades(courses *course.Services) (*grades.Service, error) {
	g, err := grades.New(grades.Params{Store: grades.FromStore(n.db), Access: courses.Access,
		Announcer: gradeAnnouncer{db: n.db, notify: courses.Notifications},
		Logger:    n.log.With().Str("component", "grades").Logger()})
	if err != nil {
		return nil, fmt.Errorf("grades: %w", err)
	}
	return g, nil
}

// newAssess builds the assessment service over the node's store, with its
// jobs scheduled in the attempts' transactions and run by runner, and its
// grades reported to book.
func (n *node) newAssess(courses *course.Services, book *grades.Service, runner *jobs.Runner) (*assess.Service, error) {
	sched := jobs.NewScheduler(n.db, nil)
	svc, err := assess.New(assess.Params{
		Store:     assess.FromStore(n.db),
		Access:    courses.Access,
		Logger:    n.log.With().Str("component", "assess").Logger(),
		Gradebook: book,
		Jobs: func(d assess.Data) assess.Scheduler {
			if st, ok := d.(jobs.ScheduleStore); ok {
				return assessJobs{sched.In(st)}
			}
			return assessJobs{sched}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	for _, kind := range []string{assess.JobAutoSubmit, assess.JobReport} {
		runner.Register(kind, func(ctx context.Context, j *lms.Job) error {
			return svc.HandleJob(ctx, j.Kind, j.Payload)
		})
	}
	return svc, nil
}

// assessJobs adapts jobs.Scheduler to assess.Scheduler (whose payloads are
// JSON already).
type assessJobs struct{ s *jobs.Scheduler }

// Schedule schedules the job with its JSON payload as it is.
func (a assessJobs) Schedule(ctx context.Context, kind, key string, at time.Time, payload []byte) error {
	return a.s.Schedule(ctx, kind, key, at, json.RawMessage(payload))
}

// Cancel removes the job key.
func (a assessJobs) Cancel(ctx context.Context, key string) error { return a.s.Cancel(ctx, key) }

// gradeStore is what gradeAnnouncer reads.
type gradeStore interface {
	GradeItemByID(ctx context.Context, id int64) (*lms.GradeItem, error)
	GradeOf(ctx context.Context, itemID, userID int64) (*lms.Grade, error)
}

// gradeAnnouncer tells a learner, through a notification on their personal
// topic, that a grade they may see (released, on a visible item) is
// available or changed.
type gradeAnnouncer struct {
	db     gradeStore
	notify course.Notifier
}

// GradeChanged notifies the learner when they may see the grade.
func (g gradeAnnouncer) GradeChanged(ctx context.Context, courseID, userID, itemID int64) error {
	it, err := g.db.GradeItemByID(ctx, itemID)
	if err != nil {
		return err
	}
	gr, err := g.db.GradeOf(ctx, itemID, userID)
	if err != nil {
		return err
	}
	if it.Hidden || !gr.Released {
		return nil
	}
	g.notify.Notify(ctx, userID, NotifyGradeAvailable, map[string]any{"course_id": courseID, "item_id": itemID,
		"title": it.Title, "source": it.Source, "source_id": it.SourceID})
	return nil
}

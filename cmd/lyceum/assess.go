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
		Release:   courses.Content,
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
	for kind, fn := range svc.Readers() {
		courses.Uploads.RegisterReader(kind, fn)
	}
	for _, kind := range []string{assess.JobAutoSubmit, assess.JobReport, assess.JobRelease} {
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

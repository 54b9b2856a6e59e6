package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// newJobRunner builds this node's runner of durable scheduled jobs. Services
// that handle a kind of job register it on the runner (runner.Register)
// before startJobs; services that schedule jobs take a
// jobs.NewScheduler(n.db, nil), or its In(tx) inside a transaction.
func (n *node) newJobRunner() (*jobs.Runner, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix) // crypto/rand.Read never fails
	r, err := jobs.New(jobs.Params{
		Store: n.db,
		// The node id names the runner in claims; the suffix keeps a
		// restarted node from passing for its previous run.
		Worker:     n.cfg.NodeID + "-" + hex.EncodeToString(suffix),
		Logger:     n.log,
		Registerer: n.reg,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return r, nil
}

// registerReminders makes r send what internal/remind plans as
// notifications: the deadline reminders the assignments and quizzes
// schedule, the lesson releases the content schedules (turned on here), and
// the live sessions the calendar schedules; the service it returns also
// tells a room's members when a live session is on (rooms.VideoParams.Live).
func (n *node) registerReminders(r *jobs.Runner, courses *course.Services) *remind.Service {
	courses.Content.UseReminders()
	svc := remind.New(n.db, courses.Notifications, n.log.With().Str("component", "remind").Logger(), nil)
	r.Register(remind.JobKind, svc.HandleJob)
	return svc
}

// startJobs runs r until the node shuts down. Its shutdown comes before
// the relay's, the hub's and the database's (shutdowns run in reverse), and
// lets running jobs finish (bounded by jobs.DefaultDrainTimeout).
func (n *node) startJobs(ctx context.Context, r *jobs.Runner) {
	n.background(ctx, func(ctx context.Context) {
		if err := r.Run(ctx); err != nil {
			n.log.Error().Err(err).Msg("job runner")
		}
	})
	n.log.Debug().Str("worker", r.Worker()).Msg("job runner started")
}

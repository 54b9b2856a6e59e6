package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/rooms"
)

// startLiveQuiz builds the live quiz service (reporting graded games to
// book, its deadline and gradebook jobs run by runner) and its live layer
// on h; the layer's hooks still have to be installed on the hub.
func (n *node) startLiveQuiz(h *hub.Hub, policy *rooms.Policy, courses *course.Services, book *grades.Service,
	runner *jobs.Runner) (*livequiz.Service, *rooms.Quiz, error) {
	svc, err := livequiz.New(livequiz.Params{Data: n.db, Rooms: courses.Chat, Access: courses.Access, Gradebook: book,
		Jobs: jobs.NewScheduler(n.db, nil), Logger: n.log.With().Str("component", "livequiz").Logger()})
	if err != nil {
		return nil, nil, fmt.Errorf("live quiz: %w", err)
	}
	for kind, fn := range svc.Readers() {
		courses.Uploads.RegisterReader(kind, fn)
	}
	for _, kind := range []string{livequiz.JobFinalize, livequiz.JobGrades} {
		runner.Register(kind, func(ctx context.Context, j *lms.Job) error {
			var p struct {
				GameID int64 `json:"game_id"`
			}
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return jobs.Permanent(fmt.Errorf("live quiz job %s: %w", j.Key, err))
			}
			return svc.HandleJob(ctx, j.Kind, p.GameID)
		})
	}
	q := rooms.NewQuiz(rooms.QuizParams{Hub: h, Service: svc, Policy: policy,
		Log: n.log.With().Str("component", "livequiz").Logger()})
	n.shutdowns = append(n.shutdowns, func(context.Context) { q.Close() })
	return svc, q, nil
}

// guestSocket serves a guest player's WebSocket on h.
func guestSocket(h *hub.Hub) func(http.ResponseWriter, *http.Request, *lms.GamePlayer) {
	return func(w http.ResponseWriter, r *http.Request, p *lms.GamePlayer) {
		h.ServeWS(w, r, rooms.GuestIdentity(p))
	}
}

package main

import (
	"fmt"
	"path/filepath"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/rooms"
)

// grading is the gradebook and the assignments over it.
type grading struct {
	book    *grades.Service
	assign  *assign.Service
	notices *rooms.GradeNotices
}

// newGrading builds the gradebook (announcing changed grades to the
// learner's notifications and to open gradebooks on h) and the
// assignments (reporting to it), and registers who may read the uploads
// assignments reference. Call it before serving anyone.
func (n *node) newGrading(courses *course.Services, h *hub.Hub) (*grading, error) {
	g := &grading{notices: rooms.NewGradeNotices(h, n.db, courses.Notifications,
		n.log.With().Str("component", "grades").Logger())}
	var err error
	g.book, err = grades.New(grades.Params{Store: grades.FromStore(n.db), Access: courses.Access,
		Announcer: g.notices, Logger: n.log.With().Str("component", "grades").Logger()})
	if err != nil {
		return nil, fmt.Errorf("grades: %w", err)
	}
	g.assign, err = assign.New(assign.Params{Store: assign.FromStore(n.db), Access: courses.Access,
		Files:     assign.DirFiles{Uploads: n.db, Dir: filepath.Join(n.cfg.DataDir, "uploads")},
		Gradebook: g.book, Notify: courses.Notifications, Reminders: true, Logger: n.log.With().Str("component", "assign").Logger()})
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	for kind, fn := range g.assign.Readers() {
		courses.Uploads.RegisterReader(kind, fn)
	}
	return g, nil
}

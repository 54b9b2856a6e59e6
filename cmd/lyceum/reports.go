package main

import (
	"fmt"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newReports builds the reports over the node's store and the services
// that own the figures; the site report counts h's live connections.
func (n *node) newReports(courses *course.Services, book *grades.Service, quizzes *assess.Service, h *hub.Hub) (*reports.Service, error) {
	svc, err := reports.New(reports.Params{
		Store:       store.Scope[reports.Store](n.db),
		Access:      courses.Access,
		Gradebook:   book,
		Quizzes:     quizzes,
		Attendance:  courses.Attendance,
		Progress:    courses.Progress,
		Notifier:    courses.Notifications,
		Connections: h.Connections,
		Logger:      n.log.With().Str("component", "reports").Logger(),
	})
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return svc, nil
}

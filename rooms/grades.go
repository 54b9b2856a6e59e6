package rooms

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// GradeLookup reads what a grade notice says (store.Store does).
type GradeLookup interface {
	GradeItemByID(ctx context.Context, id int64) (*lms.GradeItem, error)
	GradeOf(ctx context.Context, itemID, userID int64) (*lms.Grade, error)
}

// GradeNotifier stores and announces a notification (course.Notifications).
type GradeNotifier interface {
	Notify(ctx context.Context, userID int64, kind string, payload map[string]any)
}

// GradeChange is the frame published on a course's gradebook topic for
// every changed grade: open gradebooks reload that learner's row.
type GradeChange struct {
	Type     string `json:"type"` // "grade_changed"
	CourseID int64  `json:"course_id"`
	UserID   int64  `json:"user_id"`
	ItemID   int64  `json:"item_id"`
}

// GradeNotices tells people of changed grades (grades.Announcer): staff
// with the course's gradebook open get a GradeChange frame on
// GradebookTopic, and the learner, when the grade is released on a
// visible item, a stored "grade" notification on their personal topic
// ("your grade for X is available").
type GradeNotices struct {
	hub    *hub.Hub
	grades GradeLookup
	notify GradeNotifier
	log    zerolog.Logger
}

// NewGradeNotices returns the grade announcer over h.
func NewGradeNotices(h *hub.Hub, g GradeLookup, n GradeNotifier, log zerolog.Logger) *GradeNotices {
	return &GradeNotices{hub: h, grades: g, notify: n, log: log}
}

// GradeChanged announces one changed grade (called after its commit).
// The notification is stored first (it survives a broker outage, and the
// outbox publishes it); the gradebook frame is a hint to reload, so a
// failed publish is returned for the caller to log and open gradebooks
// catch up on their next load.
func (g *GradeNotices) GradeChanged(ctx context.Context, courseID, userID, itemID int64) error {
	it, err := g.grades.GradeItemByID(ctx, itemID)
	if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
		return fmt.Errorf("grade notice: item %d: %w", itemID, err)
	}
	if it != nil && !it.Hidden {
		gr, err := g.grades.GradeOf(ctx, itemID, userID)
		switch {
		case err == nil && gr.Released:
			g.notify.Notify(ctx, userID, lms.NotifyGrade, map[string]any{"course_id": courseID, "item_id": itemID,
				"title": it.Title, "source": it.Source, "source_id": it.SourceID})
		case err != nil && !lms.IsCode(err, lms.ENOTFOUND):
			return fmt.Errorf("grade notice: grade of %d on %d: %w", userID, itemID, err)
		}
	}
	data, err := json.Marshal(GradeChange{Type: "grade_changed", CourseID: courseID, UserID: userID, ItemID: itemID})
	if err != nil {
		return fmt.Errorf("grade notice: %w", err)
	}
	if _, err := g.hub.Publish(ctx, GradebookTopic(courseID), data); err != nil {
		return fmt.Errorf("grade notice: publish on the gradebook: %w", err)
	}
	return nil
}

package assign

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// ExtensionInput is what a grader sets for one learner: their own due date
// (after the assignment's), optionally their own cut-off, and a note for
// staff.
type ExtensionInput struct {
	DueAt    time.Time `json:"due_at"`
	CutoffAt time.Time `json:"cutoff_at"` // zero: see lms.Extension.Apply
	Reason   string    `json:"reason"`
}

// GrantExtension gives an active learner of the course their own due date
// (ActGrade, the right to grade the course): granting again replaces their
// extension. It is audited, replans the learner's deadline reminders in
// the same transaction and notifies the learner.
func (s *Service) GrantExtension(ctx context.Context, actor *lms.User, id, userID int64, in ExtensionInput) (*lms.Extension, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	if err := s.isLearner(ctx, a, userID); err != nil {
		return nil, err
	}
	now := s.now()
	x := &lms.Extension{AssignmentID: a.ID, UserID: userID, DueAt: in.DueAt.UTC(), CutoffAt: in.CutoffAt.UTC(),
		GrantedBy: actor.ID, GrantedAt: now, Reason: strings.TrimSpace(in.Reason)}
	if err := x.Validate(a); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(st Store) error {
		if err := st.PutExtension(ctx, x); err != nil {
			return err
		}
		if sch := s.scheduler(st); sch != nil {
			if err := remind.PlanExtension(ctx, sch, now, a, x); err != nil {
				return err
			}
		}
		return s.auditExtension(ctx, st, actor, lms.AuditExtensionGrant, x)
	})
	if err != nil {
		return nil, err
	}
	if s.notify != nil && !a.Draft {
		s.notify.Notify(ctx, userID, lms.NotifyExtension, map[string]any{"course_id": a.CourseID,
			"assignment_id": a.ID, "title": a.Title, "due_at": x.DueAt})
	}
	return x, nil
}

// RevokeExtension removes a learner's extension (ActGrade): they are back
// at the assignment's dates and reminders. ENOTFOUND when they have none.
func (s *Service) RevokeExtension(ctx context.Context, actor *lms.User, id, userID int64) error {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return err
	}
	x, err := s.store.ExtensionOf(ctx, a.ID, userID)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(st Store) error {
		if err := st.DeleteExtension(ctx, a.ID, userID); err != nil {
			return err
		}
		if sch := s.scheduler(st); sch != nil {
			if err := remind.CancelExtension(ctx, sch, a.ID, userID); err != nil {
				return err
			}
		}
		return s.auditExtension(ctx, st, actor, lms.AuditExtensionRevoke, x)
	})
}

// Extensions returns an assignment's extensions by learner (ActGrade).
func (s *Service) Extensions(ctx context.Context, actor *lms.User, id int64) ([]*lms.Extension, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	return s.store.ListExtensions(ctx, a.ID)
}

// isLearner checks that userID is an active learner of a's course.
func (s *Service) isLearner(ctx context.Context, a *lms.Assignment, userID int64) error {
	e, err := s.store.EnrollmentOf(ctx, a.CourseID, userID)
	if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
		return err
	}
	if err != nil || e.Role != lms.CourseLearner || e.Status != lms.EnrollActive {
		return lms.FieldError("user_id", "Extensions are for active learners of this course.")
	}
	return nil
}

// auditExtension records a grant or a revocation in st.
func (s *Service) auditExtension(ctx context.Context, st Store, actor *lms.User, action string, x *lms.Extension) error {
	detail, err := json.Marshal(map[string]any{"assignment": x.AssignmentID, "user": x.UserID, "due_at": x.DueAt,
		"cutoff_at": x.CutoffAt})
	if err != nil {
		return fmt.Errorf("encode audit detail: %w", err)
	}
	return st.AppendAudit(ctx, &lms.AuditEntry{At: s.now(), ActorID: actor.ID, Action: action,
		Target: "assignment:" + strconv.FormatInt(x.AssignmentID, 10) + ":user:" + strconv.FormatInt(x.UserID, 10),
		Detail: string(detail)})
}

// forLearner returns the assignment as it is for a learner: with their
// extension's dates (lms.Extension.Apply) when they have one, else a.
func (s *Service) forLearner(ctx context.Context, a *lms.Assignment, userID int64) (*lms.Assignment, error) {
	if userID == 0 {
		return a, nil
	}
	x, err := s.store.ExtensionOf(ctx, a.ID, userID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	eff := x.Apply(*a)
	return &eff, nil
}

// viewFor is the assignment as the caller sees it: a learner's own dates,
// everyone else the assignment's.
func (s *Service) viewFor(ctx context.Context, a *lms.Assignment, role lms.CourseRole, userID int64) (*lms.Assignment, error) {
	if role != lms.CourseLearner {
		return a, nil
	}
	return s.forLearner(ctx, a, userID)
}

// extensionsOf maps an assignment's extensions by learner.
func (s *Service) extensionsOf(ctx context.Context, a *lms.Assignment) (map[int64]*lms.Extension, error) {
	list, err := s.store.ListExtensions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*lms.Extension, len(list))
	for _, x := range list {
		out[x.UserID] = x
	}
	return out, nil
}

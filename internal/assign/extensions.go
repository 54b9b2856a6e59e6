package assign

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
	xs, err := s.grant(ctx, actor, a, []int64{userID}, in)
	if err != nil {
		return nil, err
	}
	return xs[0], nil
}

// GrantGroupExtension gives every active learner in a group of the course
// the same extension (GrantExtension for each, in one transaction), e.g. a
// project group whose shared work needs more time. Each member's extension
// is their own afterwards: a learner who joins the group later has none,
// and one can be changed or revoked alone. ENOTFOUND for a group of another
// course; a group without active learners is a field error.
func (s *Service) GrantGroupExtension(ctx context.Context, actor *lms.User, id, groupID int64, in ExtensionInput) ([]*lms.Extension, error) {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return nil, err
	}
	members, err := s.groupMembers(ctx, a, groupID)
	if err != nil {
		return nil, err
	}
	return s.grant(ctx, actor, a, members, in)
}

// grant writes in as the extension of each of users (active learners of
// a's course) in one transaction with their reminders and audit entries,
// then notifies them.
func (s *Service) grant(ctx context.Context, actor *lms.User, a *lms.Assignment, users []int64, in ExtensionInput) ([]*lms.Extension, error) {
	now := s.now()
	xs := make([]*lms.Extension, len(users))
	for i, u := range users {
		xs[i] = &lms.Extension{AssignmentID: a.ID, UserID: u, DueAt: in.DueAt.UTC(), CutoffAt: in.CutoffAt.UTC(),
			GrantedBy: actor.ID, GrantedAt: now, Reason: strings.TrimSpace(in.Reason)}
		if err := xs[i].Validate(a); err != nil {
			return nil, err
		}
	}
	err := s.store.InTx(ctx, func(st Store) error {
		for _, x := range xs {
			if err := st.PutExtension(ctx, x); err != nil {
				return err
			}
			if sch := s.scheduler(st); sch != nil {
				if err := remind.PlanExtension(ctx, sch, now, a, x); err != nil {
					return err
				}
			}
			if err := s.auditExtension(ctx, st, actor, lms.AuditExtensionGrant, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.notify != nil && !a.Draft {
		for _, x := range xs {
			s.notify.Notify(ctx, x.UserID, lms.NotifyExtension, map[string]any{"course_id": a.CourseID,
				"assignment_id": a.ID, "title": a.Title, "due_at": x.DueAt})
		}
	}
	return xs, nil
}

// RevokeExtension removes a learner's extension (ActGrade): they are back
// at the assignment's dates and reminders, and are told so. ENOTFOUND when
// they have none.
func (s *Service) RevokeExtension(ctx context.Context, actor *lms.User, id, userID int64) error {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return err
	}
	x, err := s.store.ExtensionOf(ctx, a.ID, userID)
	if err != nil {
		return err
	}
	return s.revoke(ctx, actor, a, []*lms.Extension{x})
}

// RevokeGroupExtension removes the extension of every active learner in
// the group who has one (ActGrade), in one transaction. ENOTFOUND when
// none of them has one.
func (s *Service) RevokeGroupExtension(ctx context.Context, actor *lms.User, id, groupID int64) error {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return err
	}
	members, err := s.groupMembers(ctx, a, groupID)
	if err != nil {
		return err
	}
	exts, err := s.extensionsOf(ctx, a)
	if err != nil {
		return err
	}
	var xs []*lms.Extension
	for _, u := range members {
		if x := exts[u]; x != nil {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return lms.Errorf(lms.ENOTFOUND, "No one in this group has an extension.")
	}
	return s.revoke(ctx, actor, a, xs)
}

// revoke deletes xs with their reminders and audit entries in one
// transaction, then tells each learner their deadline is the assignment's
// again.
func (s *Service) revoke(ctx context.Context, actor *lms.User, a *lms.Assignment, xs []*lms.Extension) error {
	err := s.store.InTx(ctx, func(st Store) error {
		for _, x := range xs {
			if err := st.DeleteExtension(ctx, a.ID, x.UserID); err != nil {
				return err
			}
			if sch := s.scheduler(st); sch != nil {
				if err := remind.CancelExtension(ctx, sch, a.ID, x.UserID); err != nil {
					return err
				}
			}
			if err := s.auditExtension(ctx, st, actor, lms.AuditExtensionRevoke, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.notify != nil && !a.Draft {
		for _, x := range xs {
			s.notify.Notify(ctx, x.UserID, lms.NotifyExtension, map[string]any{"course_id": a.CourseID,
				"assignment_id": a.ID, "title": a.Title, "due_at": a.DueAt, "revoked": true})
		}
	}
	return nil
}

// groupMembers returns the active learners in group groupID of a's course.
func (s *Service) groupMembers(ctx context.Context, a *lms.Assignment, groupID int64) ([]int64, error) {
	groups, err := s.store.ListGroups(ctx, a.CourseID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(groups, func(g *lms.Group) bool { return g.ID == groupID }) {
		return nil, lms.Errorf(lms.ENOTFOUND, "Group not found.")
	}
	people, err := learners(ctx, s.store, a.CourseID, groupID)
	if err != nil {
		return nil, err
	}
	if len(people) == 0 {
		return nil, lms.FieldError("group_id", "The group has no active learners.")
	}
	ids := make([]int64, len(people))
	for i, e := range people {
		ids[i] = e.UserID
	}
	return ids, nil
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

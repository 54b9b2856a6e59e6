package course

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// JoinByCode enrols the caller with a join code: active at once, or
// pending when the course needs approval. A member joining again gets their
// enrolment back unchanged. A wrong, disabled or expired code is ENOTFOUND
// (the same answer, so codes cannot be probed).
func (s *Service) JoinByCode(ctx context.Context, actor *lms.User, code string) (*lms.Enrollment, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	c, err := s.openJoinCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if e, err := s.store.EnrollmentOf(ctx, c.ID, actor.ID); err == nil {
		return e, nil
	} else if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, err
	}
	e := &lms.Enrollment{CourseID: c.ID, UserID: actor.ID, Role: lms.CourseLearner, Status: lms.EnrollActive}
	if c.JoinNeedsApprove {
		e.Status = lms.EnrollPending
	}
	if err := s.store.PutEnrollment(ctx, e); err != nil {
		return nil, err
	}
	e.Username, e.Name = actor.Username, actor.Name
	if e.Status == lms.EnrollPending {
		s.notifyStaff(ctx, c.ID, lms.NotifyJoinRequest, map[string]any{"course_id": c.ID, "user_id": actor.ID,
			"username": actor.Username, "name": actor.Name, "course_title": c.Title})
	}
	return e, nil
}

// Enrol adds an existing user, found by email or username, to the course
// with role (manage_people). Re-enrolling a member changes their role and
// activates a pending enrolment.
func (s *Service) Enrol(ctx context.Context, actor *lms.User, courseID int64, login string, role lms.CourseRole) (*lms.Enrollment, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActManagePeople)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, lms.FieldError("role", "The role must be instructor, ta or learner.")
	}
	u, err := s.store.UserByLogin(ctx, strings.TrimSpace(login))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, lms.FieldError("login", "No user has this email address or username.")
	}
	if err != nil {
		return nil, err
	}
	e := &lms.Enrollment{CourseID: courseID, UserID: u.ID, Role: role, Status: lms.EnrollActive}
	_, err = s.apply(ctx, func(tx *Service, ch *change) error {
		if old, err := tx.store.EnrollmentOf(ctx, courseID, u.ID); err == nil {
			e.GroupID = old.GroupID
			if old.Role == lms.CourseInstructor && role != lms.CourseInstructor {
				if err := keepAnInstructorTx(ctx, tx.store, courseID); err != nil {
					return err
				}
			}
			ch.accessChanged(courseID, u.ID) // a role may have been taken away
		}
		return tx.store.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	e.Username, e.Name = u.Username, u.Name
	s.notify(ctx, u.ID, lms.NotifyEnrolled, map[string]any{"course_id": courseID, "course_title": a.Course.Title,
		"role": role})
	return e, nil
}

// ApproveEnrollment activates a pending enrolment (manage_people).
func (s *Service) ApproveEnrollment(ctx context.Context, actor *lms.User, courseID, userID int64) (*lms.Enrollment, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActManagePeople)
	if err != nil {
		return nil, err
	}
	e, err := s.store.EnrollmentOf(ctx, courseID, userID)
	if err != nil {
		return nil, hideMissing(err, "enrollment")
	}
	if e.Status == lms.EnrollActive {
		return e, nil
	}
	e.Status = lms.EnrollActive
	if err := s.store.PutEnrollment(ctx, e); err != nil {
		return nil, err
	}
	s.notify(ctx, userID, lms.NotifyEnrolled, map[string]any{"course_id": courseID, "course_title": a.Course.Title,
		"role": e.Role})
	return e, nil
}

// SetRole changes a member's course role (manage_people). The last
// instructor cannot be demoted (ECONFLICT).
func (s *Service) SetRole(ctx context.Context, actor *lms.User, courseID, userID int64, role lms.CourseRole) (*lms.Enrollment, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, lms.FieldError("role", "The role must be instructor, ta or learner.")
	}
	var e *lms.Enrollment
	_, err := s.apply(ctx, func(tx *Service, ch *change) error {
		var err error
		if e, err = tx.store.EnrollmentOf(ctx, courseID, userID); err != nil {
			return hideMissing(err, "enrollment")
		}
		if e.Role == lms.CourseInstructor && role != lms.CourseInstructor {
			if err := keepAnInstructorTx(ctx, tx.store, courseID); err != nil {
				return err
			}
		}
		e.Role = role
		ch.accessChanged(courseID, userID)
		return tx.store.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Unenrol removes the caller from the course. The last instructor cannot
// leave (ECONFLICT). A pending joiner may withdraw.
func (s *Service) Unenrol(ctx context.Context, actor *lms.User, courseID int64) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.removeMember(ctx, courseID, actor.ID)
}

// RemoveMember removes someone from the course (manage_people).
func (s *Service) RemoveMember(ctx context.Context, actor *lms.User, courseID, userID int64) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return err
	}
	return s.removeMember(ctx, courseID, userID)
}

func (s *Service) removeMember(ctx context.Context, courseID, userID int64) error {
	_, err := s.apply(ctx, func(tx *Service, ch *change) error {
		e, err := tx.store.EnrollmentOf(ctx, courseID, userID)
		if err != nil {
			return hideMissing(err, "enrollment")
		}
		if e.Role == lms.CourseInstructor && e.Status == lms.EnrollActive {
			if err := keepAnInstructorTx(ctx, tx.store, courseID); err != nil {
				return err
			}
		}
		ch.accessChanged(courseID, userID)
		return tx.store.DeleteEnrollment(ctx, courseID, userID)
	})
	return err
}

// keepAnInstructor fails with ECONFLICT when the course has only one
// active instructor (who is about to go).
func (s *Service) keepAnInstructor(ctx context.Context, courseID int64) error {
	return keepAnInstructorTx(ctx, s.store, courseID)
}

func keepAnInstructorTx(ctx context.Context, st store.Store, courseID int64) error {
	n, err := st.CountEnrollments(ctx, courseID, lms.EnrollActive)
	if err != nil {
		return err
	}
	if n[lms.CourseInstructor] <= 1 {
		return lms.Errorf(lms.ECONFLICT, "A course needs at least one instructor.")
	}
	return nil
}

// ListMembers lists the course's members. Those who manage people see
// every enrolment (pending too); other members see the active ones.
func (s *Service) ListMembers(ctx context.Context, actor *lms.User, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error) {
	a, err := s.load(ctx, actor, f.CourseID, lms.ActViewContent)
	if err != nil {
		return nil, 0, err
	}
	if !a.Can(lms.ActManagePeople) {
		f.Status = lms.EnrollActive
	}
	return s.store.ListEnrollments(ctx, f)
}

// CreateGroup adds a group to the course (manage_people).
func (s *Service) CreateGroup(ctx context.Context, actor *lms.User, g *lms.Group) (*lms.Group, error) {
	if _, err := s.load(ctx, actor, g.CourseID, lms.ActManagePeople); err != nil {
		return nil, err
	}
	g.Name = strings.TrimSpace(g.Name)
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.CreateGroup(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}

// group loads a group and the caller's access to its course.
func (s *Service) group(ctx context.Context, actor *lms.User, groupID int64, act lms.CourseAction) (*lms.Group, *Access, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	g, err := s.store.GroupByID(ctx, groupID)
	if err != nil {
		return nil, nil, hideMissing(err, "group")
	}
	a, err := s.load(ctx, actor, g.CourseID, act)
	if err != nil {
		return nil, nil, hideMissing(err, "group")
	}
	return g, a, nil
}

// UpdateGroup renames a group and changes its self-select and size limit
// (manage_people).
func (s *Service) UpdateGroup(ctx context.Context, actor *lms.User, groupID int64, name string, selfSelect bool, maxSize int) (*lms.Group, error) {
	g, _, err := s.group(ctx, actor, groupID, lms.ActManagePeople)
	if err != nil {
		return nil, err
	}
	g.Name, g.SelfSelect, g.MaxSize = strings.TrimSpace(name), selfSelect, maxSize
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, s.store.UpdateGroup(ctx, g)
}

// DeleteGroup deletes a group (manage_people); its rooms go with it.
func (s *Service) DeleteGroup(ctx context.Context, actor *lms.User, groupID int64) error {
	g, _, err := s.group(ctx, actor, groupID, lms.ActManagePeople)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Service, ch *change) error {
		ch.accessChanged(g.CourseID, 0) // its members leave it and its rooms go
		return tx.store.DeleteGroup(ctx, groupID)
	})
	return err
}

// ListGroups lists the course's groups (any member).
func (s *Service) ListGroups(ctx context.Context, actor *lms.User, courseID int64) ([]*lms.Group, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActViewContent); err != nil {
		return nil, err
	}
	return s.store.ListGroups(ctx, courseID)
}

// AssignGroup puts a member into a group, or out of any with groupID 0
// (manage_people). A full group is ECONFLICT.
func (s *Service) AssignGroup(ctx context.Context, actor *lms.User, courseID, userID, groupID int64) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return err
	}
	return s.setGroup(ctx, courseID, userID, groupID)
}

// JoinGroup puts the caller into a self-select group (leaving any other);
// groupID 0 leaves the current group. A full group is ECONFLICT.
func (s *Service) JoinGroup(ctx context.Context, actor *lms.User, courseID, groupID int64) error {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return err
	}
	if a.Enrollment == nil {
		return lms.Errorf(lms.EFORBIDDEN, "Only members may join groups.")
	}
	if groupID != 0 {
		g, err := s.store.GroupByID(ctx, groupID)
		if err != nil || g.CourseID != courseID {
			return lms.Errorf(lms.ENOTFOUND, "group not found")
		}
		if !g.SelfSelect && !a.Can(lms.ActManagePeople) {
			return lms.Errorf(lms.EFORBIDDEN, "The instructor assigns this group.")
		}
	}
	if err := a.Writable(); err != nil {
		return err
	}
	return s.setGroup(ctx, courseID, actor.ID, groupID)
}

// setGroup moves a member into a group (0: none); they may lose the rooms
// of the group they leave.
func (s *Service) setGroup(ctx context.Context, courseID, userID, groupID int64) error {
	_, err := s.apply(ctx, func(tx *Service, ch *change) error {
		ch.accessChanged(courseID, userID)
		return hideMissing(tx.store.SetEnrollmentGroup(ctx, courseID, userID, groupID), "group or member")
	})
	return err
}

// notify stores a notification for userID and announces it on their topic.
// Failures are logged: a notification never fails the action behind it.
func (s *Service) notify(ctx context.Context, userID int64, kind string, payload map[string]any) {
	b, err := json.Marshal(payload)
	if err != nil || len(b) > lms.MaxNotifyPayload {
		s.log.Warn().Err(err).Str("kind", kind).Msg("notification payload dropped")
		b = []byte("{}")
	}
	n := &lms.Notification{UserID: userID, Kind: kind, Payload: string(b), CreatedAt: s.now()}
	_, err = s.apply(ctx, func(tx *Service, ch *change) error {
		if err := tx.store.CreateNotification(ctx, n); err != nil {
			return err
		}
		ch.announce(lms.FeedUser, userID, Event{Kind: EventNotification, Notification: n})
		return nil
	})
	if err != nil {
		s.log.Warn().Err(err).Int64("user", userID).Str("kind", kind).Msg("notification not stored")
	}
}

// notifyStaff notifies every instructor of the course.
func (s *Service) notifyStaff(ctx context.Context, courseID int64, kind string, payload map[string]any) {
	list, _, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID, Role: lms.CourseInstructor,
		Status: lms.EnrollActive, Limit: lms.MaxPageSize})
	if err != nil {
		s.log.Warn().Err(err).Int64("course", courseID).Msg("list instructors for a notification")
		return
	}
	for _, e := range list {
		s.notify(ctx, e.UserID, kind, payload)
	}
}

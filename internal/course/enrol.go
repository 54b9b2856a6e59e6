package course

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Enrolment owns memberships: join codes, invitations, self-enrolment and
// approvals, roles, removal, groups and CSV rosters.
type Enrolment struct {
	core
	store EnrolmentStore
	notes Notifier
}

// NewEnrolment returns the Enrolment service.
func NewEnrolment(b Base, st EnrolmentStore, notes Notifier) *Enrolment {
	return &Enrolment{core: newCore(b), store: st, notes: notes}
}

// apply runs fn in one transaction and announces what it records.
func (s *Enrolment) apply(ctx context.Context, fn func(tx *Enrolment, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st EnrolmentStore) *Enrolment { t := *s; t.store = st; return &t }, fn)
}

// JoinByCode enrols the caller with a join code: active at once, or
// pending when the course needs approval. A member joining again gets their
// enrolment back unchanged. A wrong, disabled or expired code is ENOTFOUND
// (the same answer, so codes cannot be probed).
func (s *Enrolment) JoinByCode(ctx context.Context, actor *lms.User, code string) (*lms.Enrollment, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	c, err := openJoinCode(ctx, s.store, s.now(), code)
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
		s.notes.NotifyStaff(ctx, c.ID, lms.NotifyJoinRequest, map[string]any{"course_id": c.ID, "user_id": actor.ID,
			"username": actor.Username, "name": actor.Name, "course_title": c.Title})
	}
	return e, nil
}

// Enrol adds an existing user, found by email or username, to the course
// with role (manage_people). Re-enrolling a member changes their role and
// activates a pending enrolment.
func (s *Enrolment) Enrol(ctx context.Context, actor *lms.User, courseID int64, login string, role lms.CourseRole) (*lms.Enrollment, error) {
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
	_, err = s.apply(ctx, func(tx *Enrolment, ch *change) error {
		if old, err := tx.store.EnrollmentOf(ctx, courseID, u.ID); err == nil {
			e.GroupID = old.GroupID
			if old.Role == lms.CourseInstructor && role != lms.CourseInstructor {
				if err := keepAnInstructorTx(ctx, tx.store, courseID); err != nil {
					return err
				}
			}
			ch.accessChanged(courseID, u.ID) // a role may have been taken away
		}
		ch.audit(actor, lms.AuditEnrol, memberRef(courseID, e.UserID), string(e.Role))
		return tx.store.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	e.Username, e.Name = u.Username, u.Name
	s.notes.Notify(ctx, u.ID, lms.NotifyEnrolled, map[string]any{"course_id": courseID, "course_title": a.Course.Title,
		"role": role})
	return e, nil
}

// ApproveEnrollment activates a pending enrolment (manage_people).
func (s *Enrolment) ApproveEnrollment(ctx context.Context, actor *lms.User, courseID, userID int64) (*lms.Enrollment, error) {
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
	_, err = s.apply(ctx, func(tx *Enrolment, ch *change) error {
		ch.audit(actor, lms.AuditEnrol, memberRef(courseID, userID), "approved")
		return tx.store.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	s.notes.Notify(ctx, userID, lms.NotifyEnrolled, map[string]any{"course_id": courseID, "course_title": a.Course.Title,
		"role": e.Role})
	return e, nil
}

// SetRole changes a member's course role (manage_people). The last
// instructor cannot be demoted (ECONFLICT).
func (s *Enrolment) SetRole(ctx context.Context, actor *lms.User, courseID, userID int64, role lms.CourseRole) (*lms.Enrollment, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, lms.FieldError("role", "The role must be instructor, ta or learner.")
	}
	var e *lms.Enrollment
	_, err := s.apply(ctx, func(tx *Enrolment, ch *change) error {
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
		ch.audit(actor, lms.AuditCourseRole, memberRef(courseID, userID), string(role))
		return tx.store.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Unenrol removes the caller from the course. The last instructor cannot
// leave (ECONFLICT). A pending joiner may withdraw.
func (s *Enrolment) Unenrol(ctx context.Context, actor *lms.User, courseID int64) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.removeMember(ctx, actor, courseID, actor.ID)
}

// RemoveMember removes someone from the course (manage_people).
func (s *Enrolment) RemoveMember(ctx context.Context, actor *lms.User, courseID, userID int64) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return err
	}
	return s.removeMember(ctx, actor, courseID, userID)
}

func (s *Enrolment) removeMember(ctx context.Context, actor *lms.User, courseID, userID int64) error {
	_, err := s.apply(ctx, func(tx *Enrolment, ch *change) error {
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
		ch.audit(actor, lms.AuditUnenrol, memberRef(courseID, userID), "")
		return tx.store.DeleteEnrollment(ctx, courseID, userID)
	})
	return err
}

// keepAnInstructor fails with ECONFLICT when the course has only one
// active instructor (who is about to go).
func (s *Enrolment) keepAnInstructor(ctx context.Context, courseID int64) error {
	return keepAnInstructorTx(ctx, s.store, courseID)
}

func keepAnInstructorTx(ctx context.Context, st EnrolmentStore, courseID int64) error {
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
func (s *Enrolment) ListMembers(ctx context.Context, actor *lms.User, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error) {
	a, err := s.load(ctx, actor, f.CourseID, lms.ActViewContent)
	if err != nil {
		return nil, 0, err
	}
	if !a.Can(lms.ActManagePeople) {
		f.Status = lms.EnrollActive
	}
	return s.store.ListEnrollments(ctx, f)
}

// EnrolSelf enrols the caller in a course from the catalogue, as the course
// decides: open enrols at once (active), approval files a request (pending;
// the instructors are notified), closed is EFORBIDDEN (join by code or
// invitation). Someone who is enrolled already, or has asked already, gets
// their enrolment back unchanged. A course that is not in the catalogue is
// ENOTFOUND, like any course the caller is not in.
func (s *Enrolment) EnrolSelf(ctx context.Context, actor *lms.User, courseID int64) (*lms.Enrollment, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	var (
		c       *lms.Course
		e       *lms.Enrollment
		created bool
	)
	err := s.store.InTx(ctx, func(tx EnrolmentStore) error {
		var err error
		if c, err = tx.CourseByID(ctx, courseID); err != nil {
			return hideMissing(err, "course")
		}
		if e, err = tx.EnrollmentOf(ctx, courseID, actor.ID); err == nil || !lms.IsCode(err, lms.ENOTFOUND) {
			return err
		}
		switch {
		case !c.InCatalog():
			return errCourseNotFound()
		case c.Enrolment() == lms.EnrolClosed:
			return lms.Errorf(lms.EFORBIDDEN, "This course takes new people by invitation or join code only.")
		}
		e = &lms.Enrollment{CourseID: courseID, UserID: actor.ID, Role: lms.CourseLearner, Status: lms.EnrollActive}
		if c.Enrolment() == lms.EnrolApproval {
			e.Status = lms.EnrollPending
		}
		created = true
		return tx.PutEnrollment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	e.Username, e.Name = actor.Username, actor.Name
	if created && e.Status == lms.EnrollPending {
		s.notes.NotifyStaff(ctx, c.ID, lms.NotifyJoinRequest, map[string]any{"course_id": c.ID, "user_id": actor.ID,
			"username": actor.Username, "name": actor.Name, "course_title": c.Title})
	}
	return e, nil
}

// DeclineEnrollment turns down a pending request to join (manage_people):
// the request is removed and its author notified; they may ask again.
// Declining an active member is ECONFLICT (remove them instead).
func (s *Enrolment) DeclineEnrollment(ctx context.Context, actor *lms.User, courseID, userID int64) error {
	a, err := s.load(ctx, actor, courseID, lms.ActManagePeople)
	if err != nil {
		return err
	}
	err = s.store.InTx(ctx, func(tx EnrolmentStore) error {
		e, err := tx.EnrollmentOf(ctx, courseID, userID)
		if err != nil {
			return hideMissing(err, "enrollment")
		}
		if e.Status != lms.EnrollPending {
			return lms.Errorf(lms.ECONFLICT, "This person is a member already; remove them instead.")
		}
		return tx.DeleteEnrollment(ctx, courseID, userID)
	})
	if err != nil {
		return err
	}
	s.notes.Notify(ctx, userID, lms.NotifyJoinDeclined, map[string]any{"course_id": courseID, "course_title": a.Course.Title})
	return nil
}

// joinCodes finds courses by join code.
type joinCodes interface {
	CourseByJoinCode(ctx context.Context, code string) (*lms.Course, error)
}

// openJoinCode finds the course a join code opens now; a wrong, disabled
// or expired code, or a course that is not published, is ENOTFOUND with
// one message, so codes cannot be probed.
func openJoinCode(ctx context.Context, st joinCodes, now time.Time, code string) (*lms.Course, error) {
	c, err := st.CourseByJoinCode(ctx, strings.TrimSpace(code))
	if err != nil || !c.JoinOpen(now) {
		if err == nil || lms.IsCode(err, lms.ENOTFOUND) {
			return nil, lms.Errorf(lms.ENOTFOUND, "This join code is not valid.")
		}
		return nil, err
	}
	return c, nil
}

// memberRef names a membership in the audit log.
func memberRef(courseID, userID int64) string {
	return fmt.Sprintf("course:%d/user:%d", courseID, userID)
}

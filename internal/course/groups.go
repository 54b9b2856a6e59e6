package course

import (
	"context"
	"fmt"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// CreateGroup adds a group to the course (manage_people).
func (s *Enrolment) CreateGroup(ctx context.Context, actor *lms.User, g *lms.Group) (*lms.Group, error) {
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
func (s *Enrolment) group(ctx context.Context, actor *lms.User, groupID int64, act lms.CourseAction) (*lms.Group, *Access, error) {
	return loadInCourse(ctx, &s.core, actor, groupID, act, "group", s.store.GroupByID, func(g *lms.Group) int64 { return g.CourseID })
}

// UpdateGroup renames a group and changes its self-select and size limit
// (manage_people).
func (s *Enrolment) UpdateGroup(ctx context.Context, actor *lms.User, groupID int64, name string, selfSelect bool, maxSize int) (*lms.Group, error) {
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
func (s *Enrolment) DeleteGroup(ctx context.Context, actor *lms.User, groupID int64) error {
	g, _, err := s.group(ctx, actor, groupID, lms.ActManagePeople)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Enrolment, ch *change) error {
		ch.accessChanged(g.CourseID, 0) // its members leave it and its rooms go
		ch.audit(actor, lms.AuditContentDelete, fmt.Sprintf("group:%d", groupID), g.Name)
		return tx.store.DeleteGroup(ctx, groupID)
	})
	return err
}

// ListGroups lists the course's groups (any member).
func (s *Enrolment) ListGroups(ctx context.Context, actor *lms.User, courseID int64) ([]*lms.Group, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActViewContent); err != nil {
		return nil, err
	}
	return s.store.ListGroups(ctx, courseID)
}

// AssignGroup puts a member into a group, or out of any with groupID 0
// (manage_people). A full group is ECONFLICT.
func (s *Enrolment) AssignGroup(ctx context.Context, actor *lms.User, courseID, userID, groupID int64) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return err
	}
	return s.setGroup(ctx, courseID, userID, groupID)
}

// JoinGroup puts the caller into a self-select group (leaving any other);
// groupID 0 leaves the current group. A full group is ECONFLICT.
func (s *Enrolment) JoinGroup(ctx context.Context, actor *lms.User, courseID, groupID int64) error {
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
func (s *Enrolment) setGroup(ctx context.Context, courseID, userID, groupID int64) error {
	_, err := s.apply(ctx, func(tx *Enrolment, ch *change) error {
		ch.accessChanged(courseID, userID)
		return hideMissing(tx.store.SetEnrollmentGroup(ctx, courseID, userID, groupID), "group or member")
	})
	return err
}

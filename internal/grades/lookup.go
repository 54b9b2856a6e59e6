package grades

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Item returns one grade item (ActViewGrades).
func (s *Service) Item(ctx context.Context, actor *lms.User, itemID int64) (*lms.GradeItem, error) {
	it, _, err := s.item(ctx, actor, itemID, lms.ActViewGrades)
	return it, err
}

// Category returns one of the course's categories (ActViewGrades).
func (s *Service) Category(ctx context.Context, actor *lms.User, courseID, categoryID int64) (*lms.GradeCategory, error) {
	if actor == nil || actor.ID == 0 || actor.Disabled {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActViewGrades); err != nil {
		return nil, err
	}
	list, err := s.store.ListGradeCategories(ctx, courseID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if c.ID == categoryID {
			return c, nil
		}
	}
	return nil, lms.Errorf(lms.ENOTFOUND, "grade category not found")
}

package grades

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The partial updates of the gradebook's settings, categories and items
// (docs/api.md, "Conventions"): nil fields stay as they are.

// SettingsPatch changes a course's gradebook settings; a scale, when set,
// replaces the whole scale.
type SettingsPatch struct {
	Mode                *lms.GradebookMode `json:"mode,omitempty"`
	Scale               *[]lms.LetterGrade `json:"scale,omitempty"`
	UncategorisedWeight *float64           `json:"uncategorised_weight,omitempty"`
}

// PatchSettings changes the settings p sets (edit_content), as PutSettings.
func (s *Service) PatchSettings(ctx context.Context, actor *lms.User, courseID int64, p SettingsPatch) (lms.GradebookSettings, error) {
	set, err := s.Settings(ctx, actor, courseID)
	if err != nil {
		return lms.GradebookSettings{}, err
	}
	lms.SetTo(&set.Mode, p.Mode)
	lms.SetTo(&set.Scale, p.Scale)
	lms.SetTo(&set.UncategorisedWeight, p.UncategorisedWeight)
	return s.PutSettings(ctx, actor, courseID, set)
}

// CategoryPatch changes a grade category's fields.
type CategoryPatch struct {
	Name       *string  `json:"name,omitempty"`
	Weight     *float64 `json:"weight,omitempty"`
	DropLowest *int     `json:"drop_lowest,omitempty"`
}

// PatchCategory changes the fields p sets of one of the course's
// categories (edit_content), as SaveCategory.
func (s *Service) PatchCategory(ctx context.Context, actor *lms.User, courseID, categoryID int64, p CategoryPatch) (*lms.GradeCategory, error) {
	cur, err := s.Category(ctx, actor, courseID, categoryID)
	if err != nil {
		return nil, err
	}
	c := *cur
	lms.SetTo(&c.Name, p.Name)
	lms.SetTo(&c.Weight, p.Weight)
	lms.SetTo(&c.DropLowest, p.DropLowest)
	return s.SaveCategory(ctx, actor, courseID, c)
}

// ItemPatch changes a grade item: title and points of manual items only
// (the others follow their assessment), category (0: none) and hidden flag
// of any.
type ItemPatch struct {
	Title      *string  `json:"title,omitempty"`
	MaxPoints  *float64 `json:"max_points,omitempty"`
	CategoryID *int64   `json:"category_id,omitempty"`
	Hidden     *bool    `json:"hidden,omitempty"`
}

// PatchItem changes the fields p sets (edit_content), as UpdateItem.
func (s *Service) PatchItem(ctx context.Context, actor *lms.User, itemID int64, p ItemPatch) (*lms.GradeItem, error) {
	cur, _, err := s.item(ctx, actor, itemID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	in := ItemInput{Title: cur.Title, MaxPoints: cur.MaxPoints, CategoryID: cur.CategoryID, Hidden: cur.Hidden}
	lms.SetTo(&in.Title, p.Title)
	lms.SetTo(&in.MaxPoints, p.MaxPoints)
	lms.SetTo(&in.CategoryID, p.CategoryID)
	lms.SetTo(&in.Hidden, p.Hidden)
	return s.UpdateItem(ctx, actor, itemID, in)
}

package assess

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// Who may do what with a question bank.
const (
	actViewBank = lms.ActViewDrafts  // staff read the bank
	actEditBank = lms.ActEditContent // editors change it
)

// CategoryPatch changes a category: nil fields stay.
type CategoryPatch struct {
	Name     *string `json:"name,omitempty"`
	ParentID *int64  `json:"parent_id,omitempty"` // 0 moves it to the top
}

// category loads a category and checks act in its course.
func (s *Service) category(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.QuestionCategory, *course.Access, error) {
	c, err := s.store.CategoryByID(ctx, id)
	if err != nil {
		return nil, nil, hide(err, "question category")
	}
	a, err := s.access.Load(ctx, actor, c.CourseID, act)
	if err != nil {
		return nil, nil, err
	}
	return c, a, nil
}

// checkParent checks that parent (0: none) is a category of the course and
// that placing a category under it keeps the tree acyclic and shallow.
func (s *Service) checkParent(ctx context.Context, d Data, courseID, parent, self int64) error {
	depth := 1
	for id := parent; id != 0; depth++ {
		if id == self {
			return lms.FieldError("parent_id", "A category cannot be moved into itself.")
		}
		if depth > lms.MaxCategoryDepth {
			return lms.FieldError("parent_id", "Categories nest at most %d deep.", lms.MaxCategoryDepth)
		}
		p, err := d.CategoryByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) || err == nil && p.CourseID != courseID {
			return lms.FieldError("parent_id", "The parent category does not exist in this course.")
		}
		if err != nil {
			return err
		}
		id = p.ParentID
	}
	return nil
}

// CreateCategory adds a category to a course's bank (edit_content).
func (s *Service) CreateCategory(ctx context.Context, actor *lms.User, c *lms.QuestionCategory) error {
	if _, err := s.access.Load(ctx, actor, c.CourseID, actEditBank); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.checkParent(ctx, s.store, c.CourseID, c.ParentID, 0); err != nil {
		return err
	}
	return s.store.CreateCategory(ctx, c)
}

// UpdateCategory renames or moves a category (edit_content).
func (s *Service) UpdateCategory(ctx context.Context, actor *lms.User, id int64, p CategoryPatch) (*lms.QuestionCategory, error) {
	c, _, err := s.category(ctx, actor, id, actEditBank)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		c.Name = *p.Name
	}
	if p.ParentID != nil {
		c.ParentID = *p.ParentID
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkParent(ctx, s.store, c.CourseID, c.ParentID, c.ID); err != nil {
		return nil, err
	}
	return c, s.store.UpdateCategory(ctx, c)
}

// DeleteCategory removes an empty category (edit_content); one holding
// questions or categories is ECONFLICT.
func (s *Service) DeleteCategory(ctx context.Context, actor *lms.User, id int64) error {
	if _, _, err := s.category(ctx, actor, id, actEditBank); err != nil {
		return err
	}
	return s.tx(ctx, func(tx Data) error {
		nq, nsub, err := tx.CountCategoryContents(ctx, id)
		if err != nil {
			return err
		}
		if nq > 0 || nsub > 0 {
			return lms.Errorf(lms.ECONFLICT, "Move or delete the category's questions and subcategories first.")
		}
		return tx.DeleteCategory(ctx, id)
	})
}

// ListCategories returns a course's categories (staff).
func (s *Service) ListCategories(ctx context.Context, actor *lms.User, courseID int64) ([]*lms.QuestionCategory, error) {
	if _, err := s.access.Load(ctx, actor, courseID, actViewBank); err != nil {
		return nil, err
	}
	return s.store.ListCategories(ctx, courseID)
}

// validQuestion checks a question with the engine (formulas included).
func validQuestion(q *lms.Question) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return question.Validate(q)
}

// CreateQuestion adds a question to a category (edit_content). Missing
// answer ids are filled in; q's course is the category's.
func (s *Service) CreateQuestion(ctx context.Context, actor *lms.User, q *lms.Question) error {
	c, _, err := s.category(ctx, actor, q.CategoryID, actEditBank)
	if err != nil {
		return err
	}
	q.CourseID, q.CreatedBy = c.CourseID, actor.ID
	q.FillIDs()
	if err := validQuestion(q); err != nil {
		return err
	}
	return s.tx(ctx, func(tx Data) error {
		if err := tx.CreateQuestion(ctx, q); err != nil {
			return err
		}
		return linkQuestionUploads(ctx, tx, actor, q, true)
	})
}

// question loads a question version and checks act in its course.
func (s *Service) question(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.Question, error) {
	q, err := s.store.QuestionByID(ctx, id)
	if err != nil {
		return nil, hide(err, "question")
	}
	if _, err := s.access.Load(ctx, actor, q.CourseID, act); err != nil {
		return nil, err
	}
	return q, nil
}

// GetQuestion returns a question version with everything (staff).
func (s *Service) GetQuestion(ctx context.Context, actor *lms.User, id int64) (*lms.Question, error) {
	return s.question(ctx, actor, id, actViewBank)
}

// ListQuestions returns the current questions matching f (staff).
func (s *Service) ListQuestions(ctx context.Context, actor *lms.User, f lms.QuestionFilter) ([]*lms.Question, int, error) {
	if _, err := s.access.Load(ctx, actor, f.CourseID, actViewBank); err != nil {
		return nil, 0, err
	}
	return s.store.ListQuestions(ctx, f)
}

// UpdateQuestion saves an edit of the question version id, which must be
// its family's latest (else ECONFLICT), and returns the saved version.
// When an attempt asked that version, the edit is stored as a new version
// (the attempt keeps what it asked); otherwise in place. Type, course and
// family never change; CategoryID moves it.
func (s *Service) UpdateQuestion(ctx context.Context, actor *lms.User, id int64, edit *lms.Question) (*lms.Question, error) {
	cur, err := s.question(ctx, actor, id, actEditBank)
	if err != nil {
		return nil, err
	}
	q := *edit
	q.ID, q.CourseID, q.FamilyID, q.Version, q.CreatedBy, q.CreatedAt = cur.ID, cur.CourseID, cur.FamilyID, cur.Version, cur.CreatedBy, cur.CreatedAt
	if q.CategoryID == 0 {
		q.CategoryID = cur.CategoryID
	}
	if q.Type != cur.Type {
		return nil, lms.FieldError("type", "A question's type cannot change; create a new question.")
	}
	if q.CategoryID != cur.CategoryID {
		if c, err := s.store.CategoryByID(ctx, q.CategoryID); err != nil || c.CourseID != cur.CourseID {
			return nil, lms.FieldError("category_id", "The category does not exist in this course.")
		}
	}
	q.FillIDs()
	if err := validQuestion(&q); err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx Data) error {
		latest, err := tx.LatestQuestion(ctx, cur.FamilyID)
		if err != nil {
			return hide(err, "question")
		}
		if latest.ID != cur.ID {
			return lms.Errorf(lms.ECONFLICT, "This is not the question's latest version (%d is).", latest.Version)
		}
		used, err := tx.QuestionInUse(ctx, cur.ID)
		if err != nil {
			return err
		}
		if !used {
			if err := tx.UpdateQuestion(ctx, &q); err != nil {
				return err
			}
			return linkQuestionUploads(ctx, tx, actor, &q, false)
		}
		q.ID, q.CreatedBy = 0, actor.ID
		if err := tx.AddQuestionVersion(ctx, &q); err != nil {
			return err
		}
		if err := linkQuestionUploads(ctx, tx, actor, &q, true); err != nil {
			return err
		}
		if q.CategoryID != cur.CategoryID {
			return tx.MoveQuestionFamilies(ctx, []int64{q.FamilyID}, q.CategoryID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// DeleteQuestion deletes a question with all its versions (edit_content).
// A question some attempt asked is hidden from the bank instead, so the
// attempt keeps showing it.
func (s *Service) DeleteQuestion(ctx context.Context, actor *lms.User, id int64) error {
	q, err := s.question(ctx, actor, id, actEditBank)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx Data) error {
		used, err := tx.QuestionFamilyInUse(ctx, q.FamilyID)
		if err != nil {
			return err
		}
		return tx.DeleteQuestionFamily(ctx, q.FamilyID, used)
	})
}

// MoveQuestions moves questions (any version names its family) to a
// category of the same course (edit_content).
func (s *Service) MoveQuestions(ctx context.Context, actor *lms.User, ids []int64, categoryID int64) error {
	c, _, err := s.category(ctx, actor, categoryID, actEditBank)
	if err != nil {
		return err
	}
	if len(ids) > lms.MaxPageSize {
		return lms.FieldError("ids", "Move at most %d questions at once.", lms.MaxPageSize)
	}
	qs, err := s.store.QuestionsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	if len(qs) != len(uniq(ids)) {
		return notFound("question")
	}
	families := make([]int64, 0, len(qs))
	for _, q := range qs {
		if q.CourseID != c.CourseID {
			return notFound("question")
		}
		families = append(families, q.FamilyID)
	}
	return s.store.MoveQuestionFamilies(ctx, families, categoryID)
}

// DuplicateQuestion copies a question's version into a new question in the
// same category, titled "… (copy)" (edit_content).
func (s *Service) DuplicateQuestion(ctx context.Context, actor *lms.User, id int64) (*lms.Question, error) {
	q, err := s.question(ctx, actor, id, actEditBank)
	if err != nil {
		return nil, err
	}
	cp := *q
	cp.ID, cp.FamilyID, cp.Version, cp.CreatedBy = 0, 0, 0, actor.ID
	title := []rune(q.Title + " (copy)")
	cp.Title = string(title[:min(len(title), lms.MaxTitleChars)])
	err = s.tx(ctx, func(tx Data) error {
		if err := tx.CreateQuestion(ctx, &cp); err != nil {
			return err
		}
		return linkQuestionUploads(ctx, tx, actor, &cp, true)
	})
	if err != nil {
		return nil, err
	}
	return &cp, nil
}

// uniq returns ids without repeats.
func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

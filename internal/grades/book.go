package grades

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Report stores what an assessment reports for one learner on one graded
// item: the item is created from the result on the first report (and
// follows renames and new maximums), the grade is upserted, and a change is
// announced. Reporting the same result again changes and announces nothing,
// so a report may be retried. An override or excuse set by hand stays.
func (s *Service) Report(ctx context.Context, r lms.GradeResult) error {
	switch r.Source {
	case lms.GradeQuiz, lms.GradeAssignment, lms.GradeLiveQuiz:
	default:
		return lms.FieldError("source", "Assessments report quiz, assignment or live quiz results.")
	}
	it := &lms.GradeItem{CourseID: r.CourseID, Source: r.Source, SourceID: r.SourceID, Title: r.Title,
		MaxPoints: r.MaxPoints}
	if err := it.Validate(); err != nil {
		return err
	}
	if r.CourseID == 0 || r.SourceID == 0 || r.UserID == 0 {
		return lms.FieldError("source_id", "A result names its course, item and learner.")
	}
	if !lms.ValidPoints(r.Points) || r.Points > r.MaxPoints {
		return lms.FieldError("points", "Points must be between 0 and %g.", r.MaxPoints)
	}
	at := r.At
	if at.IsZero() {
		at = s.now()
	}
	changed := false
	err := s.store.InTx(ctx, func(st Store) error {
		if _, err := st.EnsureGradeItem(ctx, it); err != nil {
			return err
		}
		var err error
		changed, err = st.ReportGrade(ctx, &lms.Grade{ItemID: it.ID, UserID: r.UserID, Points: r.Points,
			Released: r.Released, GradedBy: r.GradedBy, UpdatedAt: at})
		return err
	})
	if err != nil {
		return err
	}
	if changed {
		s.announce(ctx, change{r.CourseID, r.UserID, it.ID})
	}
	return nil
}

// Book is a course's whole gradebook as staff see it.
type Book struct {
	Settings   lms.GradebookSettings `json:"settings"`
	Categories []*lms.GradeCategory  `json:"categories"`
	Items      []*lms.GradeItem      `json:"items"`
	Rows       []Row                 `json:"rows"`
}

// Row is one learner's grades (by item id) and totals.
type Row struct {
	UserID   int64                `json:"user_id"`
	Username string               `json:"username"`
	Name     string               `json:"name"`
	Grades   map[int64]*lms.Grade `json:"grades"`
	Totals   Totals               `json:"totals"`
}

// Book returns the gradebook of every active learner of the course
// (ActViewGrades): every item, hidden ones included (they do not count in
// totals), and every grade, released or not.
func (s *Service) Book(ctx context.Context, actor *lms.User, courseID int64) (*Book, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActViewGrades); err != nil {
		return nil, err
	}
	b, err := s.load(ctx, s.store, courseID)
	if err != nil {
		return nil, err
	}
	people, err := learners(ctx, s.store, courseID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.ListGrades(ctx, courseID, 0)
	if err != nil {
		return nil, err
	}
	byUser := map[int64]map[int64]*lms.Grade{}
	for _, g := range all {
		if byUser[g.UserID] == nil {
			byUser[g.UserID] = map[int64]*lms.Grade{}
		}
		byUser[g.UserID][g.ItemID] = g
	}
	b.Rows = make([]Row, 0, len(people))
	for _, e := range people {
		gs := byUser[e.UserID]
		if gs == nil {
			gs = map[int64]*lms.Grade{}
		}
		b.Rows = append(b.Rows, Row{UserID: e.UserID, Username: e.Username, Name: e.Name, Grades: gs,
			Totals: compute(b.Settings, b.Categories, b.Items, gs)})
	}
	return b, nil
}

// load reads a course's settings, categories and items.
func (s *Service) load(ctx context.Context, st Store, courseID int64) (*Book, error) {
	set, err := st.GradebookSettings(ctx, courseID)
	if err != nil {
		return nil, err
	}
	cats, err := st.ListGradeCategories(ctx, courseID)
	if err != nil {
		return nil, err
	}
	items, err := st.ListGradeItems(ctx, courseID)
	if err != nil {
		return nil, err
	}
	return &Book{Settings: set, Categories: cats, Items: items}, nil
}

// MyGrades returns the caller's own row: only items that are not hidden
// and only released grades, with totals computed from those alone. Staff
// get their own (usually empty) row too.
func (s *Service) MyGrades(ctx context.Context, actor *lms.User, courseID int64) (*Book, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActViewContent); err != nil {
		return nil, err
	}
	b, err := s.load(ctx, s.store, courseID)
	if err != nil {
		return nil, err
	}
	visible := b.Items[:0]
	shown := map[int64]bool{}
	for _, it := range b.Items {
		if !it.Hidden {
			visible = append(visible, it)
			shown[it.ID] = true
		}
	}
	b.Items = visible
	mine, err := s.store.ListGrades(ctx, courseID, actor.ID)
	if err != nil {
		return nil, err
	}
	gs := map[int64]*lms.Grade{}
	for _, g := range mine {
		if g.Released && shown[g.ItemID] {
			g.GradedBy, g.Reason = 0, "" // who graded and why it was overridden are staff's business
			gs[g.ItemID] = g
		}
	}
	row := Row{UserID: actor.ID, Username: actor.Username, Name: actor.Name, Grades: gs,
		Totals: compute(b.Settings, b.Categories, b.Items, gs)}
	b.Rows = []Row{row}
	return b, nil
}

// ItemInput is a manual item's fields (or a change to any item).
type ItemInput struct {
	Title      string  `json:"title"`
	MaxPoints  float64 `json:"max_points"`
	CategoryID int64   `json:"category_id"`
	Hidden     bool    `json:"hidden"`
}

// CreateItem adds a manual item to the gradebook (ActEditContent).
func (s *Service) CreateItem(ctx context.Context, actor *lms.User, courseID int64, in ItemInput) (*lms.GradeItem, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	it := &lms.GradeItem{CourseID: courseID, Source: lms.GradeManual, Title: in.Title, MaxPoints: in.MaxPoints,
		CategoryID: in.CategoryID, Hidden: in.Hidden, CreatedAt: s.now()}
	if err := it.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCategory(ctx, courseID, in.CategoryID); err != nil {
		return nil, err
	}
	if _, err := s.store.EnsureGradeItem(ctx, it); err != nil {
		return nil, err
	}
	return it, nil
}

// UpdateItem changes an item's title and points (manual items only: the
// others follow their assessment), category and hidden flag (ActEditContent).
func (s *Service) UpdateItem(ctx context.Context, actor *lms.User, itemID int64, in ItemInput) (*lms.GradeItem, error) {
	it, _, err := s.item(ctx, actor, itemID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	if it.Source == lms.GradeManual {
		it.Title, it.MaxPoints = in.Title, in.MaxPoints
	}
	it.CategoryID, it.Hidden = in.CategoryID, in.Hidden
	if err := it.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCategory(ctx, it.CourseID, in.CategoryID); err != nil {
		return nil, err
	}
	if err := s.store.UpdateGradeItem(ctx, it); err != nil {
		return nil, err
	}
	return it, nil
}

// DeleteItem removes a manual item and its grades (ActEditContent).
func (s *Service) DeleteItem(ctx context.Context, actor *lms.User, itemID int64) error {
	it, _, err := s.item(ctx, actor, itemID, lms.ActEditContent)
	if err != nil {
		return err
	}
	if it.Source != lms.GradeManual {
		return lms.Errorf(lms.EINVALID, "Only manual items can be deleted here: delete the %s instead.", it.Source)
	}
	return s.store.DeleteGradeItem(ctx, itemID)
}

// checkCategory refuses a category of another course.
func (s *Service) checkCategory(ctx context.Context, courseID, categoryID int64) error {
	if categoryID == 0 {
		return nil
	}
	cats, err := s.store.ListGradeCategories(ctx, courseID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.ID == categoryID {
			return nil
		}
	}
	return lms.FieldError("category_id", "No such category in this course.")
}

// SaveCategory creates (c.ID 0) or updates a category (ActEditContent).
func (s *Service) SaveCategory(ctx context.Context, actor *lms.User, courseID int64, c lms.GradeCategory) (*lms.GradeCategory, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	c.CourseID = courseID
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.ID == 0 {
		cats, err := s.store.ListGradeCategories(ctx, courseID)
		if err != nil {
			return nil, err
		}
		if len(cats) >= lms.MaxGradeCategories {
			return nil, lms.Errorf(lms.EINVALID, "A course has at most %d categories.", lms.MaxGradeCategories)
		}
		return &c, s.store.CreateGradeCategory(ctx, &c)
	}
	if err := s.checkCategory(ctx, courseID, c.ID); err != nil {
		return nil, lms.Errorf(lms.ENOTFOUND, "category not found")
	}
	return &c, s.store.UpdateGradeCategory(ctx, &c)
}

// DeleteCategory removes a category; its items become uncategorised
// (ActEditContent).
func (s *Service) DeleteCategory(ctx context.Context, actor *lms.User, courseID, categoryID int64) error {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return err
	}
	if err := s.checkCategory(ctx, courseID, categoryID); err != nil {
		return lms.Errorf(lms.ENOTFOUND, "category not found")
	}
	return s.store.DeleteGradeCategory(ctx, categoryID)
}

// Settings returns the course's gradebook settings (any member: learners
// see the letter scale).
func (s *Service) Settings(ctx context.Context, actor *lms.User, courseID int64) (lms.GradebookSettings, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActViewContent); err != nil {
		return lms.GradebookSettings{}, err
	}
	return s.store.GradebookSettings(ctx, courseID)
}

// PutSettings saves the course's gradebook settings (ActEditContent).
func (s *Service) PutSettings(ctx context.Context, actor *lms.User, courseID int64, set lms.GradebookSettings) (lms.GradebookSettings, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return lms.GradebookSettings{}, err
	}
	set.CourseID = courseID
	if err := set.Validate(); err != nil {
		return lms.GradebookSettings{}, err
	}
	return set, s.store.PutGradebookSettings(ctx, set)
}

package assess

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lyceumhq/lyceum/internal/gift"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// MaxGIFTBytes bounds an imported GIFT file.
const MaxGIFTBytes = 10 << 20

// anyNumber is the range a GIFT "any other number" answer ({#...~#feedback},
// written "*") becomes: every number, no credit.
const anyNumber = lms.MaxNumber

// ImportItem is one question an import will create.
type ImportItem struct {
	Line     int              `json:"line"`
	Type     lms.QuestionType `json:"type"`
	Title    string           `json:"title"`
	Category string           `json:"category"` // path below the target category, "/"-separated; "" for the target
}

// ImportProblem is a question an import skips, with the line and reason.
type ImportProblem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ImportPlan is the preview of a GIFT import, and after the import what
// it did.
type ImportPlan struct {
	Questions     []ImportItem    `json:"questions"`
	NewCategories []string        `json:"new_categories"` // paths below the target that do not exist yet
	Skipped       []ImportProblem `json:"skipped"`
	Created       int             `json:"created"` // questions created (after Import)

	questions []*lms.Question
	paths     [][]string
}

// PreviewGIFT reads a GIFT file for the category categoryID and says
// what importing it would create and skip (edit_content). Nothing is
// written.
func (s *Service) PreviewGIFT(ctx context.Context, actor *lms.User, categoryID int64, src []byte) (*ImportPlan, error) {
	cat, _, err := s.category(ctx, actor, categoryID, actEditBank)
	if err != nil {
		return nil, err
	}
	return s.planGIFT(ctx, cat, src)
}

// ImportGIFT imports a GIFT file into the category categoryID and the
// categories below it that its $CATEGORY: lines name (edit_content), in
// one transaction. When some questions cannot be imported nothing is,
// unless onlyValid: then the others are.
func (s *Service) ImportGIFT(ctx context.Context, actor *lms.User, categoryID int64, src []byte, onlyValid bool) (*ImportPlan, error) {
	return s.ImportGIFTProgress(ctx, actor, categoryID, src, onlyValid, nil)
}

// ImportGIFTProgress is ImportGIFT calling progress (when not nil) after
// each question it writes with how many of how many are written (the
// transaction commits after the last).
func (s *Service) ImportGIFTProgress(ctx context.Context, actor *lms.User, categoryID int64, src []byte, onlyValid bool,
	progress func(done, total int)) (*ImportPlan, error) {
	cat, _, err := s.category(ctx, actor, categoryID, actEditBank)
	if err != nil {
		return nil, err
	}
	plan, err := s.planGIFT(ctx, cat, src)
	if err != nil {
		return nil, err
	}
	if len(plan.Skipped) > 0 && !onlyValid {
		return plan, lms.Errorf(lms.EINVALID, "%d questions cannot be imported (the first at line %d: %s); nothing was imported.",
			len(plan.Skipped), plan.Skipped[0].Line, plan.Skipped[0].Reason)
	}
	err = s.tx(ctx, func(tx Data) error {
		cats, err := tx.ListCategories(ctx, cat.CourseID)
		if err != nil {
			return err
		}
		tree := newCatTree(cats)
		for i, q := range plan.questions {
			id, err := tree.ensure(ctx, tx, cat, plan.paths[i])
			if err != nil {
				return err
			}
			q.CategoryID, q.CreatedBy = id, actor.ID
			if err := tx.CreateQuestion(ctx, q); err != nil {
				return err
			}
			if err := linkQuestionUploads(ctx, tx, actor, q, true); err != nil {
				return err
			}
			if progress != nil {
				progress(i+1, len(plan.questions))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	plan.Created = len(plan.questions)
	return plan, nil
}

// planGIFT parses src and maps every question onto the bank's model.
func (s *Service) planGIFT(ctx context.Context, cat *lms.QuestionCategory, src []byte) (*ImportPlan, error) {
	if len(src) > MaxGIFTBytes {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file", Message: fmt.Sprintf("A GIFT file is at most %d MB.", MaxGIFTBytes>>20)}
	}
	res := gift.Parse(src)
	plan := &ImportPlan{Questions: []ImportItem{}, NewCategories: []string{}, Skipped: []ImportProblem{}}
	for _, e := range res.Errors {
		plan.Skipped = append(plan.Skipped, ImportProblem{Line: e.Line, Reason: e.Reason})
	}
	cats, err := s.store.ListCategories(ctx, cat.CourseID)
	if err != nil {
		return nil, err
	}
	tree, seen := newCatTree(cats), map[string]bool{}
	for i := range res.Questions {
		g := &res.Questions[i]
		q, err := fromGIFT(g)
		if err == nil {
			q.CourseID = cat.CourseID
			err = validQuestion(q)
		}
		if err != nil {
			plan.Skipped = append(plan.Skipped, ImportProblem{Line: g.Line, Reason: lms.ErrorMessage(err)})
			continue
		}
		path := gift.SplitCategory(g.Category)
		joined := joinPath(path)
		plan.questions, plan.paths = append(plan.questions, q), append(plan.paths, path)
		plan.Questions = append(plan.Questions, ImportItem{Line: g.Line, Type: q.Type, Title: q.Title, Category: joined})
		for n := 1; n <= len(path); n++ {
			p := joinPath(path[:n])
			if !seen[p] && tree.find(cat.ID, path[:n]) == 0 {
				plan.NewCategories = append(plan.NewCategories, p)
			}
			seen[p] = true
		}
	}
	slices.SortStableFunc(plan.Skipped, func(a, b ImportProblem) int { return a.Line - b.Line })
	return plan, nil
}

// joinPath writes category names as a GIFT path ("/" inside a name is "//").
func joinPath(names []string) string {
	esc := make([]string, len(names))
	for i, n := range names {
		esc[i] = strings.ReplaceAll(n, "/", "//")
	}
	return strings.Join(esc, "/")
}

// catTree finds and creates categories by path.
type catTree struct {
	children map[int64]map[string]int64 // parent id (0: top) -> name -> id
}

func newCatTree(cats []*lms.QuestionCategory) *catTree {
	t := &catTree{children: map[int64]map[string]int64{}}
	for _, c := range cats {
		t.add(c)
	}
	return t
}

func (t *catTree) add(c *lms.QuestionCategory) {
	if t.children[c.ParentID] == nil {
		t.children[c.ParentID] = map[string]int64{}
	}
	if _, ok := t.children[c.ParentID][c.Name]; !ok {
		t.children[c.ParentID][c.Name] = c.ID
	}
}

// find returns the id of path below root, 0 when some part is missing.
func (t *catTree) find(root int64, path []string) int64 {
	id := root
	for _, n := range path {
		if id = t.children[id][n]; id == 0 {
			return 0
		}
	}
	return id
}

// ensure returns the id of path below root, creating what is missing.
func (t *catTree) ensure(ctx context.Context, d Data, root *lms.QuestionCategory, path []string) (int64, error) {
	id := root.ID
	for _, n := range path {
		next := t.children[id][n]
		if next == 0 {
			c := &lms.QuestionCategory{CourseID: root.CourseID, ParentID: id, Name: n}
			if err := c.Validate(); err != nil {
				return 0, err
			}
			if err := d.CreateCategory(ctx, c); err != nil {
				return 0, err
			}
			t.add(c)
			next = c.ID
		}
		id = next
	}
	return id, nil
}

// ExportGIFT writes the current questions of a category and the
// categories below it (or, with categoryID 0, of the whole bank of
// courseID) as GIFT (view_drafts), with $CATEGORY: paths relative to the
// exported category. Question types GIFT cannot hold (blanks, calculated,
// units) are left out and listed.
func (s *Service) ExportGIFT(ctx context.Context, actor *lms.User, courseID, categoryID int64, w io.Writer) ([]ImportProblem, error) {
	if categoryID != 0 {
		c, _, err := s.category(ctx, actor, categoryID, actViewBank)
		if err != nil {
			return nil, err
		}
		courseID = c.CourseID
	} else if _, err := s.access.Load(ctx, actor, courseID, actViewBank); err != nil {
		return nil, err
	}
	cats, err := s.store.ListCategories(ctx, courseID)
	if err != nil {
		return nil, err
	}
	paths := categoryPaths(cats, categoryID)
	var (
		out     []gift.Question
		skipped = []ImportProblem{}
	)
	for off := 0; ; off += lms.MaxPageSize {
		list, total, err := s.store.ListQuestions(ctx, lms.QuestionFilter{CourseID: courseID, Limit: lms.MaxPageSize, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, q := range list {
			path, ok := paths[q.CategoryID]
			if !ok {
				continue
			}
			g, err := toGIFT(q)
			if err != nil {
				skipped = append(skipped, ImportProblem{Reason: fmt.Sprintf("%s: %s", q.Title, lms.ErrorMessage(err))})
				continue
			}
			g.Category = joinPath(path)
			out = append(out, g)
		}
		if off+len(list) >= total || len(list) == 0 {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b gift.Question) int { return strings.Compare(a.Category, b.Category) })
	var buf bytes.Buffer
	if err := gift.Export(&buf, out); err != nil {
		return nil, err
	}
	_, err = buf.WriteTo(w)
	return skipped, err
}

// categoryPaths maps every category at or below root (0: all) to its path
// of names below root.
func categoryPaths(cats []*lms.QuestionCategory, root int64) map[int64][]string {
	byID := map[int64]*lms.QuestionCategory{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	out := map[int64][]string{}
	for _, c := range cats {
		var names []string
		ok := false
		for x := c; x != nil; x = byID[x.ParentID] {
			if x.ID == root {
				ok = true
				break
			}
			names = append([]string{x.Name}, names...)
			if x.ParentID == 0 {
				ok = root == 0
				break
			}
		}
		if ok {
			out[c.ID] = names
		}
	}
	return out
}

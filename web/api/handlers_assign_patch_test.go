package api

import (
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestAssignmentAndGradePatch: a PATCH of an assignment or of a
// submission's grade changes the fields it names and keeps the others.
func TestAssignmentAndGradePatch(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	e, inst := w.g, w.people[roleInstructor].c
	as := "/api/v1/assignments/" + id(w.assignment.ID)

	a := decode[lms.Assignment](t, e.do(t, inst, "PATCH", as, assign.Patch{InstructionsMD: new("Write *well*.")}).want(t, sOK))
	if a.Title != "Essay" || a.MaxPoints != 10 || !a.OnlineText || a.InstructionsMD != "Write *well*." {
		t.Errorf("patched instructions: %+v, want the title, points and online text kept", a)
	}
	rubric := &lms.Rubric{Criteria: []lms.RubricCriterion{{Title: "Style", Levels: []lms.RubricLevel{{Title: "Poor", Points: 0}, {Title: "Fine", Points: 6}}}}}
	if a = decode[lms.Assignment](t, e.do(t, inst, "PATCH", as, assign.Patch{Rubric: rubric}).want(t, sOK)); a.Rubric == nil || a.MaxPoints != 6 {
		t.Errorf("patched rubric: %+v, want a rubric worth 6", a)
	}
	if p := e.do(t, inst, "PATCH", as, assign.Patch{Rubric: rubric, NoRubric: true}).want(t, http.StatusBadRequest).problem(t); p.Field != "no_rubric" {
		t.Errorf("rubric and no_rubric names %q", p.Field)
	}
	if a = decode[lms.Assignment](t, e.do(t, inst, "PATCH", as, assign.Patch{NoRubric: true, MaxPoints: new(10.0)}).want(t, sOK)); a.Rubric != nil || a.InstructionsMD != "Write *well*." {
		t.Errorf("removed rubric: %+v", a)
	}

	grade := "/api/v1/submissions/" + id(w.sub.ID) + "/grade"
	s := decode[lms.Submission](t, e.do(t, inst, "PATCH", grade, assign.MarkingPatch{FeedbackMD: new("Good.")}).want(t, sOK))
	if !s.Graded || s.Score != 8 || s.FeedbackMD != "Good." || s.Released {
		t.Errorf("feedback only: %+v, want the score 8 kept, unreleased", s)
	}
	s = decode[lms.Submission](t, e.do(t, inst, "PATCH", grade, assign.MarkingPatch{Score: new(9.0), Release: new(true)}).want(t, sOK))
	if s.Score != 9 || s.FeedbackMD != "Good." || !s.Released {
		t.Errorf("score and release: %+v, want 9, the feedback kept, released", s)
	}
	if p := e.do(t, inst, "PATCH", grade, assign.MarkingPatch{Score: new(11.0)}).want(t, http.StatusBadRequest).problem(t); p.Field != "score" {
		t.Errorf("a score above the maximum names %q", p.Field)
	}
}

// TestGradebookPatches: a PATCH of the settings, a category or an item
// changes the fields it names and keeps the others.
func TestGradebookPatches(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	e, inst := w.g, w.people[roleInstructor].c
	A := "/api/v1/courses/" + id(w.a.ID)

	before := decode[lms.GradebookSettings](t, e.do(t, inst, "GET", A+"/gradebook/settings", nil).want(t, sOK))
	set := decode[lms.GradebookSettings](t, e.do(t, inst, "PATCH", A+"/gradebook/settings", grades.SettingsPatch{UncategorisedWeight: new(25.0)}).want(t, sOK))
	if set.UncategorisedWeight != 25 || set.Mode != before.Mode || len(set.Scale) != len(before.Scale) {
		t.Errorf("settings after patching the weight: %+v, want the mode and scale of %+v", set, before)
	}

	cat := A + "/gradebook/categories/" + id(w.category.ID)
	c := decode[lms.GradeCategory](t, e.do(t, inst, "PATCH", cat, grades.CategoryPatch{DropLowest: new(1)}).want(t, sOK))
	if c.Name != "Homework" || c.Weight != 40 || c.DropLowest != 1 {
		t.Errorf("category after patching drop_lowest: %+v, want Homework, 40, 1", c)
	}
	if p := e.do(t, inst, "PATCH", cat, grades.CategoryPatch{Name: new(" ")}).want(t, http.StatusBadRequest).problem(t); p.Field != "name" {
		t.Errorf("a blank name names %q", p.Field)
	}

	item := "/api/v1/grade-items/" + id(w.item.ID)
	it := decode[lms.GradeItem](t, e.do(t, inst, "PATCH", item, grades.ItemPatch{CategoryID: new(w.category.ID)}).want(t, sOK))
	if it.Title != "Oral" || it.MaxPoints != 10 || it.CategoryID != w.category.ID || it.Hidden {
		t.Errorf("item after patching its category: %+v", it)
	}
	it = decode[lms.GradeItem](t, e.do(t, inst, "PATCH", item, grades.ItemPatch{Hidden: new(true), CategoryID: new(int64(0))}).want(t, sOK))
	if it.Title != "Oral" || it.CategoryID != 0 || !it.Hidden {
		t.Errorf("item after hiding and uncategorising: %+v", it)
	}
}

// TestGradebookPages: the gradebook pages its learners, every page with
// every item; the pages together are the whole book.
func TestGradebookPages(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	e, inst := w.g, w.people[roleInstructor].c
	A := "/api/v1/courses/" + id(w.a.ID)
	ctx := t.Context()
	w.freshMember(false)
	w.freshMember(false)
	whole := try(e.book.Book(ctx, w.people[roleInstructor].u, w.a.ID)).must(t)
	if len(whole.Rows) < 3 {
		t.Fatalf("the book has %d learners, want at least 3", len(whole.Rows))
	}
	var seen []int64
	cursor := ""
	for range len(whole.Rows) {
		pg := decode[GradebookPage](t, e.do(t, inst, "GET", A+"/gradebook?limit=2&cursor="+cursor, nil).want(t, sOK))
		if len(pg.Items) > 2 || len(pg.GradeItems) != len(whole.Items) || pg.Settings.CourseID != w.a.ID {
			t.Fatalf("page: %d rows, %d grade items (want ≤ 2 and %d)", len(pg.Items), len(pg.GradeItems), len(whole.Items))
		}
		for _, r := range pg.Items {
			seen = append(seen, r.UserID)
		}
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != len(whole.Rows) {
		t.Fatalf("the pages hold %d learners, the book %d", len(seen), len(whole.Rows))
	}
	for i, r := range whole.Rows {
		if seen[i] != r.UserID {
			t.Errorf("row %d: user %d, the book has %d", i, seen[i], r.UserID)
		}
	}
}

// TestGradeListsCheckLimitAndCursor: every paged list of the assignment and
// gradebook routes checks limit and cursor as the conventions say.
func TestGradeListsCheckLimitAndCursor(t *testing.T) {
	t.Parallel()
	w := newGradeWorld(t)
	A := "/api/v1/courses/" + id(w.a.ID)
	inst, learner := w.people[roleInstructor].c, w.people[roleLearner].c
	for path, c := range map[string]client{A + "/assignments": inst, A + "/gradebook": inst, A + "/my-grades": learner,
		"/api/v1/submissions/" + id(w.sub.ID) + "/versions":           inst,
		"/api/v1/assignments/" + id(w.assignment.ID) + "/submissions": inst} {
		t.Run(path, func(t *testing.T) { checkPagedList(t, w.g.tenv, c, path) })
	}
}

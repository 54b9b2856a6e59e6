package grades

import (
	"math"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestCompute(t *testing.T) {
	hw := &lms.GradeCategory{ID: 1, Name: "Homework", Weight: 40, DropLowest: 1}
	exams := &lms.GradeCategory{ID: 2, Name: "Exams", Weight: 60}
	items := []*lms.GradeItem{
		{ID: 10, MaxPoints: 10, CategoryID: 1}, {ID: 11, MaxPoints: 10, CategoryID: 1}, {ID: 12, MaxPoints: 20, CategoryID: 1},
		{ID: 20, MaxPoints: 100, CategoryID: 2},
		{ID: 30, MaxPoints: 50}, // uncategorised
		{ID: 40, MaxPoints: 10, CategoryID: 2, Hidden: true},
	}
	g := func(p float64) *lms.Grade { return &lms.Grade{Graded: true, Points: p} }
	weighted := lms.GradebookSettings{Mode: lms.GradebookWeighted, Scale: lms.DefaultLetterScale()}
	points := lms.GradebookSettings{Mode: lms.GradebookPoints, Scale: lms.DefaultLetterScale()}
	cases := []struct {
		name    string
		set     lms.GradebookSettings
		grades  map[int64]*lms.Grade
		percent float64
		letter  string
		counted bool
	}{
		{"nothing graded counts for nothing", weighted, nil, 0, "", false},
		{"category weights: homework 40 at 100 %, exams 60 at 50 %", weighted,
			map[int64]*lms.Grade{10: g(10), 20: g(50)}, 70, "C", true},
		{"drop lowest: the 2/10 is dropped, 10/10 and 20/20 stay", weighted,
			map[int64]*lms.Grade{10: g(2), 11: g(10), 12: g(20), 20: g(100)}, 100, "A", true},
		{"drop lowest keeps at least one grade", weighted,
			map[int64]*lms.Grade{10: g(3)}, 30, "F", true},
		{"an empty category does not weigh on the total", weighted,
			map[int64]*lms.Grade{20: g(85)}, 85, "B", true},
		{"excused grades count neither way", weighted,
			map[int64]*lms.Grade{10: g(10), 11: {Graded: true, Points: 0, Excused: true}, 20: g(90)}, 94, "A", true},
		{"an override replaces the points", weighted,
			map[int64]*lms.Grade{20: {Graded: true, Points: 10, Override: ptr(80.0)}}, 80, "B", true},
		{"hidden items do not count", weighted,
			map[int64]*lms.Grade{20: g(60), 40: g(10)}, 60, "D", true},
		{"uncategorised items weigh by the settings' weight (0: not at all)", weighted,
			map[int64]*lms.Grade{30: g(0), 20: g(100)}, 100, "A", true},
		{"points mode: earned over possible after drops", points,
			map[int64]*lms.Grade{10: g(2), 11: g(10), 12: g(10), 20: g(50), 30: g(50)}, 100 * 120.0 / 180, "D", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cats := []*lms.GradeCategory{hw, exams}
			got := compute(c.set, cats, items, c.grades)
			if got.Counted != c.counted || math.Abs(got.Percent-c.percent) > 1e-9 || got.Letter != c.letter {
				t.Fatalf("got %.4f %% %q counted=%v, want %.4f %% %q counted=%v (%+v)", got.Percent, got.Letter,
					got.Counted, c.percent, c.letter, c.counted, got.Categories)
			}
		})
	}
	t.Run("the dropped item is named", func(t *testing.T) {
		got := compute(weighted, []*lms.GradeCategory{hw}, items, map[int64]*lms.Grade{10: g(9), 11: g(1), 12: g(20)})
		if len(got.Categories) != 1 || len(got.Categories[0].Dropped) != 1 || got.Categories[0].Dropped[0] != 11 {
			t.Fatalf("categories: %+v", got.Categories)
		}
	})
}

func TestLetterScale(t *testing.T) {
	set := lms.GradebookSettings{Mode: lms.GradebookPoints, Scale: []lms.LetterGrade{
		{Letter: "Pass", Min: 50}, {Letter: "Fail", Min: 0}, {Letter: "Distinction", Min: 85}}}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[float64]string{100: "Distinction", 85: "Distinction", 84.99: "Pass", 50: "Pass", 49.9: "Fail", 0: "Fail"} {
		if got := set.Letter(p); got != want {
			t.Errorf("Letter(%v) = %q, want %q", p, got, want)
		}
	}
	bad := lms.GradebookSettings{Mode: lms.GradebookPoints, Scale: []lms.LetterGrade{{Letter: "A", Min: 90}, {Letter: "A", Min: 80}}}
	wantCode(t, bad.Validate(), lms.EINVALID)
	bad = lms.GradebookSettings{Mode: lms.GradebookPoints, Scale: []lms.LetterGrade{{Letter: "A", Min: 120}}}
	wantCode(t, bad.Validate(), lms.EINVALID)
}

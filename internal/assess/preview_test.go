package assess

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestPreviewTriesOtherValues: a calculated question's preview shows one
// fixed draw by default; another seed draws other values, and the right
// answer given with each preview is the formula's value for the values in
// its text.
func TestPreviewTriesOtherValues(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q := &lms.Question{Type: lms.QCalculated, Title: "Double", TextMD: "Double [{x}].", DefaultPoints: 1,
		Body: lms.QuestionBody{Calculated: &lms.CalculatedBody{
			Variables: []lms.Variable{{Name: "x", Min: 1, Max: 100000}},
			Answers: []lms.FormulaAnswer{{ID: "a1", Formula: "{x} * 2", Fraction: 1, Tolerance: 0.01,
				ToleranceKind: lms.TolRelative, Format: lms.FormatDecimals}}}}}
	preview := func(seed uint64) (x, answer int) {
		t.Helper()
		p, err := f.svc.PreviewQuestion(ctx, f.instructor, f.course.ID, q, seed)
		must(t, err)
		_, rest, _ := strings.Cut(p.TextMD, "[")
		v, _, _ := strings.Cut(rest, "]")
		x, err = strconv.Atoi(v)
		must(t, err)
		answer, err = strconv.Atoi(p.RightAnswer)
		if err != nil || answer != 2*x {
			t.Fatalf("seed %d: text %q, right answer %q; want twice the value", seed, p.TextMD, p.RightAnswer)
		}
		return x, answer
	}
	first, _ := preview(0)
	if again, _ := preview(0); again != first {
		t.Errorf("the default preview drew %d then %d: want the same draw", first, again)
	}
	seen := map[int]bool{first: true}
	for seed := uint64(2); seed < 6; seed++ {
		x, _ := preview(seed)
		seen[x] = true
	}
	if len(seen) < 3 {
		t.Errorf("five draws gave only %d values of x in 1..100000", len(seen))
	}
	_, err := f.svc.PreviewQuestion(ctx, f.learner, f.course.ID, q, 3)
	wantCode(t, err, lms.EFORBIDDEN)
}

package question

import (
	"math"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestInstantiateIsDeterministic(t *testing.T) {
	q := calculatedQ()
	a, err := Instantiate(q, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Instantiate(calculatedQ(), 42)
	if a.Vars["m"] != b.Vars["m"] || a.Vars["a"] != b.Vars["a"] || a.Seed != 42 {
		t.Fatalf("same seed, different numbers: %v %v", a, b)
	}
	// The values are pinned: they are what stored attempts show. A change
	// of algorithm would change every learner's numbers on reload.
	if a.Vars["m"] != 10 || a.Vars["a"] != 1.32 {
		t.Fatalf("seed 42 draws m=%v a=%v; the draw algorithm changed", a.Vars["m"], a.Vars["a"])
	}
}

func TestInstantiateSeedsDiffer(t *testing.T) {
	q := calculatedQ()
	seen := map[[2]float64]bool{}
	for seed := range uint64(50) {
		inst, err := Instantiate(q, seed)
		if err != nil {
			t.Fatal(err)
		}
		m, a := inst.Vars["m"], inst.Vars["a"]
		if m < 1 || m > 20 || a < 0.5 || a > 9.5 {
			t.Fatalf("seed %d: m=%v a=%v out of range", seed, m, a)
		}
		if math.Abs(m*10-math.Round(m*10)) > 1e-9 || math.Abs(a*100-math.Round(a*100)) > 1e-9 {
			t.Fatalf("seed %d: m=%v a=%v have too many decimals", seed, m, a)
		}
		seen[[2]float64{m, a}] = true
	}
	if len(seen) < 45 {
		t.Fatalf("50 seeds gave only %d different draws", len(seen))
	}
}

func TestInstantiateVariableStreamsAreIndependent(t *testing.T) {
	q := calculatedQ()
	before, _ := Instantiate(q, 7)
	q.Body.Calculated.Variables = append(q.Body.Calculated.Variables, lms.Variable{Name: "extra", Min: 0, Max: 1, Decimals: 2})
	after, _ := Instantiate(q, 7)
	if before.Vars["m"] != after.Vars["m"] || before.Vars["a"] != after.Vars["a"] {
		t.Fatal("adding a variable changed the others")
	}
}

func TestInstantiateRedrawsSingularValues(t *testing.T) {
	q := calculatedQ()
	c := q.Body.Calculated
	c.Variables = []lms.Variable{{Name: "x", Min: 1, Max: 3, Decimals: 0}, {Name: "y", Min: 1, Max: 3, Decimals: 0}}
	c.Answers = []lms.FormulaAnswer{{ID: "a", Formula: "1/({x}-{y})", Fraction: 1, ToleranceKind: lms.TolAbsolute, Tolerance: 0.01, Format: lms.FormatDecimals, Digits: 2}}
	c.Units = nil
	if err := Validate(q); err != nil {
		t.Fatalf("a third of the draws are singular, the rest fine: %v", err)
	}
	for seed := range uint64(100) {
		inst, err := Instantiate(q, seed)
		if err != nil || inst.Vars["x"] == inst.Vars["y"] {
			t.Fatalf("seed %d: %v %v", seed, inst, err)
		}
	}
}

func TestInstantiateOtherTypesHaveNoVars(t *testing.T) {
	inst, err := Instantiate(singleQ(), 9)
	if err != nil || inst.Vars != nil || inst.Seed != 9 {
		t.Fatalf("%+v %v", inst, err)
	}
}

func TestDrawRange(t *testing.T) {
	for _, v := range []lms.Variable{
		{Name: "a", Min: 0.3, Max: 0.3, Decimals: 1},
		{Name: "b", Min: -5, Max: -4, Decimals: 0},
		{Name: "c", Min: 0.01, Max: 0.019, Decimals: 2},
		{Name: "d", Min: -1e15, Max: 1e15, Decimals: 10},
		{Name: "e", Min: 1.05, Max: 1.06, Decimals: 2},
	} {
		for seed := range uint64(200) {
			x := draw([]lms.Variable{v}, seed, 0)[v.Name]
			if x < v.Min-1e-9 || x > v.Max+1e-9 || math.IsNaN(x) {
				t.Fatalf("%+v seed %d drew %v", v, seed, x)
			}
		}
	}
}

func TestValidateCalculated(t *testing.T) {
	change := func(f func(c *lms.CalculatedBody)) *lms.Question {
		q := calculatedQ()
		f(q.Body.Calculated)
		return q
	}
	for _, c := range []struct {
		name, field, want string
		q                 *lms.Question
	}{
		{"formula does not parse", "body.calculated.answers[0].formula", "at character", change(func(c *lms.CalculatedBody) { c.Answers[0].Formula = "{m} *" })},
		{"undefined variable", "body.calculated.answers[1].formula", "uses {z}", change(func(c *lms.CalculatedBody) { c.Answers[1].Formula = "{m} * {z}" })},
		{"formula without a variable", "body.calculated.answers[0].formula", "at least one variable", change(func(c *lms.CalculatedBody) { c.Answers[0].Formula = "6 * 7" })},
		{"always infinite", "body.calculated.answers[0].formula", "Division by zero", change(func(c *lms.CalculatedBody) { c.Answers[0].Formula = "{m} / 0" })},
		{"no real value", "body.calculated.answers[0].formula", "square root", change(func(c *lms.CalculatedBody) { c.Answers[0].Formula = "sqrt(-{m})" })},
		{"too large", "body.calculated.answers[0].formula", "too large", change(func(c *lms.CalculatedBody) { c.Answers[0].Formula = "{m} ^ 1000" })},
		{"shown answer outside its tolerance", "body.calculated.answers[0].digits", "show more digits", change(func(c *lms.CalculatedBody) {
			c.Answers[0].Format, c.Answers[0].Digits, c.Answers[0].Tolerance = lms.FormatDecimals, 0, 0.0001
		})},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.q)
			var e *lms.Error
			if err == nil || !strings.Contains(lms.ErrorMessage(err), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if e = err.(*lms.Error); e.Field != c.field || e.Code != lms.EINVALID {
				t.Fatalf("field %q code %q, want %q", e.Field, e.Code, c.field)
			}
		})
	}
	t.Run("every sample question is valid", func(t *testing.T) {
		for _, q := range allQuestions() {
			if err := Validate(q); err != nil {
				t.Errorf("%s: %v", q.Type, err)
			}
		}
	})
	t.Run("float noise with zero tolerance is fine", func(t *testing.T) {
		q := change(func(c *lms.CalculatedBody) {
			c.Variables = []lms.Variable{{Name: "a", Min: 0.1, Max: 0.9, Decimals: 1}, {Name: "b", Min: 0.1, Max: 0.9, Decimals: 1}}
			c.Answers = []lms.FormulaAnswer{{ID: "s", Formula: "{a}+{b}", Fraction: 1, ToleranceKind: lms.TolAbsolute, Format: lms.FormatDecimals, Digits: 1}}
		})
		if err := Validate(q); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFormatAnswer(t *testing.T) {
	for _, c := range []struct {
		x      float64
		format lms.AnswerFormat
		digits int
		want   string
	}{
		{3.14159, lms.FormatDecimals, 2, "3.14"},
		{2.5, lms.FormatDecimals, 0, "3"},
		{-0.001, lms.FormatDecimals, 2, "0.00"},
		{3.14159, lms.FormatSignificant, 3, "3.14"},
		{123456, lms.FormatSignificant, 3, "123000"},
		{0.000123456, lms.FormatSignificant, 2, "0.00012"},
		{1.5e25, lms.FormatSignificant, 2, "1.5e+25"},
		{0, lms.FormatSignificant, 3, "0"},
		{-98.76, lms.FormatSignificant, 2, "-99"},
		{9.99, lms.FormatSignificant, 2, "10"},
	} {
		if got := formatAnswer(c.x, c.format, c.digits); got != c.want {
			t.Errorf("formatAnswer(%v, %s, %d) = %q, want %q", c.x, c.format, c.digits, got, c.want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	c := &lms.CalculatedBody{Variables: []lms.Variable{{Name: "x", Decimals: 2}, {Name: "n", Decimals: 0}}}
	got := substitute(`{x} and {n}, not {y} nor \frac{a}{b} nor {x`, c, map[string]float64{"x": 1.5, "n": 4})
	if want := `1.50 and 4, not {y} nor \frac{a}{b} nor {x`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

package question

import (
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func text(s string) lms.Response { return lms.Response{Text: s} }

func TestGradeShortAnswer(t *testing.T) {
	runGradeCases(t, shortQ(), []gradeCase{
		{"exact answer is correct", text("ANSWERSHAKESPEARE"), 1, StateCorrect},
		{"case is ignored by default", text("answershakespeare"), 1, StateCorrect},
		{"spaces around and inside are squashed", text("  William   Shakespeare "), 1, StateCorrect},
		{"wildcard in the middle", text("William Shakespeare"), 1, StateCorrect},
		{"wildcard matches nothing too", text("William speare"), 1, StateCorrect},
		{"trailing wildcard gives partial credit", text("Shakes"), 0.5, StatePartial},
		{"first match wins over later ones", text("shakespeare"), 0.5, StatePartial},
		{"zero-credit answer is wrong", text("Marlowe"), 0, StateWrong},
		{"unknown answer is wrong", text("Bacon"), 0, StateWrong},
		{"blank text is not answered", text("   "), 0, StateNotAnswered},
		{"SQL-looking text is only text", text("'; DROP TABLE questions; --"), 0, StateWrong},
		{"HTML is only text", text("<script>alert(1)</script>"), 0, StateWrong},
	})
	q := shortQ()
	q.Body.ShortAnswer.CaseSensitive = true
	runGradeCases(t, q, []gradeCase{
		{"case sensitive: exact case is correct", text("ANSWERSHAKESPEARE"), 1, StateCorrect},
		{"case sensitive: other case misses", text("answershakespeare"), 0, StateWrong},
		{"case sensitive: wildcard keeps case", text("Shakespeare"), 0.5, StatePartial},
	})
}

func TestMatchPattern(t *testing.T) {
	for _, c := range []struct {
		pattern, text string
		want          bool
	}{
		{"*", "anything", true},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "a123b456c", true},
		{"a*b*c", "acb", false},
		{"*ab", "abab", true},
		{"ab*ab", "ab", false},
		{"ab*ab", "abab", true},
		{`2\*3`, "2*3", true},
		{`2\*3`, "2x3", false},
		{`\*`, "*", true},
		{"é*", "ÉTÉ", true},
		{"x", "x ", true},
	} {
		if got := matchPattern(c.pattern, c.text, false); got != c.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", c.pattern, c.text, got, c.want)
		}
	}
}

func TestGradeNumerical(t *testing.T) {
	runGradeCases(t, numericalQ(), []gradeCase{
		{"exact value is correct", text("7381.25"), 1, StateCorrect},
		{"inside the tolerance is correct", text("7381.7"), 1, StateCorrect},
		{"at the tolerance's edge is correct", text("7380.75"), 1, StateCorrect},
		{"just outside falls to the range", text("7381.76"), 0.5, StatePartial},
		{"range gives partial credit", text("7000"), 0.5, StatePartial},
		{"outside every answer is wrong", text("6999.99"), 0, StateWrong},
		{"decimal comma is read", text("7381,25"), 1, StateCorrect},
		{"exponent is read", text("7.38125e3"), 1, StateCorrect},
		{"base unit is accepted", text("7381.25 m"), 1, StateCorrect},
		{"other unit is converted", text("7.38125 km"), 1, StateCorrect},
		{"unit without a space is read", text("7.38125km"), 1, StateCorrect},
		{"optional unit may be left out", text("7381.25"), 1, StateCorrect},
		{"unknown unit is penalised", text("7381.25 ft"), 0.8, StatePartial},
		{"case of a unit matters", text("7381.25 M"), 0.8, StatePartial},
		{"not a number is wrong", text("seven thousand"), 0, StateWrong},
		{"huge exponent is not a number", text("1e999"), 0, StateWrong},
		{"blank is not answered", text(""), 0, StateNotAnswered},
	})
	q := numericalQ()
	q.Body.Numerical.Units.Mode = lms.UnitsRequired
	runGradeCases(t, q, []gradeCase{
		{"required unit given is correct", text("7381.25 m"), 1, StateCorrect},
		{"required unit missing is penalised", text("7381.25"), 0.8, StatePartial},
		{"required unit missing on partial answer", text("7500"), 0.4, StatePartial},
	})
	q = numericalQ()
	q.Body.Numerical.Units = nil
	runGradeCases(t, q, []gradeCase{
		{"no units: a plain number is read", text("7381.25"), 1, StateCorrect},
		{"no units: a unit makes it invalid", text("7381.25 m"), 0, StateWrong},
	})
}

func TestGradeNumericalNotes(t *testing.T) {
	g := grader(t, numericalQ(), 1)
	for _, c := range []struct {
		in, note string
		invalid  bool
	}{
		{"7381.25 ft", NoteUnitUnknown, false},
		{"abc", NoteInvalidNumber, true},
		{"7381.25", "", false},
	} {
		res := grade(t, g, text(c.in))
		if res.Parts[0].Note != c.note || res.Invalid != c.invalid {
			t.Errorf("%q: note %q invalid %v, want %q %v", c.in, res.Parts[0].Note, res.Invalid, c.note, c.invalid)
		}
	}
	if res := grade(t, g, text("7381.25 km")); res.Parts[0].FeedbackID != "" || res.Fraction != 0 {
		t.Errorf("7381.25 km is 7381250 m: %+v", res)
	}
}

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		x    float64
		unit string
		ok   bool
	}{
		{"3", 3, "", true}, {"-3.5", -3.5, "", true}, {"+.5", 0.5, "", true}, {"5.", 5, "", true},
		{"−2", -2, "", true}, {"1,5", 1.5, "", true}, {"1e3", 1000, "", true}, {"2E-2", 0.02, "", true},
		{"5 eV", 5, "eV", true}, {"5eV", 5, "eV", true}, {"3 m  s", 3, "m s", true}, {"  7  ", 7, "", true},
		{"", 0, "", false}, {"-", 0, "", false}, {".", 0, "", false}, {"e5", 0, "", false}, {"1e400", 0, "", false},
		{"1.2.3", 1.2, ".3", true},
	} {
		x, unit, ok := parseNumber(c.in)
		if ok != c.ok || ok && (x != c.x || unit != c.unit) {
			t.Errorf("parseNumber(%q) = %v %q %v, want %v %q %v", c.in, x, unit, ok, c.x, c.unit, c.ok)
		}
	}
}

func TestGradeBlanks(t *testing.T) {
	gaps := func(kv ...string) lms.Response {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return lms.Response{Gaps: m}
	}
	runGradeCases(t, blanksQ(), []gradeCase{
		{"every gap right is correct", gaps("cap", "answerberlin", "city", "ANSWER-de", "pop", "3.7"), 1, StateCorrect},
		{"typed gap weighs two of four", gaps("cap", "ANSWERBERLIN"), 0.5, StatePartial},
		{"dropdown gap weighs one of four", gaps("city", "ANSWER-de"), 0.25, StatePartial},
		{"number gap within tolerance", gaps("pop", "3.5"), 0.25, StatePartial},
		{"partial typed answer", gaps("cap", "Bonn", "city", "ANSWER-de", "pop", "3.645"), (2*0.25 + 1 + 1) / 4, StatePartial},
		{"negative dropdown option is clamped per gap", gaps("cap", "ANSWERBERLIN", "city", "at"), 0.5, StatePartial},
		{"every gap wrong is wrong", gaps("cap", "Paris", "city", "fr", "pop", "12"), 0, StateWrong},
		{"blank gaps are not answered", gaps("cap", "  "), 0, StateNotAnswered},
		{"no gaps are not answered", lms.Response{}, 0, StateNotAnswered},
	})
	g := grader(t, blanksQ(), 1)
	res := grade(t, g, gaps("pop", "three"))
	if res.Parts[2].ID != "pop" || res.Parts[2].Note != NoteInvalidNumber || res.Invalid {
		t.Fatalf("an invalid number gap is noted on its part only: %+v invalid %v", res.Parts, res.Invalid)
	}
}

func TestGradeCalculated(t *testing.T) {
	q := calculatedQ()
	for seed := range uint64(30) {
		g := grader(t, q, seed)
		m, a := g.inst.Vars["m"], g.inst.Vars["a"]
		force := m * a * 1.000001
		for _, c := range []struct {
			name  string
			in    string
			want  float64
			state State
		}{
			{"exact answer with unit", formatNumber(force) + " N", 1, StateCorrect},
			{"within 1% relative tolerance", formatNumber(force*1.009) + " N", 1, StateCorrect},
			{"outside the tolerance", formatNumber(force*1.02) + " N", 0, StateWrong},
			{"other unit converted", formatNumber(force/1000) + " kN", 1, StateCorrect},
			{"missing required unit loses half", formatNumber(force), 0.5, StatePartial},
			{"second answer gives partial credit", formatNumber(force/2) + " N", 0.5, StatePartial},
			{"the shown right answer is correct", formatAnswer(force, lms.FormatSignificant, 4) + " N", 1, StateCorrect},
		} {
			res := grade(t, g, text(c.in))
			if !near(res.Fraction, c.want) || res.State != c.state {
				t.Fatalf("seed %d %s: %q got %v %s, want %v %s", seed, c.name, c.in, res.Fraction, res.State, c.want, c.state)
			}
		}
	}
}

func TestGradeCalculatedToleranceKinds(t *testing.T) {
	for _, c := range []struct {
		kind   lms.ToleranceKind
		tol    float64
		answer float64
		lo, hi float64
	}{
		{lms.TolAbsolute, 0.5, 10, 9.5, 10.5},
		{lms.TolRelative, 0.1, 10, 9, 11},
		{lms.TolRelative, 0.1, -10, -11, -9},
		{lms.TolGeometric, 1, 10, 5, 20},
		{lms.TolGeometric, 1, -10, -20, -5},
		{lms.TolAbsolute, 0, 3, 3, 3},
	} {
		a := lms.FormulaAnswer{Tolerance: c.tol, ToleranceKind: c.kind}
		if lo, hi := a.Bounds(c.answer); !near(lo, c.lo) || !near(hi, c.hi) {
			t.Errorf("%s %v around %v: [%v, %v], want [%v, %v]", c.kind, c.tol, c.answer, lo, hi, c.lo, c.hi)
		}
	}
}

func TestGradeEssayAndDescription(t *testing.T) {
	runGradeCases(t, essayQ(), []gradeCase{
		{"an essay needs grading", text("Some <b>thoughts</b> here."), 0, StateNeedsGrading},
		{"attachments alone need grading", lms.Response{Uploads: []int64{4}}, 0, StateNeedsGrading},
		{"a blank essay is not answered", text(" \n "), 0, StateNotAnswered},
	})
	runGradeCases(t, descriptionQ(), []gradeCase{
		{"a description is information", lms.Response{}, 0, StateInfo},
	})
}

func TestGradeKeepsTextVerbatim(t *testing.T) {
	for _, in := range []string{"<img src=x onerror=alert(1)>", "Robert'); DROP TABLE students;--", "  spaced\tand\nlined  ", strings.Repeat("é", 999)} {
		g := grader(t, shortQ(), 1)
		if res := grade(t, g, text(in)); res.Response.Text != in {
			t.Errorf("text changed: %q -> %q", in, res.Response.Text)
		}
	}
}

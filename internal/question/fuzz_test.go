package question

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// FuzzParseFormula checks that the formula parser never panics, that its
// errors are short user-visible messages, and that what parses evaluates
// to a finite number or an error. Seed corpus: testdata/fuzz/FuzzParseFormula.
func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{"1 + 2 * 3", "-{x}^2", "round({a}/3, 2)", "max(1,{b},sqrt(2))", "2^3^2", "((1)", "1e308*10", "{x}%0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParseFormula(src)
		if err != nil {
			if p != nil || lms.ErrorCode(err) != lms.EINVALID || len(lms.ErrorMessage(err)) > 200 || !utf8.ValidString(lms.ErrorMessage(err)) {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		vars := map[string]float64{}
		for i, v := range p.Vars() {
			vars[v] = float64(i) + 0.5
		}
		x, err := p.Eval(vars)
		if err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
			t.Fatalf("%q = %v without an error", src, x)
		}
		if err != nil && lms.ErrorCode(err) != lms.EINVALID {
			t.Fatalf("%q: %v", src, err)
		}
	})
}

// FuzzGrade checks that no question and response, however odd, makes the
// engine panic and that credits stay in [0, 1]. The inputs are a question
// and a (presented) response as JSON and a seed. Seed corpus:
// testdata/fuzz/FuzzGrade.
func FuzzGrade(f *testing.F) {
	for i, q := range allQuestions() {
		qb, _ := json.Marshal(q)
		f.Add(qb, []byte(`{"choices":["x"],"text":"12 m","bool":true}`), uint64(i))
		g, err := NewGrader(q, Instance{Seed: uint64(i)})
		if err != nil {
			continue
		}
		if right, ok := g.RightAnswer(); ok {
			rb, _ := json.Marshal(right)
			f.Add(qb, rb, uint64(i))
		}
	}
	f.Fuzz(func(t *testing.T, qb, rb []byte, seed uint64) {
		var q lms.Question
		if json.Unmarshal(qb, &q) != nil || Validate(&q) != nil {
			return
		}
		inst, err := Instantiate(&q, seed)
		if err != nil {
			return
		}
		g, err := NewGrader(&q, inst)
		if err != nil {
			t.Fatalf("a valid question has no grader: %v", err)
		}
		if _, err := json.Marshal(g.LearnerView(seed%2 == 0)); err != nil {
			t.Fatalf("view: %v", err)
		}
		var r lms.Response
		if json.Unmarshal(rb, &r) != nil {
			return
		}
		check := func(res Result, err error) {
			if err == nil && (res.Fraction < 0 || res.Fraction > 1 || math.IsNaN(res.Fraction) || res.State == "") {
				t.Fatalf("result %+v", res)
			}
		}
		check(g.Grade(r)) // as if stored
		stored, err := g.Decode(r)
		if err != nil {
			if lms.ErrorCode(err) == lms.EINTERNAL {
				t.Fatalf("decode: %v", err)
			}
			return
		}
		check(g.Grade(stored))
		if _, err := g.Review(stored, true, ReviewOptions{true, true, true, true, true}); err != nil {
			t.Fatalf("review of a decoded response: %v", err)
		}
		tries, err := g.Interactive([]lms.Response{stored, stored}, q.TryPenalty)
		if err != nil || tries.Fraction < 0 || tries.Fraction > 1 {
			t.Fatalf("interactive %+v %v", tries, err)
		}
		NewTally(&q).Add(stored)
	})
}

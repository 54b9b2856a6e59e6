package question

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// BenchmarkLiveGrade decodes and grades one player's answer with a Grader
// built once per question, the live quiz's path. Run for correctness only
// (go test -bench . -benchtime 1x); figures belong in docs/benchmarks.md
// when measured on a quiet machine.
func BenchmarkLiveGrade(b *testing.B) {
	for _, q := range []*lms.Question{singleQ(), multipleQ(), trueFalseQ(), shortQ(), numericalQ(), orderingQ()} {
		b.Run(string(q.Type), func(b *testing.B) {
			g, err := NewGrader(q, Instance{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			right, _ := g.RightAnswer()
			shown, _ := g.Present(right)
			b.ReportAllocs()
			for b.Loop() {
				r, err := g.Decode(shown)
				if err != nil {
					b.Fatal(err)
				}
				if res, err := g.Grade(r); err != nil || res.State != StateCorrect {
					b.Fatalf("%+v %v", res, err)
				}
			}
		})
	}
}

package assess

import (
	"fmt"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// newBenchQuiz is a fixture on st with a quiz like lyceum-load quiz's: 10
// shuffled single-choice questions at a lesson, a time limit, any number of
// attempts.
func newBenchQuiz(b *testing.B, st store.Store) (*fixture, *lms.Quiz) {
	f := newFixtureOn(b, st)
	ctx := b.Context()
	m := &lms.Module{CourseID: f.course.ID, Title: "M"}
	must(b, f.st.CreateModule(ctx, m))
	l := &lms.Lesson{ModuleID: m.ID, Title: "Quiz"}
	must(b, f.st.CreateLesson(ctx, l))
	var qs []*lms.Question
	for i := range 10 {
		qs = append(qs, f.add(&lms.Question{Type: lms.QSingle, Title: fmt.Sprint("q", i), TextMD: fmt.Sprintf("Question **%d**?", i),
			DefaultPoints: 1, Body: lms.QuestionBody{Choice: &lms.ChoiceBody{Shuffle: true, Choices: []lms.Choice{
				{ID: "a", TextMD: "A", Fraction: 1}, {ID: "b", TextMD: "B"}, {ID: "c", TextMD: "C"}, {ID: "d", TextMD: "D"}}}}}))
	}
	return f, f.quiz(func(q *lms.Quiz) { q.LessonID, q.TimeLimitSeconds, q.ShuffleAnswers = l.ID, 3600, true }, qs...)
}

// benchAutosave times the autosave of one answer (SaveAnswer, what
// PATCH /attempts/{id}/slots/{slot} runs) in an open attempt of 10
// single-choice questions in a quiz at a lesson, as lyceum-load quiz has.
func benchAutosave(b *testing.B, st store.Store) {
	f, qz := newBenchQuiz(b, st)
	ctx := b.Context()
	att := f.start(f.learner, qz)
	answers := make([]lms.Response, len(att.Slots))
	for i, s := range att.Slots {
		answers[i] = lms.Response{Choices: []string{s.View.Choices[i%len(s.View.Choices)].ID}}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		slot := i % len(answers)
		if _, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, slot, answers[slot]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAutosaveSQLite: one autosave on the embedded database.
func BenchmarkAutosaveSQLite(b *testing.B) { benchAutosave(b, storetest.SQLite(b)) }

// BenchmarkAutosavePostgres: one autosave on PostgreSQL
// (LYCEUM_TEST_DATABASE_URL; skipped without it).
func BenchmarkAutosavePostgres(b *testing.B) { benchAutosave(b, storetest.Postgres(b)) }

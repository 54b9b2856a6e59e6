package assess

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// benchStartSubmit times what lyceum-load quiz's start and submit run
// (StartAttempt, then Submit after one answer) on a quiz of 10 shuffled
// single-choice questions at a lesson with a time limit; the quiz allows
// any number of attempts, so one learner starts and submits b.N of them.
func benchStartSubmit(b *testing.B, st store.Store) {
	f, qz := newBenchQuiz(b, st)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		att, err := f.svc.StartAttempt(ctx, f.learner, qz.ID, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.svc.SaveAnswer(ctx, f.learner, att.Attempt.ID, 0, lms.Response{Choices: []string{att.Slots[0].View.Choices[0].ID}}); err != nil {
			b.Fatal(err)
		}
		if _, err := f.svc.Submit(ctx, f.learner, att.Attempt.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartSubmitSQLite: one start, one autosave and one submit on
// the embedded database.
func BenchmarkStartSubmitSQLite(b *testing.B) { benchStartSubmit(b, storetest.SQLite(b)) }

// BenchmarkStartSubmitPostgres: the same on PostgreSQL
// (LYCEUM_TEST_DATABASE_URL; skipped without it).
func BenchmarkStartSubmitPostgres(b *testing.B) { benchStartSubmit(b, storetest.Postgres(b)) }

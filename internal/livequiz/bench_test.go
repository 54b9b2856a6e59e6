package livequiz

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// benchAnswers measures Service.Answer: checks, grading and the durable
// store of one answer per player (b.N players answering one question).
func benchAnswers(b *testing.B, st store.Store) {
	f := newFixtureOn(b, st)
	ctx := b.Context()
	g := f.game(lms.GameSettings{Scoring: lms.ScoreSpeed, Guests: true})
	players := make([]*lms.GamePlayer, b.N)
	for i := range players {
		p, _, _, err := f.svc.GuestJoin(ctx, g.PIN, fmt.Sprintf("p%d", i))
		must(b, err)
		players[i] = p
	}
	f.control(g, ActStart)
	resp := json.RawMessage(`{"bool":true}`)
	b.ResetTimer()
	for i := range b.N {
		if _, err := f.svc.Answer(ctx, players[i], AnswerInput{Index: 0, Key: "k", Response: resp}, -1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnswerSQLite(b *testing.B) { benchAnswers(b, storetest.SQLite(b)) }

func BenchmarkAnswerPostgres(b *testing.B) {
	testenv.Lookup(b, "LYCEUM_TEST_DATABASE_URL")
	benchAnswers(b, storetest.Postgres(b))
}

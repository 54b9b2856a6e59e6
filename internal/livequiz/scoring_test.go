package livequiz

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestAnswerPoints(t *testing.T) {
	acc := lms.GameSettings{Scoring: lms.ScoreAccuracy, Points: 1000}
	speed := lms.GameSettings{Scoring: lms.ScoreSpeed, Points: 1000}
	T := 20 * time.Second
	for _, c := range []struct {
		name     string
		s        lms.GameSettings
		fraction float64
		elapsed  time.Duration
		want     float64
	}{
		{"accuracy, full credit, late", acc, 1, T, 1000},
		{"accuracy, partial", acc, 0.5, time.Second, 500},
		{"accuracy, wrong", acc, 0, 0, 0},
		{"speed, instant", speed, 1, 0, 1000},
		{"speed, a quarter in", speed, 1, 5 * time.Second, 875},
		{"speed, at the close", speed, 1, T, 500},
		{"speed, inside the grace (capped)", speed, 1, T + 200*time.Millisecond, 500},
		{"speed, partial half way", speed, 0.5, 10 * time.Second, 375},
		{"speed, wrong", speed, 0, 0, 0},
		{"credit clamped", acc, 1.5, 0, 1000},
	} {
		if got := AnswerPoints(c.s, c.fraction, c.elapsed, T); got != c.want {
			t.Errorf("%s: AnswerPoints = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStreakBonus(t *testing.T) {
	s := lms.GameSettings{Points: 1000, Streak: true}
	for k, want := range map[int]float64{0: 0, 1: 0, 2: 100, 3: 200, 6: 500, 7: 500, 40: 500} {
		if got := StreakBonus(s, k); got != want {
			t.Errorf("StreakBonus(%d) = %v, want %v", k, got, want)
		}
	}
	s.Streak = false
	if got := StreakBonus(s, 4); got != 0 {
		t.Errorf("StreakBonus without streaks = %v", got)
	}
}

// gq is a graded (true/false) or ungraded (poll) game question.
func gq(i int, graded bool) *lms.GameQuestion {
	typ := lms.QTrueFalse
	if !graded {
		typ = lms.QPoll
	}
	return &lms.GameQuestion{Index: i, Question: lms.Question{Type: typ}, Seconds: 20}
}

func TestStandingsWithStreaksPollsAndRemovedPlayers(t *testing.T) {
	s := lms.GameSettings{Scoring: lms.ScoreAccuracy, Points: 1000, Streak: true}
	qs := []*lms.GameQuestion{gq(0, true), gq(1, true), gq(2, false), gq(3, true), gq(4, true)}
	players := []*lms.GamePlayer{
		{ID: 1, Nickname: "ada", Team: 1},
		{ID: 2, Nickname: "bob", Team: 2},
		{ID: 3, Nickname: "cy", Team: 1},
		{ID: 4, Nickname: "gone", RemovedAt: t0},
	}
	ans := func(p int64, i int, f float64) *lms.GameAnswer {
		return &lms.GameAnswer{PlayerID: p, Index: i, Fraction: f, Points: AnswerPoints(s, f, 0, 0)}
	}
	answers := []*lms.GameAnswer{
		// ada: right, right, (poll), right, wrong: streak 2 then 3 across the poll.
		ans(1, 0, 1), ans(1, 1, 1), ans(1, 2, 0), ans(1, 3, 1), ans(1, 4, 0),
		// bob: right, no answer, -, right, right: the gap breaks the streak.
		ans(2, 0, 1), ans(2, 3, 1), ans(2, 4, 1),
		// cy: partial credit only.
		ans(3, 0, 0.5), ans(3, 1, 0.5),
		ans(4, 0, 1),
	}
	got := Standings(s, qs, players, answers, 4)
	want := []Standing{
		{PlayerID: 1, Nickname: "ada", Team: 1, Score: 1000 + 1100 + 1200, Correct: 3, Answered: 4, Streak: 0, Rank: 1,
			Last: &Outcome{Index: 4}},
		{PlayerID: 2, Nickname: "bob", Team: 2, Score: 1000 + 1000 + 1100, Correct: 3, Answered: 3, Streak: 2, Rank: 2,
			Last: &Outcome{Index: 4, Fraction: 1, Correct: true, Points: 1100, Bonus: 100}},
		{PlayerID: 3, Nickname: "cy", Team: 1, Score: 1000, Correct: 0, Answered: 2, Rank: 3},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("standings (-want +got):\n%s", d)
	}
	// After question 1 only, and with equal scores sharing a rank.
	early := Standings(s, qs, players[:2], answers, 0)
	if early[0].Rank != 1 || early[1].Rank != 1 || early[0].Nickname != "ada" {
		t.Fatalf("tied standings = %+v, want both rank 1, ada first", early)
	}
	teams := TeamStandings(got)
	wantTeams := []TeamStanding{
		{Team: 2, Members: 1, Total: 3100, Average: 3100, Rank: 1},
		{Team: 1, Members: 2, Total: 4300, Average: 2150, Rank: 2},
	}
	if d := cmp.Diff(wantTeams, teams); d != "" {
		t.Fatalf("team standings (-want +got):\n%s", d)
	}
	if got := MaxScore(s, qs); got != 1000+1100+1200+1300 {
		t.Fatalf("MaxScore = %v", got)
	}
}

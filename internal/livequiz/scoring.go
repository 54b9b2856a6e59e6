package livequiz

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Scoring (docs/livequiz.md, "Scoring"). P is the game's Points, c the
// answer's credit (0..1), t the time from the opening to the answer's
// receipt and T the question's length (ClosesAt − OpenedAt, extensions
// included, pauses not):
//
//	accuracy: round(P × c)
//	speed:    round(P × c × (1 − min(t/T, 1)/2))   (half the points at the last moment)
//
// With the streak bonus, the k-th full-credit answer in a row (k ≥ 2)
// adds round(P × StreakStep × min(k−1, MaxStreakSteps)). An answer
// without full credit, or no answer, to a graded question ends a streak;
// polls and word clouds neither count nor break one.
const (
	StreakStep     = 0.1 // of P per step
	MaxStreakSteps = 5
)

// AnswerPoints returns the points of an answer with credit fraction,
// received elapsed after the opening of a question lasting length.
func AnswerPoints(s lms.GameSettings, fraction float64, elapsed, length time.Duration) float64 {
	p := float64(s.Points) * min(max(fraction, 0), 1)
	if s.Scoring == lms.ScoreSpeed && length > 0 {
		p *= 1 - min(max(elapsed.Seconds()/length.Seconds(), 0), 1)/2
	}
	return math.Round(p)
}

// StreakBonus returns the bonus of the k-th full-credit answer in a row.
func StreakBonus(s lms.GameSettings, k int) float64 {
	if !s.Streak || k < 2 {
		return 0
	}
	return math.Round(float64(s.Points) * StreakStep * float64(min(k-1, MaxStreakSteps)))
}

// Standing is one player's place after some questions.
type Standing struct {
	PlayerID int64   `json:"player_id"`
	Nickname string  `json:"nickname"`
	Team     int     `json:"team,omitzero"`
	Score    float64 `json:"score"`
	Correct  int     `json:"correct"`  // full-credit answers
	Answered int     `json:"answered"` // answers to graded questions
	Streak   int     `json:"streak"`   // current run of full-credit answers
	Rank     int     `json:"rank"`     // 1-based; equal scores share a rank
	// Last is the outcome of the last question counted (nil when the
	// player did not answer it).
	Last *Outcome `json:"last,omitempty"`
}

// Outcome is how one answer scored.
type Outcome struct {
	Index    int     `json:"index"`
	Fraction float64 `json:"fraction"`
	Correct  bool    `json:"correct"`
	Points   float64 `json:"points"` // the answer's points plus its streak bonus
	Bonus    float64 `json:"bonus"`
}

// Standings computes every player's score from the stored answers to
// questions 0..upTo (removed players are left out), ranked by score, then
// nickname. Scores never depend on anything but the stored answers.
func Standings(s lms.GameSettings, qs []*lms.GameQuestion, players []*lms.GamePlayer, answers []*lms.GameAnswer, upTo int) []Standing {
	byPlayer := map[int64]map[int]*lms.GameAnswer{}
	for _, a := range answers {
		if byPlayer[a.PlayerID] == nil {
			byPlayer[a.PlayerID] = map[int]*lms.GameAnswer{}
		}
		byPlayer[a.PlayerID][a.Index] = a
	}
	out := make([]Standing, 0, len(players))
	for _, p := range players {
		if p.Removed() {
			continue
		}
		st := Standing{PlayerID: p.ID, Nickname: p.Nickname, Team: p.Team}
		mine := byPlayer[p.ID]
		for i := 0; i <= upTo && i < len(qs); i++ {
			a := mine[i]
			if qs[i].Ungraded() {
				if i == upTo && a != nil {
					st.Last = &Outcome{Index: i}
				}
				continue
			}
			if a == nil {
				st.Streak = 0
				continue
			}
			st.Answered++
			o := Outcome{Index: i, Fraction: a.Fraction, Correct: a.Fraction >= 1, Points: a.Points}
			if o.Correct {
				st.Correct++
				st.Streak++
				o.Bonus = StreakBonus(s, st.Streak)
				o.Points += o.Bonus
			} else {
				st.Streak = 0
			}
			st.Score += o.Points
			if i == upTo {
				st.Last = &o
			}
		}
		out = append(out, st)
	}
	slices.SortStableFunc(out, func(a, b Standing) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(lms.NicknameKey(a.Nickname), lms.NicknameKey(b.Nickname)),
			cmp.Compare(a.PlayerID, b.PlayerID))
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Score == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// TeamStanding is one team's place. Teams are ranked by Average (the
// mean score of their members), so a bigger team has no head start; Total
// is shown beside it.
type TeamStanding struct {
	Team    int     `json:"team"`
	Members int     `json:"members"`
	Total   float64 `json:"total"`
	Average float64 `json:"average"` // Total / Members, rounded to a whole point
	Rank    int     `json:"rank"`
}

// TeamStandings sums the players' standings by team (team 0, no team, is
// left out).
func TeamStandings(players []Standing) []TeamStanding {
	idx := map[int]int{}
	var out []TeamStanding
	for _, p := range players {
		if p.Team == 0 {
			continue
		}
		i, ok := idx[p.Team]
		if !ok {
			i = len(out)
			idx[p.Team] = i
			out = append(out, TeamStanding{Team: p.Team})
		}
		out[i].Members++
		out[i].Total += p.Score
	}
	for i := range out {
		out[i].Average = math.Round(out[i].Total / float64(out[i].Members))
	}
	slices.SortStableFunc(out, func(a, b TeamStanding) int {
		return cmp.Or(cmp.Compare(b.Average, a.Average), cmp.Compare(b.Total, a.Total), cmp.Compare(a.Team, b.Team))
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Average == out[i-1].Average && out[i].Total == out[i-1].Total {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// MaxScore is the most a player can score in the game: every graded
// question answered at once with full credit, with every streak bonus.
func MaxScore(s lms.GameSettings, qs []*lms.GameQuestion) float64 {
	total, k := 0.0, 0
	for _, q := range qs {
		if q.Ungraded() {
			continue
		}
		k++
		total += float64(s.Points) + StreakBonus(s, k)
	}
	return total
}

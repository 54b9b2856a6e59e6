package question

import (
	"math"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Tries is where an interactive question stands after a learner's tries
// (Moodle's interactive behaviour with several tries).
type Tries struct {
	// Fraction is the mark: the last counted try's credit minus penalty ×
	// the tries before it, floored at 0. It is final once Finished, and is
	// what the question earns if the attempt ends now.
	Fraction float64 `json:"fraction"`
	State    State   `json:"state"` // how right the last counted try was (not_answered before any)
	Tries    int     `json:"tries"` // tries counted
	// TriesLeft is how many more tries the learner has (len(Hints)+1 in all).
	TriesLeft int  `json:"tries_left"`
	Finished  bool `json:"finished"` // right, or no tries left: further responses are ignored
	// Hint is the index in the question's Hints to show now (after a try
	// that was not right and left tries), or -1.
	Hint int `json:"hint"`
	// Ignored counts responses after the question finished.
	Ignored int    `json:"ignored,omitempty"`
	Last    Result `json:"last"` // the grading of the last counted try
}

// Interactive replays a learner's submitted tries, in order, for
// interactive mode. A try that answers nothing or is not a number is not
// counted (the learner is asked again, as Moodle does). The question
// allows len(Hints)+1 tries and stops at the first right one; the mark is
// the credit of the last counted try minus penalty (the share of the mark
// lost per extra try, usually the question's TryPenalty) times the tries
// before it, floored at 0. Essays and descriptions have no tries: their
// last response is graded as it is.
func (g *Grader) Interactive(responses []lms.Response, penalty float64) (Tries, error) {
	if math.IsNaN(penalty) || penalty < 0 || penalty > 1 {
		return Tries{}, lms.FieldError("try_penalty", "The penalty per try must be from 0 to 1.")
	}
	maxTries := len(g.q.Hints) + 1
	t := Tries{State: StateNotAnswered, TriesLeft: maxTries, Hint: -1}
	if !g.q.Type.AutoGraded() {
		t.TriesLeft = 0
		if len(responses) == 0 {
			if g.q.Type == lms.QDescription {
				t.State = StateInfo
			}
			return t, nil
		}
		res, err := g.Grade(responses[len(responses)-1])
		t.State, t.Last = res.State, res
		return t, err
	}
	for i, r := range responses {
		if t.Finished {
			t.Ignored = len(responses) - i
			break
		}
		res, err := g.Grade(r)
		if err != nil {
			return Tries{}, err
		}
		if res.State == StateNotAnswered || res.Invalid {
			continue
		}
		t.Tries++
		t.TriesLeft = maxTries - t.Tries
		t.Last, t.State = res, res.State
		t.Finished = res.State == StateCorrect || t.TriesLeft == 0
	}
	if t.Tries == 0 {
		return t, nil
	}
	t.Fraction, _ = finish(t.Last.Fraction - penalty*float64(t.Tries-1))
	if !t.Finished {
		t.Hint = t.Tries - 1
	}
	return t, nil
}

// HintMD returns hint i of the question (Tries.Hint), with a calculated
// question's values filled in; "" when there is no such hint.
func (g *Grader) HintMD(i int) string {
	if i < 0 || i >= len(g.q.Hints) {
		return ""
	}
	return g.substitute(g.q.Hints[i])
}

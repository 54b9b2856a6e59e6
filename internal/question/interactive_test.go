package question

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestInteractiveTries(t *testing.T) {
	right := lms.Response{Choices: []string{"ANSWER-paris"}}
	half := lms.Response{Choices: []string{"lyon"}}
	wrong := lms.Response{Choices: []string{"oslo"}}
	empty := lms.Response{}
	third := lms.DefaultTryPenalty
	// singleQ has two hints: three tries.
	for _, c := range []struct {
		name     string
		tries    []lms.Response
		penalty  float64
		fraction float64
		state    State
		counted  int
		left     int
		finished bool
		hint     int
		ignored  int
	}{
		{"no tries yet", nil, third, 0, StateNotAnswered, 0, 3, false, -1, 0},
		{"right first time earns full marks", []lms.Response{right}, third, 1, StateCorrect, 1, 2, true, -1, 0},
		{"right on the second try loses one penalty", []lms.Response{wrong, right}, third, 2.0 / 3, StateCorrect, 2, 1, true, -1, 0},
		{"right on the third try loses two", []lms.Response{wrong, wrong, right}, third, 1.0 / 3, StateCorrect, 3, 0, true, -1, 0},
		{"wrong three times is zero", []lms.Response{wrong, wrong, wrong}, third, 0, StateWrong, 3, 0, true, -1, 0},
		{"after one wrong try the first hint shows", []lms.Response{wrong}, third, 0, StateWrong, 1, 2, false, 0, 0},
		{"after two wrong tries the second hint shows", []lms.Response{wrong, wrong}, third, 0, StateWrong, 2, 1, false, 1, 0},
		{"a partial last try counts minus penalties", []lms.Response{wrong, half}, 0.25, 0.25, StatePartial, 2, 1, false, 1, 0},
		{"penalties floor at zero", []lms.Response{wrong, wrong, half}, 0.3, 0, StatePartial, 3, 0, true, -1, 0},
		{"an empty try is not counted", []lms.Response{empty, wrong, empty, right}, third, 2.0 / 3, StateCorrect, 2, 1, true, -1, 0},
		{"tries after the right one are ignored", []lms.Response{right, wrong, wrong}, third, 1, StateCorrect, 1, 2, true, -1, 2},
		{"zero penalty keeps full marks", []lms.Response{wrong, wrong, right}, 0, 1, StateCorrect, 3, 0, true, -1, 0},
		{"full penalty leaves nothing after a wrong try", []lms.Response{wrong, right}, 1, 0, StateCorrect, 2, 1, true, -1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := grader(t, singleQ(), 1)
			got, err := g.Interactive(c.tries, c.penalty)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Fraction, c.fraction) || got.State != c.state || got.Tries != c.counted || got.TriesLeft != c.left ||
				got.Finished != c.finished || got.Hint != c.hint || got.Ignored != c.ignored {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestInteractiveInvalidNumberIsNoTry(t *testing.T) {
	g := grader(t, numericalQ(), 1)
	got, err := g.Interactive([]lms.Response{{Text: "abc"}, {Text: "7381.25"}}, 0.5)
	if err != nil || got.Tries != 1 || got.Fraction != 1 {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestInteractiveWithoutHintsHasOneTry(t *testing.T) {
	q := trueFalseQ()
	q.Hints = nil
	got, _ := grader(t, q, 1).Interactive([]lms.Response{{Bool: boolp(false)}}, 0.5)
	if !got.Finished || got.TriesLeft != 0 || got.Hint != -1 || got.Fraction != 0 {
		t.Fatalf("%+v", got)
	}
}

func TestInteractiveEssayAndDescription(t *testing.T) {
	got, err := grader(t, essayQ(), 1).Interactive([]lms.Response{{Text: "first"}, {Text: "second draft"}}, 0.3)
	if err != nil || got.State != StateNeedsGrading || got.Tries != 0 || got.Last.Response.Text != "second draft" {
		t.Fatalf("%+v %v", got, err)
	}
	got, _ = grader(t, descriptionQ(), 1).Interactive(nil, 0.3)
	if got.State != StateInfo {
		t.Fatalf("%+v", got)
	}
}

func TestInteractiveRefusesBadInput(t *testing.T) {
	g := grader(t, singleQ(), 1)
	for _, p := range []float64{-0.1, 1.5} {
		if _, err := g.Interactive(nil, p); lms.ErrorCode(err) != lms.EINVALID {
			t.Errorf("penalty %v: %v", p, err)
		}
	}
	if _, err := g.Interactive([]lms.Response{{Choices: []string{"nope"}}}, 0.3); lms.ErrorCode(err) != lms.EINVALID {
		t.Errorf("unknown choice: %v", err)
	}
}

func TestHintMD(t *testing.T) {
	q := calculatedQ()
	q.Hints = []string{"Multiply {m} by {a}."}
	g := grader(t, q, 42)
	if got := g.HintMD(0); got != "Multiply 10.0 by 1.32." {
		t.Fatalf("%q", got)
	}
	if g.HintMD(1) != "" || g.HintMD(-1) != "" {
		t.Fatal("a missing hint is not empty")
	}
}

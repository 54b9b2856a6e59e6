package question

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// gradeCase is one response and the credit and state it must earn.
type gradeCase struct {
	name  string
	r     lms.Response
	want  float64
	state State
}

// runGradeCases grades each case against q (seed 1).
func runGradeCases(t *testing.T, q *lms.Question, cases []gradeCase) {
	t.Helper()
	g := grader(t, q, 1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := grade(t, g, c.r)
			if !near(res.Fraction, c.want) || res.State != c.state {
				t.Fatalf("got %v %s, want %v %s (parts %+v)", res.Fraction, res.State, c.want, c.state, res.Parts)
			}
			if res.Fraction < 0 || res.Fraction > 1 {
				t.Fatalf("fraction %v out of [0,1]", res.Fraction)
			}
		})
	}
}

func TestGradeSingle(t *testing.T) {
	runGradeCases(t, singleQ(), []gradeCase{
		{"right choice is correct", lms.Response{Choices: []string{"ANSWER-paris"}}, 1, StateCorrect},
		{"half choice is partial", lms.Response{Choices: []string{"lyon"}}, 0.5, StatePartial},
		{"negative choice is clamped at zero", lms.Response{Choices: []string{"rome"}}, 0, StateWrong},
		{"zero choice is wrong", lms.Response{Choices: []string{"oslo"}}, 0, StateWrong},
		{"no choice is not answered", lms.Response{}, 0, StateNotAnswered},
		{"empty list is not answered", lms.Response{Choices: []string{}}, 0, StateNotAnswered},
	})
}

func TestGradeMultiple(t *testing.T) {
	runGradeCases(t, multipleQ(), []gradeCase{
		{"all positive choices are exactly correct", lms.Response{Choices: []string{"ANSWER-five", "ANSWER-two", "ANSWER-three"}}, 1, StateCorrect},
		{"one of three is a third", lms.Response{Choices: []string{"ANSWER-two"}}, (1.0 / 3) / (2.0/3 + 0.3333), StatePartial},
		{"two right and a -1 clamps at zero", lms.Response{Choices: []string{"ANSWER-two", "ANSWER-three", "four"}}, 0, StateWrong},
		{"all right and a -0.5 loses half", lms.Response{Choices: []string{"ANSWER-two", "ANSWER-three", "ANSWER-five", "six"}}, 1 - 0.5/(2.0/3+0.3333), StatePartial},
		{"everything chosen is clamped", lms.Response{Choices: []string{"ANSWER-two", "ANSWER-three", "four", "ANSWER-five", "six"}}, 0, StateWrong},
		{"only wrong choices are wrong", lms.Response{Choices: []string{"four"}}, 0, StateWrong},
		{"nothing chosen is not answered", lms.Response{}, 0, StateNotAnswered},
	})
}

func TestGradeMultipleNormalisesOrder(t *testing.T) {
	g := grader(t, multipleQ(), 1)
	res := grade(t, g, lms.Response{Choices: []string{"ANSWER-five", "four", "ANSWER-two"}})
	want := []string{"ANSWER-two", "four", "ANSWER-five"}
	if len(res.Response.Choices) != 3 || res.Response.Choices[0] != want[0] || res.Response.Choices[2] != want[2] {
		t.Fatalf("normalised choices %v, want %v", res.Response.Choices, want)
	}
	if len(res.Parts) != 3 || res.Parts[1].ID != "four" || res.Parts[1].Fraction != -1 || res.Parts[1].FeedbackID != "four" {
		t.Fatalf("parts %+v", res.Parts)
	}
}

func TestGradeTrueFalse(t *testing.T) {
	runGradeCases(t, trueFalseQ(), []gradeCase{
		{"true is correct", lms.Response{Bool: boolp(true)}, 1, StateCorrect},
		{"false is wrong", lms.Response{Bool: boolp(false)}, 0, StateWrong},
		{"no answer is not answered", lms.Response{}, 0, StateNotAnswered},
	})
	g := grader(t, trueFalseQ(), 1)
	if res := grade(t, g, lms.Response{Bool: boolp(false)}); res.Parts[0].FeedbackID != "false" {
		t.Fatalf("false answer feedback %q", res.Parts[0].FeedbackID)
	}
}

func TestGradeMatching(t *testing.T) {
	both := func(m map[string]string) lms.Response { return lms.Response{Matches: m} }
	runGradeCases(t, matchingQ(), []gradeCase{
		{"all matched is correct", both(map[string]string{"ANSWER-p1": "ANSWER-p1", "ANSWER-p2": "ANSWER-p2", "ANSWER-p3": "ANSWER-p3", "ANSWER-p4": "ANSWER-p4"}), 1, StateCorrect},
		{"an answer with the same text counts", both(map[string]string{"ANSWER-p1": "ANSWER-p1", "ANSWER-p2": "ANSWER-p4", "ANSWER-p3": "ANSWER-p3", "ANSWER-p4": "ANSWER-p2"}), 1, StateCorrect},
		{"three of four is three quarters", both(map[string]string{"ANSWER-p1": "ANSWER-p1", "ANSWER-p2": "ANSWER-p2", "ANSWER-p3": "ANSWER-p3", "ANSWER-p4": "ANSWER-d1"}), 0.75, StatePartial},
		{"one answered of four is a quarter", both(map[string]string{"ANSWER-p3": "ANSWER-p3"}), 0.25, StatePartial},
		{"the distractor everywhere is wrong", both(map[string]string{"ANSWER-p1": "ANSWER-d1", "ANSWER-p2": "ANSWER-d1"}), 0, StateWrong},
		{"nothing matched is not answered", both(nil), 0, StateNotAnswered},
	})
}

func TestGradeOrdering(t *testing.T) {
	order := func(ids ...string) lms.Response {
		for i := range ids {
			ids[i] = "ANSWER-i" + ids[i]
		}
		return lms.Response{Order: ids}
	}
	runGradeCases(t, orderingQ(), []gradeCase{
		{"right order is correct", order("1", "2", "3", "4", "5"), 1, StateCorrect},
		{"first moved to the end keeps three of four pairs", order("2", "3", "4", "5", "1"), 0.75, StatePartial},
		{"two swapped neighbours keep two pairs", order("2", "1", "3", "4", "5"), 0.5, StatePartial},
		{"reversed is wrong", order("5", "4", "3", "2", "1"), 0, StateWrong},
		{"halves swapped keep three pairs", order("4", "5", "1", "2", "3"), 0.75, StatePartial},
		{"no order is not answered", lms.Response{}, 0, StateNotAnswered},
	})
	q := orderingQ()
	q.Body.Ordering.AllOrNothing = true
	runGradeCases(t, q, []gradeCase{
		{"all or nothing: right order is correct", order("1", "2", "3", "4", "5"), 1, StateCorrect},
		{"all or nothing: one move is wrong", order("2", "3", "4", "5", "1"), 0, StateWrong},
	})
}

func TestGradeOrderingParts(t *testing.T) {
	g := grader(t, orderingQ(), 1)
	res := grade(t, g, lms.Response{Order: []string{"ANSWER-i2", "ANSWER-i3", "ANSWER-i1", "ANSWER-i4", "ANSWER-i5"}})
	want := []float64{1, 0, 0, 1} // 2→3 right, 3→1 wrong, 1→4 wrong, 4→5 right; the last item has no part
	if len(res.Parts) != len(want) {
		t.Fatalf("parts %+v", res.Parts)
	}
	for i, p := range res.Parts {
		if p.Fraction != want[i] {
			t.Fatalf("part %d (%s) = %v, want %v", i, p.ID, p.Fraction, want[i])
		}
	}
	if !near(res.Fraction, 0.5) {
		t.Fatalf("fraction %v", res.Fraction)
	}
}

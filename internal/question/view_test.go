package question

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// leaks returns what of the answer a learner-facing JSON document shows.
func leaks(doc []byte, q *lms.Question, g *Grader) []string {
	s := string(doc)
	var found []string
	for _, secret := range []string{secretTitle, secretFeedback, secretGeneral, secretHint, secretGrader,
		"ANSWER", "7381", "1.000001", "fraction", "feedback", "formula", "tolerance", "pattern", "hint",
		"title", "grader", `"weight"`, `"answer"`, "multiplier"} {
		if strings.Contains(s, secret) {
			found = append(found, secret)
		}
	}
	if q.Type == lms.QCalculated && strings.Contains(s, formatNumber(g.values[0])) {
		found = append(found, "the computed answer")
	}
	return found
}

var presentedID = regexp.MustCompile(`^[0-9a-f]{12}$`)

func TestLearnerViewNeverLeaks(t *testing.T) {
	for _, q := range allQuestions() {
		for seed := range uint64(20) {
			g := grader(t, q, seed)
			for _, shuffle := range []bool{true, false} {
				v := g.LearnerView(shuffle)
				doc, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if l := leaks(doc, q, g); len(l) > 0 {
					t.Fatalf("%s seed %d: the learner view shows %v:\n%s", q.Type, seed, l, doc)
				}
				for _, o := range slices.Concat(v.Choices, v.Stems, v.Answers, v.Items) {
					if !presentedID.MatchString(o.ID) {
						t.Fatalf("%s: id %q is not a presented id", q.Type, o.ID)
					}
				}
				if q.Type == lms.QOrdering && slices.EqualFunc(v.Items, q.Body.Ordering.Items, func(o Option, it lms.OrderItem) bool { return o.Text == it.TextMD }) {
					t.Fatalf("seed %d: the items start in the right order", seed)
				}
			}
		}
	}
}

func TestReviewWithoutOptionsNeverLeaks(t *testing.T) {
	for _, q := range allQuestions() {
		g := grader(t, q, 3)
		// The right answer (but typed answers, which would show themselves).
		right, _ := g.RightAnswer()
		switch q.Type {
		case lms.QEssay, lms.QShortAnswer, lms.QNumerical, lms.QCalculated:
			right = lms.Response{Text: "12"}
		case lms.QBlanks:
			right.Gaps["cap"] = "Bonn"
		}
		rev, err := g.Review(right, true, ReviewOptions{})
		if err != nil {
			t.Fatalf("%s: %v", q.Type, err)
		}
		doc, _ := json.Marshal(rev)
		if l := leaks(doc, q, g); len(l) > 0 {
			t.Fatalf("%s: a review with no options shows %v:\n%s", q.Type, l, doc)
		}
		if rev.State != "" || rev.Fraction != nil || rev.Parts != nil || rev.RightAnswer != nil {
			t.Fatalf("%s: %+v", q.Type, rev)
		}
	}
}

func TestLearnerViewIsStablePerSeed(t *testing.T) {
	for _, q := range allQuestions() {
		a, _ := json.Marshal(grader(t, q, 11).LearnerView(true))
		b, _ := json.Marshal(grader(t, q, 11).LearnerView(true))
		if string(a) != string(b) {
			t.Fatalf("%s: the same seed gave two views", q.Type)
		}
	}
	orders := map[string]bool{}
	for seed := range uint64(30) {
		v := grader(t, singleQ(), seed).LearnerView(true)
		var texts []string
		for _, c := range v.Choices {
			texts = append(texts, c.Text)
		}
		orders[strings.Join(texts, ",")] = true
	}
	if len(orders) < 6 {
		t.Fatalf("30 seeds gave %d orders of 4 choices", len(orders))
	}
	v := grader(t, singleQ(), 5).LearnerView(false)
	if v.Choices[0].Text != "Paris" || v.Choices[3].Text != "Oslo" {
		t.Fatalf("without the quiz's shuffle the choices keep their order: %+v", v.Choices)
	}
}

func TestLearnerViewContent(t *testing.T) {
	t.Run("calculated text shows the drawn values", func(t *testing.T) {
		g := grader(t, calculatedQ(), 42)
		v := g.LearnerView(true)
		if want := "A mass of 10.0 kg accelerates at 1.32 m/s². What is the force? {notavariable}"; v.TextMD != want || v.Units != lms.UnitsRequired {
			t.Fatalf("text %q units %q", v.TextMD, v.Units)
		}
	})
	t.Run("blanks text names the presented gaps in order", func(t *testing.T) {
		g := grader(t, blanksQ(), 1)
		v := g.LearnerView(false)
		if len(v.Gaps) != 3 || v.Gaps[0].Kind != lms.GapDropdown || v.Gaps[1].Kind != lms.GapText || v.Gaps[2].Kind != lms.GapNumber {
			t.Fatalf("gaps %+v", v.Gaps)
		}
		want := "The capital of [[" + v.Gaps[0].ID + "]] is [[" + v.Gaps[1].ID + "]]; it has [[" + v.Gaps[2].ID + "]] million people."
		if v.TextMD != want || len(v.Gaps[0].Options) != 3 {
			t.Fatalf("text %q", v.TextMD)
		}
	})
	t.Run("matching offers each answer text once", func(t *testing.T) {
		v := grader(t, matchingQ(), 1).LearnerView(true)
		var texts []string
		for _, a := range v.Answers {
			texts = append(texts, a.Text)
		}
		slices.Sort(texts)
		if strings.Join(texts, ",") != "Ottawa,Rome,Sydney,Tokyo" || len(v.Stems) != 4 {
			t.Fatalf("answers %v stems %d", texts, len(v.Stems))
		}
		stems := map[string]bool{}
		for _, s := range v.Stems {
			stems[s.ID] = true
		}
		for _, a := range v.Answers {
			if stems[a.ID] {
				t.Fatal("an answer has its stem's id")
			}
		}
	})
	t.Run("essay shows its limits and template only", func(t *testing.T) {
		v := grader(t, essayQ(), 1).LearnerView(true)
		if v.Essay == nil || v.Essay.MaxWords != 500 || v.Essay.Attachments != 2 || v.Essay.ResponseTemplateMD != "I think…" {
			t.Fatalf("%+v", v.Essay)
		}
	})
}

func TestRightAnswerGradesFullThroughTheLearnersIDs(t *testing.T) {
	for _, q := range allQuestions() {
		for seed := range uint64(10) {
			g := grader(t, q, seed)
			right, ok := g.RightAnswer()
			if ok != q.Type.AutoGraded() {
				t.Fatalf("%s: right answer %v", q.Type, ok)
			}
			if !ok {
				continue
			}
			shown, err := g.Present(right)
			if err != nil {
				t.Fatalf("%s: Present: %v", q.Type, err)
			}
			back, err := g.Decode(shown)
			if err != nil {
				t.Fatalf("%s: Decode(Present(right)): %v", q.Type, err)
			}
			res := grade(t, g, back)
			if res.Fraction != 1 || res.State != StateCorrect {
				t.Fatalf("%s seed %d: the right answer %+v earns %v %s", q.Type, seed, right, res.Fraction, res.State)
			}
			if !reflect.DeepEqual(res.Response, g.normalize(right)) {
				t.Fatalf("%s: round trip changed the response: %+v vs %+v", q.Type, res.Response, right)
			}
		}
	}
}

func TestReviewShowsWhatOptionsAllow(t *testing.T) {
	all := ReviewOptions{Correctness: true, Marks: true, Feedback: true, GeneralFeedback: true, RightAnswer: true}
	g := grader(t, multipleQ(), 1)
	rev, err := g.Review(lms.Response{Choices: []string{"ANSWER-two", "four"}}, true, all)
	if err != nil {
		t.Fatal(err)
	}
	if rev.State != StateWrong || rev.Fraction == nil || *rev.Fraction != 0 || rev.GeneralFeedbackMD != secretGeneral {
		t.Fatalf("%+v", rev)
	}
	if len(rev.Parts) != 2 || rev.Parts[0].State != StateCorrect || rev.Parts[1].State != StateWrong ||
		rev.Parts[0].FeedbackMD != fb("two") || rev.Parts[1].FeedbackMD != fb("four") || !presentedID.MatchString(rev.Parts[0].ID) {
		t.Fatalf("parts %+v", rev.Parts)
	}
	if rev.RightAnswer == nil || len(rev.RightAnswer.Choices) != 3 || len(rev.Response.Choices) != 2 {
		t.Fatalf("right answer %+v response %+v", rev.RightAnswer, rev.Response)
	}
	for _, id := range slices.Concat(rev.RightAnswer.Choices, rev.Response.Choices) {
		if !presentedID.MatchString(id) {
			t.Fatalf("review shows stored id %q", id)
		}
	}

	t.Run("feedback only", func(t *testing.T) {
		rev, _ := g.Review(lms.Response{Choices: []string{"four"}}, true, ReviewOptions{Feedback: true})
		if len(rev.Parts) != 1 || rev.Parts[0].FeedbackMD != fb("four") || rev.Parts[0].State != "" || rev.Parts[0].Fraction != nil || rev.State != "" {
			t.Fatalf("%+v", rev)
		}
	})
	t.Run("calculated feedback shows the values", func(t *testing.T) {
		g := grader(t, calculatedQ(), 42)
		right, _ := g.RightAnswer()
		rev, _ := g.Review(right, true, all)
		if len(rev.Parts) != 1 || rev.Parts[0].FeedbackMD != fb("force 10.0") || rev.RightAnswer.Text != "13.20 N" {
			t.Fatalf("%+v right %+v", rev.Parts, rev.RightAnswer)
		}
	})
	t.Run("blanks feedback per gap", func(t *testing.T) {
		g := grader(t, blanksQ(), 1)
		rev, _ := g.Review(lms.Response{Gaps: map[string]string{"cap": "bonn", "city": "ANSWER-de", "pop": "x"}}, false, all)
		if len(rev.Parts) != 3 || rev.Parts[0].FeedbackMD != fb("bonn") || rev.Parts[0].State != StatePartial ||
			rev.Parts[1].FeedbackMD != fb("germany") || rev.Parts[2].Note != NoteInvalidNumber {
			t.Fatalf("%+v", rev.Parts)
		}
	})
	t.Run("essay has marks only once graded by hand", func(t *testing.T) {
		rev, _ := grader(t, essayQ(), 1).Review(lms.Response{Text: "words words words"}, true, all)
		if rev.State != StateNeedsGrading || rev.Fraction != nil || rev.RightAnswer != nil || rev.Response.Text != "words words words" {
			t.Fatalf("%+v", rev)
		}
	})
	t.Run("true false feedback for the answer given", func(t *testing.T) {
		rev, _ := grader(t, trueFalseQ(), 1).Review(lms.Response{Bool: boolp(false)}, true, all)
		if rev.Parts[0].FeedbackMD != fb("false") || rev.Parts[0].State != StateWrong || !*rev.RightAnswer.Bool {
			t.Fatalf("%+v", rev)
		}
	})
}

package question

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The sample questions hide these strings wherever learners must not see
// them (titles, feedback, accepted answers, hints, grader information,
// stored ids), so the leak test can look for them.
const (
	secretTitle    = "TITLE-SECRET"
	secretFeedback = "FEEDBACK-SECRET"
	secretGeneral  = "GENERAL-SECRET"
	secretHint     = "HINT-SECRET"
	secretGrader   = "GRADER-SECRET"
)

// base returns a question of type t with the common fields set.
func base(t lms.QuestionType, text string) *lms.Question {
	return &lms.Question{ID: 7, CourseID: 1, Type: t, Title: secretTitle + " " + string(t), TextMD: text,
		GeneralFeedbackMD: secretGeneral, Hints: []string{secretHint + "-1", secretHint + "-2"},
		DefaultPoints: 2, TryPenalty: lms.DefaultTryPenalty}
}

func fb(s string) string { return secretFeedback + "-" + s }

func singleQ() *lms.Question {
	q := base(lms.QSingle, "Capital of France?")
	q.Body.Choice = &lms.ChoiceBody{Shuffle: true, Choices: []lms.Choice{
		{ID: "ANSWER-paris", TextMD: "Paris", Fraction: 1, FeedbackMD: fb("paris")},
		{ID: "lyon", TextMD: "Lyon", Fraction: 0.5, FeedbackMD: fb("lyon")},
		{ID: "rome", TextMD: "Rome", Fraction: -0.5, FeedbackMD: fb("rome")},
		{ID: "oslo", TextMD: "Oslo", Fraction: 0},
	}}
	return q
}

func multipleQ() *lms.Question {
	q := base(lms.QMultiple, "Which are prime?")
	q.Body.Choice = &lms.ChoiceBody{Shuffle: true, Choices: []lms.Choice{
		{ID: "ANSWER-two", TextMD: "2", Fraction: 1.0 / 3, FeedbackMD: fb("two")},
		{ID: "ANSWER-three", TextMD: "3", Fraction: 1.0 / 3, FeedbackMD: fb("three")},
		{ID: "four", TextMD: "4", Fraction: -1, FeedbackMD: fb("four")},
		{ID: "ANSWER-five", TextMD: "5", Fraction: 0.3333, FeedbackMD: fb("five")},
		{ID: "six", TextMD: "6", Fraction: -0.5},
	}}
	return q
}

func trueFalseQ() *lms.Question {
	q := base(lms.QTrueFalse, "The sun is a star.")
	q.Body.TrueFalse = &lms.TrueFalseBody{Answer: true, FeedbackTrueMD: fb("true"), FeedbackFalseMD: fb("false")}
	return q
}

func shortQ() *lms.Question {
	q := base(lms.QShortAnswer, "Who wrote Hamlet?")
	q.Body.ShortAnswer = &lms.ShortAnswerBody{Answers: []lms.TextAnswer{
		{ID: "a1", Pattern: "ANSWERSHAKESPEARE", Fraction: 1, FeedbackMD: fb("full")},
		{ID: "a2", Pattern: "William *speare", Fraction: 1, FeedbackMD: fb("william")},
		{ID: "a3", Pattern: "Shake*", Fraction: 0.5, FeedbackMD: fb("half")},
		{ID: "a4", Pattern: "Marlowe", Fraction: 0, FeedbackMD: fb("marlowe")},
	}}
	return q
}

func numericalQ() *lms.Question {
	q := base(lms.QNumerical, "How long is the track?")
	q.Body.Numerical = &lms.NumericalBody{
		Answers: []lms.NumericAnswer{
			{ID: "exact", Kind: lms.NumExact, Value: 7381.25, Tolerance: 0.5, Fraction: 1, FeedbackMD: fb("exact")},
			{ID: "close", Kind: lms.NumRange, Min: 7000, Max: 8000, Fraction: 0.5, FeedbackMD: fb("close")},
		},
		Units: &lms.Units{Mode: lms.UnitsOptional, Penalty: 0.2, List: []lms.Unit{{Name: "m", Multiplier: 1}, {Name: "km", Multiplier: 0.001}}},
	}
	return q
}

func matchingQ() *lms.Question {
	q := base(lms.QMatching, "Match the countries and capitals.")
	q.Body.Matching = &lms.MatchingBody{Shuffle: true, Pairs: []lms.MatchPair{
		{ID: "ANSWER-p1", StemMD: "Canada", Answer: "Ottawa"},
		{ID: "ANSWER-p2", StemMD: "Italy", Answer: "Rome"},
		{ID: "ANSWER-p3", StemMD: "Japan", Answer: "Tokyo"},
		{ID: "ANSWER-p4", StemMD: "Vatican", Answer: "Rome"},
	}, Distractors: []lms.MatchAnswer{{ID: "ANSWER-d1", Answer: "Sydney"}}}
	return q
}

func orderingQ() *lms.Question {
	q := base(lms.QOrdering, "Order the planets from the sun.")
	q.Body.Ordering = &lms.OrderingBody{Items: []lms.OrderItem{
		{ID: "ANSWER-i1", TextMD: "Mercury"}, {ID: "ANSWER-i2", TextMD: "Venus"}, {ID: "ANSWER-i3", TextMD: "Earth"},
		{ID: "ANSWER-i4", TextMD: "Mars"}, {ID: "ANSWER-i5", TextMD: "Jupiter"},
	}}
	return q
}

func blanksQ() *lms.Question {
	q := base(lms.QBlanks, "The capital of [[city]] is [[cap]]; it has [[pop]] million people.")
	q.Body.Blanks = &lms.BlanksBody{Gaps: []lms.Gap{
		{ID: "cap", Kind: lms.GapText, Weight: 2, Text: &lms.ShortAnswerBody{Answers: []lms.TextAnswer{
			{ID: "a1", Pattern: "ANSWERBERLIN", Fraction: 1, FeedbackMD: fb("berlin")},
			{ID: "a2", Pattern: "Bonn", Fraction: 0.25, FeedbackMD: fb("bonn")},
		}}},
		{ID: "city", Kind: lms.GapDropdown, Weight: 1, Dropdown: &lms.ChoiceBody{Shuffle: true, Choices: []lms.Choice{
			{ID: "ANSWER-de", TextMD: "Germany", Fraction: 1, FeedbackMD: fb("germany")},
			{ID: "fr", TextMD: "France", Fraction: 0},
			{ID: "at", TextMD: "Austria", Fraction: -1},
		}}},
		{ID: "pop", Kind: lms.GapNumber, Weight: 1, Number: &lms.NumericalBody{Answers: []lms.NumericAnswer{
			{ID: "n1", Kind: lms.NumExact, Value: 3.645, Tolerance: 0.2, Fraction: 1, FeedbackMD: fb("pop")},
		}}},
	}}
	return q
}

func calculatedQ() *lms.Question {
	q := base(lms.QCalculated, "A mass of {m} kg accelerates at {a} m/s². What is the force? {notavariable}")
	q.Body.Calculated = &lms.CalculatedBody{
		Variables: []lms.Variable{{Name: "m", Min: 1, Max: 20, Decimals: 1}, {Name: "a", Min: 0.5, Max: 9.5, Decimals: 2}},
		Answers: []lms.FormulaAnswer{
			{ID: "f", Formula: "{m}*{a}*1.000001", Fraction: 1, Tolerance: 0.01, ToleranceKind: lms.TolRelative,
				Format: lms.FormatSignificant, Digits: 4, FeedbackMD: fb("force {m}")},
			{ID: "half", Formula: "{m}*{a}/2", Fraction: 0.5, Tolerance: 0.01, ToleranceKind: lms.TolRelative,
				Format: lms.FormatDecimals, Digits: 3},
		},
		Units: &lms.Units{Mode: lms.UnitsRequired, Penalty: 0.5, List: []lms.Unit{{Name: "N", Multiplier: 1}, {Name: "kN", Multiplier: 0.001}}},
	}
	return q
}

func essayQ() *lms.Question {
	q := base(lms.QEssay, "Discuss.")
	q.Body.Essay = &lms.EssayBody{MinWords: 3, MaxWords: 500, Attachments: 2, RequiredAttachments: 0,
		AttachmentTypes: []string{".pdf", "image/*"}, ResponseTemplateMD: "I think…", GraderInfoMD: secretGrader}
	return q
}

func descriptionQ() *lms.Question {
	q := base(lms.QDescription, "Read the following.")
	q.DefaultPoints = 0
	return q
}

// allQuestions returns one valid sample question of every type.
func allQuestions() []*lms.Question {
	return []*lms.Question{singleQ(), multipleQ(), trueFalseQ(), shortQ(), numericalQ(), matchingQ(),
		orderingQ(), blanksQ(), calculatedQ(), essayQ(), descriptionQ()}
}

// grader returns a grader for q and seed, failing the test on error.
func grader(t *testing.T, q *lms.Question, seed uint64) *Grader {
	t.Helper()
	inst, err := Instantiate(q, seed)
	if err != nil {
		t.Fatalf("Instantiate: %v", err)
	}
	g, err := NewGrader(q, inst)
	if err != nil {
		t.Fatalf("NewGrader: %v", err)
	}
	return g
}

// grade grades a stored response, failing the test on error.
func grade(t *testing.T, g *Grader, r lms.Response) Result {
	t.Helper()
	res, err := g.Grade(r)
	if err != nil {
		t.Fatalf("Grade(%+v): %v", r, err)
	}
	return res
}

// near reports whether two credits agree to 1e-6.
func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

func boolp(b bool) *bool { return &b }

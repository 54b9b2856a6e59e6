package question

import (
	"math"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// State is how a graded response stands.
type State string

// Response states.
const (
	StateCorrect      State = "correct"       // full credit
	StatePartial      State = "partial"       // some credit
	StateWrong        State = "wrong"         // no credit
	StateNeedsGrading State = "needs_grading" // an essay: a person grades it
	StateNotAnswered  State = "not_answered"  // nothing was answered
	StateInfo         State = "info"          // a description: nothing to answer
)

// Notes on a typed number (Part.Note).
const (
	NoteInvalidNumber = "invalid_number" // not a number (or a unit where none is used)
	NoteUnitMissing   = "unit_missing"   // required unit left out: penalised
	NoteUnitUnknown   = "unit_unknown"   // a unit the question does not know: penalised
)

// Credit snapping: credits within creditSnap of 0 or 1 are exactly 0 or 1
// (Moodle's thresholds), and the rest is rounded to creditDecimals so that
// float noise never shows (1/3 + 1/3 + 1/3 is 1).
const (
	creditSnap     = 1e-6
	creditDecimals = 7
)

// Part is the grading of one part of a response: a chosen choice, a stem,
// an item, a gap, or the one typed answer (ID "").
type Part struct {
	ID       string  `json:"id,omitempty"` // stored id of the choice, pair, item or gap
	Fraction float64 `json:"fraction"`     // this part's credit (a choice's may be negative)
	// FeedbackID names the answer whose feedback applies: a choice id, an
	// accepted answer's id, an option id (within the gap), or "true"/"false".
	FeedbackID string `json:"feedback_id,omitempty"`
	Note       string `json:"note,omitempty"` // NoteInvalidNumber, NoteUnitMissing, NoteUnitUnknown
}

// Result is the grading of one response.
type Result struct {
	Fraction float64 `json:"fraction"` // 0..1 after clamping
	State    State   `json:"state"`
	Parts    []Part  `json:"parts,omitempty"`
	// Invalid is set when the one typed answer is not a number: it is graded
	// wrong, and interactive mode does not count it as a try.
	Invalid bool `json:"invalid,omitempty"`
	// Response is the normalised stored response that was graded.
	Response lms.Response `json:"response"`
}

// Grade grades a stored response (the question's ids; see Grader.Decode)
// to an instance of q. It is Grader.Grade for one response.
func Grade(q *lms.Question, inst Instance, r lms.Response) (Result, error) {
	g, err := NewGrader(q, inst)
	if err != nil {
		return Result{}, err
	}
	return g.Grade(r)
}

// Grade grades a stored response. Every type but essay (needs_grading)
// and description (info) is graded here; docs/questions.md gives the rule
// of each.
func (g *Grader) Grade(r lms.Response) (Result, error) {
	if err := r.Validate(g.q); err != nil {
		return Result{}, err
	}
	r = g.normalize(r)
	res := Result{Response: r}
	switch {
	case g.q.Type == lms.QDescription:
		res.State = StateInfo
		return res, nil
	case r.Empty():
		res.State = StateNotAnswered
		return res, nil
	case g.q.Type == lms.QEssay:
		res.State = StateNeedsGrading
		return res, nil
	}
	var f float64
	b := &g.q.Body
	switch g.q.Type {
	case lms.QSingle, lms.QMultiple:
		f, res.Parts = gradeChoices(b.Choice, r.Choices, g.q.Type == lms.QMultiple)
	case lms.QTrueFalse:
		f, res.Parts = gradeTrueFalse(b.TrueFalse, *r.Bool)
	case lms.QShortAnswer:
		p := gradeText(b.ShortAnswer, r.Text)
		f, res.Parts = p.Fraction, []Part{p}
	case lms.QNumerical:
		p := gradeNumber(r.Text, numericAnswers(b.Numerical), b.Numerical.Units)
		f, res.Parts, res.Invalid = p.Fraction, []Part{p}, p.Note == NoteInvalidNumber
	case lms.QCalculated:
		p := gradeNumber(r.Text, g.calculatedAnswers(), b.Calculated.Units)
		f, res.Parts, res.Invalid = p.Fraction, []Part{p}, p.Note == NoteInvalidNumber
	case lms.QMatching:
		f, res.Parts = g.gradeMatching(r.Matches)
	case lms.QOrdering:
		f, res.Parts = gradeOrdering(b.Ordering, r.Order)
	case lms.QBlanks:
		f, res.Parts = gradeBlanks(b.Blanks, r.Gaps)
	}
	res.Fraction, res.State = finish(f)
	return res, nil
}

// finish clamps a credit to [0, 1], snaps and rounds it, and names its
// state.
func finish(f float64) (float64, State) {
	switch {
	case math.IsNaN(f) || f < creditSnap:
		return 0, StateWrong
	case f > 1-creditSnap:
		return 1, StateCorrect
	}
	return roundTo7(f), StatePartial
}

// roundTo7 rounds to creditDecimals decimals.
func roundTo7(f float64) float64 {
	s := math.Pow10(creditDecimals)
	return math.Round(f*s) / s
}

// gradeChoices: single earns the chosen choice's credit; multiple earns
// Σ chosen credits / Σ positive credits (so choosing every positive choice
// is exactly 1 even when the credits add up to 99.99%), clamped at 0.
func gradeChoices(b *lms.ChoiceBody, chosen []string, multiple bool) (float64, []Part) {
	picked := make(map[string]bool, len(chosen))
	for _, id := range chosen {
		picked[id] = true
	}
	var parts []Part
	sum, positive := 0.0, 0.0
	for _, c := range b.Choices {
		if c.Fraction > 0 {
			positive += c.Fraction
		}
		if picked[c.ID] {
			sum += c.Fraction
			parts = append(parts, Part{ID: c.ID, Fraction: c.Fraction, FeedbackID: c.ID})
		}
	}
	if multiple {
		return sum / positive, parts
	}
	return sum, parts
}

func gradeTrueFalse(b *lms.TrueFalseBody, answer bool) (float64, []Part) {
	p := Part{FeedbackID: "false"}
	if answer {
		p.FeedbackID = "true"
	}
	if answer == b.Answer {
		p.Fraction = 1
	}
	return p.Fraction, []Part{p}
}

// gradeText: the first accepted answer whose pattern matches earns its
// credit; no match earns 0.
func gradeText(b *lms.ShortAnswerBody, text string) Part {
	for _, a := range b.Answers {
		if matchPattern(a.Pattern, text, b.CaseSensitive) {
			return Part{Fraction: a.Fraction, FeedbackID: a.ID}
		}
	}
	return Part{}
}

// numAnswer is one accepted interval of a numerical or calculated question.
type numAnswer struct {
	id       string
	lo, hi   float64
	fraction float64
}

func numericAnswers(b *lms.NumericalBody) []numAnswer {
	out := make([]numAnswer, len(b.Answers))
	for i, a := range b.Answers {
		lo, hi := a.Bounds()
		out[i] = numAnswer{id: a.ID, lo: lo, hi: hi, fraction: a.Fraction}
	}
	return out
}

func (g *Grader) calculatedAnswers() []numAnswer {
	c := g.q.Body.Calculated
	out := make([]numAnswer, len(c.Answers))
	for i, a := range c.Answers {
		lo, hi := a.Bounds(g.values[i])
		out[i] = numAnswer{id: a.ID, lo: lo, hi: hi, fraction: a.Fraction}
	}
	return out
}

// gradeNumber reads "number [unit]" and earns the credit of the first
// answer whose interval holds the number (converted to the base unit),
// times (1 - penalty) when the unit is missing (required mode) or unknown.
func gradeNumber(text string, answers []numAnswer, units *lms.Units) Part {
	x, unit, ok := parseNumber(text)
	if !ok || units == nil && unit != "" {
		return Part{Note: NoteInvalidNumber}
	}
	var p Part
	if units != nil {
		switch m, known := unitMultiplier(units, unit); {
		case unit == "" && units.Mode == lms.UnitsRequired:
			p.Note = NoteUnitMissing
		case unit != "" && !known:
			p.Note = NoteUnitUnknown
		default:
			x /= m
		}
	}
	for _, a := range answers {
		if within(x, a.lo, a.hi) {
			p.Fraction, p.FeedbackID = a.fraction, a.id
			break
		}
	}
	if p.Note != "" {
		p.Fraction *= 1 - units.Penalty
	}
	return p
}

// gradeMatching: each stem matched with its answer (or an answer with the
// same text) earns 1/len(pairs).
func (g *Grader) gradeMatching(matches map[string]string) (float64, []Part) {
	pairs := g.q.Body.Matching.Pairs
	parts := make([]Part, len(pairs))
	right := 0
	for i, p := range pairs {
		parts[i].ID = p.ID
		if a, ok := matches[p.ID]; ok && g.answerOf[a] == g.answerOf[p.ID] {
			parts[i].Fraction = 1
			right++
		}
	}
	return float64(right) / float64(len(pairs)), parts
}

// gradeOrdering: relative to the next item, excluding the last: each item
// but the last of the learner's order earns a point when the item after
// it is its right successor; the credit is points / (n - 1). With
// AllOrNothing, only the right order earns credit (parts mark the items in
// their right position).
func gradeOrdering(b *lms.OrderingBody, order []string) (float64, []Part) {
	pos := make(map[string]int, len(b.Items))
	for i, it := range b.Items {
		pos[it.ID] = i
	}
	n := len(order)
	if b.AllOrNothing {
		parts := make([]Part, n)
		right := 0
		for i, id := range order {
			parts[i].ID = id
			if pos[id] == i {
				parts[i].Fraction = 1
				right++
			}
		}
		if right == n {
			return 1, parts
		}
		return 0, parts
	}
	parts := make([]Part, n-1)
	right := 0
	for i := range n - 1 {
		parts[i].ID = order[i]
		if pos[order[i+1]] == pos[order[i]]+1 {
			parts[i].Fraction = 1
			right++
		}
	}
	return float64(right) / float64(n-1), parts
}

// gradeBlanks: each gap is graded like its kind (a drop-down like single
// choice, clamped at 0); the credit is Σ weight·credit / Σ weight.
func gradeBlanks(b *lms.BlanksBody, gaps map[string]string) (float64, []Part) {
	parts := make([]Part, len(b.Gaps))
	sum, weights := 0.0, 0.0
	for i := range b.Gaps {
		gp := &b.Gaps[i]
		v, answered := gaps[gp.ID]
		var p Part
		switch {
		case !answered:
		case gp.Kind == lms.GapText:
			p = gradeText(gp.Text, v)
		case gp.Kind == lms.GapNumber:
			p = gradeNumber(v, numericAnswers(gp.Number), gp.Number.Units)
		case gp.Kind == lms.GapDropdown:
			f, _ := gradeChoices(gp.Dropdown, []string{v}, false)
			p = Part{Fraction: max(0, f), FeedbackID: v}
		}
		p.ID = gp.ID
		parts[i] = p
		sum += gp.Weight * p.Fraction
		weights += gp.Weight
	}
	return sum / weights, parts
}

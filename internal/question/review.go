package question

import (
	"github.com/lyceumhq/lyceum/internal/lms"
)

// ReviewOptions are what a learner may see about a graded response (the
// quiz's review options, Moodle's five). The service picks them by when
// the review happens: during the attempt, after it, after the quiz closes.
type ReviewOptions struct {
	Correctness     bool `json:"correctness"`      // right, partly right or wrong: overall and per part
	Marks           bool `json:"marks"`            // the credit, overall and per part
	Feedback        bool `json:"feedback"`         // the feedback of the answers given
	GeneralFeedback bool `json:"general_feedback"` // the question's general feedback
	RightAnswer     bool `json:"right_answer"`     // a response that earns full credit
}

// ReviewPart is what the learner may see about one part of their response.
type ReviewPart struct {
	ID         string   `json:"id,omitempty"` // presented id of the choice, stem, item or gap; "" for the typed answer
	State      State    `json:"state,omitempty"`
	Fraction   *float64 `json:"fraction,omitempty"`
	FeedbackMD string   `json:"feedback_md,omitempty"`
	// FeedbackHTML is FeedbackMD rendered (RenderMarkdown).
	FeedbackHTML string `json:"feedback_html,omitempty"`
	Note         string `json:"note,omitempty"`
}

// Review is a graded response as the learner may see it: the view, their
// answer (presented ids), and whatever the options allow.
type Review struct {
	View              View         `json:"view"`
	Response          lms.Response `json:"response"`
	State             State        `json:"state,omitempty"`
	Fraction          *float64     `json:"fraction,omitempty"`
	Parts             []ReviewPart `json:"parts,omitempty"`
	GeneralFeedbackMD string       `json:"general_feedback_md,omitempty"`
	// GeneralFeedbackHTML is GeneralFeedbackMD rendered (RenderMarkdown).
	GeneralFeedbackHTML string        `json:"general_feedback_html,omitempty"`
	RightAnswer         *lms.Response `json:"right_answer,omitempty"` // presented ids; nil for essays and descriptions
}

// Review grades a stored response and returns what opts allow the learner
// to see. shuffle is as for LearnerView.
func (g *Grader) Review(r lms.Response, shuffle bool, opts ReviewOptions) (Review, error) {
	res, err := g.Grade(r)
	if err != nil {
		return Review{}, err
	}
	rev := Review{View: g.LearnerView(shuffle)}
	if rev.Response, err = g.Present(res.Response); err != nil {
		return Review{}, err
	}
	if opts.Correctness {
		rev.State = res.State
	}
	if opts.Marks && g.q.Type.AutoGraded() && res.State != StateNotAnswered {
		f := res.Fraction
		rev.Fraction = &f
	}
	for _, p := range res.Parts {
		rp := ReviewPart{ID: g.presentPart(p.ID)}
		if opts.Correctness {
			rp.State, rp.Note = g.partState(p), p.Note
		}
		if opts.Marks {
			f := p.Fraction
			rp.Fraction = &f
		}
		if opts.Feedback {
			rp.FeedbackMD = g.feedback(p)
		}
		if rp.State != "" || rp.Fraction != nil || rp.FeedbackMD != "" {
			rev.Parts = append(rev.Parts, rp)
		}
	}
	if opts.GeneralFeedback {
		rev.GeneralFeedbackMD = g.substitute(g.q.GeneralFeedbackMD)
	}
	if right, ok := g.RightAnswer(); opts.RightAnswer && ok {
		p, err := g.Present(right)
		if err != nil {
			return Review{}, err
		}
		rev.RightAnswer = &p
	}
	return rev, nil
}

// substitute fills in a calculated question's values.
func (g *Grader) substitute(text string) string {
	return substitute(text, g.q.Body.Calculated, g.inst.Vars)
}

// presentPart presents a part's id in its type's domain.
func (g *Grader) presentPart(id string) string {
	dom := map[lms.QuestionType]string{lms.QSingle: domChoice, lms.QMultiple: domChoice,
		lms.QMatching: domStem, lms.QOrdering: domItem, lms.QBlanks: domGap}[g.q.Type]
	if dom == "" {
		return ""
	}
	return g.ids[dom].out[id]
}

// partState says how right a part is. A chosen choice of a multiple
// choice question is right when it earns credit at all.
func (g *Grader) partState(p Part) State {
	if g.q.Type == lms.QMultiple {
		if p.Fraction > 0 {
			return StateCorrect
		}
		return StateWrong
	}
	_, s := finish(p.Fraction)
	return s
}

// feedback returns the feedback that applies to a part.
func (g *Grader) feedback(p Part) string {
	b := &g.q.Body
	switch g.q.Type {
	case lms.QSingle, lms.QMultiple:
		return choiceFeedback(b.Choice, p.FeedbackID)
	case lms.QTrueFalse:
		if p.FeedbackID == "true" {
			return b.TrueFalse.FeedbackTrueMD
		}
		return b.TrueFalse.FeedbackFalseMD
	case lms.QShortAnswer:
		return textFeedback(b.ShortAnswer, p.FeedbackID)
	case lms.QNumerical:
		return numberFeedback(b.Numerical, p.FeedbackID)
	case lms.QCalculated:
		return g.substitute(feedbackOf(b.Calculated.Answers, p.FeedbackID,
			func(a *lms.FormulaAnswer) (string, string) { return a.ID, a.FeedbackMD }))
	case lms.QBlanks:
		for _, gp := range b.Blanks.Gaps {
			switch {
			case gp.ID != p.ID:
			case gp.Kind == lms.GapText:
				return textFeedback(gp.Text, p.FeedbackID)
			case gp.Kind == lms.GapNumber:
				return numberFeedback(gp.Number, p.FeedbackID)
			default:
				return choiceFeedback(gp.Dropdown, p.FeedbackID)
			}
		}
	}
	return ""
}

func choiceFeedback(b *lms.ChoiceBody, id string) string {
	return feedbackOf(b.Choices, id, func(c *lms.Choice) (string, string) { return c.ID, c.FeedbackMD })
}

func textFeedback(b *lms.ShortAnswerBody, id string) string {
	return feedbackOf(b.Answers, id, func(a *lms.TextAnswer) (string, string) { return a.ID, a.FeedbackMD })
}

func numberFeedback(b *lms.NumericalBody, id string) string {
	return feedbackOf(b.Answers, id, func(a *lms.NumericAnswer) (string, string) { return a.ID, a.FeedbackMD })
}

// feedbackOf returns the feedback of the answer with the given id in list;
// get returns an answer's id and feedback.
func feedbackOf[T any](list []T, id string, get func(*T) (string, string)) string {
	for i := range list {
		if aid, f := get(&list[i]); aid == id {
			return f
		}
	}
	return ""
}

// full reports whether a credit counts as 100%.
func full(f float64) bool { return f > 1-creditSnap }

// RightAnswer returns a stored response that earns full credit, as shown
// to learners after the fact: the first 100% choice (every positive choice
// for multiple), the first 100% accepted answer (its wildcards written as
// '*'), the first 100% number (a range's middle) with the base unit, a
// calculated answer rounded as the question says (or exact, should the
// rounding fall outside the tolerance). ok is false for essays and
// descriptions.
func (g *Grader) RightAnswer() (r lms.Response, ok bool) {
	b := &g.q.Body
	switch g.q.Type {
	case lms.QSingle:
		r.Choices = []string{firstFull(b.Choice)}
	case lms.QMultiple:
		for _, c := range b.Choice.Choices {
			if c.Fraction > 0 {
				r.Choices = append(r.Choices, c.ID)
			}
		}
	case lms.QTrueFalse:
		v := b.TrueFalse.Answer
		r.Bool = &v
	case lms.QShortAnswer:
		r.Text = rightText(b.ShortAnswer)
	case lms.QNumerical:
		r.Text = rightNumber(b.Numerical)
	case lms.QCalculated:
		r.Text = g.rightCalculated()
	case lms.QMatching:
		r.Matches = map[string]string{}
		for _, p := range b.Matching.Pairs {
			r.Matches[p.ID] = g.answerOf[p.ID]
		}
	case lms.QOrdering:
		for _, it := range b.Ordering.Items {
			r.Order = append(r.Order, it.ID)
		}
	case lms.QBlanks:
		r.Gaps = map[string]string{}
		for _, gp := range b.Blanks.Gaps {
			switch gp.Kind {
			case lms.GapText:
				r.Gaps[gp.ID] = rightText(gp.Text)
			case lms.GapNumber:
				r.Gaps[gp.ID] = rightNumber(gp.Number)
			default:
				r.Gaps[gp.ID] = firstFull(gp.Dropdown)
			}
		}
	default:
		return lms.Response{}, false
	}
	return r, true
}

func firstFull(b *lms.ChoiceBody) string {
	for _, c := range b.Choices {
		if full(c.Fraction) {
			return c.ID
		}
	}
	return ""
}

// rightText returns the example of the first 100% pattern that the
// grading (first match wins) gives full credit.
func rightText(b *lms.ShortAnswerBody) string {
	var candidates []string
	for _, a := range b.Answers {
		if full(a.Fraction) {
			candidates = append(candidates, patternExample(a.Pattern))
		}
	}
	return firstGradedFull(candidates, func(s string) float64 { return gradeText(b, s).Fraction })
}

// rightNumber returns the first 100% answer's number (a range's middle)
// that the grading gives full credit, with the base unit.
func rightNumber(b *lms.NumericalBody) string {
	var candidates []string
	for _, a := range b.Answers {
		if full(a.Fraction) {
			x := a.Value
			if a.Kind == lms.NumRange {
				x = a.Min + (a.Max-a.Min)/2
			}
			candidates = append(candidates, formatNumber(x)+baseUnit(b.Units))
		}
	}
	answers := numericAnswers(b)
	return firstGradedFull(candidates, func(s string) float64 { return gradeNumber(s, answers, b.Units).Fraction })
}

// rightCalculated returns the first 100% answer rounded as the question
// says, or exactly when the rounding would not earn full credit.
func (g *Grader) rightCalculated() string {
	c := g.q.Body.Calculated
	answers := g.calculatedAnswers()
	grade := func(s string) float64 { return gradeNumber(s, answers, c.Units).Fraction }
	var candidates []string
	for i, a := range c.Answers {
		if full(a.Fraction) {
			shown := formatAnswer(g.values[i], a.Format, a.Digits) + baseUnit(c.Units)
			exact := formatNumber(g.values[i]) + baseUnit(c.Units)
			candidates = append(candidates, shown, exact)
		}
	}
	return firstGradedFull(candidates, grade)
}

// firstGradedFull returns the first candidate that grade gives full
// credit, else the first candidate.
func firstGradedFull(candidates []string, grade func(string) float64) string {
	for _, s := range candidates {
		if full(grade(s)) {
			return s
		}
	}
	if len(candidates) == 0 {
		return ""
	}
	return candidates[0]
}

// baseUnit returns " unit" for the base unit, or "".
func baseUnit(u *lms.Units) string {
	if u == nil {
		return ""
	}
	return " " + u.List[0].Name
}

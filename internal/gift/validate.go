package gift

import (
	"fmt"
	"math"
	"strings"
)

// Validate reports whether q is a question GIFT can hold and read back
// unchanged: the rules Parse applies to what it reads and Export to what it
// writes. The error names the rule and, where one is at fault, the answer
// or pair (counted from 1).
func (q *Question) Validate() error {
	pr := q.check()
	if pr == nil {
		return nil
	}
	if pr.item >= 0 {
		what := "answer"
		if q.Type == Matching {
			what = "pair"
		}
		return fmt.Errorf("%s %d: %s", what, pr.item+1, pr.reason)
	}
	return fmt.Errorf("%s", pr.reason)
}

// problem is a rule a question breaks: the index of the answer or pair at
// fault (-1 for the question as a whole) and the reason.
type problem struct {
	item   int
	reason string
}

// whole is a problem of the question as a whole.
func whole(format string, args ...any) *problem {
	return &problem{item: -1, reason: fmt.Sprintf(format, args...)}
}

// at is a problem of answer or pair i.
func at(i int, format string, args ...any) *problem {
	return &problem{item: i, reason: fmt.Sprintf(format, args...)}
}

// check returns the first rule q breaks, or nil.
func (q *Question) check() *problem {
	for _, f := range []Format{q.Format, q.GeneralFeedbackFormat, q.FeedbackWrongFormat, q.FeedbackRightFormat} {
		if f != "" && !f.valid() {
			return whole("unknown format %q", f)
		}
	}
	if trim(q.Text) == "" && trim(q.TextAfter) == "" {
		return whole("the question has no text")
	}
	if pr := checkMarkers(q.IDNumber, q.Tags); pr != nil {
		return pr
	}
	switch {
	case q.Type != TrueFalse && (q.Truth || q.FeedbackWrong != "" || q.FeedbackRight != ""):
		return whole("only a true/false question has a true/false answer and feedbacks")
	case q.Type != Matching && len(q.Pairs) > 0:
		return whole("only a matching question has pairs")
	case q.Type != Ordering && q.Ordering != nil:
		return whole("only an ordering question has ordering settings")
	case q.Type == Description && (q.TextAfter != "" || q.GeneralFeedback != ""):
		return whole("a description has no answers, so no blank and no general feedback")
	case (q.Type == Essay || q.Type == TrueFalse || q.Type == Description || q.Type == Matching) && len(q.Answers) > 0:
		return whole("a %s question has no answers list", q.Type)
	}
	switch q.Type {
	case Single, Multiple:
		if len(q.Answers) < 2 {
			return whole("a choice question needs at least two answers")
		}
		return q.checkAnswers(false)
	case ShortAnswer:
		if len(q.Answers) == 0 {
			return whole("a short-answer question needs at least one answer")
		}
		return q.checkAnswers(true)
	case Numerical:
		return q.checkNumerical()
	case Matching:
		return q.checkPairs()
	case Ordering:
		return q.checkOrdering()
	case TrueFalse, Essay, Description:
		return nil
	}
	return whole("unknown question type %q", q.Type)
}

// checkMarkers checks the ID number and tags, written in a comment line as
// [id:...] and [tag:...].
func checkMarkers(id string, tags []string) *problem {
	bad := func(s string, tag bool) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == 0x7f || tag && (c == '<' || c == '>' || c == '`') {
				return true
			}
		}
		return strings.HasSuffix(s, `\`) || s != trim(s)
	}
	if bad(id, false) {
		return whole("the ID number %q cannot hold control characters, end with a backslash or start or end with a space", id)
	}
	for _, t := range tags {
		if t == "" || bad(t, true) {
			return whole("the tag %q must not be empty, hold control characters or < > `, end with a backslash or start or end with a space", t)
		}
	}
	return nil
}

// fraction reports whether f is a credit from -1 to 1.
func fraction(f float64) bool { return f >= -1 && f <= 1 }

// checkAnswers checks the answers of a choice or short-answer question.
func (q *Question) checkAnswers(short bool) *problem {
	for i, a := range q.Answers {
		switch {
		case trim(a.Text) == "":
			return at(i, "the answer is empty")
		case !fraction(a.Fraction):
			return at(i, "the credit %v is not between -1 and 1 (-100%% to 100%%)", a.Fraction)
		case a.Value != nil || a.Tolerance != nil || a.Min != nil || a.Max != nil:
			return at(i, "only a numerical answer has a value or a range")
		case a.Format != "" && !a.Format.valid() || a.FeedbackFormat != "" && !a.FeedbackFormat.valid():
			return at(i, "unknown format")
		case short && (strings.Contains(a.Text, "->") || strings.Contains(a.Feedback, "->")):
			return at(i, "a short answer or its feedback cannot hold '->' in GIFT (it would read as a matching question)")
		}
	}
	return nil
}

// checkNumerical checks a numerical question's answers: each a value with
// a tolerance, a range, or "*".
func (q *Question) checkNumerical() *problem {
	numbers := 0
	for i, a := range q.Answers {
		finite := func(p *float64) bool { return p != nil && !math.IsInf(*p, 0) && !math.IsNaN(*p) }
		switch {
		case !fraction(a.Fraction):
			return at(i, "the credit %v is not between -1 and 1 (-100%% to 100%%)", a.Fraction)
		case a.Format != "":
			return at(i, "a number has no format")
		case a.FeedbackFormat != "" && !a.FeedbackFormat.valid():
			return at(i, "unknown format")
		case a.Text == "*" && a.Value == nil && a.Tolerance == nil && a.Min == nil && a.Max == nil:
			continue
		case a.Text != "":
			return at(i, "a numerical answer has a number or a range, or the text * for any other number")
		case a.Min == nil && a.Max == nil && finite(a.Value) && finite(a.Tolerance) && *a.Tolerance >= 0:
		case a.Value == nil && a.Tolerance == nil && finite(a.Min) && finite(a.Max) && *a.Min <= *a.Max:
		default:
			return at(i, "a numerical answer has either a value and a tolerance (not negative) or a minimum and a maximum (in order)")
		}
		numbers++
	}
	if numbers == 0 {
		return whole("a numerical question needs at least one number")
	}
	return nil
}

// checkPairs checks a matching question's pairs.
func (q *Question) checkPairs() *problem {
	if len(q.Pairs) < 2 {
		return whole("a matching question needs at least two pairs")
	}
	questions := 0
	for i, p := range q.Pairs {
		switch {
		case trim(p.Answer) == "":
			return at(i, "the pair has no answer after '->'")
		case strings.Contains(p.Question, "->"):
			return at(i, "the question of a pair cannot hold '->' in GIFT")
		case p.Format != "" && !p.Format.valid():
			return at(i, "unknown format")
		}
		if trim(p.Question) != "" {
			questions++
		}
	}
	if questions == 0 {
		return whole("a matching question needs at least one pair with a question")
	}
	return nil
}

// checkOrdering checks an ordering question's items and settings.
func (q *Question) checkOrdering() *problem {
	if len(q.Answers) < 2 {
		return whole("an ordering question needs at least two items, one per line")
	}
	for i, a := range q.Answers {
		switch {
		case trim(a.Text) == "":
			return at(i, "the item is empty")
		case strings.HasPrefix(a.Text, "//"):
			return at(i, "an item cannot start with // in GIFT (the line would be a comment)")
		case a.Fraction != 0 || a.Feedback != "" || a.Format != "" || a.FeedbackFormat != "" ||
			a.Value != nil || a.Tolerance != nil || a.Min != nil || a.Max != nil:
			return at(i, "an ordering item has only a text")
		}
	}
	if o := q.Ordering; o != nil {
		switch {
		case o.Count < 0:
			return whole("the number of items to show is negative")
		case !canonical(orderSelect, o.Select) || !canonical(orderLayout, o.Layout) ||
			!canonical(orderGrading, o.Grading) || !canonical(orderShow, o.ShowGrading):
			return whole("unknown ordering setting in %+v", *o)
		}
	}
	return nil
}

// canonical reports whether v is empty or a canonical name in names.
func canonical(names map[string]string, v string) bool { return v == "" || names[v] == v }

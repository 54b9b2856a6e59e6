package lms

import "fmt"

// answer is one credited answer of a list, as checkAnswers sees it.
type answer struct {
	id, feedback string
	fraction     float64
	check        func(path string) error // the answer's own fields; nil for none
}

// answerRules says what a list of credited answers must satisfy.
type answerRules struct {
	list     string // JSON name of the list ("choices", "answers")
	noun     string // what one answer is called in messages ("choice")
	min, max int    // how many answers
	negative bool   // credits may be negative (down to -100%)
	sumToOne bool   // the positive credits add up to 100% (multiple choice); else one answer is worth 100%
}

// check checks the n answers of a list at path: their number, unique ids,
// each answer's own fields, credits and feedback, and the 100% rule.
func (r answerRules) check(path string, n int, at func(i int) answer) error {
	if n < r.min || n > r.max {
		return FieldError(path+"."+r.list, "Give from %d to %d %ss.", r.min, r.max, r.noun)
	}
	seen := ids{}
	best, positive := -1.0, 0.0
	for i := range n {
		a := at(i)
		p := fmt.Sprintf("%s.%s[%d]", path, r.list, i)
		if err := seen.check(p+".id", a.id); err != nil {
			return err
		}
		if a.check != nil {
			if err := a.check(p); err != nil {
				return err
			}
		}
		if err := checkFraction(p+".fraction", a.fraction, r.negative); err != nil {
			return err
		}
		if err := checkMD(p+".feedback_md", fmt.Sprintf("The feedback of %s %d", r.noun, i+1), a.feedback, false); err != nil {
			return err
		}
		best = max(best, a.fraction)
		if a.fraction > 0 {
			positive += a.fraction
		}
	}
	switch {
	case r.sumToOne && (positive < 1-creditSumSlack || positive > 1+creditSumSlack):
		return FieldError(path+"."+r.list, "The positive credits must add up to 100%% (they add up to %.2f%%).", positive*100)
	case !r.sumToOne && best < fullCredit:
		return FieldError(path+"."+r.list, "One %s must be worth 100%%.", r.noun)
	}
	return nil
}

// ids is a set of ids used in one list.
type ids map[string]bool

// check records id, returning an error naming field if it is invalid or
// already used.
func (s ids) check(field, id string) error {
	if !ValidAnswerID(id) {
		return FieldError(field, "An id must be 1 to %d letters, digits, '_' or '-'.", MaxIDChars)
	}
	if s[id] {
		return FieldError(field, "The id %q is used twice.", id)
	}
	s[id] = true
	return nil
}

// mark records the ids of a list as used.
func mark[T any](used ids, list []T, id func(*T) *string) {
	for i := range list {
		used[*id(&list[i])] = true
	}
}

// assign gives each element of list without an id the first prefix+N
// not yet used ("c1", "c2" ...).
func assign[T any](used ids, list []T, prefix string, id func(*T) *string) {
	for i := range list {
		p := id(&list[i])
		for n := 1; *p == ""; n++ {
			if c := fmt.Sprintf("%s%d", prefix, n); !used[c] {
				*p, used[c] = c, true
			}
		}
	}
}

// fill gives the elements of one list without an id fresh ones.
func fill[T any](list []T, prefix string, id func(*T) *string) {
	used := ids{}
	mark(used, list, id)
	assign(used, list, prefix, id)
}

// FillIDs gives every answer-level element without an id (choices, accepted
// answers, pairs, distractors, items, dropdown options) a fresh one: a
// prefix and the next free number ("c1", "c2" ...), keeping the ids already
// set. Importers call it; gaps need their ids set by the text's markers.
// Ids need not be secret: learners only ever see per-attempt ids derived
// from them (internal/question).
func (q *Question) FillIDs() {
	b := &q.Body
	if b.Choice != nil {
		fill(b.Choice.Choices, "c", func(c *Choice) *string { return &c.ID })
	}
	if b.ShortAnswer != nil {
		b.ShortAnswer.fillIDs()
	}
	if b.Numerical != nil {
		b.Numerical.fillIDs()
	}
	if m := b.Matching; m != nil {
		used := ids{}
		mark(used, m.Pairs, func(p *MatchPair) *string { return &p.ID })
		mark(used, m.Distractors, func(d *MatchAnswer) *string { return &d.ID })
		assign(used, m.Pairs, "p", func(p *MatchPair) *string { return &p.ID })
		assign(used, m.Distractors, "d", func(d *MatchAnswer) *string { return &d.ID })
	}
	if o := b.Ordering; o != nil {
		fill(o.Items, "i", func(it *OrderItem) *string { return &it.ID })
	}
	if bl := b.Blanks; bl != nil {
		for _, g := range bl.Gaps {
			switch {
			case g.Text != nil:
				g.Text.fillIDs()
			case g.Number != nil:
				g.Number.fillIDs()
			case g.Dropdown != nil:
				fill(g.Dropdown.Choices, "o", func(c *Choice) *string { return &c.ID })
			}
		}
	}
	if c := b.Calculated; c != nil {
		fill(c.Answers, "a", func(a *FormulaAnswer) *string { return &a.ID })
	}
}

func (b *ShortAnswerBody) fillIDs() {
	fill(b.Answers, "a", func(a *TextAnswer) *string { return &a.ID })
}

func (b *NumericalBody) fillIDs() {
	fill(b.Answers, "a", func(a *NumericAnswer) *string { return &a.ID })
}

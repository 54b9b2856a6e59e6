package question

import (
	"fmt"
	"maps"
	"slices"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Id domains: each kind of id a learner sees is derived in its own domain,
// so a stem's presented id says nothing about its answer's.
const (
	domChoice = "choice" // single and multiple choices
	domStem   = "stem"   // matching stems (pair ids)
	domAnswer = "answer" // matching answers (pair and distractor ids)
	domItem   = "item"   // ordering items
	domGap    = "gap"    // blanks gaps
	domOption = "option:"
)

// Grader grades, presents and reviews one instance of one question. Build
// it once per question and instance (a live quiz builds one per question
// and grades every player's answer with it); it is immutable and safe for
// concurrent use.
type Grader struct {
	q    *lms.Question
	inst Instance
	ids  map[string]idMap // by domain; dropdown options by domOption+gap id
	// answerOf maps every matching answer id (pairs and distractors) to the
	// first id with the same answer text: the one drop-down entry for it.
	answerOf map[string]string
	values   []float64 // calculated: each answer's value for inst.Vars
}

// NewGrader prepares q (which must pass lms.Question.Validate) for the
// instance inst.
func NewGrader(q *lms.Question, inst Instance) (*Grader, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	g := &Grader{q: q, inst: inst, ids: map[string]idMap{}}
	b := &q.Body
	seed := inst.Seed
	switch q.Type {
	case lms.QSingle, lms.QMultiple:
		g.ids[domChoice] = newIDMap(seed, domChoice, choiceIDs(b.Choice.Choices))
	case lms.QMatching:
		var stems []string
		g.answerOf = map[string]string{}
		first := map[string]string{} // answer text key -> first id
		entry := func(id, text string) {
			k := lms.MatchKey(text)
			if first[k] == "" {
				first[k] = id
			}
			g.answerOf[id] = first[k]
		}
		for _, p := range b.Matching.Pairs {
			stems = append(stems, p.ID)
			entry(p.ID, p.Answer)
		}
		for _, d := range b.Matching.Distractors {
			entry(d.ID, d.Answer)
		}
		g.ids[domStem] = newIDMap(seed, domStem, stems)
		g.ids[domAnswer] = newIDMap(seed, domAnswer, g.answerEntries())
	case lms.QOrdering:
		var items []string
		for _, it := range b.Ordering.Items {
			items = append(items, it.ID)
		}
		g.ids[domItem] = newIDMap(seed, domItem, items)
	case lms.QBlanks:
		var gaps []string
		for _, gp := range b.Blanks.Gaps {
			gaps = append(gaps, gp.ID)
			if gp.Kind == lms.GapDropdown {
				g.ids[domOption+gp.ID] = newIDMap(seed, domOption+gp.ID, choiceIDs(gp.Dropdown.Choices))
			}
		}
		g.ids[domGap] = newIDMap(seed, domGap, gaps)
	case lms.QCalculated:
		formulas, err := parseAnswers(b.Calculated)
		if err != nil {
			return nil, err
		}
		if g.values, err = evalAnswers(formulas, inst.Vars); err != nil {
			return nil, fmt.Errorf("question %d, seed %d: %w", q.ID, seed, err)
		}
	}
	return g, nil
}

// Question returns the question being graded.
func (g *Grader) Question() *lms.Question { return g.q }

// choiceIDs returns the ids of cs in order.
func choiceIDs(cs []lms.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// answerEntries returns the matching drop-down's entries (one id per
// distinct answer text) in pair then distractor order.
func (g *Grader) answerEntries() []string {
	var out []string
	m := g.q.Body.Matching
	for _, p := range m.Pairs {
		if g.answerOf[p.ID] == p.ID {
			out = append(out, p.ID)
		}
	}
	for _, d := range m.Distractors {
		if g.answerOf[d.ID] == d.ID {
			out = append(out, d.ID)
		}
	}
	return out
}

// Decode turns a response as a learner sent it (presented ids) into the
// stored form (the question's ids), normalised: choices in the question's
// order, matching answers as their drop-down entry, empty matches and
// gaps dropped. Unknown ids, fields of another type and oversized answers
// are *lms.Error values naming the field.
func (g *Grader) Decode(presented lms.Response) (lms.Response, error) {
	if err := presented.CheckFields(g.q.Type); err != nil {
		return lms.Response{}, err
	}
	if len(presented.Choices) > lms.MaxChoices || len(presented.Order) > lms.MaxChoices ||
		len(presented.Matches) > lms.MaxChoices || len(presented.Gaps) > lms.MaxGaps {
		return lms.Response{}, lms.Errorf(lms.ETOOLARGE, "The answer has too many parts.")
	}
	out := lms.Response{Bool: presented.Bool, Text: presented.Text, Uploads: slices.Clone(presented.Uploads)}
	var err error
	if out.Choices, err = g.ids[domChoice].decodeAll("choices", presented.Choices); err != nil {
		return lms.Response{}, err
	}
	if out.Order, err = g.ids[domItem].decodeAll("order", presented.Order); err != nil {
		return lms.Response{}, err
	}
	for stem, ans := range presented.Matches {
		if ans == "" {
			continue
		}
		s, err1 := g.ids[domStem].decode("matches", stem)
		a, err2 := g.ids[domAnswer].decode("matches", ans)
		if err1 != nil || err2 != nil {
			return lms.Response{}, cmpOr(err1, err2)
		}
		if out.Matches == nil {
			out.Matches = map[string]string{}
		}
		out.Matches[s] = a
	}
	for gap, v := range presented.Gaps {
		if v == "" {
			continue
		}
		id, err := g.ids[domGap].decode("gaps", gap)
		if err != nil {
			return lms.Response{}, err
		}
		if opts, ok := g.ids[domOption+id]; ok {
			if v, err = opts.decode("gaps", v); err != nil {
				return lms.Response{}, err
			}
		}
		if out.Gaps == nil {
			out.Gaps = map[string]string{}
		}
		out.Gaps[id] = v
	}
	if err := out.Validate(g.q); err != nil {
		return lms.Response{}, err
	}
	return g.normalize(out), nil
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// decode returns the stored id for a presented one.
func (m idMap) decode(field, presented string) (string, error) {
	id, ok := m.in[presented]
	if !ok {
		return "", lms.FieldError(field, "%q is not one of this question's answers.", clipID(presented))
	}
	return id, nil
}

// decodeAll decodes a list; nil stays nil.
func (m idMap) decodeAll(field string, presented []string) ([]string, error) {
	if presented == nil {
		return nil, nil
	}
	out := make([]string, len(presented))
	for i, p := range presented {
		id, err := m.decode(field, p)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// clipID shortens an unknown id for an error message.
func clipID(s string) string {
	const most = 24
	r := []rune(s)
	if len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}

// normalize returns a copy of a valid stored response in normal form.
func (g *Grader) normalize(r lms.Response) lms.Response {
	out := lms.Response{Bool: r.Bool, Text: r.Text, Uploads: slices.Clone(r.Uploads),
		Order: slices.Clone(r.Order), Gaps: maps.Clone(r.Gaps)}
	if r.Bool != nil {
		v := *r.Bool
		out.Bool = &v
	}
	if len(r.Choices) > 0 {
		chosen := map[string]bool{}
		for _, c := range r.Choices {
			chosen[c] = true
		}
		for _, c := range g.q.Body.Choice.Choices {
			if chosen[c.ID] {
				out.Choices = append(out.Choices, c.ID)
			}
		}
	}
	for s, a := range r.Matches {
		if a == "" {
			continue
		}
		if out.Matches == nil {
			out.Matches = map[string]string{}
		}
		out.Matches[s] = g.answerOf[a]
	}
	for k, v := range out.Gaps {
		if v == "" {
			delete(out.Gaps, k)
		}
	}
	if len(out.Gaps) == 0 {
		out.Gaps = nil
	}
	return out
}

// Present turns a stored response into the ids the learner sees, e.g. to
// show an autosaved answer again. r must be valid for the question.
func (g *Grader) Present(r lms.Response) (lms.Response, error) {
	if err := r.Validate(g.q); err != nil {
		return lms.Response{}, err
	}
	r = g.normalize(r)
	out := lms.Response{Bool: r.Bool, Text: r.Text, Uploads: r.Uploads}
	out.Choices = g.ids[domChoice].encodeAll(r.Choices)
	out.Order = g.ids[domItem].encodeAll(r.Order)
	for s, a := range r.Matches {
		if out.Matches == nil {
			out.Matches = map[string]string{}
		}
		out.Matches[g.ids[domStem].out[s]] = g.ids[domAnswer].out[a]
	}
	for id, v := range r.Gaps {
		if opts, ok := g.ids[domOption+id]; ok {
			v = opts.out[v]
		}
		if out.Gaps == nil {
			out.Gaps = map[string]string{}
		}
		out.Gaps[g.ids[domGap].out[id]] = v
	}
	return out, nil
}

// encodeAll presents a list of stored ids; nil stays nil.
func (m idMap) encodeAll(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = m.out[id]
	}
	return out
}

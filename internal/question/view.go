package question

import (
	"slices"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Option is something a learner picks: a choice, a matching stem or
// answer, an ordering item or a drop-down option. ID is the per-attempt
// presented id. Text is Markdown, except matching answers (plain text).
type Option struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// HTML is Text rendered (RenderMarkdown); empty where Text is plain.
	HTML string `json:"html,omitempty"`
}

// ViewGap is a gap as the learner sees it; the text shows it as [[ID]].
type ViewGap struct {
	ID      string       `json:"id"`
	Kind    lms.GapKind  `json:"kind"`
	Options []Option     `json:"options,omitempty"` // dropdown
	Units   lms.UnitMode `json:"units,omitempty"`   // number: whether a unit may or must follow
}

// EssayView is what a learner needs to write an essay.
type EssayView struct {
	MinWords            int      `json:"min_words,omitempty"`
	MaxWords            int      `json:"max_words,omitempty"`
	Attachments         int      `json:"attachments,omitempty"`
	RequiredAttachments int      `json:"required_attachments,omitempty"`
	AttachmentTypes     []string `json:"attachment_types,omitempty"`
	ResponseTemplateMD  string   `json:"response_template_md,omitempty"`
}

// View is a question as a learner sees it during an attempt. It holds
// nothing that gives the answer away: no title, credits, feedback,
// accepted answers, right order, formulas or hints, and only presented
// ids (derived from the seed), in a per-attempt order. Choices, stems,
// answers, items or gaps are set by type; calculated questions show their
// drawn values in the text.
type View struct {
	Type   lms.QuestionType `json:"type"`
	TextMD string           `json:"text_md"`
	// TextHTML is TextMD rendered and sanitised (RenderMarkdown); empty
	// for fill in the blanks, whose text holds its gaps as [[ID]].
	TextHTML string       `json:"text_html,omitempty"`
	Choices  []Option     `json:"choices,omitempty"` // single, multiple
	Stems    []Option     `json:"stems,omitempty"`   // matching: each gets a drop-down of Answers
	Answers  []Option     `json:"answers,omitempty"` // matching
	Items    []Option     `json:"items,omitempty"`   // ordering: the starting order (never the right one)
	Gaps     []ViewGap    `json:"gaps,omitempty"`    // blanks, in text order
	Units    lms.UnitMode `json:"units,omitempty"`   // numerical, calculated: whether a unit may or must follow
	Essay    *EssayView   `json:"essay,omitempty"`
}

// LearnerView returns q's view for an instance: LearnerView of a Grader.
func LearnerView(q *lms.Question, inst Instance, shuffle bool) (View, error) {
	g, err := NewGrader(q, inst)
	if err != nil {
		return View{}, err
	}
	return g.LearnerView(shuffle), nil
}

// LearnerView returns the question as the learner sees it. shuffle is the
// quiz's "shuffle answers" setting: choices, drop-down options and matching
// stems are shuffled when it and the question both allow it (Moodle's
// rule). Matching answers and ordering items are always shuffled: in the
// question's order they would give the answer away. The order depends only
// on the seed, so a reload shows the same order.
func (g *Grader) LearnerView(shuffle bool) View {
	q, b, seed := g.q, &g.q.Body, g.inst.Seed
	v := View{Type: q.Type, TextMD: q.TextMD}
	switch q.Type {
	case lms.QSingle, lms.QMultiple:
		v.Choices = g.choiceOptions(domChoice, b.Choice, shuffle, "choices")
	case lms.QMatching:
		for _, p := range b.Matching.Pairs {
			v.Stems = append(v.Stems, Option{ID: g.ids[domStem].out[p.ID], Text: p.StemMD})
		}
		if shuffle && b.Matching.Shuffle {
			permute(newRNG(seed, "stems"), v.Stems)
		}
		text := map[string]string{}
		for _, p := range b.Matching.Pairs {
			text[p.ID] = p.Answer
		}
		for _, d := range b.Matching.Distractors {
			text[d.ID] = d.Answer
		}
		for _, id := range g.answerEntries() {
			v.Answers = append(v.Answers, Option{ID: g.ids[domAnswer].out[id], Text: text[id]})
		}
		permute(newRNG(seed, "answers"), v.Answers)
	case lms.QOrdering:
		for _, it := range b.Ordering.Items {
			v.Items = append(v.Items, Option{ID: g.ids[domItem].out[it.ID], Text: it.TextMD})
		}
		right := slices.Clone(v.Items)
		permute(newRNG(seed, "items"), v.Items)
		if slices.Equal(v.Items, right) {
			v.Items = append(v.Items[1:], v.Items[0])
		}
	case lms.QBlanks:
		v.TextMD, v.Gaps = g.blanksView(shuffle)
	case lms.QNumerical:
		v.Units = unitMode(b.Numerical.Units)
	case lms.QCalculated:
		v.TextMD = substitute(q.TextMD, b.Calculated, g.inst.Vars)
		v.Units = unitMode(b.Calculated.Units)
	case lms.QEssay:
		e := b.Essay
		v.Essay = &EssayView{MinWords: e.MinWords, MaxWords: e.MaxWords, Attachments: e.Attachments,
			RequiredAttachments: e.RequiredAttachments, AttachmentTypes: slices.Clone(e.AttachmentTypes),
			ResponseTemplateMD: e.ResponseTemplateMD}
	}
	return v
}

// choiceOptions presents choices (or drop-down options) in domain dom.
func (g *Grader) choiceOptions(dom string, b *lms.ChoiceBody, shuffle bool, stream string) []Option {
	out := make([]Option, len(b.Choices))
	for i, c := range b.Choices {
		out[i] = Option{ID: g.ids[dom].out[c.ID], Text: c.TextMD}
	}
	if shuffle && b.Shuffle {
		permute(newRNG(g.inst.Seed, stream), out)
	}
	return out
}

// blanksView rewrites the gap markers to presented ids and lists the gaps
// in text order.
func (g *Grader) blanksView(shuffle bool) (string, []ViewGap) {
	text := g.q.TextMD
	gaps := map[string]*lms.Gap{}
	for i := range g.q.Body.Blanks.Gaps {
		gaps[g.q.Body.Blanks.Gaps[i].ID] = &g.q.Body.Blanks.Gaps[i]
	}
	var b strings.Builder
	var out []ViewGap
	last := 0
	for _, m := range lms.GapMarkers(text) {
		gp := gaps[m.ID]
		pid := g.ids[domGap].out[m.ID]
		b.WriteString(text[last:m.Start])
		b.WriteString("[[" + pid + "]]")
		last = m.End
		vg := ViewGap{ID: pid, Kind: gp.Kind}
		switch gp.Kind {
		case lms.GapDropdown:
			vg.Options = g.choiceOptions(domOption+gp.ID, gp.Dropdown, shuffle, "gap:"+gp.ID)
		case lms.GapNumber:
			vg.Units = unitMode(gp.Number.Units)
		}
		out = append(out, vg)
	}
	b.WriteString(text[last:])
	return b.String(), out
}

// unitMode returns the unit mode a learner is told about ("" for none).
func unitMode(u *lms.Units) lms.UnitMode {
	if u == nil {
		return ""
	}
	return u.Mode
}

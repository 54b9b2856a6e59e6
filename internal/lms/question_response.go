package lms

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Response limits.
const (
	MaxShortResponseChars = 1000         // a typed short answer, number or gap
	MaxEssayResponseBytes = MaxBodyBytes // an essay's text
)

// Response is what a learner answered to one question. Only the fields of
// the question's type are set:
//
//	single, multiple           Choices (single: at most one)
//	truefalse                  Bool
//	shortanswer                Text
//	numerical, calculated      Text: the number and its unit as typed ("2.5 cm")
//	matching                   Matches: pair id -> answer id (a pair's or a distractor's)
//	ordering                   Order: every item id, first to last
//	blanks                     Gaps: gap id -> typed text, or dropdown option id
//	essay                      Text and Uploads
//
// A stored response uses the question's ids. Learners see and send
// per-attempt ids instead (internal/question translates). Texts are kept
// verbatim: never trimmed, escaped or interpreted.
type Response struct {
	Choices []string          `json:"choices,omitempty"`
	Bool    *bool             `json:"bool,omitempty"`
	Text    string            `json:"text,omitempty"`
	Matches map[string]string `json:"matches,omitempty"`
	Order   []string          `json:"order,omitempty"`
	Gaps    map[string]string `json:"gaps,omitempty"`
	Uploads []int64           `json:"uploads,omitempty"`
}

// Empty reports whether r answers nothing: no choice, no value, only blank
// text, no match, no order, only blank gaps and no upload.
func (r *Response) Empty() bool {
	for _, v := range r.Matches {
		if v != "" {
			return false
		}
	}
	for _, v := range r.Gaps {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return len(r.Choices) == 0 && r.Bool == nil && strings.TrimSpace(r.Text) == "" &&
		len(r.Order) == 0 && len(r.Uploads) == 0
}

// Validate checks a stored response against its question: only the fields
// of q's type, known and unique ids, sizes within the limits. It returns an
// *Error (EINVALID, or ETOOLARGE for an answer over its limit) naming the
// field.
func (r *Response) Validate(q *Question) error {
	if err := r.CheckFields(q.Type); err != nil {
		return err
	}
	b := &q.Body
	switch q.Type {
	case QSingle, QMultiple:
		if q.Type == QSingle && len(r.Choices) > 1 {
			return FieldError("choices", "Choose one answer only.")
		}
		return checkChosen("choices", r.Choices, choiceIDs(b.Choice.Choices))
	case QShortAnswer, QNumerical, QCalculated:
		return checkTyped("text", r.Text)
	case QMatching:
		return r.validateMatches(b.Matching)
	case QOrdering:
		return r.validateOrder(b.Ordering)
	case QBlanks:
		return r.validateGaps(b.Blanks)
	case QEssay:
		return r.validateEssay(b.Essay)
	}
	return nil
}

// CheckFields refuses fields that a question of type t does not take.
func (r *Response) CheckFields(t QuestionType) error {
	allowed := map[QuestionType]string{
		QSingle: "choices", QMultiple: "choices", QTrueFalse: "bool", QShortAnswer: "text",
		QNumerical: "text", QCalculated: "text", QMatching: "matches", QOrdering: "order",
		QBlanks: "gaps", QEssay: "text uploads", QDescription: "",
	}[t]
	for _, f := range []struct {
		name string
		set  bool
	}{{"choices", r.Choices != nil}, {"bool", r.Bool != nil}, {"text", r.Text != ""},
		{"matches", r.Matches != nil}, {"order", r.Order != nil}, {"gaps", r.Gaps != nil},
		{"uploads", r.Uploads != nil}} {
		if f.set && !strings.Contains(" "+allowed+" ", " "+f.name+" ") {
			return FieldError(f.name, "A %s question takes no %s in its answer.", t, f.name)
		}
	}
	return nil
}

// choiceIDs returns the ids of cs as a set.
func choiceIDs(cs []Choice) map[string]bool {
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c.ID] = true
	}
	return m
}

// checkChosen checks chosen ids: at most MaxChoices, each known, none twice.
func checkChosen(field string, chosen []string, known map[string]bool) error {
	if len(chosen) > MaxChoices {
		return &Error{Code: ETOOLARGE, Field: field, Message: "Too many answers."}
	}
	seen := make(map[string]bool, len(chosen))
	for _, id := range chosen {
		switch {
		case !known[id]:
			return FieldError(field, "The answer %q is not one of this question's answers.", clip(id))
		case seen[id]:
			return FieldError(field, "The answer %q is given twice.", clip(id))
		}
		seen[id] = true
	}
	return nil
}

// checkTyped checks a typed one-field answer: valid UTF-8 without NUL, at
// most MaxShortResponseChars.
func checkTyped(field, s string) error {
	if utf8.RuneCountInString(s) > MaxShortResponseChars {
		return &Error{Code: ETOOLARGE, Field: field, Message: fmt.Sprintf("The answer must be at most %d characters long.", MaxShortResponseChars)}
	}
	return checkUTF8(field, s)
}

func checkUTF8(field, s string) error {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return FieldError(field, "The answer must be valid UTF-8 text.")
	}
	return nil
}

// clip shortens an unknown id for an error message.
func clip(s string) string {
	if len(s) > MaxIDChars {
		s = s[:MaxIDChars] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func (r *Response) validateMatches(b *MatchingBody) error {
	if len(r.Matches) > len(b.Pairs) {
		return &Error{Code: ETOOLARGE, Field: "matches", Message: "Too many matches."}
	}
	stems := make(map[string]bool, len(b.Pairs))
	answers := make(map[string]bool, len(b.Pairs)+len(b.Distractors))
	for _, p := range b.Pairs {
		stems[p.ID], answers[p.ID] = true, true
	}
	for _, d := range b.Distractors {
		answers[d.ID] = true
	}
	for stem, ans := range r.Matches {
		switch {
		case !stems[stem]:
			return FieldError("matches", "%q is not one of this question's items.", clip(stem))
		case !answers[ans]:
			return FieldError("matches", "The answer %q is not one of this question's answers.", clip(ans))
		}
	}
	return nil
}

func (r *Response) validateOrder(b *OrderingBody) error {
	if len(r.Order) == 0 {
		return nil
	}
	if len(r.Order) != len(b.Items) {
		return FieldError("order", "Put every item in order (%d items).", len(b.Items))
	}
	known := make(map[string]bool, len(b.Items))
	for _, it := range b.Items {
		known[it.ID] = true
	}
	return checkChosen("order", r.Order, known)
}

func (r *Response) validateGaps(b *BlanksBody) error {
	if len(r.Gaps) > len(b.Gaps) {
		return &Error{Code: ETOOLARGE, Field: "gaps", Message: "Too many gaps."}
	}
	gaps := make(map[string]*Gap, len(b.Gaps))
	for i := range b.Gaps {
		gaps[b.Gaps[i].ID] = &b.Gaps[i]
	}
	for id, v := range r.Gaps {
		g := gaps[id]
		switch {
		case g == nil:
			return FieldError("gaps", "%q is not one of this question's gaps.", clip(id))
		case g.Kind == GapDropdown && v != "" && !choiceIDs(g.Dropdown.Choices)[v]:
			return FieldError("gaps", "The answer %q is not one of the options of gap %q.", clip(v), id)
		}
		if err := checkTyped("gaps", v); err != nil {
			return err
		}
	}
	return nil
}

func (r *Response) validateEssay(b *EssayBody) error {
	if len(r.Text) > MaxEssayResponseBytes {
		return &Error{Code: ETOOLARGE, Field: "text", Message: fmt.Sprintf("The answer must be at most %d kB long.", MaxEssayResponseBytes/1000)}
	}
	if err := checkUTF8("text", r.Text); err != nil {
		return err
	}
	if len(r.Uploads) > b.Attachments {
		return FieldError("uploads", "Attach at most %d files.", b.Attachments)
	}
	seen := map[int64]bool{}
	for _, id := range r.Uploads {
		if id <= 0 || seen[id] {
			return FieldError("uploads", "Each attachment must be a different upload.")
		}
		seen[id] = true
	}
	return nil
}

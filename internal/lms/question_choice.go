package lms

import (
	"fmt"
	"strings"
)

// Credit tolerances used by validation.
const (
	// fullCredit is how close to 1 a credit must be to count as 100%.
	fullCredit = 1 - 1e-6
	// creditSumSlack is how far the positive credits of a multiple choice
	// question may add up from 100% (33.33% x 3 is fine; Moodle rounds the
	// sum to two decimals of a percent).
	creditSumSlack = 0.005
	// MaxOptionChars bounds a one-line answer shown in a drop-down
	// (matching answers).
	MaxOptionChars = 255
)

// Choice is one option of a single or multiple choice question or of a
// drop-down gap.
type Choice struct {
	ID         string  `json:"id"` // stable across versions
	TextMD     string  `json:"text_md"`
	Fraction   float64 `json:"fraction"` // credit when chosen, -1..1
	FeedbackMD string  `json:"feedback_md,omitempty"`
}

// ChoiceBody is the body of single and multiple choice questions (and of a
// drop-down gap). Single: the chosen choice's credit. Multiple: the sum of
// the chosen choices' credits, clamped at 0.
type ChoiceBody struct {
	Choices []Choice `json:"choices"`
	// Shuffle lets the presentation shuffle the choices per attempt (when the
	// quiz allows it too).
	Shuffle bool `json:"shuffle"`
}

// validate checks choices: 2..MaxChoices with unique ids and texts; single
// (and drop-down) needs a choice worth 100%; multiple needs its positive
// credits to add up to 100%.
func (b *ChoiceBody) validate(path string, multiple bool) error {
	rules := answerRules{list: "choices", noun: "choice", min: 2, max: MaxChoices, negative: true, sumToOne: multiple}
	return rules.check(path, len(b.Choices), func(i int) answer {
		c := b.Choices[i]
		return answer{id: c.ID, feedback: c.FeedbackMD, fraction: c.Fraction, check: func(p string) error {
			return checkMD(p+".text_md", fmt.Sprintf("The text of choice %d", i+1), c.TextMD, true)
		}}
	})
}

// TrueFalseBody is the body of a true/false question.
type TrueFalseBody struct {
	Answer bool `json:"answer"` // the right answer
	// FeedbackTrueMD is shown to a learner who answered true, FeedbackFalseMD
	// to one who answered false.
	FeedbackTrueMD  string `json:"feedback_true_md,omitempty"`
	FeedbackFalseMD string `json:"feedback_false_md,omitempty"`
}

func (b *TrueFalseBody) validate(path string) error {
	if err := checkMD(path+".feedback_true_md", "The feedback for true", b.FeedbackTrueMD, false); err != nil {
		return err
	}
	return checkMD(path+".feedback_false_md", "The feedback for false", b.FeedbackFalseMD, false)
}

// TextAnswer is one accepted answer of a short answer question (or of a
// typed gap). In Pattern, '*' matches any run of characters and '\*' is a
// literal asterisk.
type TextAnswer struct {
	ID         string  `json:"id"`
	Pattern    string  `json:"pattern"`
	Fraction   float64 `json:"fraction"` // 0..1
	FeedbackMD string  `json:"feedback_md,omitempty"`
}

// ShortAnswerBody is the body of a short answer question (and of a typed
// gap). The first answer, in order, whose pattern matches earns its credit.
type ShortAnswerBody struct {
	Answers []TextAnswer `json:"answers"`
	// CaseSensitive makes "Paris" and "paris" different; the default (false)
	// ignores case, as Moodle's default does.
	CaseSensitive bool `json:"case_sensitive"`
}

func (b *ShortAnswerBody) validate(path string) error {
	rules := answerRules{list: "answers", noun: "accepted answer", min: 1, max: MaxChoices}
	return rules.check(path, len(b.Answers), func(i int) answer {
		a := b.Answers[i]
		return answer{id: a.ID, feedback: a.FeedbackMD, fraction: a.Fraction, check: func(p string) error {
			return CheckText(p+".pattern", a.Pattern, MaxPatternChars, true)
		}}
	})
}

// MatchPair is one stem and the answer it matches.
type MatchPair struct {
	ID     string `json:"id"`
	StemMD string `json:"stem_md"`
	// Answer is one line of plain text (it is shown in a drop-down). Pairs
	// with the same answer text share one drop-down entry.
	Answer string `json:"answer"`
}

// MatchAnswer is a wrong answer offered in every drop-down of a matching
// question.
type MatchAnswer struct {
	ID     string `json:"id"`
	Answer string `json:"answer"`
}

// MatchingBody is the body of a matching question: each correctly matched
// stem earns 1/len(Pairs).
type MatchingBody struct {
	Pairs       []MatchPair   `json:"pairs"`
	Distractors []MatchAnswer `json:"distractors,omitempty"`
	// Shuffle shuffles the stems per attempt; the answers are always
	// shuffled (in pair order they would give the matching away).
	Shuffle bool `json:"shuffle"`
}

func (b *MatchingBody) validate(path string) error {
	if len(b.Pairs) < 2 || len(b.Pairs)+len(b.Distractors) > MaxChoices {
		return FieldError(path+".pairs", "Give at least 2 pairs, and at most %d pairs and wrong answers together.", MaxChoices)
	}
	seen := ids{}
	answers := map[string]bool{}
	for i, p := range b.Pairs {
		f := fmt.Sprintf("%s.pairs[%d]", path, i)
		if err := seen.check(f+".id", p.ID); err != nil {
			return err
		}
		if err := checkMD(f+".stem_md", fmt.Sprintf("The text of pair %d", i+1), p.StemMD, true); err != nil {
			return err
		}
		if err := CheckText(f+".answer", p.Answer, MaxOptionChars, true); err != nil {
			return err
		}
		answers[MatchKey(p.Answer)] = true
	}
	for i, d := range b.Distractors {
		f := fmt.Sprintf("%s.distractors[%d]", path, i)
		if err := seen.check(f+".id", d.ID); err != nil {
			return err
		}
		if err := CheckText(f+".answer", d.Answer, MaxOptionChars, true); err != nil {
			return err
		}
		answers[MatchKey(d.Answer)] = true
	}
	if len(answers) < 2 {
		return FieldError(path+".pairs", "Give at least two different answers.")
	}
	return nil
}

// MatchKey is the form in which two matching answers are the same drop-down
// entry: trimmed, inner spaces collapsed.
func MatchKey(answer string) string { return strings.Join(strings.Fields(answer), " ") }

// OrderItem is one item of an ordering question.
type OrderItem struct {
	ID     string `json:"id"`
	TextMD string `json:"text_md"`
}

// OrderingBody is the body of an ordering question. Items are listed in the
// right order. Credit is "relative to the next item" (see docs/questions.md)
// unless AllOrNothing.
type OrderingBody struct {
	Items        []OrderItem `json:"items"`
	AllOrNothing bool        `json:"all_or_nothing"`
}

func (b *OrderingBody) validate(path string) error {
	if len(b.Items) < 2 || len(b.Items) > MaxChoices {
		return FieldError(path+".items", "Give from 2 to %d items.", MaxChoices)
	}
	seen, texts := ids{}, map[string]bool{}
	for i, it := range b.Items {
		p := fmt.Sprintf("%s.items[%d]", path, i)
		if err := seen.check(p+".id", it.ID); err != nil {
			return err
		}
		if err := checkMD(p+".text_md", fmt.Sprintf("The text of item %d", i+1), it.TextMD, true); err != nil {
			return err
		}
		k := MatchKey(it.TextMD)
		if texts[k] {
			return FieldError(p+".text_md", "Item %d has the same text as an earlier item.", i+1)
		}
		texts[k] = true
	}
	return nil
}

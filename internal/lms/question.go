package lms

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Question limits. Every string and list of a question is bounded so that a
// question bank stays small enough to load, grade and render quickly.
const (
	MaxQuestionTextBytes = 10_000    // any Markdown text: stem, feedback, hint, choice, item, template
	MaxQuestionBytes     = 256 << 10 // a whole question encoded as JSON
	MaxChoices           = 100       // choices, accepted answers, pairs + distractors, ordering items
	MaxGaps              = 50        // gaps in one fill-in-the-blanks text
	MaxHints             = 10        // hints (interactive mode allows len(Hints)+1 tries)
	MaxTags              = 20        // tags on one question
	MaxTagChars          = 50        // one tag
	MaxIDChars           = 32        // an answer-level id (choice, pair, item, gap, option)
	MaxPatternChars      = 255       // one accepted short answer
	MaxUnits             = 20        // units of a numerical or calculated question
	MaxUnitChars         = 20        // one unit name
	MaxVariables         = 20        // variables of a calculated question
	MaxFormulaChars      = 1000      // one formula
	MaxFormulaAnswers    = 20        // answers (formulas) of a calculated question
	MaxDecimals          = 10        // decimals of a drawn variable or of a shown answer
	MaxSignificant       = 15        // significant figures of a shown answer
	MaxNumber            = 1e15      // magnitude of any number in a question (values, tolerances, bounds)
	MaxPoints            = 1000      // a question's default points
	MaxWordLimit         = 100_000   // an essay's word limits
	MaxAttachments       = 10        // files attached to one essay answer
	MaxAttachmentTypes   = 20        // accepted file types of an essay
	MaxWeight            = 100       // a gap's weight

	// DefaultTryPenalty is Moodle's default penalty per extra try in
	// interactive mode: a third of the question's mark.
	DefaultTryPenalty = 1.0 / 3
)

// QuestionType names what kind of question a question is. The values are
// stored and are part of the API: never rename one.
type QuestionType string

// The question types.
const (
	QSingle      QuestionType = "single"      // one choice of several
	QMultiple    QuestionType = "multiple"    // any number of choices, partial credit, negative weights
	QTrueFalse   QuestionType = "truefalse"   // true or false
	QShortAnswer QuestionType = "shortanswer" // a typed word or phrase matched against patterns
	QNumerical   QuestionType = "numerical"   // a typed number, with tolerance or range, optional units
	QMatching    QuestionType = "matching"    // match each stem with an answer
	QOrdering    QuestionType = "ordering"    // put items in order
	QBlanks      QuestionType = "blanks"      // a text with gaps: typed answers, numbers or drop-downs
	QCalculated  QuestionType = "calculated"  // a formula over variables drawn per learner
	QEssay       QuestionType = "essay"       // free text and files, graded by hand
	QDescription QuestionType = "description" // text only, no answer, no grade
)

// QuestionTypes lists every question type in a stable order.
var QuestionTypes = []QuestionType{QSingle, QMultiple, QTrueFalse, QShortAnswer, QNumerical,
	QMatching, QOrdering, QBlanks, QCalculated, QEssay, QDescription}

// Valid reports whether t is a known question type.
func (t QuestionType) Valid() bool {
	for _, k := range QuestionTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Graded reports whether questions of type t carry marks (every type but
// description).
func (t QuestionType) Graded() bool { return t.Valid() && t != QDescription }

// AutoGraded reports whether questions of type t are graded without a person
// (every graded type but essay).
func (t QuestionType) AutoGraded() bool { return t.Graded() && t != QEssay }

// Question is one version of a question in a course's question bank. Editing
// a question that an attempt used creates a new version: a new row with a new
// ID, the same FamilyID and Version+1, so old attempts keep what was asked.
type Question struct {
	ID         int64 `json:"id"`
	CourseID   int64 `json:"course_id"`
	CategoryID int64 `json:"category_id"`
	// FamilyID is the ID of the question's first version; every version of
	// one question shares it (0 until the first version is stored).
	FamilyID int64 `json:"family_id"`
	// Version numbers the versions of a family: 1, 2, ...
	Version int          `json:"version"`
	Type    QuestionType `json:"type"`
	// Title names the question in the bank. Learners never see it.
	Title             string `json:"title"`
	TextMD            string `json:"text_md"` // the stem (Markdown); for blanks it holds the [[gap]] markers
	GeneralFeedbackMD string `json:"general_feedback_md,omitempty"`
	// Hints are shown one by one after wrong tries in interactive mode.
	Hints         []string `json:"hints,omitempty"`
	DefaultPoints float64  `json:"default_points"`
	// TryPenalty is the fraction of the mark lost per extra try in
	// interactive mode (0..1; DefaultTryPenalty is Moodle's default).
	TryPenalty float64      `json:"try_penalty"`
	Tags       []string     `json:"tags,omitempty"`
	Body       QuestionBody `json:"body"`
	CreatedBy  int64        `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}

// QuestionBody holds the type-specific part of a question: exactly the
// section named after the question's type is set (single and multiple share
// Choice; description has none).
type QuestionBody struct {
	Choice      *ChoiceBody      `json:"choice,omitempty"`
	TrueFalse   *TrueFalseBody   `json:"truefalse,omitempty"`
	ShortAnswer *ShortAnswerBody `json:"shortanswer,omitempty"`
	Numerical   *NumericalBody   `json:"numerical,omitempty"`
	Matching    *MatchingBody    `json:"matching,omitempty"`
	Ordering    *OrderingBody    `json:"ordering,omitempty"`
	Blanks      *BlanksBody      `json:"blanks,omitempty"`
	Calculated  *CalculatedBody  `json:"calculated,omitempty"`
	Essay       *EssayBody       `json:"essay,omitempty"`
}

// section returns the JSON name of the body section that type t needs, or
// "" for none.
func section(t QuestionType) string {
	switch t {
	case QSingle, QMultiple:
		return "choice"
	case QDescription:
		return ""
	}
	return string(t)
}

// bodySection is one section of a body: its JSON name and whether it is set.
type bodySection struct {
	name string
	set  bool
}

// sections returns the body's sections in a fixed order, set or not.
func (b *QuestionBody) sections() []bodySection {
	return []bodySection{
		{"choice", b.Choice != nil}, {"truefalse", b.TrueFalse != nil}, {"shortanswer", b.ShortAnswer != nil},
		{"numerical", b.Numerical != nil}, {"matching", b.Matching != nil}, {"ordering", b.Ordering != nil},
		{"blanks", b.Blanks != nil}, {"calculated", b.Calculated != nil}, {"essay", b.Essay != nil},
	}
}

// Validate checks everything about a question that needs no formula
// evaluation and returns an *Error naming the first bad field (EINVALID, or
// ETOOLARGE for a text or question over its limit). The field is the JSON
// path, e.g. "body.choice.choices[2].fraction". Calculated questions need
// internal/question's Validate as well, which parses and evaluates formulas.
func (q *Question) Validate() error {
	if !q.Type.Valid() {
		return FieldError("type", "Unknown question type %q.", q.Type)
	}
	if err := CheckText("title", q.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if err := checkMD("text_md", "The question text", q.TextMD, true); err != nil {
		return err
	}
	if err := checkMD("general_feedback_md", "The general feedback", q.GeneralFeedbackMD, false); err != nil {
		return err
	}
	if len(q.Hints) > MaxHints {
		return FieldError("hints", "A question has at most %d hints.", MaxHints)
	}
	for i, h := range q.Hints {
		if err := checkMD(fmt.Sprintf("hints[%d]", i), fmt.Sprintf("Hint %d", i+1), h, true); err != nil {
			return err
		}
	}
	if err := checkNumber("default_points", "The default points", q.DefaultPoints, 0, MaxPoints); err != nil {
		return err
	}
	if q.Type == QDescription && q.DefaultPoints != 0 {
		return FieldError("default_points", "A description has no points.")
	}
	if err := checkNumber("try_penalty", "The penalty per try", q.TryPenalty, 0, 1); err != nil {
		return err
	}
	if err := checkTags(q.Tags); err != nil {
		return err
	}
	if err := q.validateBody(); err != nil {
		return err
	}
	if b, err := json.Marshal(q); err != nil || len(b) > MaxQuestionBytes {
		return &Error{Code: ETOOLARGE, Field: "body", Message: fmt.Sprintf("The question is too large (at most %d kB).", MaxQuestionBytes>>10)}
	}
	return nil
}

// validateBody checks that exactly the right section is set and checks it.
func (q *Question) validateBody() error {
	want := section(q.Type)
	for _, s := range q.Body.sections() {
		switch {
		case s.name == want && !s.set:
			return FieldError("body."+s.name, "A %s question needs its %s settings.", q.Type, s.name)
		case s.name != want && s.set:
			return FieldError("body."+s.name, "A %s question takes no %s settings.", q.Type, s.name)
		}
	}
	b := &q.Body
	switch q.Type {
	case QSingle, QMultiple:
		return b.Choice.validate("body.choice", q.Type == QMultiple)
	case QTrueFalse:
		return b.TrueFalse.validate("body.truefalse")
	case QShortAnswer:
		return b.ShortAnswer.validate("body.shortanswer")
	case QNumerical:
		return b.Numerical.validate("body.numerical")
	case QMatching:
		return b.Matching.validate("body.matching")
	case QOrdering:
		return b.Ordering.validate("body.ordering")
	case QBlanks:
		return b.Blanks.validate("body.blanks", q.TextMD)
	case QCalculated:
		return b.Calculated.validate("body.calculated")
	case QEssay:
		return b.Essay.validate("body.essay")
	}
	return nil
}

// checkTags checks a question's tags: short one-line words, unique
// case-insensitively.
func checkTags(tags []string) error {
	if len(tags) > MaxTags {
		return FieldError("tags", "A question has at most %d tags.", MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for i, t := range tags {
		if err := CheckText(fmt.Sprintf("tags[%d]", i), t, MaxTagChars, true); err != nil {
			return err
		}
		k := strings.ToLower(strings.TrimSpace(t))
		if seen[k] {
			return FieldError(fmt.Sprintf("tags[%d]", i), "The tag %q is given twice.", t)
		}
		seen[k] = true
	}
	return nil
}

// checkMD checks a Markdown text: valid UTF-8 without NUL bytes, at most
// MaxQuestionTextBytes, and not blank when required. what names it for
// people ("The question text").
func checkMD(field, what, s string, required bool) error {
	switch {
	case len(s) > MaxQuestionTextBytes:
		return &Error{Code: ETOOLARGE, Field: field, Message: fmt.Sprintf("%s must be at most %d bytes long.", what, MaxQuestionTextBytes)}
	case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
		return FieldError(field, "%s must be valid UTF-8 text.", what)
	case required && strings.TrimSpace(s) == "":
		return FieldError(field, "%s is required.", what)
	}
	return nil
}

// checkNumber checks that x is a finite number in [lo, hi].
func checkNumber(field, what string, x, lo, hi float64) error {
	if math.IsNaN(x) || x < lo || x > hi {
		return FieldError(field, "%s must be a number from %v to %v.", what, lo, hi)
	}
	return nil
}

// checkFraction checks a credit: from -1 (or 0 when negatives are not
// allowed) to 1.
func checkFraction(field string, f float64, negative bool) error {
	lo := 0.0
	if negative {
		lo = -1
	}
	if math.IsNaN(f) || f < lo || f > 1 {
		if negative {
			return FieldError(field, "A credit must be from -100%% to 100%%.")
		}
		return FieldError(field, "A credit must be from 0%% to 100%%.")
	}
	return nil
}

// ValidAnswerID reports whether id is a usable answer-level id: 1 to
// MaxIDChars ASCII letters, digits, '_' or '-'.
func ValidAnswerID(id string) bool {
	if id == "" || len(id) > MaxIDChars {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

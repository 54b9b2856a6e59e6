package gift

import (
	"bytes"
	"encoding/json"
)

// Type is the kind of a question.
type Type string

// The question types. GIFT has no syntax of its own for single versus
// multiple choice: like Moodle, a choice question with at least one "="
// answer is Single, one with only "~" answers is Multiple.
const (
	Single      Type = "single"      // choose one answer ({=right ~wrong})
	Multiple    Type = "multiple"    // choose several answers, weighted ({~%50%a ~%50%b ~%-100%c})
	TrueFalse   Type = "truefalse"   // {T}, {TRUE}, {F}, {FALSE}
	ShortAnswer Type = "shortanswer" // type an answer ({=one =1})
	Numerical   Type = "numerical"   // type a number ({#3.14:0.01}, {#1..5})
	Matching    Type = "matching"    // match pairs ({=a -> b =c -> d})
	Ordering    Type = "ordering"    // put items in order ({>3 ...} with one item per line)
	Essay       Type = "essay"       // free text graded by hand ({})
	Description Type = "description" // text only, no answer (no braces)
)

// Format is the markup of a text, as written in a [format] prefix.
type Format string

// The text formats of Moodle's GIFT. Moodle is the default.
const (
	FormatMoodle   Format = "moodle"
	FormatHTML     Format = "html"
	FormatMarkdown Format = "markdown"
	FormatPlain    Format = "plain"
)

// valid reports whether f is one of the four formats.
func (f Format) valid() bool {
	switch f {
	case FormatMoodle, FormatHTML, FormatMarkdown, FormatPlain:
		return true
	}
	return false
}

// Question is one GIFT question.
//
// Every text is stored decoded (escapes resolved) and trimmed. The Format of
// a part (answer, feedback, pair) is empty when the part has the question's
// format, which is the usual case; FormatOf resolves it.
type Question struct {
	// Line is the line of the file where the question starts (0 for a
	// question that was not parsed).
	Line int `json:"line"`
	// Type is the kind of question.
	Type Type `json:"type"`
	// Title is the question's name from ::title:: ("" when none).
	Title string `json:"title"`
	// IDNumber is Moodle's "ID number", from a "// [id:...]" comment.
	IDNumber string `json:"idnumber,omitempty"`
	// Tags come from "// [tag:...]" comments.
	Tags []string `json:"tags,omitempty"`
	// Category is the path of the last $CATEGORY: line above the question,
	// as written (segments separated by "/"), or "" when there is none;
	// SplitCategory cuts it into names.
	Category string `json:"category"`
	// Format is the format of the question text (FormatMoodle by default).
	Format Format `json:"format"`
	// Text is the question text. For a missing-word question (answers in
	// mid-sentence, TextAfter not empty) it is the text before the blank,
	// with the whitespace next to the blank kept.
	Text string `json:"text"`
	// TextAfter is the text after the blank of a missing-word question, with
	// the whitespace next to the blank kept; "" for any other question.
	TextAfter string `json:"text_after,omitempty"`
	// GeneralFeedback is shown to every learner after answering (####...).
	GeneralFeedback       string `json:"general_feedback"`
	GeneralFeedbackFormat Format `json:"general_feedback_format,omitempty"`
	// Answers are the choices of Single and Multiple, the accepted answers of
	// ShortAnswer and Numerical, and the items of Ordering in their right
	// order. Other types have none.
	Answers []Answer `json:"answers,omitempty"`
	// Pairs are the pairs of a Matching question; a pair with an empty
	// Question is an extra wrong answer (a distractor).
	Pairs []Pair `json:"pairs,omitempty"`
	// Ordering holds the settings written after "{>" (Ordering only).
	Ordering *OrderingOptions `json:"ordering,omitempty"`

	// Truth is the right answer of a TrueFalse question: true for {T}/{TRUE}.
	Truth bool `json:"-"`
	// FeedbackWrong is shown to a learner who answered a TrueFalse question
	// wrong (the first #feedback), FeedbackRight to one who answered right
	// (the second), as Moodle reads them.
	FeedbackWrong       string `json:"-"`
	FeedbackWrongFormat Format `json:"-"`
	FeedbackRight       string `json:"-"`
	FeedbackRightFormat Format `json:"-"`
}

// Answer is one answer of a question.
//
// A numerical answer is exactly one of: Value with Tolerance (right when
// within Value±Tolerance), Min with Max (right when within the range), or
// Text "*" (any other number, usually to give it feedback). Other answers
// have only Text.
type Answer struct {
	Text   string `json:"text"`
	Format Format `json:"format,omitempty"` // "" means the question's format
	// Fraction is the credit for the answer, from -1 to 1 (1 = full marks).
	Fraction       float64  `json:"fraction"`
	Feedback       string   `json:"feedback"`
	FeedbackFormat Format   `json:"feedback_format,omitempty"` // "" means the question's format
	Value          *float64 `json:"value,omitempty"`
	Tolerance      *float64 `json:"tolerance,omitempty"`
	Min            *float64 `json:"min,omitempty"`
	Max            *float64 `json:"max,omitempty"`
}

// Pair is one pair of a matching question. The answer side is plain text,
// as in Moodle.
type Pair struct {
	Question string `json:"question"`
	Format   Format `json:"format,omitempty"` // of Question; "" means the question's format
	Answer   string `json:"answer"`
}

// OrderingOptions are the settings of an ordering question, written
// "{>Count [Select] [Layout] [Grading] [ShowGrading]" as Moodle's ordering
// question type reads them. Empty strings leave Moodle's defaults; the
// values are Moodle's canonical names (aliases such as EXACT or HORI are
// read and stored as ALL or HORIZONTAL).
type OrderingOptions struct {
	// Count is how many items a learner is shown.
	Count int `json:"count"`
	// Select is how the shown items are chosen: ALL, RANDOM or CONTIGUOUS.
	Select string `json:"select,omitempty"`
	// Layout is VERTICAL or HORIZONTAL.
	Layout string `json:"layout,omitempty"`
	// Grading is one of Moodle's grading types, such as ALL_OR_NOTHING,
	// ABSOLUTE_POSITION or RELATIVE_NEXT_EXCLUDE_LAST.
	Grading string `json:"grading,omitempty"`
	// ShowGrading is SHOW or HIDE (the grading details).
	ShowGrading string `json:"show_grading,omitempty"`
}

// FormatOf returns the format of a part of q whose own format is f: f
// itself, or the question's format when f is empty.
func (q *Question) FormatOf(f Format) Format {
	if f != "" {
		return f
	}
	if q.Format == "" {
		return FormatMoodle
	}
	return q.Format
}

// MarshalJSON writes the question in the JSON-lines schema of docs/gift.md:
// the struct's fields, plus answer, feedback_wrong and feedback_right for a
// true/false question. HTML characters are not escaped.
func (q Question) MarshalJSON() ([]byte, error) {
	type plain Question
	v := struct {
		plain
		Answer              *bool   `json:"answer,omitempty"`
		FeedbackWrong       *string `json:"feedback_wrong,omitempty"`
		FeedbackWrongFormat Format  `json:"feedback_wrong_format,omitempty"`
		FeedbackRight       *string `json:"feedback_right,omitempty"`
		FeedbackRightFormat Format  `json:"feedback_right_format,omitempty"`
	}{plain: plain(q)}
	if q.Type == TrueFalse {
		v.Answer, v.FeedbackWrong, v.FeedbackRight = &q.Truth, &q.FeedbackWrong, &q.FeedbackRight
		v.FeedbackWrongFormat, v.FeedbackRightFormat = q.FeedbackWrongFormat, q.FeedbackRightFormat
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SplitCategory cuts a $CATEGORY: path into category names, as Moodle
// does: "/" separates names, "//" is a "/" inside a name, a leading context
// ($course$, $cat$, $module$ or $system$) and the "top" category under it
// are dropped, and empty names are skipped.
//
//	SplitCategory("$course$/top/Unit 1/Week 2") = ["Unit 1", "Week 2"]
func SplitCategory(path string) []string {
	var names []string
	var cur []byte
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '/' && i+1 < len(path) && path[i+1] == '/':
			cur = append(cur, '/')
			i++
		case path[i] == '/':
			names = appendName(names, cur)
			cur = cur[:0]
		default:
			cur = append(cur, path[i])
		}
	}
	names = appendName(names, cur)
	if len(names) > 0 {
		switch names[0] {
		case "$course$", "$cat$", "$module$", "$system$":
			names = names[1:]
			if len(names) > 0 && names[0] == "top" {
				names = names[1:]
			}
		}
	}
	return names
}

// appendName appends the trimmed name to names unless it is empty.
func appendName(names []string, name []byte) []string {
	if s := trim(string(name)); s != "" {
		return append(names, s)
	}
	return names
}

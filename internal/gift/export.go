package gift

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Export writes questions as a GIFT file that Parse reads back as the same
// questions (Line aside) and that Moodle imports (docs/gift.md says where
// Moodle reads it differently). A question's category is
// written as a $CATEGORY: line before it when it differs from the previous
// question's. Every question is validated first (Question.Validate); if
// one is invalid, or has no category after one that had, nothing is
// written and the error names it.
//
// Texts are escaped (\~ \= \# \{ \} \: \\) and written on one line each,
// line breaks as \n. A [format] prefix is written when a text's format is
// not the default one, or when the text itself starts with "[".
func Export(w io.Writer, qs []Question) error {
	cat := ""
	for i := range qs {
		q := &qs[i]
		if err := q.Validate(); err != nil {
			return fmt.Errorf("question %d%s: %w", i+1, label(q), err)
		}
		if q.Category == "" && cat != "" {
			return fmt.Errorf("question %d%s has no category but follows questions in %q: GIFT cannot go back to no category", i+1, label(q), cat)
		}
		cat = q.Category
	}
	bw := bufio.NewWriter(w)
	var sb strings.Builder
	cat = ""
	for i := range qs {
		q := &qs[i]
		sb.Reset()
		if i > 0 {
			sb.WriteString("\n") // a blank line ends the previous question
		}
		if q.Category != cat {
			cat = q.Category
			sb.WriteString("$CATEGORY: " + categoryEscaper.Replace(cat) + "\n\n")
		}
		writeQuestion(&sb, q)
		if _, err := bw.WriteString(sb.String()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// label names a question in an error: its title, if it has one.
func label(q *Question) string {
	if q.Title == "" {
		return ""
	}
	return " (" + strconv.Quote(q.Title) + ")"
}

// categoryEscaper writes a category path: Moodle reads it raw, so only what
// Parse would change is escaped.
var categoryEscaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", "")

// markerEscaper writes an [id:...] or [tag:...] value.
var markerEscaper = strings.NewReplacer("]", `\]`)

// writeQuestion writes one question and the line break after it.
func writeQuestion(sb *strings.Builder, q *Question) {
	if q.IDNumber != "" || len(q.Tags) > 0 {
		sb.WriteString("//")
		if q.IDNumber != "" {
			sb.WriteString(" [id:" + markerEscaper.Replace(q.IDNumber) + "]")
		}
		for _, t := range q.Tags {
			sb.WriteString(" [tag:" + markerEscaper.Replace(t) + "]")
		}
		sb.WriteString("\n")
	}
	qf := q.FormatOf("")
	if q.Title != "" {
		sb.WriteString("::" + escape(q.Title) + "::")
	}
	text := strings.TrimLeft(q.Text, space)
	if qf != FormatMoodle || strings.HasPrefix(text, "[") || q.Title == "" && strings.HasPrefix(text, "//") {
		sb.WriteString("[" + string(qf) + "]")
	}
	sb.WriteString(escape(q.Text))
	if q.Type == Description {
		sb.WriteString("\n")
		return
	}
	sb.WriteString("{")
	switch q.Type {
	case Single, Multiple, ShortAnswer:
		sb.WriteString("\n")
		for i, m := range markers(q) {
			a, def := q.Answers[i], 0.0
			if m == "=" {
				def = 1
			}
			sb.WriteString("\t" + m + weightFor(a.Fraction, def, a.Text) + part(q, a.Text, a.Format))
			writeFeedback(sb, q, a.Feedback, a.FeedbackFormat)
			sb.WriteString("\n")
		}
	case Numerical:
		sb.WriteString("#\n")
		for _, a := range q.Answers {
			sb.WriteString("\t=" + weightFor(a.Fraction, 1, a.Text) + numeric(a))
			writeFeedback(sb, q, a.Feedback, a.FeedbackFormat)
			sb.WriteString("\n")
		}
	case Matching:
		sb.WriteString("\n")
		for _, p := range q.Pairs {
			sb.WriteString("\t=" + part(q, p.Question, p.Format) + " -> " + escape(p.Answer) + "\n")
		}
	case Ordering:
		writeOrdering(sb, q)
	case TrueFalse:
		if q.Truth {
			sb.WriteString("TRUE")
		} else {
			sb.WriteString("FALSE")
		}
		if q.FeedbackWrong != "" || q.FeedbackRight != "" {
			sb.WriteString("#" + part(q, q.FeedbackWrong, q.FeedbackWrongFormat))
		}
		writeFeedback(sb, q, q.FeedbackRight, q.FeedbackRightFormat)
	}
	if q.GeneralFeedback != "" {
		if q.Type != TrueFalse && q.Type != Essay {
			sb.WriteString("\t")
		}
		sb.WriteString("####" + part(q, q.GeneralFeedback, q.GeneralFeedbackFormat))
		if q.Type != TrueFalse && q.Type != Essay {
			sb.WriteString("\n")
		}
	}
	sb.WriteString("}" + escape(q.TextAfter) + "\n")
}

// writeFeedback writes "#feedback" when there is one.
func writeFeedback(sb *strings.Builder, q *Question, text string, f Format) {
	if text != "" {
		sb.WriteString("#" + part(q, text, f))
	}
}

// part writes a text of an answer, feedback or pair, with its format
// prefix when it differs from the question's or the text starts with "[".
func part(q *Question, text string, f Format) string {
	if f != "" && f != q.FormatOf("") || strings.HasPrefix(strings.TrimLeft(text, space), "[") {
		return "[" + string(q.FormatOf(f)) + "]" + escape(text)
	}
	return escape(text)
}

// markers returns the marker of each answer of a choice or short-answer
// question and the credit it implies. A short answer is always "=", a
// multiple choice answer always "~". In a single choice question "=" marks
// full credit and "~" anything else, but at least one answer needs "=" (or
// the question would read as multiple choice) and one "~" (or it would read
// as short answer): if no answer has full credit, the first best one gets
// "=" with its weight; if all have, the last gets "~%100%".
func markers(q *Question) []string {
	ms := make([]string, len(q.Answers))
	best, full := 0, 0
	for i, a := range q.Answers {
		switch {
		case q.Type == ShortAnswer:
			ms[i] = "="
		case q.Type == Single && a.Fraction == 1:
			ms[i] = "="
			full++
		default:
			ms[i] = "~"
		}
		if a.Fraction > q.Answers[best].Fraction {
			best = i
		}
	}
	if q.Type == Single && full == 0 {
		ms[best] = "="
	}
	if q.Type == Single && full == len(ms) {
		ms[len(ms)-1] = "~"
	}
	return ms
}

// weightFor writes "%weight%" when the credit differs from the marker's
// default, or when the text starts with "%" (which would read as a weight).
func weightFor(f, def float64, text string) string {
	if f == def && !strings.HasPrefix(strings.TrimLeft(text, space), "%") {
		return ""
	}
	return "%" + percent(f) + "%"
}

// numeric writes a numerical answer's value.
func numeric(a Answer) string {
	switch {
	case a.Min != nil:
		return num(*a.Min) + ".." + num(*a.Max)
	case a.Value == nil:
		return "*"
	case *a.Tolerance == 0:
		return num(*a.Value)
	}
	return num(*a.Value) + ":" + num(*a.Tolerance)
}

// writeOrdering writes an ordering question's settings line and items.
func writeOrdering(sb *strings.Builder, q *Question) {
	o := OrderingOptions{Count: len(q.Answers)}
	if q.Ordering != nil {
		o = *q.Ordering
	}
	sb.WriteString(">" + strconv.Itoa(o.Count))
	for _, v := range []string{o.Select, o.Layout, o.Grading, o.ShowGrading} {
		if v != "" {
			sb.WriteString(" " + v)
		}
	}
	sb.WriteString("\n")
	for _, a := range q.Answers {
		sb.WriteString("\t" + escape(a.Text) + "\n")
	}
}

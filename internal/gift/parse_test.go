package gift

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// parseOne parses src, which must hold exactly one question and no errors.
func parseOne(t *testing.T, src string) Question {
	t.Helper()
	r := Parse([]byte(src))
	if len(r.Errors) > 0 || len(r.Questions) != 1 {
		t.Fatalf("want one question, got %d and errors %v", len(r.Questions), r.Errors)
	}
	return r.Questions[0]
}

func TestByteOrderMarkAndLineEnds(t *testing.T) {
	const lf = "// c\n::T::Q?{\n=yes#good\n~no\n}\n\n$CATEGORY: a/b\n\nS{T}\n"
	want := Parse([]byte(lf))
	if len(want.Errors) > 0 || len(want.Questions) != 2 {
		t.Fatalf("LF: %+v", want)
	}
	for name, src := range map[string]string{
		"a byte order mark is skipped":   "\xef\xbb\xbf" + lf,
		"CRLF reads as LF":               strings.ReplaceAll(lf, "\n", "\r\n"),
		"CR alone reads as LF":           strings.ReplaceAll(lf, "\n", "\r"),
		"a byte order mark and CRLF too": "\xef\xbb\xbf" + strings.ReplaceAll(lf, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			got := Parse([]byte(src))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("the lines are counted as in the file", func(t *testing.T) {
		if want.Questions[0].Line != 2 || want.Categories[0].Line != 7 || want.Questions[1].Line != 9 {
			t.Errorf("lines %d %d %d", want.Questions[0].Line, want.Categories[0].Line, want.Questions[1].Line)
		}
	})
}

func TestEscapes(t *testing.T) {
	q := parseOne(t, `::a\:\:b::x \~ \= \# \{ \} \: \\ \n \q \ y{=\=1\#\~ #\{f\}: ~\\}`)
	if q.Title != "a::b" {
		t.Errorf("title %q", q.Title)
	}
	if want := "x ~ = # { } : \\ \n \\q \\ y"; q.Text != want {
		t.Errorf("text %q, want %q", q.Text, want)
	}
	if q.Type != Single || len(q.Answers) != 2 || q.Answers[0].Text != "=1#~" || q.Answers[0].Feedback != "{f}:" || q.Answers[1].Text != `\` {
		t.Errorf("answers %+v", q.Answers)
	}
	t.Run("a double backslash is one backslash, as in Moodle", func(t *testing.T) {
		if q := parseOne(t, `A \\ B \\\\ C \\n{}`); q.Text != `A \ B \\ C \n` {
			t.Errorf("text %q", q.Text)
		}
	})
}

func TestTypes(t *testing.T) {
	t.Run("multiple choice with weights, negative ones included", func(t *testing.T) {
		q := parseOne(t, "Q{~%50%a ~%-100%b ~%33.33333%c ~ d}")
		if q.Type != Multiple || answerFractions(q) != "0.5 -1 0.3333333 0" {
			t.Errorf("%s %s", q.Type, answerFractions(q))
		}
	})
	t.Run("single choice: one = makes it single; = takes a weight", func(t *testing.T) {
		q := parseOne(t, "Q{=a ~b =%50%c}")
		if q.Type != Single || answerFractions(q) != "1 0 0.5" {
			t.Errorf("%s %s", q.Type, answerFractions(q))
		}
	})
	t.Run("true/false: the first # is for a wrong answer, the second for a right one", func(t *testing.T) {
		for src, want := range map[string]Question{
			"S{T}":              {Truth: true},
			"S{TRUE#w#r}":       {Truth: true, FeedbackWrong: "w", FeedbackRight: "r"},
			"S{F#only wrong}":   {FeedbackWrong: "only wrong"},
			"S{FALSE##r#still}": {FeedbackRight: "r#still"},
		} {
			q := parseOne(t, src)
			if q.Type != TrueFalse || q.Truth != want.Truth || q.FeedbackWrong != want.FeedbackWrong || q.FeedbackRight != want.FeedbackRight {
				t.Errorf("%s: %+v", src, q)
			}
		}
		if q := parseOne(t, "S{true}"); q.Type != ShortAnswer {
			t.Errorf("{true} is %s; Moodle reads only T, TRUE, F, FALSE (upper case)", q.Type)
		}
	})
	t.Run("short answer: several answers with their own credit; one needs no =", func(t *testing.T) {
		q := parseOne(t, "Q{=four#yes =%50%4 =%0%*#no}")
		if q.Type != ShortAnswer || answerFractions(q) != "1 0.5 0" || q.Answers[2].Text != "*" || q.Answers[2].Feedback != "no" {
			t.Errorf("%+v", q)
		}
		if q := parseOne(t, "Q{One}"); q.Type != ShortAnswer || q.Answers[0].Text != "One" || q.Answers[0].Fraction != 1 {
			t.Errorf("%+v", q)
		}
	})
	t.Run("matching: first -> splits, a pair without a question is a distractor", func(t *testing.T) {
		q := parseOne(t, "M{=a -> b->c =[html]<i>d</i>->e = -> f}")
		want := []Pair{{Question: "a", Answer: "b->c"}, {Question: "<i>d</i>", Format: FormatHTML, Answer: "e"}, {Answer: "f"}}
		if q.Type != Matching || !reflect.DeepEqual(q.Pairs, want) {
			t.Errorf("%+v", q.Pairs)
		}
	})
	t.Run("numerical: value, tolerance, range, partial credit, any other number", func(t *testing.T) {
		q := parseOne(t, "N{#\n=3.14:0.01#pi\n=%50%3..3.2\n=%10% -1e2\n~#other\n}")
		got := []string{}
		for _, a := range q.Answers {
			got = append(got, numberText(a.Value, a.Tolerance, a.Min, a.Max)+" "+a.Text+" "+a.Feedback)
		}
		if q.Type != Numerical || answerFractions(q) != "1 0.5 0.1 0" ||
			!reflect.DeepEqual(got, []string{"3.14±0.01  pi", "3..3.2  ", "-100±0  ", "* * other"}) {
			t.Errorf("%s %q", answerFractions(q), got)
		}
		if q := parseOne(t, "N{#1822}"); len(q.Answers) != 1 || *q.Answers[0].Value != 1822 || *q.Answers[0].Tolerance != 0 {
			t.Errorf("%+v", q.Answers)
		}
	})
	t.Run("missing word: the answers in mid-sentence", func(t *testing.T) {
		q := parseOne(t, "::T:: Grant is {~buried =entombed} in Grant's tomb.")
		if q.Text != "Grant is " || q.TextAfter != " in Grant's tomb." {
			t.Errorf("%q / %q", q.Text, q.TextAfter)
		}
		if q := parseOne(t, "{=Asia} is big."); q.Text != "" || q.TextAfter != " is big." || q.Type != ShortAnswer {
			t.Errorf("%q / %q", q.Text, q.TextAfter)
		}
		if q := parseOne(t, "Q {=a}   "); q.Text != "Q" || q.TextAfter != "" {
			t.Errorf("answers at the end are no blank: %q / %q", q.Text, q.TextAfter)
		}
	})
	t.Run("essay, description, general feedback", func(t *testing.T) {
		if q := parseOne(t, "Write.{\n####[html]<b>see</b>\n}"); q.Type != Essay || q.GeneralFeedback != "<b>see</b>" || q.GeneralFeedbackFormat != FormatHTML {
			t.Errorf("%+v", q)
		}
		if q := parseOne(t, "::Intro::[markdown]Read *this*\nfirst."); q.Type != Description || q.Text != "Read *this*\nfirst." || q.Format != FormatMarkdown {
			t.Errorf("%+v", q)
		}
		if q := parseOne(t, "Q{=a ~b ####gen}"); q.GeneralFeedback != "gen" || len(q.Answers) != 2 || q.Answers[1].Text != "b" {
			t.Errorf("%+v", q)
		}
	})
	t.Run("ordering: settings line, then one item per line", func(t *testing.T) {
		q := parseOne(t, "Order:{>3 EXACT HORI ABS SHOW\n  first\n  sec\\}ond\n  third\n}")
		want := &OrderingOptions{Count: 3, Select: "ALL", Layout: "HORIZONTAL", Grading: "ABSOLUTE_POSITION", ShowGrading: "SHOW"}
		if q.Type != Ordering || !reflect.DeepEqual(q.Ordering, want) || len(q.Answers) != 3 || q.Answers[1].Text != "sec}ond" {
			t.Errorf("%+v %+v", q, q.Ordering)
		}
	})
	t.Run("formats: the question's is the default of its parts", func(t *testing.T) {
		q := parseOne(t, "[html]<p>Q</p>{=[html]a#[plain]f ~[markdown]*b*}")
		if q.Format != FormatHTML || q.Answers[0].Format != "" || q.Answers[0].FeedbackFormat != FormatPlain ||
			q.Answers[1].Format != FormatMarkdown || q.FormatOf(q.Answers[0].Format) != FormatHTML {
			t.Errorf("%+v", q)
		}
	})
}

// answerFractions lists a question's credits.
func answerFractions(q Question) string {
	var s []string
	for _, a := range q.Answers {
		s = append(s, strconv.FormatFloat(a.Fraction, 'g', -1, 64))
	}
	return strings.Join(s, " ")
}

func TestCategoriesCommentsIDsAndTags(t *testing.T) {
	src := "// [id:ignored: a comment-only block]\n\n$CATEGORY: $course$/top/Unit 1//2/Week\n\n" +
		"// [id:q\\]7] [tag: one ] x [tag:two]\n// [id:second] [tag:<b>]\nQ{}\n\n$CATEGORY: Other\nR{}\n"
	r := Parse([]byte(src))
	if len(r.Errors) > 0 || len(r.Questions) != 2 || len(r.Categories) != 2 {
		t.Fatalf("%+v", r)
	}
	q := r.Questions[0]
	if q.Category != "$course$/top/Unit 1//2/Week" || q.IDNumber != "q]7" || !reflect.DeepEqual(q.Tags, []string{"one", "two"}) {
		t.Errorf("%+v", q)
	}
	if got := SplitCategory(q.Category); !reflect.DeepEqual(got, []string{"Unit 1/2", "Week"}) {
		t.Errorf("SplitCategory = %q", got)
	}
	if r.Questions[1].Category != "Other" || r.Questions[1].Line != 10 {
		t.Errorf("a question right under its $CATEGORY: line: %+v", r.Questions[1])
	}
}

func TestMalformed(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		reason    string
	}{
		{"an unclosed brace", "ok{}\n\nQ{\n=a\n=b\n", 3, "'{' is never closed"},
		{"a closing brace alone", "Q =a }", 1, "'}' without an opening '{'"},
		{"a brace inside the answers", "Q{\n=a\n=b{c}\n}", 3, "'{' inside the answers"},
		{"two answer blocks", "Q{=a} and {=b}", 1, "one answer block"},
		{"an unclosed title", "::Title\nQ{}", 1, "no closing '::'"},
		{"an unknown format prefix", "[latex]Q{}", 1, "unknown format [latex]"},
		{"an unknown format on an answer", "Q{\n=a\n~[wiki]b\n}", 3, "unknown format [wiki]"},
		{"a bad weight", "Q{\n~%fifty%a\n=b}", 2, "bad weight %fifty%"},
		{"a weight over 100%", "Q{~%150%a =b}", 1, "bad weight %150%"},
		{"an unclosed weight", "Q{~%50 a =b}", 1, "no closing %"},
		{"a bad number", "N{#\n=1822\n=3,14:1\n}", 3, `bad number "3,14"`},
		{"a word for a number", "N{#five}", 1, `bad number "five"`},
		{"a range upside down", "N{#5..1}", 1, "minimum is above the maximum"},
		{"a negative tolerance", "N{#5:-1}", 1, "tolerance in \"5:-1\" is negative"},
		{"a value after ~ in a numerical question", "N{#=5 ~6#no}", 1, "takes no number"},
		{"a numerical question with no number", "N{#}", 1, "at least one number"},
		{"an empty choice", "Q{\n=a\n~\n}", 3, "answer is empty"},
		{"one choice only", "Q{~a}", 1, "at least two answers"},
		{"an empty short answer", "Q{=a =#fb}", 1, "answer is empty"},
		{"a pair without ->", "M{\n=a -> b\n=c d -> e\n=f\n}", 4, "needs '->'"},
		{"a pair without an answer", "M{=a -> b =c ->}", 1, "no answer after '->'"},
		{"feedback on a pair", "M{=a -> b#no =c -> d}", 1, "take no feedback"},
		{"one pair only", "M{=a -> b}", 1, "at least two pairs"},
		{"a question without text", "::T::{=a ~b}", 1, "no text"},
		{"an empty category", "$CATEGORY:   \n\nQ{}", 1, "needs a category path"},
		{"an unknown ordering setting", "O{>3 SIDEWAYS\na\nb}", 1, `unknown ordering setting "SIDEWAYS"`},
		{"an ordering question with one item", "O{>1\nonly\n}", 1, "at least two items"},
		{"invalid UTF-8", "ok{}\n\nQ\xff{}", 3, "not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused with its line", func(t *testing.T) {
			r := Parse([]byte(c.src))
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v, questions %+v", r.Errors, r.Questions)
			}
			if e := r.Errors[0]; e.Line != c.line || !strings.Contains(e.Reason, c.reason) {
				t.Errorf("line %d %q, want line %d and %q", e.Line, e.Reason, c.line, c.reason)
			}
		})
	}
}

func TestBlankLineInsideAnswers(t *testing.T) {
	r := Parse([]byte("Q{\n=a\n\n~b\n}\n"))
	if len(r.Questions) != 0 || len(r.Errors) != 2 || r.Errors[0].Line != 1 || r.Errors[1].Line != 5 ||
		!strings.Contains(r.Errors[0].Reason, "a blank line ends a question") {
		t.Errorf("a blank line inside the answers cuts the question in two, both refused: %+v %+v", r.Errors, r.Questions)
	}
}

func TestValidQuestionsSurviveErrors(t *testing.T) {
	src := "A{T}\n\nB{\n~%x%a\n=b\n}\n\n::C::C{=c}\n\nD}\n\nE{}"
	r := Parse([]byte(src))
	var titles []string
	for _, q := range r.Questions {
		titles = append(titles, q.Text)
	}
	if !reflect.DeepEqual(titles, []string{"A", "C", "E"}) {
		t.Errorf("questions %q", titles)
	}
	if len(r.Errors) != 2 || r.Errors[0].Line != 4 || r.Errors[0].Start != 3 || r.Errors[1].Line != 10 || r.Errors[1].Start != 10 {
		t.Errorf("errors %+v", r.Errors)
	}
	err := r.Err()
	if err == nil || !strings.Contains(err.Error(), "line 4: bad weight") || !strings.Contains(err.Error(), "line 10:") {
		t.Errorf("Err() = %v", err)
	}
	if qs, err := ParseStrict([]byte(src)); qs != nil || err == nil {
		t.Errorf("ParseStrict = %v, %v", qs, err)
	}
	if qs, err := ParseStrict([]byte("A{T}\n\nE{}")); len(qs) != 2 || err != nil {
		t.Errorf("ParseStrict of a valid file = %v, %v", qs, err)
	}
}

func TestEmptyFile(t *testing.T) {
	for _, src := range []string{"", "\xef\xbb\xbf", "\n\n  \n", "// only a comment\n"} {
		if r := Parse([]byte(src)); len(r.Questions)+len(r.Errors)+len(r.Categories) != 0 {
			t.Errorf("%q: %+v", src, r)
		}
	}
}

func TestNumbers(t *testing.T) {
	for s, want := range map[string]bool{"3": true, "-3.14": true, "+2": true, ".5": true, "5.": true, "1e3": true,
		"-1.5E-7": true, "0x10": false, "Inf": false, "NaN": false, "1_000": false, "1,5": false, "1e": false,
		".": false, "-": false, "": false, "1e999": false, " 1": false} {
		if _, ok := number(s); ok != want {
			t.Errorf("number(%q) ok = %v", s, ok)
		}
	}
	for s, want := range map[string]bool{"50": true, "-100": true, "100": true, "33.33333": true, "50.": true,
		"100.0001": false, "-101": false, "+50": false, ".5": false, "5e1": false, "": false, "x": false} {
		if _, ok := weight(s); ok != want {
			t.Errorf("weight(%q) ok = %v", s, ok)
		}
	}
}

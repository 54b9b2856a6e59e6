package gift

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTrip exports qs, parses the result and checks that it gives the
// same questions; it returns the GIFT text.
func roundTrip(t *testing.T, qs []Question) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(&buf, qs); err != nil {
		t.Fatalf("export: %v", err)
	}
	back := Parse(buf.Bytes())
	if len(back.Errors) > 0 {
		t.Fatalf("the export does not parse: %v\n%s", back.Errors, buf.String())
	}
	if want, got := withoutLines(qs), withoutLines(back.Questions); !reflect.DeepEqual(want, got) {
		t.Fatalf("round trip changed the questions:\nwant %+v\ngot  %+v\nGIFT:\n%s", want, got, buf.String())
	}
	return buf.String()
}

// withoutLines returns a copy of qs with Line cleared.
func withoutLines(qs []Question) []Question {
	out := make([]Question, len(qs))
	for i, q := range qs {
		q.Line = 0
		out[i] = q
	}
	return out
}

func TestRoundTripFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.gift")
	ok(t, err)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".gift")+" exports and reads back the same", func(t *testing.T) {
			src, err := os.ReadFile(file)
			ok(t, err)
			qs, err := ParseStrict(src)
			ok(t, err)
			roundTrip(t, qs)
		})
	}
}

// f is a float64 pointer for numerical answers.
func f(v float64) *float64 { return &v }

func TestExport(t *testing.T) {
	cases := []struct {
		name string
		q    Question
		want string // the GIFT text of the question
	}{
		{"a single choice question with weights and feedback",
			Question{Type: Single, Title: "Q: 1", Format: FormatMoodle, Text: "Who?", Answers: []Answer{
				{Text: "Grant", Fraction: 0, Feedback: "No"}, {Text: "half", Fraction: 0.5}, {Text: "no one", Fraction: 1, Feedback: "Yes"}}},
			"::Q\\: 1::Who?{\n\t~Grant#No\n\t~%50%half\n\t=no one#Yes\n}\n"},
		{"a single choice question without full credit keeps one = with its weight",
			Question{Type: Single, Format: FormatMoodle, Text: "Q", Answers: []Answer{{Text: "a", Fraction: 0.5}, {Text: "b", Fraction: 0.9}, {Text: "c", Fraction: 0.9}}},
			"Q{\n\t~%50%a\n\t=%90%b\n\t~%90%c\n}\n"},
		{"a single choice question with only full credit keeps one ~",
			Question{Type: Single, Format: FormatMoodle, Text: "Q", Answers: []Answer{{Text: "a", Fraction: 1}, {Text: "b", Fraction: 1}}},
			"Q{\n\t=a\n\t~%100%b\n}\n"},
		{"a multiple choice question uses ~ only",
			Question{Type: Multiple, Format: FormatMoodle, Text: "Q", Answers: []Answer{{Text: "a", Fraction: 0.3333333}, {Text: "b", Fraction: 1}, {Text: "c", Fraction: -1}}},
			"Q{\n\t~%33.33333%a\n\t~%100%b\n\t~%-100%c\n}\n"},
		{"escapes every control character and line breaks",
			Question{Type: ShortAnswer, Format: FormatMoodle, Text: "a~b=c#d{e}f:g\\h\ni", Answers: []Answer{{Text: "x#y", Fraction: 1, Feedback: "1\n2"}}},
			"a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni{\n\t=x\\#y#1\\n2\n}\n"},
		{"a text that starts with a bracket, a percent sign or // gets what keeps it",
			Question{Type: ShortAnswer, Format: FormatMoodle, Text: "// [b] not a comment", Answers: []Answer{{Text: "%d", Fraction: 1}, {Text: "[x]", Fraction: 1}}},
			"[moodle]// [b] not a comment{\n\t=%100%%d\n\t=[moodle][x]\n}\n"},
		{"formats are written where they differ from the question's",
			Question{Type: Single, Format: FormatHTML, Text: "<p>Q</p>", GeneralFeedback: "**g**", GeneralFeedbackFormat: FormatMarkdown,
				Answers: []Answer{{Text: "a", Fraction: 1, Feedback: "f", FeedbackFormat: FormatPlain}, {Text: "b", Format: FormatMoodle}}},
			"[html]<p>Q</p>{\n\t=a#[plain]f\n\t~[moodle]b\n\t####[markdown]**g**\n}\n"},
		{"a missing-word question keeps the text around the blank",
			Question{Type: Single, Format: FormatMoodle, Text: "Grant is ", TextAfter: " in Grant's tomb.", Answers: []Answer{{Text: "buried"}, {Text: "entombed", Fraction: 1}}},
			"Grant is {\n\t~buried\n\t=entombed\n} in Grant's tomb.\n"},
		{"true/false with both feedbacks and general feedback",
			Question{Type: TrueFalse, Format: FormatMoodle, Text: "The sun is a star.", Truth: true, FeedbackWrong: "It is.", FeedbackRight: "Yes.", GeneralFeedback: "G"},
			"The sun is a star.{TRUE#It is.#Yes.####G}\n"},
		{"true/false with only the feedback for a right answer",
			Question{Type: TrueFalse, Format: FormatMoodle, Text: "S", FeedbackRight: "Yes."},
			"S{FALSE##Yes.}\n"},
		{"numerical answers: value, tolerance, range, any other number",
			Question{Type: Numerical, Format: FormatMoodle, Text: "N", Answers: []Answer{
				{Fraction: 1, Value: f(1822), Tolerance: f(0)}, {Fraction: 0.5, Value: f(1822), Tolerance: f(2), Feedback: "close"},
				{Fraction: 0.25, Min: f(-5), Max: f(1e21)}, {Text: "*", Feedback: "no"}}},
			"N{#\n\t=1822\n\t=%50%1822:2#close\n\t=%25%-5..1e+21\n\t=%0%*#no\n}\n"},
		{"matching with a distractor",
			Question{Type: Matching, Format: FormatMoodle, Text: "M", Pairs: []Pair{{Question: "a", Answer: "1"}, {Question: "b", Format: FormatHTML, Answer: "->2"}, {Answer: "3"}}},
			"M{\n\t=a -> 1\n\t=[html]b -> ->2\n\t= -> 3\n}\n"},
		{"an ordering question with its settings",
			Question{Type: Ordering, Format: FormatMoodle, Text: "O", Ordering: &OrderingOptions{Count: 3, Select: "ALL", Grading: "ABSOLUTE_POSITION"},
				Answers: []Answer{{Text: "one"}, {Text: "t{w}o"}, {Text: "three"}}},
			"O{>3 ALL ABSOLUTE_POSITION\n\tone\n\tt\\{w\\}o\n\tthree\n}\n"},
		{"an essay with general feedback, id and tags",
			Question{Type: Essay, Format: FormatMoodle, Text: "E", GeneralFeedback: "g", IDNumber: "q]1", Tags: []string{"a", "b c"}},
			"// [id:q\\]1] [tag:a] [tag:b c]\nE{####g}\n"},
		{"a description",
			Question{Type: Description, Format: FormatMarkdown, Text: "Read *this*."},
			"[markdown]Read *this*.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := roundTrip(t, []Question{c.q})
			if got != c.want {
				t.Errorf("export:\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestExportCategories(t *testing.T) {
	q := func(cat, text string) Question {
		return Question{Type: Essay, Format: FormatMoodle, Category: cat, Text: text}
	}
	t.Run("a category line is written where the category changes", func(t *testing.T) {
		got := roundTrip(t, []Question{q("", "A"), q("u/1", "B"), q("u/1", "C"), q("u/2\\x", "D")})
		want := "A{}\n\n$CATEGORY: u/1\n\nB{}\n\nC{}\n\n$CATEGORY: u/2\\\\x\n\nD{}\n"
		if got != want {
			t.Errorf("export:\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("no category after a category is refused", func(t *testing.T) {
		err := Export(&bytes.Buffer{}, []Question{q("u", "A"), q("", "B")})
		if err == nil || !strings.Contains(err.Error(), "question 2") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestExportRefusesWhatGIFTCannotHold(t *testing.T) {
	two := []Answer{{Text: "a", Fraction: 1}, {Text: "b"}}
	cases := []struct {
		name, want string
		q          Question
	}{
		{"an empty answer", "answer 2: the answer is empty",
			Question{Type: Single, Text: "Q", Answers: []Answer{{Text: "a", Fraction: 1}, {Text: " "}}}},
		{"a credit above 1", "answer 1: the credit 1.5",
			Question{Type: Multiple, Text: "Q", Answers: []Answer{{Text: "a", Fraction: 1.5}, {Text: "b"}}}},
		{"a short answer holding ->", "cannot hold '->'",
			Question{Type: ShortAnswer, Text: "Q", Answers: []Answer{{Text: "a -> b", Fraction: 1}}}},
		{"a pair question holding ->", "pair 1: the question of a pair",
			Question{Type: Matching, Text: "Q", Pairs: []Pair{{Question: "a->b", Answer: "c"}, {Question: "d", Answer: "e"}}}},
		{"a numerical answer with a value and a range", "answer 1: a numerical answer has either",
			Question{Type: Numerical, Text: "Q", Answers: []Answer{{Fraction: 1, Value: f(1), Tolerance: f(0), Min: f(0), Max: f(2)}}}},
		{"a negative tolerance", "answer 1: a numerical answer has either",
			Question{Type: Numerical, Text: "Q", Answers: []Answer{{Fraction: 1, Value: f(1), Tolerance: f(-1)}}}},
		{"a description with general feedback", "a description has no answers",
			Question{Type: Description, Text: "D", GeneralFeedback: "g"}},
		{"a question without text", "the question has no text",
			Question{Type: Single, Text: " ", Answers: two}},
		{"an ordering item starting with //", "answer 2: an item cannot start with //",
			Question{Type: Ordering, Text: "O", Answers: []Answer{{Text: "a"}, {Text: "//b"}}}},
		{"a tag with a line break", "the tag",
			Question{Type: Essay, Text: "E", Tags: []string{"a\nb"}}},
		{"an unknown type", "unknown question type",
			Question{Type: "cloze", Text: "C"}},
		{"an unknown format", "unknown format",
			Question{Type: Essay, Format: "latex", Text: "E"}},
		{"feedback on a choice question's true/false fields", "only a true/false question",
			Question{Type: Single, Text: "Q", Answers: two, FeedbackRight: "x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Export(&buf, []Question{{Type: Essay, Text: "fine"}, c.q})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "question 2") {
				t.Errorf("err = %v, want one about question 2 containing %q", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q before failing", buf.String())
			}
		})
	}
}

func TestPercentReadsBackExactly(t *testing.T) {
	for _, v := range []float64{0, 1, -1, 0.5, 0.3333333, 1.0 / 3, -0.125, 0.1 + 0.2, 1e-9, 0.07} {
		got, ok := weight(percent(v))
		if !ok || got != v {
			t.Errorf("weight(percent(%v) = %q) = %v, %v", v, percent(v), got, ok)
		}
	}
}

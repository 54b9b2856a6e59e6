package gift

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The fixtures in testdata are GIFT files with the parse that another
// project's parser (GIFT-grammar-PEG.js, see testdata/README.md) gives, in
// that project's JSON model. TestFixtures parses each file with Parse, maps
// our questions onto a view of their model, and compares. Where their
// expectation departs from Moodle's documented behaviour we follow Moodle,
// and the case is listed in differences with the reason.

// view is one fixture item in terms both models share.
type view struct {
	Kind           string // MC, TF, Short, Numerical, Matching, Essay, Description, Category
	ID, Title      string
	Tags           []string
	Stem           text
	Embedded       bool // their hasEmbeddedAnswers: the answers stand in mid-sentence
	GlobalFeedback text
	Choices        []choice
	IsTrue         bool
	TrueFeedback   text // shown to a learner who answers TRUE
	FalseFeedback  text // shown to a learner who answers FALSE
	Pairs          []pair
}

// text is a text and its format ("" for an empty text).
type text struct{ Format, Text string }

// choice is an answer: its credit, its text (for a numerical answer, the
// number written as "v±t", "min..max" or "*") and feedback.
type choice struct {
	Fraction       float64
	Text, Feedback text
}

// pair is a matching pair.
type pair struct {
	Question text
	Answer   string
}

// difference is a fixture item whose expected parse departs from Moodle.
type difference struct {
	file   string
	index  int                     // the item in the fixture's JSON list
	adjust func(ours, their *view) // turns the comparison into Moodle's terms
	reason string
}

const (
	tfReason = "their trueFeedback/falseFeedback are the first and second #feedback by position; " +
		"Moodle shows the first to a learner who answered wrong, so for a TRUE question the first is the " +
		"feedback for answering FALSE (docs: 'the first # is the feedback for a wrong answer')"
	linesReason = "their parser joins the lines of a text (and of a feedback) with spaces; Moodle keeps " +
		"the line breaks (a Moodle-format text shows them) and so do we"
)

// differences lists every documented departure, per fixture item.
var differences = []difference{
	{"TFTwoFeedback.gift", 1, swapTheirTF, tfReason},
	{"TFTwoFeedback.gift", 2, swapTheirTF, tfReason},
	{"escapeAll.gift", 0, joinOurLines, linesReason},
	{"giftFormatPhpExamples.gift", 5, joinOurLines, linesReason},
	{"giftFormatPhpExamples.gift", 9, joinOurLines, linesReason},
	{"multiLineFeedback1.gift", 0, joinOurLines, linesReason},
	{"options1.gift", 1, joinOurLines, linesReason},
	{"options1.gift", 2, joinOurLines, linesReason},
	{"options1.gift", 13, joinOurLines, linesReason},
	{"symbolsAll.gift", 0, joinOurLines, linesReason},
}

// swapTheirTF reads their positional true/false feedbacks as Moodle does.
func swapTheirTF(_, their *view) {
	their.TrueFeedback, their.FalseFeedback = their.FalseFeedback, their.TrueFeedback
}

var lineBreak = regexp.MustCompile(`[ \t]*\n[ \t]*`)

// joinOurLines joins the lines of our Moodle-format texts as they do.
func joinOurLines(ours, _ *view) {
	ours.eachText(func(t *text) {
		if t.Format == "moodle" {
			t.Text = lineBreak.ReplaceAllString(t.Text, " ")
		}
	})
}

// eachText calls fn on every text of v.
func (v *view) eachText(fn func(*text)) {
	fn(&v.Stem)
	fn(&v.GlobalFeedback)
	fn(&v.TrueFeedback)
	fn(&v.FalseFeedback)
	for i := range v.Choices {
		fn(&v.Choices[i].Text)
		fn(&v.Choices[i].Feedback)
	}
	for i := range v.Pairs {
		fn(&v.Pairs[i].Question)
	}
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.gift")
	if err != nil || len(files) != 51 {
		t.Fatalf("want the 51 fixtures, found %d (%v)", len(files), err)
	}
	used := make([]bool, len(differences))
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".gift")+" parses as expected", func(t *testing.T) {
			src, err := os.ReadFile(file)
			ok(t, err)
			res := Parse(src)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			ours := ourViews(res)
			theirs := theirViews(t, strings.TrimSuffix(file, ".gift")+".json")
			if len(ours) != len(theirs) {
				t.Fatalf("%d items, want %d:\nours   %+v\ntheirs %+v", len(ours), len(theirs), ours, theirs)
			}
			for i := range ours {
				o, th := ours[i], theirs[i]
				for j, d := range differences {
					if d.file != name || d.index != i {
						continue
					}
					used[j] = true
					if sameView(o, th) {
						t.Errorf("item %d is listed as a difference (%s) but matches without it", i, d.reason)
					}
					d.adjust(&o, &th)
				}
				if !sameView(o, th) {
					t.Errorf("item %d differs:\nours   %+v\ntheirs %+v", i, o, th)
				}
			}
		})
	}
	for j, d := range differences {
		if !used[j] {
			t.Errorf("difference %s #%d matches no fixture item", d.file, d.index)
		}
	}
}

// sameView compares two views, credits to within rounding (they divide the
// percentage by 100 in floating point; we shift the decimal point).
func sameView(a, b view) bool {
	if len(a.Choices) != len(b.Choices) {
		return false
	}
	for i := range a.Choices {
		if math.Abs(a.Choices[i].Fraction-b.Choices[i].Fraction) > 1e-12 {
			return false
		}
		a.Choices[i].Fraction = b.Choices[i].Fraction
	}
	return reflect.DeepEqual(a, b)
}

// ourViews maps a parse onto their model, in file order: a Category item
// for every $CATEGORY: line, then the questions.
func ourViews(res Result) []view {
	var out []view
	cats := res.Categories
	for _, q := range res.Questions {
		for len(cats) > 0 && cats[0].Line < q.Line {
			out, cats = append(out, view{Kind: "Category", Title: cats[0].Path}), cats[1:]
		}
		out = append(out, ourView(q))
	}
	for _, c := range cats {
		out = append(out, view{Kind: "Category", Title: c.Path})
	}
	return out
}

// kinds maps our types onto theirs.
var kinds = map[Type]string{Single: "MC", Multiple: "MC", TrueFalse: "TF", ShortAnswer: "Short",
	Numerical: "Numerical", Matching: "Matching", Essay: "Essay", Description: "Description"}

// ourView maps one question onto their model. Their stem of a
// missing-word question is the text before and after the blank joined
// around " _____ "; ours keeps the two apart.
func ourView(q Question) view {
	v := view{Kind: kinds[q.Type], ID: q.IDNumber, Title: q.Title, Tags: q.Tags}
	stem := q.Text
	if q.TextAfter != "" {
		stem = strings.TrimSpace(strings.TrimSpace(q.Text) + " _____ " + strings.TrimSpace(q.TextAfter))
		v.Embedded = true
	}
	v.Stem = mkText(q.Format, stem)
	v.GlobalFeedback = mkText(q.FormatOf(q.GeneralFeedbackFormat), q.GeneralFeedback)
	for _, a := range q.Answers {
		c := choice{Fraction: a.Fraction, Text: mkText(q.FormatOf(a.Format), a.Text),
			Feedback: mkText(q.FormatOf(a.FeedbackFormat), a.Feedback)}
		if q.Type == Numerical {
			c.Text = text{Text: numberText(a.Value, a.Tolerance, a.Min, a.Max)}
		}
		v.Choices = append(v.Choices, c)
	}
	for _, p := range q.Pairs {
		v.Pairs = append(v.Pairs, pair{mkText(q.FormatOf(p.Format), p.Question), p.Answer})
	}
	if q.Type == TrueFalse {
		right := mkText(q.FormatOf(q.FeedbackRightFormat), q.FeedbackRight)
		wrong := mkText(q.FormatOf(q.FeedbackWrongFormat), q.FeedbackWrong)
		v.IsTrue, v.TrueFeedback, v.FalseFeedback = q.Truth, wrong, right
		if q.Truth {
			v.TrueFeedback, v.FalseFeedback = right, wrong
		}
	}
	return v
}

// mkText makes a text, without a format when it is empty.
func mkText(f Format, s string) text {
	if s == "" {
		return text{}
	}
	return text{string(f), s}
}

// numberText writes a numerical answer for comparison.
func numberText(value, tol, lo, hi *float64) string {
	switch {
	case value != nil && tol != nil:
		return fmt.Sprintf("%v±%v", *value, *tol)
	case lo != nil && hi != nil:
		return fmt.Sprintf("%v..%v", *lo, *hi)
	}
	return "*"
}

// theirViews reads a fixture's expected parse.
func theirViews(t *testing.T, path string) []view {
	t.Helper()
	data, err := os.ReadFile(path)
	ok(t, err)
	var items []map[string]any
	ok(t, json.Unmarshal(data, &items))
	out := make([]view, len(items))
	for i, m := range items {
		out[i] = theirView(m)
	}
	return out
}

// theirView reads one item of their model.
func theirView(m map[string]any) view {
	str := func(x any) string { s, _ := x.(string); return s }
	v := view{Kind: str(m["type"]), ID: str(m["id"]), Title: str(m["title"])}
	if v.Kind == "Category" {
		return v
	}
	if tags, ok := m["tags"].([]any); ok {
		for _, tag := range tags {
			v.Tags = append(v.Tags, str(tag))
		}
	}
	v.Stem, v.GlobalFeedback = theirText(m["stem"]), theirText(m["globalFeedback"])
	v.Embedded = m["hasEmbeddedAnswers"] == true
	switch choices := m["choices"].(type) {
	case map[string]any: // a numerical question's single answer
		v.Choices = []choice{{Fraction: 1, Text: text{Text: theirNumber(choices)}}}
	case []any:
		for _, c := range choices {
			c := c.(map[string]any)
			ch := choice{Fraction: 0, Feedback: theirText(c["feedback"])}
			if c["isCorrect"] == true {
				ch.Fraction = 1
			}
			if w, ok := c["weight"].(float64); ok {
				ch.Fraction = w / 100
			}
			if v.Kind == "Numerical" {
				ch.Text = text{Text: theirNumber(c["text"].(map[string]any))}
			} else {
				ch.Text = theirText(c["text"])
			}
			v.Choices = append(v.Choices, ch)
		}
	}
	if v.Kind == "TF" {
		v.IsTrue = m["isTrue"] == true
		v.TrueFeedback, v.FalseFeedback = theirText(m["trueFeedback"]), theirText(m["falseFeedback"])
	}
	if pairs, ok := m["matchPairs"].([]any); ok {
		for _, p := range pairs {
			p := p.(map[string]any)
			v.Pairs = append(v.Pairs, pair{theirText(p["subquestion"]), str(p["subanswer"])})
		}
	}
	return v
}

// theirText reads a {format, text} object (or null).
func theirText(x any) text {
	m, _ := x.(map[string]any)
	f, _ := m["format"].(string)
	s, _ := m["text"].(string)
	return mkText(Format(f), s)
}

// theirNumber reads a numerical answer: {type: simple|range|high-low} or,
// for any other number, {format, text: "*"}.
func theirNumber(m map[string]any) string {
	f := func(k string) *float64 {
		if x, ok := m[k].(float64); ok {
			return &x
		}
		return nil
	}
	zero := 0.0
	switch m["type"] {
	case "simple":
		return numberText(f("number"), &zero, nil, nil)
	case "range":
		return numberText(f("number"), f("range"), nil, nil)
	case "high-low":
		return numberText(nil, nil, f("numberLow"), f("numberHigh"))
	}
	return "*"
}

// ok fails the test on an error.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

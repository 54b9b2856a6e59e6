package question

import (
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// presentedOf returns the presented id of a stored id in domain dom.
func presentedOf(g *Grader, dom, id string) string { return g.ids[dom].out[id] }

func TestDecodeRefusesBadResponses(t *testing.T) {
	single, multi, match, order, blanks := grader(t, singleQ(), 1), grader(t, multipleQ(), 1),
		grader(t, matchingQ(), 1), grader(t, orderingQ(), 1), grader(t, blanksQ(), 1)
	paris := presentedOf(single, domChoice, "ANSWER-paris")
	lyon := presentedOf(single, domChoice, "lyon")
	two := presentedOf(multi, domChoice, "ANSWER-two")
	stem := presentedOf(match, domStem, "ANSWER-p1")
	ans := presentedOf(match, domAnswer, "ANSWER-p1")
	items := order.ids[domItem].encodeAll([]string{"ANSWER-i1", "ANSWER-i2", "ANSWER-i3", "ANSWER-i4", "ANSWER-i5"})
	city := presentedOf(blanks, domGap, "city")
	big := strings.Repeat("x", 10_000)
	for _, c := range []struct {
		name  string
		g     *Grader
		r     lms.Response
		code  string
		field string
	}{
		{"unknown choice id", single, lms.Response{Choices: []string{"nope"}}, lms.EINVALID, "choices"},
		{"stored id instead of the presented one", single, lms.Response{Choices: []string{"ANSWER-paris"}}, lms.EINVALID, "choices"},
		{"two choices on single", single, lms.Response{Choices: []string{paris, lyon}}, lms.EINVALID, "choices"},
		{"the same choice twice", multi, lms.Response{Choices: []string{two, two}}, lms.EINVALID, "choices"},
		{"a thousand choices", multi, lms.Response{Choices: make([]string, 1000)}, lms.ETOOLARGE, ""},
		{"text on a choice question", single, lms.Response{Text: "Paris"}, lms.EINVALID, "text"},
		{"choices on a true/false question", grader(t, trueFalseQ(), 1), lms.Response{Choices: []string{paris}}, lms.EINVALID, "choices"},
		{"10 kB short answer", grader(t, shortQ(), 1), lms.Response{Text: big}, lms.ETOOLARGE, "text"},
		{"10 kB number", grader(t, numericalQ(), 1), lms.Response{Text: big}, lms.ETOOLARGE, "text"},
		{"NUL byte in text", grader(t, shortQ(), 1), lms.Response{Text: "a\x00b"}, lms.EINVALID, "text"},
		{"invalid UTF-8", grader(t, shortQ(), 1), lms.Response{Text: "a\xffb"}, lms.EINVALID, "text"},
		{"unknown stem", match, lms.Response{Matches: map[string]string{"zzz": ans}}, lms.EINVALID, "matches"},
		{"unknown matching answer", match, lms.Response{Matches: map[string]string{stem: "zzz"}}, lms.EINVALID, "matches"},
		{"stem id used as an answer", match, lms.Response{Matches: map[string]string{stem: stem}}, lms.EINVALID, "matches"},
		{"order missing an item", order, lms.Response{Order: items[:4]}, lms.EINVALID, "order"},
		{"order with an item twice", order, lms.Response{Order: append(items[:4:4], items[0])}, lms.EINVALID, "order"},
		{"unknown gap", blanks, lms.Response{Gaps: map[string]string{"nope": "x"}}, lms.EINVALID, "gaps"},
		{"unknown dropdown option", blanks, lms.Response{Gaps: map[string]string{city: "nope"}}, lms.EINVALID, "gaps"},
		{"10 kB gap", blanks, lms.Response{Gaps: map[string]string{presentedOf(blanks, domGap, "cap"): big}}, lms.ETOOLARGE, "gaps"},
		{"too many uploads", grader(t, essayQ(), 1), lms.Response{Uploads: []int64{1, 2, 3}}, lms.EINVALID, "uploads"},
		{"the same upload twice", grader(t, essayQ(), 1), lms.Response{Uploads: []int64{4, 4}}, lms.EINVALID, "uploads"},
		{"a bad upload id", grader(t, essayQ(), 1), lms.Response{Uploads: []int64{-1}}, lms.EINVALID, "uploads"},
		{"an essay over its limit", grader(t, essayQ(), 1), lms.Response{Text: strings.Repeat("x", lms.MaxEssayResponseBytes+1)}, lms.ETOOLARGE, "text"},
		{"an answer to a description", grader(t, descriptionQ(), 1), lms.Response{Text: "hi"}, lms.EINVALID, "text"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.g.Decode(c.r)
			e, ok := err.(*lms.Error)
			if !ok || e.Code != c.code || e.Field != c.field {
				t.Fatalf("got %#v, want code %s field %q", err, c.code, c.field)
			}
			if len(e.Message) > 300 {
				t.Fatalf("message of %d bytes", len(e.Message))
			}
		})
	}
}

func TestDecodeKeepsTextsVerbatim(t *testing.T) {
	essay := strings.Repeat("<b>bold</b> '; DROP TABLE attempts; -- ", 250) // 10 kB of HTML and SQL
	g := grader(t, essayQ(), 1)
	r, err := g.Decode(lms.Response{Text: essay, Uploads: []int64{9}})
	if err != nil || r.Text != essay || len(r.Uploads) != 1 {
		t.Fatalf("%v %d", err, len(r.Text))
	}
	short := "<script>alert('x')</script> OR 1=1"
	if r, err := grader(t, shortQ(), 1).Decode(lms.Response{Text: short}); err != nil || r.Text != short {
		t.Fatalf("%v %q", err, r.Text)
	}
}

func TestDecodeNormalises(t *testing.T) {
	match := grader(t, matchingQ(), 1)
	r, err := match.Decode(lms.Response{Matches: map[string]string{
		presentedOf(match, domStem, "ANSWER-p2"): presentedOf(match, domAnswer, "ANSWER-p2"),
		presentedOf(match, domStem, "ANSWER-p3"): "",
	}})
	if err != nil || len(r.Matches) != 1 || r.Matches["ANSWER-p2"] != "ANSWER-p2" {
		t.Fatalf("%v %+v", err, r.Matches)
	}
	// ANSWER-p4's answer is "Rome" like ANSWER-p2's: a stored response
	// naming either is normalised to the one drop-down entry.
	res := grade(t, match, lms.Response{Matches: map[string]string{"ANSWER-p4": "ANSWER-p4"}})
	if res.Response.Matches["ANSWER-p4"] != "ANSWER-p2" || res.Parts[3].Fraction != 1 {
		t.Fatalf("%+v", res)
	}
	blanks := grader(t, blanksQ(), 1)
	r, err = blanks.Decode(lms.Response{Gaps: map[string]string{presentedOf(blanks, domGap, "cap"): "", presentedOf(blanks, domGap, "city"): ""}})
	if err != nil || r.Gaps != nil || !r.Empty() {
		t.Fatalf("%v %+v", err, r)
	}
}

func TestPresentedIDsDependOnTheSeed(t *testing.T) {
	a, b := grader(t, singleQ(), 1), grader(t, singleQ(), 2)
	if presentedOf(a, domChoice, "ANSWER-paris") == presentedOf(b, domChoice, "ANSWER-paris") {
		t.Fatal("two attempts see the same id")
	}
	if presentedOf(a, domChoice, "ANSWER-paris") != presentedOf(grader(t, singleQ(), 1), domChoice, "ANSWER-paris") {
		t.Fatal("a reload sees another id")
	}
	// A presented id of another attempt is refused.
	if _, err := b.Decode(lms.Response{Choices: []string{presentedOf(a, domChoice, "ANSWER-paris")}}); err == nil {
		t.Fatal("another attempt's id was accepted")
	}
}

func TestNewIDMapMapsEachIDOnce(t *testing.T) {
	m := newIDMap(1, "d", []string{"a", "b", "a"})
	if len(m.in) != 2 || m.in[m.out["a"]] != "a" || m.in[m.out["b"]] != "b" {
		t.Fatalf("%+v", m)
	}
}

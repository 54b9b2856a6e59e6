package question

import (
	"fmt"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestTallyChoices(t *testing.T) {
	tl := NewTally(multipleQ())
	for _, r := range []lms.Response{
		{Choices: []string{"ANSWER-two", "four"}},
		{Choices: []string{"four"}},
		{},
	} {
		tl.Add(r)
	}
	if tl.Responses != 3 || tl.Answered != 2 || tl.Counts["four"] != 2 || tl.Counts["ANSWER-two"] != 1 {
		t.Fatalf("%+v", tl)
	}
	if top := Top(tl.Counts, 1); len(top) != 1 || top[0] != (Count{"four", 2}) {
		t.Fatalf("top %+v", top)
	}
}

func TestTallyTypes(t *testing.T) {
	for _, c := range []struct {
		q    *lms.Question
		r    lms.Response
		key  string
		word string
	}{
		{trueFalseQ(), lms.Response{Bool: boolp(false)}, "false", ""},
		{shortQ(), lms.Response{Text: "  William  SHAKESPEARE "}, "william shakespeare", "shakespeare"},
		{numericalQ(), lms.Response{Text: " 7381.25  m "}, "7381.25 m", ""},
		{matchingQ(), lms.Response{Matches: map[string]string{"ANSWER-p2": "ANSWER-d1", "ANSWER-p1": "ANSWER-p1"}}, "ANSWER-p2=ANSWER-d1", ""},
		{orderingQ(), lms.Response{Order: []string{"ANSWER-i2", "ANSWER-i1", "ANSWER-i3", "ANSWER-i4", "ANSWER-i5"}}, "ANSWER-i2,ANSWER-i1,ANSWER-i3,ANSWER-i4,ANSWER-i5", ""},
		{blanksQ(), lms.Response{Gaps: map[string]string{"city": "fr"}}, "city=fr", ""},
		{essayQ(), lms.Response{Text: "Cats, cats and dogs!"}, "", "cats"},
	} {
		tl := NewTally(c.q)
		tl.Add(c.r)
		if c.key != "" && tl.Counts[c.key] != 1 {
			t.Errorf("%s: counts %v, want %q", c.q.Type, tl.Counts, c.key)
		}
		if c.word != "" && tl.Words[c.word] == 0 {
			t.Errorf("%s: words %v, want %q", c.q.Type, tl.Words, c.word)
		}
	}
	tl := NewTally(essayQ())
	tl.Add(lms.Response{Text: "Cats, cats and dogs!"})
	if tl.Words["cats"] != 2 || tl.Words["dogs"] != 1 || len(tl.Counts) != 0 {
		t.Fatalf("%+v", tl)
	}
}

func TestTallyIsBounded(t *testing.T) {
	tl := NewTally(shortQ())
	for i := range 3000 {
		tl.Add(lms.Response{Text: fmt.Sprintf("answer %d", i)})
	}
	if len(tl.Counts) != maxTallyKeys || len(tl.Words) != maxTallyKeys || tl.Other == 0 {
		t.Fatalf("%d counts, %d words, %d other", len(tl.Counts), len(tl.Words), tl.Other)
	}
}

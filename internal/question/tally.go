package question

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Tally bounds: a tally's memory stays small whatever learners type.
const (
	maxTallyKeys  = 1000 // distinct answers (and distinct words) counted; the rest go to Other
	maxWordRunes  = 40   // longer words are cut
	maxWordsTexts = 200  // words read from one text
)

// Tally aggregates stored responses to one question for an answer
// distribution (a live quiz's chart, a quiz's statistics) and, for typed
// text, a word cloud. It is not safe for concurrent use.
type Tally struct {
	q         *lms.Question
	Responses int            `json:"responses"` // responses added, answered or not
	Answered  int            `json:"answered"`
	Counts    map[string]int `json:"counts"`          // by key; see NewTally
	Words     map[string]int `json:"words,omitempty"` // shortanswer and essay: lower-cased words
	Other     int            `json:"other,omitempty"` // answers and words past the distinct-key bound
}

// NewTally starts a tally for q. The keys of Counts: single and multiple
// a choice id (one count per chosen choice); truefalse "true" or "false";
// shortanswer the answer trimmed, spaces collapsed, lower-cased unless the
// question is case-sensitive; numerical and calculated the typed text,
// trimmed; matching "pair=answer"; ordering the item ids joined by ",";
// blanks "gap=value"; essay nothing (Words only).
func NewTally(q *lms.Question) *Tally {
	return &Tally{q: q, Counts: map[string]int{}, Words: map[string]int{}}
}

// Add counts one stored (valid, normalised) response.
func (t *Tally) Add(r lms.Response) {
	t.Responses++
	if r.Empty() {
		return
	}
	t.Answered++
	switch t.q.Type {
	case lms.QSingle, lms.QMultiple:
		for _, c := range r.Choices {
			t.count(c)
		}
	case lms.QTrueFalse:
		if r.Bool != nil {
			t.count(strconv.FormatBool(*r.Bool))
		}
	case lms.QShortAnswer:
		k := squash(r.Text)
		if b := t.q.Body.ShortAnswer; b != nil && !b.CaseSensitive {
			k = strings.ToLower(k)
		}
		t.count(k)
		t.words(r.Text)
	case lms.QNumerical, lms.QCalculated:
		t.count(squash(r.Text))
	case lms.QMatching:
		for _, s := range slices.Sorted(maps.Keys(r.Matches)) {
			t.count(s + "=" + r.Matches[s])
		}
	case lms.QOrdering:
		t.count(strings.Join(r.Order, ","))
	case lms.QBlanks:
		for _, g := range slices.Sorted(maps.Keys(r.Gaps)) {
			t.count(g + "=" + squash(r.Gaps[g]))
		}
	case lms.QEssay:
		t.words(r.Text)
	}
}

// count adds one to key, or to Other once maxTallyKeys keys exist.
func (t *Tally) count(key string) {
	if _, ok := t.Counts[key]; ok || len(t.Counts) < maxTallyKeys {
		t.Counts[key]++
		return
	}
	t.Other++
}

// words counts the lower-cased words (runs of letters and digits) of text.
func (t *Tally) words(text string) {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range fields {
		if i == maxWordsTexts {
			break
		}
		if r := []rune(w); len(r) > maxWordRunes {
			w = string(r[:maxWordRunes])
		}
		if _, ok := t.Words[w]; ok || len(t.Words) < maxTallyKeys {
			t.Words[w]++
		} else {
			t.Other++
		}
	}
}

// Count is one key and how often it was counted.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Top returns the n most frequent keys of counts (Counts or Words), most
// frequent first, ties by key.
func Top(counts map[string]int, n int) []Count {
	out := make([]Count, 0, len(counts))
	for k, c := range counts {
		out = append(out, Count{k, c})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return out[:min(n, len(out))]
}

package gift

import (
	"strconv"
	"strings"
)

// answers reads the inside of the braces, [lo, hi) (trimmed, general
// feedback removed), deciding the type in Moodle's order: nothing is an
// essay; ">" and a number an ordering question; a leading "#" numerical; a
// "~" anywhere a choice question; "=" with "->" matching; T, TRUE, F or
// FALSE true/false; anything else short answer. It returns the offset of
// each answer or pair, for error lines.
func (b *block) answers(q *Question, lo, hi int) ([]int, *failure) {
	m := b.m[lo:hi]
	switch {
	case m == "":
		q.Type = Essay
		return nil, nil
	case orderingHeader(m):
		return b.ordering(q, lo, hi)
	case m[0] == '#':
		return b.numerical(q, lo+1, hi)
	case strings.IndexByte(m, '~') >= 0:
		q.Type = Multiple // as in Moodle: Single when any answer has "="
		if strings.IndexByte(m, '=') >= 0 {
			q.Type = Single
		}
		return b.choices(q, lo, hi, "~=")
	case strings.IndexByte(m, '=') >= 0 && strings.Contains(m, "->"):
		return b.matching(q, lo, hi)
	}
	if ok, f := b.trueFalse(q, lo, hi); ok || f != nil {
		return nil, f
	}
	q.Type = ShortAnswer
	return b.choices(q, lo, hi, "=")
}

// item is one answer or pair inside the braces: the offset of its marker
// ('=' or '~'; for text before the first marker, marker is 0 and at is
// where the text starts) and its extent after the marker.
type item struct {
	marker byte
	at     int
	lo, hi int
}

// items cuts [lo, hi) at every unescaped marker byte. Text before the
// first marker is an item of its own unless it is blank: Moodle reads it
// as an answer without a marker.
func (b *block) items(lo, hi int, markers string) []item {
	var out []item
	cur := item{at: b.skip(lo, hi), lo: lo}
	add := func(it item) {
		if it.marker != 0 || !blank(b.s[it.lo:it.hi]) {
			out = append(out, it)
		}
	}
	for pos := lo; ; {
		i := strings.IndexAny(b.m[pos:hi], markers)
		if i < 0 {
			cur.hi = hi
			add(cur)
			return out
		}
		cur.hi = pos + i
		add(cur)
		cur = item{marker: b.m[pos+i], at: pos + i, lo: pos + i + 1}
		pos += i + 1
	}
}

// body reads the parts of an answer item: "[%weight%] text [#feedback]".
// It returns the fraction (def without a weight), the extent of the text,
// and where the feedback starts (-1 without one).
func (b *block) body(it item, def float64) (frac float64, tLo, tHi, fbLo int, f *failure) {
	pos := b.skip(it.lo, it.hi)
	frac = def
	if pos < it.hi && b.m[pos] == '%' {
		end := b.find(pos+1, it.hi, '%')
		if end < 0 {
			return 0, 0, 0, 0, fail(pos, "the weight has no closing %% (write weights as %%50%%)")
		}
		w := b.s[pos+1 : end]
		v, ok := weight(w)
		if !ok {
			return 0, 0, 0, 0, fail(pos, "bad weight %%%s%%: want a percentage from -100 to 100, as in %%50%% or %%-33.3%%", w)
		}
		frac, pos = v, end+1
	}
	tHi, fbLo = it.hi, -1
	if h := b.find(pos, it.hi, '#'); h >= 0 {
		tHi, fbLo = h, h+1
	}
	return frac, pos, tHi, fbLo, nil
}

// answer reads a choice or short answer item: weight, text and feedback.
func (b *block) answer(it item, def float64, qf Format) (Answer, *failure) {
	var a Answer
	frac, tLo, tHi, fbLo, f := b.body(it, def)
	if f != nil {
		return a, f
	}
	a.Fraction = frac
	if a.Text, a.Format, f = b.text(tLo, tHi, qf); f != nil || fbLo < 0 {
		return a, f
	}
	a.Feedback, a.FeedbackFormat, f = b.text(fbLo, it.hi, qf)
	return a, f
}

// choices reads the answers of a choice question (markers "~=") or of a
// short-answer question (markers "="), whose Type the caller has set. In a
// choice question "=" marks a right answer (full credit unless weighted)
// and "~" a wrong or weighted one; unlike Moodle, a weight after "=" is
// read ("=%50%" is half credit; Moodle would keep "%50%" as answer text).
// A short answer has full credit unless weighted.
func (b *block) choices(q *Question, lo, hi int, markers string) ([]int, *failure) {
	var offs []int
	for _, it := range b.items(lo, hi, markers) {
		def := 0.0
		if it.marker == '=' || q.Type == ShortAnswer {
			def = 1
		}
		a, f := b.answer(it, def, q.Format)
		if f != nil {
			return nil, f
		}
		q.Answers, offs = append(q.Answers, a), append(offs, it.at)
	}
	return offs, nil
}

// trueFalse reads {T}, {TRUE}, {F} or {FALSE} with up to two feedbacks:
// the first is shown to a learner who answered wrong, the second (which
// runs to the end, "#" included, as in Moodle) to one who answered right.
// It reports false when the answers are not true/false.
func (b *block) trueFalse(q *Question, lo, hi int) (bool, *failure) {
	h := b.find(lo, hi, '#')
	end := hi
	if h >= 0 {
		end = h
	}
	switch trim(b.s[lo:end]) {
	case "T", "TRUE":
		q.Truth = true
	case "F", "FALSE":
	default:
		return false, nil
	}
	q.Type = TrueFalse
	if h < 0 {
		return true, nil
	}
	h2 := b.find(h+1, hi, '#')
	end = hi
	if h2 >= 0 {
		end = h2
	}
	var f *failure
	if q.FeedbackWrong, q.FeedbackWrongFormat, f = b.text(h+1, end, q.Format); f != nil || h2 < 0 {
		return true, f
	}
	q.FeedbackRight, q.FeedbackRightFormat, f = b.text(h2+1, hi, q.Format)
	return true, f
}

// numerical reads the answers after "#": numbers ("3.14:0.01" with a
// tolerance, "1..5" a range), each "=" with full credit unless weighted,
// "*" for any other number, and "~#feedback" (Moodle's form for the
// feedback on any other number, read as "*" with no credit).
func (b *block) numerical(q *Question, lo, hi int) ([]int, *failure) {
	q.Type = Numerical
	var offs []int
	for _, it := range b.items(lo, hi, "=~") {
		def := 1.0
		if it.marker == '~' {
			def = 0
		}
		frac, tLo, tHi, fbLo, f := b.body(it, def)
		if f != nil {
			return nil, f
		}
		a := Answer{Fraction: frac}
		v := trim(unescape(b.s[tLo:tHi]))
		if it.marker == '~' {
			if v != "" && v != "*" {
				return nil, fail(it.at, "in a numerical question, ~ gives the feedback for any other number "+
					"and takes no number (as in ~#Sorry); write other answers with =")
			}
			v = "*"
		}
		if reason := setNumber(&a, v); reason != "" {
			return nil, fail(it.at, "%s", reason)
		}
		if fbLo >= 0 {
			if a.Feedback, a.FeedbackFormat, f = b.text(fbLo, it.hi, q.Format); f != nil {
				return nil, f
			}
		}
		q.Answers, offs = append(q.Answers, a), append(offs, it.at)
	}
	return offs, nil
}

// setNumber reads a numerical answer's value as Moodle does: "*" (any
// number), "min..max", "value:tolerance" or "value". It returns why the
// value cannot be read, or "".
func setNumber(a *Answer, v string) string {
	if v == "*" {
		a.Text = "*"
		return ""
	}
	if v == "" {
		return "an answer has no number"
	}
	bad := func(s string) string {
		return "bad number " + strconv.Quote(s) + " in " + strconv.Quote(v) + ": write numbers as 3.14, -2 or 1.5e3"
	}
	if i := strings.Index(v, ".."); i > 0 {
		lo, ok := number(trim(v[:i]))
		if !ok {
			return bad(trim(v[:i]))
		}
		hi, ok := number(trim(v[i+2:]))
		if !ok {
			return bad(trim(v[i+2:]))
		}
		if lo > hi {
			return "in the range " + strconv.Quote(v) + " the minimum is above the maximum"
		}
		a.Min, a.Max = &lo, &hi
		return ""
	}
	val, tol := v, "0"
	if i := strings.IndexByte(v, ':'); i > 0 {
		val, tol = trim(v[:i]), trim(v[i+1:])
	}
	x, ok := number(val)
	if !ok {
		return bad(val)
	}
	t, ok := number(tol)
	if !ok {
		return bad(tol)
	}
	if t < 0 {
		return "the tolerance in " + strconv.Quote(v) + " is negative"
	}
	a.Value, a.Tolerance = &x, &t
	return ""
}

// matching reads pairs "=question -> answer" (the first "->" splits). A
// pair with no question is an extra answer, as in Moodle. Pairs take no
// feedback or weight.
func (b *block) matching(q *Question, lo, hi int) ([]int, *failure) {
	q.Type = Matching
	var offs []int
	for _, it := range b.items(lo, hi, "=") {
		pos := b.skip(it.lo, it.hi)
		arrow := strings.Index(b.m[pos:it.hi], "->")
		if arrow < 0 {
			return nil, fail(it.at, "a pair needs '->' between its question and its answer, as in =Canada -> Ottawa")
		}
		arrow += pos
		if h := b.find(pos, it.hi, '#'); h >= 0 {
			return nil, fail(h, "matching pairs take no feedback (write \\# for a literal #)")
		}
		var p Pair
		var f *failure
		if p.Question, p.Format, f = b.text(pos, arrow, q.Format); f != nil {
			return nil, f
		}
		p.Answer = trim(unescape(b.s[arrow+2 : it.hi]))
		q.Pairs, offs = append(q.Pairs, p), append(offs, it.at)
	}
	return offs, nil
}

// orderingHeader reports whether answers m start like an ordering
// question: ">" and the number of items to show on the same line.
func orderingHeader(m string) bool {
	if m[0] != '>' {
		return false
	}
	i := 1
	for i < len(m) && (m[i] == ' ' || m[i] == '\t') {
		i++
	}
	return i < len(m) && '0' <= m[i] && m[i] <= '9'
}

// The keywords of an ordering question's first line, in the order Moodle
// reads them, each alias mapped to its canonical name.
var (
	orderSelect = map[string]string{"ALL": "ALL", "EXACT": "ALL", "RANDOM": "RANDOM", "REL": "RANDOM",
		"CONTIGUOUS": "CONTIGUOUS", "CONTIG": "CONTIGUOUS"}
	orderLayout = map[string]string{"HORIZONTAL": "HORIZONTAL", "HORI": "HORIZONTAL", "H": "HORIZONTAL",
		"1": "HORIZONTAL", "VERTICAL": "VERTICAL", "VERT": "VERTICAL", "V": "VERTICAL", "0": "VERTICAL"}
	orderGrading = map[string]string{"ALL_OR_NOTHING": "ALL_OR_NOTHING",
		"ABSOLUTE_POSITION": "ABSOLUTE_POSITION", "ABSOLUTE": "ABSOLUTE_POSITION", "ABS": "ABSOLUTE_POSITION",
		"RELATIVE_NEXT_EXCLUDE_LAST": "RELATIVE_NEXT_EXCLUDE_LAST", "RELATIVE": "RELATIVE_NEXT_EXCLUDE_LAST",
		"REL": "RELATIVE_NEXT_EXCLUDE_LAST", "RELATIVE_NEXT_INCLUDE_LAST": "RELATIVE_NEXT_INCLUDE_LAST",
		"RELATIVE_ONE_PREVIOUS_AND_NEXT": "RELATIVE_ONE_PREVIOUS_AND_NEXT",
		"RELATIVE_ALL_PREVIOUS_AND_NEXT": "RELATIVE_ALL_PREVIOUS_AND_NEXT",
		"RELATIVE_TO_CORRECT":            "RELATIVE_TO_CORRECT", "LONGEST_ORDERED_SUBSET": "LONGEST_ORDERED_SUBSET",
		"LONGEST_CONTIGUOUS_SUBSET": "LONGEST_CONTIGUOUS_SUBSET"}
	orderShow = map[string]string{"SHOW": "SHOW", "TRUE": "SHOW", "YES": "SHOW", "1": "SHOW",
		"HIDE": "HIDE", "FALSE": "HIDE", "NO": "HIDE", "0": "HIDE"}
)

// ordering reads an ordering question (Moodle's ordering question type):
// "{>count [select] [layout] [grading] [show]" on the first line, then one
// item per line in the right order.
func (b *block) ordering(q *Question, lo, hi int) ([]int, *failure) {
	q.Type = Ordering
	eol := b.find(lo, hi, '\n')
	if eol < 0 {
		eol = hi
	}
	fields := strings.Fields(b.s[lo+1 : eol])
	count, err := strconv.Atoi(fields[0])
	if err != nil {
		return nil, fail(lo, "bad number of items to show %q after {>", fields[0])
	}
	o := &OrderingOptions{Count: count}
	rest := fields[1:]
	for _, kw := range []struct {
		names map[string]string
		dst   *string
	}{{orderSelect, &o.Select}, {orderLayout, &o.Layout}, {orderGrading, &o.Grading}, {orderShow, &o.ShowGrading}} {
		if len(rest) > 0 && kw.names[rest[0]] != "" {
			*kw.dst, rest = kw.names[rest[0]], rest[1:]
		}
	}
	if len(rest) > 0 {
		return nil, fail(lo, "unknown ordering setting %q: the first line is {>count, then optionally "+
			"ALL/RANDOM/CONTIGUOUS, VERTICAL/HORIZONTAL, a grading type and SHOW/HIDE, in that order; "+
			"the items follow one per line", rest[0])
	}
	q.Ordering = o
	var offs []int
	for pos := eol; pos < hi; {
		end := b.find(pos+1, hi, '\n')
		if end < 0 {
			end = hi
		}
		if t := trim(unescape(b.s[pos+1 : end])); t != "" {
			q.Answers, offs = append(q.Answers, Answer{Text: t}), append(offs, b.skip(pos+1, end))
		}
		pos = end
	}
	return offs, nil
}

package gift

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Result is what Parse read from a file.
type Result struct {
	// Questions are the questions that were read, in file order.
	Questions []Question
	// Categories are the $CATEGORY: lines that were read, in file order,
	// including those with no question under them.
	Categories []Category
	// Errors are the questions and lines that could not be read, in file
	// order; the questions around them are still in Questions.
	Errors []Error
}

// Category is one $CATEGORY: line.
type Category struct {
	Line int    // the line of the file
	Path string // the path as written, trimmed; see SplitCategory
}

// Error is a question or line Parse could not read.
type Error struct {
	// Line is the line of the problem.
	Line int
	// Start is the first line of the question (or $CATEGORY: line) that was
	// skipped because of it.
	Start int
	// Reason says what is wrong, for a person.
	Reason string
}

// Error implements error.
func (e Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Err returns nil when every question was read, or an error listing every
// Error otherwise.
func (r *Result) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	errs := make([]error, len(r.Errors))
	for i, e := range r.Errors {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// ParseStrict is Parse for a caller that imports all or nothing: it returns
// the questions only when the whole file was read, and Result.Err otherwise.
func ParseStrict(src []byte) ([]Question, error) {
	r := Parse(src)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return r.Questions, nil
}

// bom is the UTF-8 byte order mark some editors put at the start of a file.
var bom = []byte("\xef\xbb\xbf")

// Parse reads a GIFT file. A file that is not valid UTF-8 is refused as a
// whole (one Error, no questions): reading a file in another encoding
// question by question would import garbled text. Otherwise every question
// that cannot be read gives an Error and the others are returned.
//
// Parsing takes time and memory linear in the size of src.
func Parse(src []byte) Result {
	var r Result
	src = bytes.TrimPrefix(src, bom)
	if !utf8.Valid(src) {
		n := invalidLine(src)
		r.Errors = append(r.Errors, Error{Line: n, Start: n,
			Reason: "the file is not valid UTF-8 text: save it as UTF-8 (Unicode) and import it again"})
		return r
	}
	s := string(src)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	p := parser{res: &r}
	var lines []srcLine
	for no := 1; s != ""; no++ {
		text := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			text, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if blank(text) {
			p.block(lines)
			lines = lines[:0]
			continue
		}
		lines = append(lines, srcLine{no, text})
	}
	p.block(lines)
	return r
}

// invalidLine returns the line of the first byte of src that is not valid
// UTF-8.
func invalidLine(src []byte) int {
	line := 1
	for len(src) > 0 {
		r, n := utf8.DecodeRune(src)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		src = src[n:]
	}
	return line
}

// srcLine is one line of the file.
type srcLine struct {
	no   int
	text string
}

// parser reads the blocks of a file in order.
type parser struct {
	res      *Result
	category string    // the path of the last $CATEGORY: line
	content  []srcLine // scratch: the current block's non-comment lines
	b        block     // scratch: the current block (its slices are reused)
}

// block reads one run of non-blank lines: comment lines, then a
// $CATEGORY: line and/or a question.
func (p *parser) block(lines []srcLine) {
	b := &p.b
	b.comments, p.content = b.comments[:0], p.content[:0]
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l.text, space), "//") {
			b.comments = append(b.comments, l.text)
		} else {
			p.content = append(p.content, l)
		}
	}
	content := p.content
	if len(content) == 0 {
		return
	}
	if first := trim(content[0].text); strings.HasPrefix(first, "$CATEGORY:") {
		p.categoryLine(content[0].no, first[len("$CATEGORY:"):])
		if content = content[1:]; len(content) == 0 {
			return
		}
	}
	b.join(content)
	q, f := p.question(b)
	if f != nil {
		p.res.Errors = append(p.res.Errors, Error{Line: b.line(f.off), Start: b.nos[0], Reason: f.reason})
		return
	}
	p.res.Questions = append(p.res.Questions, q)
}

// categoryLine reads the path after $CATEGORY:.
func (p *parser) categoryLine(no int, rest string) {
	path := trim(unescape(trim(rest)))
	if path == "" {
		p.res.Errors = append(p.res.Errors, Error{Line: no, Start: no,
			Reason: "$CATEGORY: needs a category path, such as $CATEGORY: Unit 1/Week 2"})
		return
	}
	p.category = path
	p.res.Categories = append(p.res.Categories, Category{Line: no, Path: path})
}

// block is the text of one question: its non-comment lines joined with
// "\n", with the offsets needed to report line numbers.
type block struct {
	s        string   // the text
	m        string   // mask(s): escape pairs hidden
	starts   []int    // offset in s of each line
	nos      []int    // and its line number in the file
	comments []string // the block's comment lines
}

// join makes the block's text from its lines.
func (b *block) join(lines []srcLine) {
	n := len(lines) - 1
	for _, l := range lines {
		n += len(l.text)
	}
	var sb strings.Builder
	sb.Grow(n)
	b.starts, b.nos = b.starts[:0], b.nos[:0]
	for i, l := range lines {
		if i > 0 {
			sb.WriteByte('\n')
		}
		b.starts, b.nos = append(b.starts, sb.Len()), append(b.nos, l.no)
		sb.WriteString(l.text)
	}
	b.s = sb.String()
	b.m = mask(b.s)
}

// line returns the line of the file that holds offset off of the block.
func (b *block) line(off int) int {
	i := sort.Search(len(b.starts), func(i int) bool { return b.starts[i] > off }) - 1
	return b.nos[max(i, 0)]
}

// skip returns the offset of the first non-space byte in [lo, hi), or hi.
func (b *block) skip(lo, hi int) int {
	for lo < hi && strings.IndexByte(space, b.m[lo]) >= 0 {
		lo++
	}
	return lo
}

// back returns hi moved back over the whitespace at the end of [lo, hi).
func (b *block) back(lo, hi int) int {
	for hi > lo && strings.IndexByte(space, b.m[hi-1]) >= 0 {
		hi--
	}
	return hi
}

// find returns the offset of the first unescaped c in [lo, hi), or -1.
func (b *block) find(lo, hi int, c byte) int {
	if i := strings.IndexByte(b.m[lo:hi], c); i >= 0 {
		return lo + i
	}
	return -1
}

// text reads a text part in [lo, hi): an optional [format] prefix, then
// the text, decoded and trimmed. The format is "" when it is the question's
// format qf or when the text is empty.
func (b *block) text(lo, hi int, qf Format) (string, Format, *failure) {
	lo = b.skip(lo, hi)
	f, n, unknown := formatPrefix(b.s[lo:hi])
	if unknown != "" {
		return "", "", unknownFormat(lo, unknown)
	}
	t := trim(unescape(b.s[lo+n : hi]))
	if f == qf || t == "" {
		f = ""
	}
	return t, f, nil
}

// failure is why a question could not be read, at an offset of its block.
type failure struct {
	off    int
	reason string
}

// fail returns a failure at offset off.
func fail(off int, format string, args ...any) *failure {
	return &failure{off: off, reason: fmt.Sprintf(format, args...)}
}

// unknownFormat is the failure for a [name] prefix that is not a format.
func unknownFormat(off int, name string) *failure {
	return fail(off, "unknown format [%s]: use [html], [markdown], [moodle] or [plain] "+
		"(to start a text with a bracket, put a format first, as in [moodle][%s])", name, name)
}

// question reads the question in b.
func (p *parser) question(b *block) (Question, *failure) {
	lo, hi := b.skip(0, len(b.s)), b.back(0, len(b.s))
	q := Question{Line: b.line(lo), Category: p.category, Format: FormatMoodle}
	q.IDNumber, q.Tags = idAndTags(b.comments)
	if strings.HasPrefix(b.m[lo:hi], "::") {
		end := strings.Index(b.m[lo+2:hi], "::")
		if end < 0 {
			return q, fail(lo, "the title has no closing '::' (write \\: for a colon inside a title)")
		}
		q.Title = trim(unescape(b.s[lo+2 : lo+2+end]))
		lo = b.skip(lo+2+end+2, hi)
	}
	f, n, unknown := formatPrefix(b.s[lo:hi])
	if unknown != "" {
		return q, unknownFormat(lo, unknown)
	}
	if f != "" {
		q.Format, lo = f, b.skip(lo+n, hi)
	}
	open, closing := b.find(lo, hi, '{'), b.find(lo, hi, '}')
	if open < 0 && closing < 0 {
		q.Type = Description
		q.Text = trim(unescape(b.s[lo:hi]))
		return q, check(b, &q, nil)
	}
	if closing >= 0 && (open < 0 || closing < open) {
		return q, fail(closing, "'}' without an opening '{' (write \\} for a literal brace)")
	}
	if closing = b.find(open+1, hi, '}'); closing < 0 {
		return q, fail(open, "'{' is never closed: the answers end with '}', and a blank line ends a question")
	}
	if i := b.find(open+1, closing, '{'); i >= 0 {
		return q, fail(i, "'{' inside the answers (write \\{ for a literal brace)")
	}
	if i := strings.IndexAny(b.m[closing+1:hi], "{}"); i >= 0 {
		return q, fail(closing+1+i, "a question has one answer block (GIFT has one blank per question): "+
			"write \\{ and \\} for literal braces")
	}
	if q.TextAfter = strings.TrimRight(unescape(b.s[closing+1:hi]), space); trim(q.TextAfter) == "" {
		q.TextAfter = ""
		q.Text = trim(unescape(b.s[lo:open]))
	} else {
		q.Text = strings.TrimLeft(unescape(b.s[lo:open]), space)
	}
	aLo, aHi := open+1, closing
	if gf := strings.LastIndex(b.m[aLo:aHi], "####"); gf >= 0 {
		var fl *failure
		if q.GeneralFeedback, q.GeneralFeedbackFormat, fl = b.text(aLo+gf+4, aHi, q.Format); fl != nil {
			return q, fl
		}
		aHi = aLo + gf
	}
	aLo = b.skip(aLo, aHi)
	aHi = b.back(aLo, aHi)
	offs, fl := b.answers(&q, aLo, aHi)
	if fl != nil {
		return q, fl
	}
	return q, check(b, &q, offs)
}

// check applies the model's rules (Question.Validate) to a parsed question,
// reporting a broken rule at the line of the answer or pair at fault (offs
// holds their offsets) or at the question's start.
func check(b *block, q *Question, offs []int) *failure {
	pr := q.check()
	if pr == nil {
		return nil
	}
	off := b.skip(0, len(b.s))
	if pr.item >= 0 && pr.item < len(offs) {
		off = offs[pr.item]
	}
	return fail(off, "%s", pr.reason)
}

// idAndTags reads Moodle's "[id:...]" and "[tag:...]" markers in a
// question's comment lines: the first id and every tag, trimmed, with "\]"
// standing for "]". A marker holding a control character, or a tag holding
// "<", ">" or "`", is not one (as in Moodle). Each line is read once.
func idAndTags(comments []string) (id string, tags []string) {
	seenID := false
	for _, c := range comments {
		for i := strings.IndexByte(c, '['); i >= 0; i = strings.IndexByte(c, '[') {
			c = c[i:]
			key := ""
			switch {
			case strings.HasPrefix(c, "[id:"):
				key = "[id:"
			case strings.HasPrefix(c, "[tag:"):
				key = "[tag:"
			default:
				c = c[1:]
				continue
			}
			v, n, ok := markerValue(c[len(key):], key == "[tag:")
			c = c[len(key)+n:]
			switch {
			case !ok:
			case key == "[id:" && !seenID:
				id, seenID = v, true
			case key == "[tag:" && v != "":
				tags = append(tags, v)
			}
		}
	}
	return id, tags
}

// markerValue reads the value of a marker up to its closing "]". It
// returns the value (trimmed, "\]" decoded), how many bytes it read (up
// to and including the "]", or up to the byte that ends a malformed value,
// so that no byte is read twice), and whether the value is well formed.
func markerValue(s string, tag bool) (string, int, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ']':
			b.WriteByte(']')
			i++
		case c == ']':
			return trim(b.String()), i + 1, i > 0
		case c < 0x20 || c == 0x7f || tag && (c == '<' || c == '>' || c == '`'):
			return "", i, false
		default:
			b.WriteByte(c)
		}
	}
	return "", len(s), false
}

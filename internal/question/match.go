package question

import (
	"math"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// numericSlack widens every accepted interval by this share of its ends'
// magnitude, so that binary noise (0.1 + 0.2 = 0.30000000000000004) never
// turns a right answer wrong. It is far below any tolerance a person sets.
const numericSlack = 1e-12

// within reports whether x lies in [lo, hi], give or take numericSlack.
func within(x, lo, hi float64) bool {
	slack := numericSlack * max(math.Abs(lo), math.Abs(hi))
	return x >= lo-slack && x <= hi+slack
}

// squash trims s and collapses each run of white space into one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// matchPattern reports whether text matches a short answer pattern. Both
// are trimmed and their inner white space collapsed; without caseSensitive
// both are lower-cased. In the pattern, '*' matches any run of characters
// (also none) and '\*' is a literal asterisk.
func matchPattern(pattern, text string, caseSensitive bool) bool {
	pattern, text = squash(pattern), squash(text)
	if !caseSensitive {
		pattern, text = strings.ToLower(pattern), strings.ToLower(text)
	}
	segs := splitPattern(pattern)
	if len(segs) == 1 {
		return text == segs[0]
	}
	// The first segment is a prefix, the last a suffix, and the middle ones
	// occur in order in between: taking each leftmost is always right for
	// '*'-only patterns, so this is linear in practice and never backtracks.
	first, last := segs[0], segs[len(segs)-1]
	if !strings.HasPrefix(text, first) {
		return false
	}
	rest := text[len(first):]
	for _, s := range segs[1 : len(segs)-1] {
		i := strings.Index(rest, s)
		if i < 0 {
			return false
		}
		rest = rest[i+len(s):]
	}
	return strings.HasSuffix(rest, last)
}

// splitPattern splits a pattern at its unescaped '*' and unescapes '\*'.
func splitPattern(p string) []string {
	var segs []string
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && p[i+1] == '*':
			b.WriteByte('*')
			i++
		case p[i] == '*':
			segs = append(segs, b.String())
			b.Reset()
		default:
			b.WriteByte(p[i])
		}
	}
	return append(segs, b.String())
}

// patternExample returns a text that the pattern matches: the pattern with
// '\*' unescaped and each wildcard left as a literal '*' (which matches
// itself).
func patternExample(p string) string {
	return strings.Join(splitPattern(squash(p)), "*")
}

// parseNumber reads a typed number and what follows it: an optional sign
// ('+', '-' or '−'), digits with '.' or ',' as the decimal point (no
// thousands separators: "1,000" is one), an optional exponent ("e-3"),
// then the unit (trimmed, inner spaces collapsed; "" for none).
func parseNumber(text string) (x float64, unit string, ok bool) {
	s := strings.TrimSpace(text)
	s = strings.Replace(s, "−", "-", 1)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	n := digits()
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		n += digits()
	}
	if n == 0 {
		return 0, "", false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		save := i
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			i = save // "5 eV": the e starts the unit
		}
	}
	x, err := strconv.ParseFloat(strings.Replace(s[:i], ",", ".", 1), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, "", false
	}
	return x, squash(s[i:]), true
}

// unitMultiplier returns the multiplier of a unit by name; the empty name
// is the base unit.
func unitMultiplier(u *lms.Units, name string) (float64, bool) {
	if name == "" {
		return 1, true
	}
	for _, un := range u.List {
		if squash(un.Name) == name {
			return un.Multiplier, true
		}
	}
	return 1, false
}

// formatNumber writes x in the shortest form that reads back as x.
func formatNumber(x float64) string {
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

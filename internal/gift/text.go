package gift

import (
	"math"
	"strconv"
	"strings"
)

// space is the whitespace trimmed from texts and lines (PHP's trim set, as
// Moodle uses, less NUL).
const space = " \t\n\r\v\f"

// trim removes leading and trailing whitespace.
func trim(s string) string { return strings.Trim(s, space) }

// blank reports whether a line holds only whitespace.
func blank(s string) bool { return trim(s) == "" }

// escapable reports whether c after a backslash forms a GIFT escape:
// \\ \~ \= \# \{ \} \: and \n (a line break).
func escapable(c byte) bool {
	switch c {
	case '\\', '~', '=', '#', '{', '}', ':', 'n':
		return true
	}
	return false
}

// mask returns s with both bytes of every escape pair replaced by NUL, so
// that searching the result for a control character (~ = # { } : and the
// like) finds only unescaped ones at the same offsets as in s. A backslash
// before any other character is an ordinary character, as in Moodle.
func mask(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b)-1; i++ {
		if b[i] == '\\' && escapable(b[i+1]) {
			b[i], b[i+1] = 0, 0
			i++
		}
	}
	return string(b)
}

// unescape resolves the escapes of s (the inverse of escape).
func unescape(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && escapable(s[i+1]) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escaper writes a text so that GIFT reads it back unchanged: every control
// character and backslash escaped, line breaks as \n (so a text never spans
// lines: no blank line or // comment can appear inside it), carriage
// returns dropped, as Moodle's exporter does.
var escaper = strings.NewReplacer(`\`, `\\`, `~`, `\~`, `=`, `\=`, `#`, `\#`, `{`, `\{`, `}`, `\}`, `:`, `\:`,
	"\r\n", `\n`, "\n", `\n`, "\r", "")

// escape encodes s for a GIFT file.
func escape(s string) string { return escaper.Replace(s) }

// formatPrefix reads a [format] prefix at the start of s. It returns the
// format and the prefix's length, or ("", 0, "") when s does not start with
// "[" letters "]". A prefix with a name other than the four formats returns
// that name as unknown: Moodle would keep it as text, we report it.
func formatPrefix(s string) (f Format, n int, unknown string) {
	if len(s) < 3 || s[0] != '[' {
		return "", 0, ""
	}
	i := 1
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == 1 || i == len(s) || s[i] != ']' {
		return "", 0, ""
	}
	if f := Format(s[1:i]); f.valid() {
		return f, i + 1, ""
	}
	return "", 0, s[1:i]
}

// skipDigits returns the offset of the first byte of s at or after i that
// is not a decimal digit.
func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// number parses a decimal number as written in GIFT: an optional sign,
// digits with an optional decimal point, and an optional exponent ("-3.14",
// ".5", "1e3"). It refuses anything else (hexadecimal, "Inf", "1,5",
// underscores) and values too large for a float64.
func number(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := skipDigits(s, i)
	digits := j - i
	if j < len(s) && s[j] == '.' {
		k := skipDigits(s, j+1)
		digits, j = digits+k-j-1, k
	}
	if digits == 0 {
		return 0, false
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := skipDigits(s, j)
		if k == j {
			return 0, false
		}
		j = k
	}
	if j != len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// weight parses the inside of a %weight% (a percentage from -100 to 100,
// such as "50", "-33.333" or "100") into a fraction from -1 to 1. The
// decimal point is shifted in text, so "33.3" gives exactly the float64
// nearest 0.333 and percent gives "33.3" back.
func weight(s string) (float64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	j := skipDigits(s, i)
	if j == i {
		return 0, false
	}
	if j < len(s) && s[j] == '.' {
		j = skipDigits(s, j+1)
	}
	if j != len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s+"e-2", 64)
	if err != nil || v < -1 || v > 1 {
		return 0, false
	}
	return v, true
}

// percent writes a fraction as the percentage weight reads back exactly
// (0.5 -> "50", 0.3333333 -> "33.33333", -1 -> "-100").
func percent(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	ip, fp, _ := strings.Cut(s, ".")
	fp += "00"
	ip = strings.TrimLeft(ip+fp[:2], "0")
	if ip == "" {
		ip = "0"
	}
	if fp = strings.TrimRight(fp[2:], "0"); fp != "" {
		ip += "." + fp
	}
	return sign + ip
}

// num writes a number the way number reads it back exactly.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

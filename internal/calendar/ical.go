package calendar

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// iCalendar (RFC 5545) output: content lines end in CRLF and are folded
// at 75 octets (never inside a UTF-8 sequence); TEXT values escape
// backslash, semicolon, comma and newline. Times are UTC ("...Z"):
// calendar apps show them in the reader's zone.

// icalLineOctets is the longest content line before folding (RFC 5545 3.1).
const icalLineOctets = 75

// icalTime formats t as a UTC DATE-TIME.
func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icalText escapes a TEXT value (RFC 5545 3.3.11); other control
// characters are dropped.
func icalText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			// dropped: not allowed in a TEXT value
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icalWriter writes folded content lines.
type icalWriter struct{ b bytes.Buffer }

// line writes "name:value" folded at icalLineOctets octets.
func (w *icalWriter) line(name, value string) {
	s := name + ":" + value
	limit := icalLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = icalLineOctets - 1 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

// Feed is what one iCal feed shows.
type Feed struct {
	Name    string              // the calendar's name (X-WR-CALNAME)
	Host    string              // the site's host, the domain part of every UID
	BaseURL string              // prefixes each item's Link for its URL ("" leaves URL out)
	Stamp   time.Time           // DTSTAMP of every event: when the feed was made
	Items   []*lms.CalendarItem // the events
}

// ICS renders the feed as an iCalendar object.
func (f *Feed) ICS() []byte {
	var w icalWriter
	w.line("BEGIN", "VCALENDAR")
	w.line("VERSION", "2.0")
	w.line("PRODID", "-//Lyceum//Lyceum calendar//EN")
	w.line("CALSCALE", "GREGORIAN")
	w.line("METHOD", "PUBLISH")
	w.line("X-WR-CALNAME", icalText(f.Name))
	w.line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	w.line("X-PUBLISHED-TTL", "PT1H")
	for _, it := range f.Items {
		w.line("BEGIN", "VEVENT")
		w.line("UID", icalText(it.UID+"@"+f.Host))
		w.line("DTSTAMP", icalTime(f.Stamp))
		w.line("DTSTART", icalTime(it.StartsAt))
		if !it.EndsAt.IsZero() {
			w.line("DTEND", icalTime(it.EndsAt))
		}
		w.line("SUMMARY", icalText(it.Kind.Label()+": "+it.Title))
		desc := it.CourseTitle
		if it.Description != "" {
			desc += "\n\n" + it.Description
		}
		if f.BaseURL != "" {
			desc += "\n\n" + f.BaseURL + it.Link
			w.line("URL", f.BaseURL+it.Link)
		}
		w.line("DESCRIPTION", icalText(desc))
		if it.Location != "" {
			w.line("LOCATION", icalText(it.Location))
		}
		w.line("CATEGORIES", icalText(it.CourseTitle))
		w.line("TRANSP", "TRANSPARENT")
		w.line("END", "VEVENT")
	}
	w.line("END", "VCALENDAR")
	return w.b.Bytes()
}

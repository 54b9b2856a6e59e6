package calendar

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// icalProp is one parsed content line.
type icalProp struct {
	Name, Params, Value string
}

// parseICS checks the RFC 5545 framing of an iCalendar object (CRLF
// endings, lines of at most 75 octets, folds inside UTF-8 sequences never)
// and returns its VEVENTs as property maps (TEXT values unescaped) and the
// calendar's own properties.
func parseICS(t *testing.T, b []byte) (cal map[string]string, events []map[string]icalProp) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("the object does not end in CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d was folded inside a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatal("the object starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	cal = map[string]string{}
	var cur map[string]icalProp
	depth := []string{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		name, params, _ := strings.Cut(name, ";")
		switch name {
		case "BEGIN":
			depth = append(depth, value)
			if value == "VEVENT" {
				cur = map[string]icalProp{}
			}
			continue
		case "END":
			if len(depth) == 0 || depth[len(depth)-1] != value {
				t.Fatalf("END:%s does not close %v", value, depth)
			}
			depth = depth[:len(depth)-1]
			if value == "VEVENT" {
				events = append(events, cur)
				cur = nil
			}
			continue
		}
		p := icalProp{Name: name, Params: params, Value: unescapeText(t, value)}
		if cur != nil {
			if _, dup := cur[name]; dup {
				t.Errorf("%s twice in one VEVENT", name)
			}
			cur[name] = p
		} else {
			cal[name] = p.Value
		}
	}
	if len(depth) != 0 {
		t.Fatalf("unclosed %v", depth)
	}
	return cal, events
}

// unescapeText reverses RFC 5545 TEXT escaping, failing on a bad escape.
func unescapeText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			t.Fatalf("a lone backslash ends %q", s)
		}
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ';', ',':
			b.WriteByte(s[i])
		default:
			t.Fatalf("bad escape \\%c in %q", s[i], s)
		}
	}
	return b.String()
}

func parseUTC(t *testing.T, p icalProp) time.Time {
	t.Helper()
	if p.Params != "" {
		t.Errorf("%s has parameters %q, want a plain UTC time", p.Name, p.Params)
	}
	tm, err := time.Parse("20060102T150405Z", p.Value)
	if err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	return tm
}

func TestICSFoldsEscapesAndStampsEveryEvent(t *testing.T) {
	long := strings.Repeat("Überlänge — ", 20) // multi-byte runes across the fold points
	tricky := "a, b; c \\ d\nnext line\r\nand \x07 a bell"
	f := &Feed{Name: "Site, with; specials", Host: "lyceum.example.org", BaseURL: "https://lyceum.example.org",
		Stamp: t0, Items: []*lms.CalendarItem{
			{UID: "event-1", Kind: lms.CalEvent, CourseTitle: "Physics", Title: long, Description: tricky,
				Location: "Room 1; floor 2", StartsAt: day(1), EndsAt: day(1).Add(time.Hour), Link: "/calendar?course=1&event=1"},
			{UID: "assignment-2-due", Kind: lms.CalAssignmentDue, CourseTitle: "Physics", Title: "Lab", StartsAt: day(2),
				Link: "/courses/1/assignments/2"},
		}}
	cal, events := parseICS(t, f.ICS())
	if cal["VERSION"] != "2.0" || cal["PRODID"] == "" || cal["X-WR-CALNAME"] != f.Name {
		t.Errorf("calendar properties %v", cal)
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	e := events[0]
	for _, want := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} {
		if _, ok := e[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	if got := e["SUMMARY"].Value; got != "Event: "+long {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := e["DESCRIPTION"].Value; !strings.Contains(got, "a, b; c \\ d\nnext line\nand  a bell") ||
		!strings.Contains(got, "https://lyceum.example.org/calendar?course=1&event=1") {
		t.Errorf("DESCRIPTION = %q", got)
	}
	if e["LOCATION"].Value != "Room 1; floor 2" || e["UID"].Value != "event-1@lyceum.example.org" {
		t.Errorf("LOCATION %q UID %q", e["LOCATION"].Value, e["UID"].Value)
	}
	if !parseUTC(t, e["DTSTAMP"]).Equal(t0) || !parseUTC(t, e["DTEND"]).Equal(day(1).Add(time.Hour)) {
		t.Errorf("DTSTAMP %v DTEND %v", e["DTSTAMP"], e["DTEND"])
	}
	if _, ok := events[1]["DTEND"]; ok {
		t.Error("a point in time has a DTEND")
	}
}

func TestFeedMatchesTheCourseDatesAndResetStopsTheOldURL(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		f.seed(t)
		ctx := t.Context()
		l := f.users["learner"]
		if st, err := f.svc.Feed(ctx, l); err != nil || st.Active {
			t.Fatalf("before any feed: %+v, %v", st, err)
		}
		first, err := f.svc.ResetFeed(ctx, l)
		must(t, err)
		if !strings.HasPrefix(first.Token, FeedTokenPrefix) || len(first.Token) < len(FeedTokenPrefix)+20 {
			t.Fatalf("token %q", first.Token)
		}
		body, err := f.svc.FeedICS(ctx, first.Token, "Lyceum", "https://lyceum.example.org")
		must(t, err)
		_, events := parseICS(t, body)
		now := f.clock.Now()
		want, err := f.svc.Items(ctx, l, Range{From: now.Add(-FeedPast), To: now.Add(FeedFuture)})
		must(t, err)
		if len(want.Items) == 0 || len(events) != len(want.Items) {
			t.Fatalf("%d events in the feed, %d items on the calendar", len(events), len(want.Items))
		}
		for i, it := range want.Items {
			e := events[i]
			if e["UID"].Value != it.UID+"@lyceum.example.org" || !parseUTC(t, e["DTSTART"]).Equal(it.StartsAt) ||
				e["SUMMARY"].Value != it.Kind.Label()+": "+it.Title || e["URL"].Value != "https://lyceum.example.org"+it.Link {
				t.Errorf("event %d = %v, want %+v", i, e, it)
			}
			if end, ok := e["DTEND"]; ok != !it.EndsAt.IsZero() || (ok && !parseUTC(t, end).Equal(it.EndsAt)) {
				t.Errorf("event %d DTEND %v, want %v", i, end, it.EndsAt)
			}
		}
		// The feed is the learner's: no drafts, their override.
		var summaries []string
		for _, e := range events {
			summaries = append(summaries, e["SUMMARY"].Value+" "+e["DTSTART"].Value)
		}
		if slices.ContainsFunc(summaries, func(s string) bool {
			return strings.Contains(s, "Secret") || strings.Contains(s, "Hidden") || strings.Contains(s, "Unreleased")
		}) {
			t.Errorf("the feed leaks drafts: %v", summaries)
		}
		if !slices.Contains(summaries, "Quiz closes: Quiz 1 "+icalTime(day(5))) {
			t.Errorf("the feed misses the learner's override: %v", summaries)
		}

		second, err := f.svc.ResetFeed(ctx, l)
		must(t, err)
		if _, err := f.svc.FeedICS(ctx, first.Token, "Lyceum", "https://lyceum.example.org"); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Errorf("the old URL after a reset: %v, want ENOTFOUND", err)
		}
		if _, err := f.svc.FeedICS(ctx, second.Token, "Lyceum", "https://lyceum.example.org"); err != nil {
			t.Errorf("the new URL: %v", err)
		}
		for _, bad := range []string{"", "nope", FeedTokenPrefix + "guess", strings.ToUpper(second.Token)} {
			if _, err := f.svc.FeedICS(ctx, bad, "Lyceum", ""); !lms.IsCode(err, lms.ENOTFOUND) {
				t.Errorf("token %q: %v, want ENOTFOUND", bad, err)
			}
		}
		l.Disabled = true
		must(t, st.UpdateUser(ctx, l))
		if _, err := f.svc.FeedICS(ctx, second.Token, "Lyceum", ""); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Errorf("a disabled account's feed: %v, want ENOTFOUND", err)
		}
		l.Disabled = false
		must(t, st.UpdateUser(ctx, l))
		must(t, f.svc.DeleteFeed(ctx, l))
		if _, err := f.svc.FeedICS(ctx, second.Token, "Lyceum", ""); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Errorf("after delete: %v, want ENOTFOUND", err)
		}
		if st, err := f.svc.Feed(ctx, l); err != nil || st.Active {
			t.Errorf("after delete: %+v, %v", st, err)
		}
	})
}

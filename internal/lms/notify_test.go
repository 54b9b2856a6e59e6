package lms

import (
	"errors"
	"testing"
	"time"
)

func TestNotificationLinkLeadsToTheThing(t *testing.T) {
	cases := []struct {
		kind string
		p    map[string]any
		want string
	}{
		{NotifyReply, map[string]any{"course_id": int64(3), "thread_id": int64(7), "post_id": int64(9)}, "/courses/3/discussion/7#post-9"},
		{NotifyMention, map[string]any{"course_id": 3.0, "room_id": 4.0}, "/courses/3/rooms/4"},
		{NotifyLessonReleased, map[string]any{"course_id": 3, "lesson_id": 5}, "/courses/3/lessons/5"},
		{NotifyDueSoon, map[string]any{"course_id": 3, "assignment_id": 8}, "/courses/3/assignments/8"},
		{NotifyQuizOpens, map[string]any{"course_id": 3, "quiz_id": 2}, "/courses/3/quizzes/2"},
		{NotifyGrade, map[string]any{"course_id": 3, "source": "quiz", "source_id": 2}, "/courses/3/quizzes/2"},
		{NotifyGrade, map[string]any{"course_id": 3, "source": "manual"}, "/courses/3/grades"},
		{NotifyGrade, map[string]any{"course_id": 3, "source": GradeAssignment, "source_id": 4}, "/courses/3/assignments/4"},
		{NotifyJoinRequest, map[string]any{"course_id": 3}, "/courses/3/people"},
		{NotifyJoinDeclined, map[string]any{"course_id": 3}, "/catalogue"},
		{NotifyEnrolled, map[string]any{"course_id": "3"}, "/courses/3"},
		{NotifyMention, map[string]any{}, ""},
	}
	for _, c := range cases {
		if got := NotificationLink(c.kind, c.p); got != c.want {
			t.Errorf("NotificationLink(%s, %v) = %q, want %q", c.kind, c.p, got, c.want)
		}
	}
}

func TestEveryNotifyKindHasALabelAndAValidDefault(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range NotifyKinds {
		if k.Name == "" || k.Label == "" || !k.Email.Valid() || seen[k.Name] {
			t.Errorf("kind %+v", k)
		}
		seen[k.Name] = true
		if got, ok := NotifyKindByName(k.Name); !ok || got != k {
			t.Errorf("NotifyKindByName(%s) = %+v, %v", k.Name, got, ok)
		}
	}
	if _, ok := NotifyKindByName("nope"); ok {
		t.Error("an unknown kind was found")
	}
}

func TestQuietHoursInTheReadersZone(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	night := NotifySettings{TimeZone: "Europe/Paris", QuietStart: 22 * 60, QuietEnd: 7 * 60}
	day := NotifySettings{TimeZone: "Asia/Tokyo", QuietStart: 9 * 60, QuietEnd: 17 * 60}
	cases := []struct {
		name string
		s    NotifySettings
		at   string
		want string
	}{
		{"before the quiet hours", night, "2026-03-02T20:59:00Z", "2026-03-02T20:59:00Z"},
		{"evening: held to the morning", night, "2026-03-02T21:30:00Z", "2026-03-03T06:00:00Z"},
		{"after midnight: held to the same morning", night, "2026-03-03T05:00:00Z", "2026-03-03T06:00:00Z"},
		{"at the end: sent", night, "2026-03-03T06:00:00Z", "2026-03-03T06:00:00Z"},
		{"summer time in the zone", night, "2026-07-01T21:00:00Z", "2026-07-02T05:00:00Z"},
		{"the night the clocks change", NotifySettings{TimeZone: "America/New_York", QuietStart: 22 * 60, QuietEnd: 7 * 60},
			"2026-03-08T03:00:00Z", "2026-03-08T11:00:00Z"},
		{"daytime quiet hours", day, "2026-03-02T01:00:00Z", "2026-03-02T08:00:00Z"},
		{"outside daytime quiet hours", day, "2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z"},
		{"no quiet hours", NotifySettings{QuietStart: 60, QuietEnd: 60}, "2026-03-02T01:00:00Z", "2026-03-02T01:00:00Z"},
		{"no zone: UTC", NotifySettings{QuietStart: 0, QuietEnd: 6 * 60}, "2026-03-02T01:00:00Z", "2026-03-02T06:00:00Z"},
	}
	for _, c := range cases {
		if got := c.s.QuietUntil(utc(c.at)); !got.Equal(utc(c.want)) {
			t.Errorf("%s: QuietUntil(%s) = %s, want %s", c.name, c.at, got.UTC().Format(time.RFC3339), c.want)
		}
	}
	if got := night.FormatLocal(utc("2026-03-02T16:00:00Z")); got != "Mon 2 Mar 2026, 17:00 CET" {
		t.Errorf("FormatLocal = %q", got)
	}
}

func TestNotifySettingsCheckAndDefaults(t *testing.T) {
	s := DefaultNotifySettings()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if p := s.Pref(NotifyReply); !p.InApp || p.Email != EmailDigest {
		t.Fatalf("default reply pref %+v", p)
	}
	s.Kinds[NotifyReply] = KindPref{InApp: false, Email: EmailOff}
	s.MutedCourses = []int64{4}
	if p := s.Pref(NotifyReply); p.InApp || p.Email != EmailOff || !s.Muted(4) || s.Muted(5) || s.Muted(0) {
		t.Fatalf("saved pref %+v, muted %v", p, s.MutedCourses)
	}
	for field, bad := range map[string]NotifySettings{
		"time_zone":   {TimeZone: "Mars/Olympus"},
		"quiet_start": {QuietStart: MinutesPerDay},
		"quiet_end":   {QuietEnd: -1},
		"kinds":       {Kinds: map[string]KindPref{"nope": {}}},
	} {
		var e *Error
		if err := bad.Check(); !errors.As(err, &e) || e.Field != field {
			t.Errorf("%s: Check() = %v", field, err)
		}
	}
	if err := (NotifySettings{Kinds: map[string]KindPref{NotifyGrade: {Email: "weekly"}}}).Check(); err == nil {
		t.Error("an unknown email mode passed")
	}
}

func TestAnExtensionsNotificationSaysWhetherItWasGivenOrRevoked(t *testing.T) {
	for _, c := range []struct {
		p    map[string]any
		want string
	}{
		{map[string]any{"title": "Essay", "due_local": "Fri 6 Mar 2026, 17:00 CET"},
			"Your deadline for “Essay” was extended to Fri 6 Mar 2026, 17:00 CET"},
		{map[string]any{"title": "Essay", "due_local": "Mon 2 Mar 2026, 17:00 CET", "revoked": true},
			"Your extension for “Essay” was revoked: it is due Mon 2 Mar 2026, 17:00 CET"},
		{map[string]any{"title": "Essay", "revoked": true}, "Your extension for “Essay” was revoked"},
	} {
		if got := NotificationText(NotifyExtension, c.p); got != c.want {
			t.Errorf("%v: %q, want %q", c.p, got, c.want)
		}
	}
}

package lms

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// More notification kinds (the first ones are next to Notification).
const (
	NotifyJoinDeclined   = "join_declined"   // the user's request to join a course was declined
	NotifyAnnouncement   = "announcement"    // a course the user is in posted an announcement
	NotifyLessonReleased = "lesson_released" // a lesson of the user's course became available
	NotifyFeedback       = "feedback"        // a grader's feedback on the user's submission is released
	NotifyQuizOpens      = "quiz_opens"      // a quiz of the user's course opens now
	NotifyDueSoon        = "due_soon"        // an assignment or quiz is due soon (payload "within": "24h" or "1h")
	NotifyOverdue        = "overdue"         // an assignment or quiz is past due and not submitted
	NotifyLiveStarting   = "live_starting"   // a live session is starting in a room of the user's course
	NotifyExtension      = "extension"       // the user was given an extension, or it was revoked (payload "due_at", "due_local", "revoked")
)

// EmailMode is how a kind of notification reaches a person by email.
type EmailMode string

// Email modes.
const (
	EmailNow    EmailMode = "now"    // one email per notification, outside quiet hours
	EmailDigest EmailMode = "digest" // batched into the daily digest
	EmailOff    EmailMode = "off"    // no email
)

// Valid reports whether m is a known mode.
func (m EmailMode) Valid() bool { return m == EmailNow || m == EmailDigest || m == EmailOff }

// NotifyKind describes one kind of notification: its name, what the
// preferences page calls it, and its default channels.
type NotifyKind struct {
	Name  string    `json:"name"`
	Label string    `json:"label"`
	InApp bool      `json:"in_app"` // shown in the app by default
	Email EmailMode `json:"email"`  // default email mode
}

// NotifyKinds lists every notification kind, in the order the preferences
// page shows them. Defaults: everything in the app; email at once for what
// is personal and urgent, a daily digest for course news.
var NotifyKinds = []NotifyKind{
	{NotifyMention, "Someone mentions you", true, EmailNow},
	{NotifyReply, "Replies to your posts", true, EmailDigest},
	{NotifyAnnouncement, "Course announcements", true, EmailNow},
	{NotifyLessonReleased, "New lessons released", true, EmailDigest},
	{NotifyGrade, "Grades released", true, EmailNow},
	{NotifyFeedback, "Feedback on your work", true, EmailNow},
	{NotifyQuizOpens, "A quiz opens", true, EmailDigest},
	{NotifyDueSoon, "Something is due soon", true, EmailNow},
	{NotifyOverdue, "Something is overdue", true, EmailNow},
	{NotifyExtension, "You are given more time, or it is revoked", true, EmailNow},
	{NotifyEnrolled, "You are added to a course", true, EmailNow},
	{NotifyLiveStarting, "A live session starts", true, EmailOff},
	{NotifyJoinRequest, "Requests to join your course", true, EmailDigest},
	{NotifyJoinDeclined, "Your join request is declined", true, EmailNow},
}

// NotifyKindByName returns the kind named name.
func NotifyKindByName(name string) (NotifyKind, bool) {
	for _, k := range NotifyKinds {
		if k.Name == name {
			return k, true
		}
	}
	return NotifyKind{}, false
}

// payloadID reads an id from a decoded JSON payload (numbers decode as
// float64; Go callers pass int64).
func payloadID(p map[string]any, key string) int64 {
	switch v := p[key].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

// PayloadCourseID returns the course a notification's payload names (0: none).
func PayloadCourseID(p map[string]any) int64 { return payloadID(p, "course_id") }

// NotificationLink returns the app path a notification of kind with
// payload p leads to ("" when the payload does not say): the deep link the
// bell, the list and emails use.
func NotificationLink(kind string, p map[string]any) string {
	course := payloadID(p, "course_id")
	if course == 0 {
		if kind == NotifyJoinDeclined {
			return "/catalogue"
		}
		return ""
	}
	base := fmt.Sprintf("/courses/%d", course)
	id := func(key string) int64 { return payloadID(p, key) }
	switch {
	case id("thread_id") > 0:
		link := fmt.Sprintf("%s/discussion/%d", base, id("thread_id"))
		if id("post_id") > 0 {
			link += fmt.Sprintf("#post-%d", id("post_id"))
		}
		return link
	case id("room_id") > 0:
		return fmt.Sprintf("%s/rooms/%d", base, id("room_id"))
	case id("lesson_id") > 0:
		return fmt.Sprintf("%s/lessons/%d", base, id("lesson_id"))
	case id("assignment_id") > 0:
		return fmt.Sprintf("%s/assignments/%d", base, id("assignment_id"))
	case id("quiz_id") > 0:
		return fmt.Sprintf("%s/quizzes/%d", base, id("quiz_id"))
	}
	switch kind {
	case NotifyGrade:
		page := map[string]string{"assignment": "assignments", "quiz": "quizzes"}[fmt.Sprint(p["source"])]
		if page != "" && id("source_id") > 0 {
			return fmt.Sprintf("%s/%s/%d", base, page, id("source_id"))
		}
		return base + "/grades"
	case NotifyJoinRequest:
		return base + "/people"
	case NotifyJoinDeclined:
		return "/catalogue"
	}
	return base
}

// Bounds of notification settings.
const (
	MaxMutedCourses = 500  // courses one person may mute
	MinutesPerDay   = 1440 // quiet hours are minutes after local midnight, 0 to MinutesPerDay-1
)

// KindPref is one person's choice for one kind of notification.
type KindPref struct {
	InApp bool      `json:"in_app"`
	Email EmailMode `json:"email"`
}

// NotifySettings are one person's notification settings: their time zone
// (times in notifications and emails are shown in it; the app sets it from
// the browser until the person picks one), quiet hours for email (local
// minutes after midnight; QuietStart == QuietEnd: none; a start after the
// end spans midnight), choices per kind (kinds left out keep their
// defaults) and muted courses (nothing from them in any channel).
type NotifySettings struct {
	TimeZone     string              `json:"time_zone"`
	QuietStart   int                 `json:"quiet_start"`
	QuietEnd     int                 `json:"quiet_end"`
	Kinds        map[string]KindPref `json:"kinds"`
	MutedCourses []int64             `json:"muted_courses"`
	UpdatedAt    time.Time           `json:"updated_at,omitzero"`
}

// DefaultNotifySettings are the settings of someone who never saved any:
// no zone yet (UTC), quiet hours 22:00 to 07:00, every kind at its default.
func DefaultNotifySettings() NotifySettings {
	return NotifySettings{QuietStart: 22 * 60, QuietEnd: 7 * 60, Kinds: map[string]KindPref{}, MutedCourses: []int64{}}
}

// Check validates the settings.
func (s NotifySettings) Check() error {
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil || len(s.TimeZone) > 64 {
			return FieldError("time_zone", "%q is not a known time zone.", s.TimeZone)
		}
	}
	if s.QuietStart < 0 || s.QuietStart >= MinutesPerDay {
		return FieldError("quiet_start", "Quiet hours start between 00:00 and 23:59.")
	}
	if s.QuietEnd < 0 || s.QuietEnd >= MinutesPerDay {
		return FieldError("quiet_end", "Quiet hours end between 00:00 and 23:59.")
	}
	for name, p := range s.Kinds {
		if _, ok := NotifyKindByName(name); !ok {
			return FieldError("kinds", "%q is not a kind of notification.", name)
		}
		if !p.Email.Valid() {
			return FieldError("kinds", "Email for %q is now, digest or off.", name)
		}
	}
	if len(s.MutedCourses) > MaxMutedCourses {
		return FieldError("muted_courses", "Mute at most %d courses.", MaxMutedCourses)
	}
	return nil
}

// Pref returns the choice for kind: the saved one, else the kind's default
// (an unknown kind: in the app, no email).
func (s NotifySettings) Pref(kind string) KindPref {
	if p, ok := s.Kinds[kind]; ok {
		return p
	}
	if k, ok := NotifyKindByName(kind); ok {
		return KindPref{InApp: k.InApp, Email: k.Email}
	}
	return KindPref{InApp: true, Email: EmailOff}
}

// Muted reports whether the course is muted.
func (s NotifySettings) Muted(courseID int64) bool {
	return courseID != 0 && slices.Contains(s.MutedCourses, courseID)
}

// Location returns the person's time zone (UTC when unset or unknown).
func (s NotifySettings) Location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// QuietUntil returns when the quiet hours around t end in the person's
// zone, or t itself when t is outside them: the time an email may be sent.
func (s NotifySettings) QuietUntil(t time.Time) time.Time {
	if s.QuietStart == s.QuietEnd {
		return t
	}
	local := t.In(s.Location())
	mins := local.Hour()*60 + local.Minute()
	var quiet bool
	if s.QuietStart < s.QuietEnd {
		quiet = mins >= s.QuietStart && mins < s.QuietEnd
	} else {
		quiet = mins >= s.QuietStart || mins < s.QuietEnd
	}
	if !quiet {
		return t
	}
	y, m, d := local.Date()
	end := time.Date(y, m, d, s.QuietEnd/60, s.QuietEnd%60, 0, 0, local.Location())
	if !end.After(local) {
		end = time.Date(y, m, d+1, s.QuietEnd/60, s.QuietEnd%60, 0, 0, local.Location())
	}
	return end
}

// FormatLocal formats t for the person: in their zone, with the zone's
// abbreviation ("Mon 2 Mar 2026, 17:00 CET").
func (s NotifySettings) FormatLocal(t time.Time) string {
	return t.In(s.Location()).Format("Mon 2 Jan 2006, 15:04 MST")
}

// NotificationText is a one-line description of a notification, for email
// subjects and bodies (the app words its own, in notify-bell.js).
func NotificationText(kind string, p map[string]any) string {
	str := func(k, def string) string {
		if s, ok := p[k].(string); ok && s != "" {
			return s
		}
		return def
	}
	title := "“" + str("title", str("course_title", "a course")) + "”"
	by := str("by_name", str("by", "Someone"))
	switch kind {
	case NotifyMention:
		return by + " mentioned you in " + str("room", title)
	case NotifyReply:
		return by + " replied to your post in " + title
	case NotifyGrade:
		return "Your grade for " + title + " is available"
	case NotifyFeedback:
		return "Feedback on " + title + " is ready to read"
	case NotifyQuizOpens:
		return "The quiz " + title + " is open"
	case NotifyDueSoon:
		when := map[string]string{"24h": "in 24 hours", "1h": "in 1 hour"}[str("within", "")]
		if when == "" {
			when = "soon"
		}
		if due := str("due_local", ""); due != "" {
			return title + " is due " + when + " (" + due + ")"
		}
		return title + " is due " + when
	case NotifyOverdue:
		return title + " is overdue"
	case NotifyExtension:
		if p["revoked"] == true {
			if due := str("due_local", ""); due != "" {
				return "Your extension for " + title + " was revoked: it is due " + due
			}
			return "Your extension for " + title + " was revoked"
		}
		if due := str("due_local", ""); due != "" {
			return "Your deadline for " + title + " was extended to " + due
		}
		return "Your deadline for " + title + " was extended"
	case NotifyEnrolled:
		return "You were added to " + str("course_title", "a course")
	case NotifyJoinRequest:
		return str("name", str("username", "Someone")) + " asks to join " + str("course_title", "your course")
	case NotifyJoinDeclined:
		return "Your request to join " + str("course_title", "a course") + " was declined"
	case NotifyAnnouncement:
		return "New announcement: " + title
	case NotifyLessonReleased:
		return "A new lesson is available: " + title
	case NotifyLiveStarting:
		return "A live session is starting in " + str("room", "your course")
	}
	return "You have a new notification"
}

// NotifyDigest names the daily digest as a whole where a kind is expected
// (an unsubscribe link in a digest email): every kind emailed in the digest.
const NotifyDigest = "digest"

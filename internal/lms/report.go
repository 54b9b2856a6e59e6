package lms

import "time"

// Day is the length of one reporting day: reports count by UTC day.
const Day = 24 * time.Hour

// DayOf returns the start of t's UTC day.
func DayOf(t time.Time) time.Time { return t.UTC().Truncate(Day) }

// ActivityDay is one UTC day of a course's activity. Active counts the
// active learners who opened a lesson, posted in a discussion or wrote in
// the chat that day; Views counts (learner, lesson) pairs with time spent
// that day; Seconds is the time learners spent on lessons; Posts and
// Messages count every member's discussion posts and chat messages.
type ActivityDay struct {
	Day      time.Time `json:"day"`
	Active   int       `json:"active"`
	Views    int       `json:"views"`
	Seconds  int64     `json:"seconds"`
	Posts    int       `json:"posts"`
	Messages int       `json:"messages"`
}

// LessonActivity is the learners' activity on one lesson over a period:
// Views counts learner-days on the lesson, Learners the distinct learners.
type LessonActivity struct {
	LessonID int64 `json:"lesson_id"`
	Views    int   `json:"views"`
	Learners int   `json:"learners"`
	Seconds  int64 `json:"seconds"`
}

// ModuleLearner is one active learner's progress in one module: how many of
// its published lessons they opened and completed.
type ModuleLearner struct {
	ModuleID  int64
	UserID    int64
	Opened    int
	Completed int
}

// MissedDeadline is an assignment or quiz whose due (closing) time passed
// without the learner handing anything in.
type MissedDeadline struct {
	UserID int64     `json:"-"`
	Kind   string    `json:"kind"` // "assignment" or "quiz"
	ID     int64     `json:"id"`
	Title  string    `json:"title"`
	DueAt  time.Time `json:"due_at"`
}

// Timeline event kinds.
const (
	TimelineLesson     = "lesson"     // time on a lesson that day (Seconds)
	TimelinePost       = "post"       // a discussion post (RefID: the thread)
	TimelineChat       = "chat"       // chat messages in a room that day (Count)
	TimelineQuiz       = "quiz"       // a submitted quiz attempt (Points of MaxPoints)
	TimelineAssignment = "assignment" // a submitted assignment
)

// TimelineEvent is one entry of a learner's activity timeline; lesson and
// chat entries are per day (At is the day's start).
type TimelineEvent struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	RefID     int64     `json:"ref_id"`
	Seconds   int64     `json:"seconds,omitzero"`
	Count     int       `json:"count,omitzero"`
	Points    float64   `json:"points,omitzero"`
	MaxPoints float64   `json:"max_points,omitzero"`
}

// WrongAnswers is a lesson tagged on questions a learner got wrong (less
// than full marks) in their latest submitted attempt of each quiz.
type WrongAnswers struct {
	LessonID  int64    `json:"lesson_id"`
	Questions []string `json:"questions"` // the question titles, each once
}

// SiteCounts are the site report's figures.
type SiteCounts struct {
	Users        int   `json:"users"` // accounts not disabled
	ActiveDay    int   `json:"active_day"`
	ActiveWeek   int   `json:"active_week"`
	ActiveMonth  int   `json:"active_month"`
	Courses      int   `json:"courses"`
	Uploads      int   `json:"uploads"`
	StorageBytes int64 `json:"storage_bytes"`
}

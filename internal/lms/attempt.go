package lms

import "time"

// AttemptState is where a quiz attempt stands.
type AttemptState string

// Attempt states.
const (
	AttemptOpen      AttemptState = "open"      // the learner is answering
	AttemptSubmitted AttemptState = "submitted" // finished (by the learner or at the deadline)
)

// Attempt is one learner's go at a quiz.
type Attempt struct {
	ID       int64        `json:"id"`
	QuizID   int64        `json:"quiz_id"`
	CourseID int64        `json:"course_id"`
	UserID   int64        `json:"user_id"`
	Number   int          `json:"number"` // 1, 2, ... per learner and quiz
	State    AttemptState `json:"state"`
	// StartedAt and Deadline are server times; Deadline is min(start +
	// time limit, close) and zero when there is neither.
	StartedAt   time.Time `json:"started_at"`
	Deadline    time.Time `json:"deadline,omitzero"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// AutoSubmitted says the server submitted it at its deadline.
	AutoSubmitted bool    `json:"auto_submitted"`
	Points        float64 `json:"points"`
	MaxPoints     float64 `json:"max_points"`
	// NeedsGrading says some answer (an essay) waits for a person: the
	// attempt does not count towards the grade until it is graded.
	NeedsGrading bool      `json:"needs_grading"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Finished reports whether the attempt is submitted and fully graded.
func (a *Attempt) Finished() bool { return a.State == AttemptSubmitted && !a.NeedsGrading }

// Fraction is the attempt's share of the marks (0 when it has none).
func (a *Attempt) Fraction() float64 {
	if a.MaxPoints <= 0 {
		return 0
	}
	return a.Points / a.MaxPoints
}

// AttemptSlot is one question of an attempt: which version was asked,
// what the learner answered, and how it was graded.
type AttemptSlot struct {
	AttemptID  int64   `json:"attempt_id"`
	Slot       int     `json:"slot"` // 0-based position in the attempt
	QuestionID int64   `json:"question_id"`
	MaxPoints  float64 `json:"max_points"`
	// Response is the saved answer in stored ids (nil: none yet).
	Response *Response `json:"response,omitempty"`
	// Tries are the checked responses (immediate and interactive).
	Tries   []Response `json:"tries,omitempty"`
	Flagged bool       `json:"flagged"`
	// State is the grading state (internal/question's State), "" until
	// graded.
	State    string  `json:"state,omitempty"`
	Fraction float64 `json:"fraction"`
	Points   float64 `json:"points"`
	// Manual says a person gave the points (GradedBy, Comment).
	Manual   bool      `json:"manual"`
	GradedBy int64     `json:"graded_by,omitzero"`
	Comment  string    `json:"comment,omitempty"`
	SavedAt  time.Time `json:"saved_at,omitzero"`
}

// AttemptFilter selects attempts ordered by id.
type AttemptFilter struct {
	QuizID int64        // required
	UserID int64        // 0: every learner
	State  AttemptState // "": any
}

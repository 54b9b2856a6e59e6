package lms

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// Quiz limits.
const (
	MaxQuizSlots         = 200             // slots of one quiz
	MaxRandomCount       = 100             // questions drawn by one random slot
	MaxQuizQuestions     = 500             // questions of one attempt
	MaxAttemptsAllowed   = 100             // a quiz's attempts limit (0: unlimited)
	MaxTimeLimitSeconds  = 7 * 24 * 3600   // a quiz's time limit
	MaxAccessCodeChars   = 100             // a quiz's access code
	MaxSlotPoints        = MaxPoints       // points of one slot
	MaxAnswerBytes       = 10 << 10        // one answer (not an essay) as JSON
	MaxIntroBytes        = MaxBodyBytes    // a quiz's introduction
	maxQuizOverrideExtra = 365 * 24 * 3600 // bound on an override's time limit (seconds)
)

// QuizBehaviour is how a quiz's questions give feedback.
type QuizBehaviour string

// The behaviours (Moodle's names).
const (
	BehaviourDeferred    QuizBehaviour = "deferred"    // graded when the attempt is submitted
	BehaviourImmediate   QuizBehaviour = "immediate"   // each question checked once, graded at once
	BehaviourInteractive QuizBehaviour = "interactive" // several tries with hints, a penalty per extra try
)

// GradingMethod says which attempts make a learner's quiz grade.
type GradingMethod string

// The grading methods.
const (
	GradeHighest GradingMethod = "highest"
	GradeLast    GradingMethod = "last"
	GradeFirst   GradingMethod = "first"
	GradeAverage GradingMethod = "average"
)

// ReviewOptions are what a learner may see about their answers at one
// moment (Moodle's five review options). Marks also shows the attempt's
// total.
type ReviewOptions struct {
	Correctness     bool `json:"correctness"`
	Marks           bool `json:"marks"`
	Feedback        bool `json:"feedback"`
	GeneralFeedback bool `json:"general_feedback"`
	RightAnswer     bool `json:"right_answer"`
}

// QuizReview holds the review options by moment.
type QuizReview struct {
	// During applies to a question checked during the attempt (immediate
	// and interactive behaviours only).
	During ReviewOptions `json:"during"`
	// After applies once the attempt is submitted, while the quiz is open.
	After ReviewOptions `json:"after"`
	// Closed applies once the quiz has closed.
	Closed ReviewOptions `json:"closed"`
}

// QuizSlot is one place in a quiz: a fixed question (FamilyID, its latest
// version when an attempt starts) or Count questions drawn at random from a
// category.
type QuizSlot struct {
	FamilyID   int64 `json:"family_id,omitzero"`
	CategoryID int64 `json:"category_id,omitzero"`
	Count      int   `json:"count,omitzero"` // random slots: how many questions
	// Points is each question's mark; 0 takes the question's default
	// points (fixed slots only).
	Points float64 `json:"points"`
}

// Quiz is an assessment of a course: its questions and rules. A quiz may
// stand at a lesson's place in the outline (LessonID), whose completion
// rule CompleteQuizPassed completes it when the learner passes.
type Quiz struct {
	ID       int64  `json:"id"`
	CourseID int64  `json:"course_id"`
	LessonID int64  `json:"lesson_id,omitzero"`
	Title    string `json:"title"`
	IntroMD  string `json:"intro_md,omitempty"`
	// Draft hides the quiz from learners.
	Draft            bool          `json:"draft"`
	Slots            []QuizSlot    `json:"slots"`
	ShuffleQuestions bool          `json:"shuffle_questions"`
	ShuffleAnswers   bool          `json:"shuffle_answers"`
	OpensAt          time.Time     `json:"opens_at,omitzero"`  // zero: open at once
	ClosesAt         time.Time     `json:"closes_at,omitzero"` // zero: never closes
	TimeLimitSeconds int           `json:"time_limit_seconds"` // 0: none
	AttemptsAllowed  int           `json:"attempts_allowed"`   // 0: unlimited
	GradingMethod    GradingMethod `json:"grading_method"`
	// PassPercent is the share of the marks that passes (0..100; 0: no pass mark).
	PassPercent float64       `json:"pass_percent"`
	Review      QuizReview    `json:"review"`
	Behaviour   QuizBehaviour `json:"behaviour"`
	// AccessCode must be given to start an attempt ("" for none). Learners
	// never receive it: they see HasAccessCode.
	AccessCode    string    `json:"access_code,omitempty"`
	HasAccessCode bool      `json:"has_access_code"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks a quiz's editable fields and returns an EINVALID *Error
// naming the first bad one.
func (q *Quiz) Validate() error {
	if err := CheckText("title", q.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if len(q.IntroMD) > MaxIntroBytes || !utf8.ValidString(q.IntroMD) {
		return FieldError("intro_md", "The introduction must be valid text of at most %d bytes.", MaxIntroBytes)
	}
	if len(q.Slots) > MaxQuizSlots {
		return FieldError("slots", "A quiz has at most %d slots.", MaxQuizSlots)
	}
	total := 0
	for i, s := range q.Slots {
		if err := s.validate(fmt.Sprintf("slots[%d]", i)); err != nil {
			return err
		}
		total += max(s.Count, 1)
	}
	if total > MaxQuizQuestions {
		return FieldError("slots", "A quiz asks at most %d questions.", MaxQuizQuestions)
	}
	if !q.OpensAt.IsZero() && !q.ClosesAt.IsZero() && !q.ClosesAt.After(q.OpensAt) {
		return FieldError("closes_at", "The quiz must close after it opens.")
	}
	if q.TimeLimitSeconds < 0 || q.TimeLimitSeconds > MaxTimeLimitSeconds {
		return FieldError("time_limit_seconds", "The time limit must be from 0 (none) to %d seconds.", MaxTimeLimitSeconds)
	}
	if q.AttemptsAllowed < 0 || q.AttemptsAllowed > MaxAttemptsAllowed {
		return FieldError("attempts_allowed", "The attempts allowed must be from 0 (unlimited) to %d.", MaxAttemptsAllowed)
	}
	switch q.GradingMethod {
	case GradeHighest, GradeLast, GradeFirst, GradeAverage:
	default:
		return FieldError("grading_method", "The grading method must be highest, last, first or average.")
	}
	if math.IsNaN(q.PassPercent) || q.PassPercent < 0 || q.PassPercent > 100 {
		return FieldError("pass_percent", "The pass mark must be a percentage from 0 to 100.")
	}
	switch q.Behaviour {
	case BehaviourDeferred, BehaviourImmediate, BehaviourInteractive:
	default:
		return FieldError("behaviour", "The behaviour must be deferred, immediate or interactive.")
	}
	return CheckText("access_code", q.AccessCode, MaxAccessCodeChars, false)
}

// validate checks one slot.
func (s QuizSlot) validate(field string) error {
	switch {
	case (s.FamilyID == 0) == (s.CategoryID == 0):
		return FieldError(field, "A slot holds either a question or a category to draw from.")
	case s.FamilyID != 0 && s.Count != 0:
		return FieldError(field+".count", "A fixed question slot has no count.")
	case s.CategoryID != 0 && (s.Count < 1 || s.Count > MaxRandomCount):
		return FieldError(field+".count", "A random slot draws from 1 to %d questions.", MaxRandomCount)
	case math.IsNaN(s.Points) || s.Points < 0 || s.Points > MaxSlotPoints:
		return FieldError(field+".points", "Points must be from 0 to %d.", MaxSlotPoints)
	case s.CategoryID != 0 && s.Points == 0:
		return FieldError(field+".points", "A random slot needs its points.")
	}
	return nil
}

// QuizOverride changes a quiz's rules for one learner (UserID) or one
// group (GroupID), for accommodations. Zero fields keep the quiz's value. A
// learner's own override wins over their group's.
type QuizOverride struct {
	ID               int64     `json:"id"`
	QuizID           int64     `json:"quiz_id"`
	UserID           int64     `json:"user_id,omitzero"`
	GroupID          int64     `json:"group_id,omitzero"`
	OpensAt          time.Time `json:"opens_at,omitzero"`
	ClosesAt         time.Time `json:"closes_at,omitzero"`
	TimeLimitSeconds int       `json:"time_limit_seconds,omitzero"`
	Attempts         int       `json:"attempts,omitzero"`
	CreatedAt        time.Time `json:"created_at"`
}

// Validate checks an override.
func (o *QuizOverride) Validate() error {
	switch {
	case (o.UserID == 0) == (o.GroupID == 0):
		return FieldError("user_id", "An override is for either a learner or a group.")
	case !o.OpensAt.IsZero() && !o.ClosesAt.IsZero() && !o.ClosesAt.After(o.OpensAt):
		return FieldError("closes_at", "The quiz must close after it opens.")
	case o.TimeLimitSeconds < 0 || o.TimeLimitSeconds > maxQuizOverrideExtra:
		return FieldError("time_limit_seconds", "The time limit must be from 0 (the quiz's) to %d seconds.", maxQuizOverrideExtra)
	case o.Attempts < 0 || o.Attempts > MaxAttemptsAllowed:
		return FieldError("attempts", "The attempts must be from 0 (the quiz's) to %d.", MaxAttemptsAllowed)
	}
	return nil
}

// Apply returns the quiz's rules with the override's non-zero fields.
func (o *QuizOverride) Apply(q Quiz) Quiz {
	if o == nil {
		return q
	}
	if !o.OpensAt.IsZero() {
		q.OpensAt = o.OpensAt
	}
	if !o.ClosesAt.IsZero() {
		q.ClosesAt = o.ClosesAt
	}
	if o.TimeLimitSeconds != 0 {
		q.TimeLimitSeconds = o.TimeLimitSeconds
	}
	if o.Attempts != 0 {
		q.AttemptsAllowed = o.Attempts
	}
	return q
}

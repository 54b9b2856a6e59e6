package lms

import "time"

// GradeSource names the kind of assessment that produced a graded item.
type GradeSource string

// Grade sources.
const (
	GradeQuiz       GradeSource = "quiz"       // a quiz's counted attempt
	GradeAssignment GradeSource = "assignment" // an assignment's graded submission
	GradeLiveQuiz   GradeSource = "live_quiz"  // a live quiz session
	GradeManual     GradeSource = "manual"     // an item created in the gradebook itself
)

// GradeResult is what an assessment reports to the gradebook for one learner
// on one graded item. Reporting is an idempotent upsert keyed by (CourseID,
// Source, SourceID, UserID): reporting the same result twice changes nothing,
// so a report may be retried.
type GradeResult struct {
	CourseID int64       `json:"course_id"`
	Source   GradeSource `json:"source"`
	SourceID int64       `json:"source_id"` // the quiz's or assignment's id
	// Title names the item; the gradebook creates the item from it on the
	// first report and follows renames.
	Title     string  `json:"title"`
	UserID    int64   `json:"user_id"`
	Points    float64 `json:"points"` // 0..MaxPoints
	MaxPoints float64 `json:"max_points"`
	// Released says the learner may see the grade now.
	Released bool `json:"released"`
	// GradedBy is the person who graded; 0 for automatic grading.
	GradedBy int64     `json:"graded_by,omitzero"`
	At       time.Time `json:"at"`
}

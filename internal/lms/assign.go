package lms

import (
	"math"
	"strings"
	"time"
)

// Limits of assignments and submissions.
const (
	MaxAssignmentPoints   = 100_000 // the most points an assignment or grade item may be worth
	MaxRubricCriteria     = 50      // criteria in one rubric
	MaxRubricLevels       = 10      // levels of one criterion
	MaxSubmissionFiles    = 20      // files in one submission (and attachments of one assignment)
	MaxSubmissionText     = 200_000 // bytes of a submission's online text
	MaxFeedbackBytes      = 50_000  // bytes of a grader's feedback
	MaxFileTypes          = 30      // allowed file extensions of one assignment
	MaxLatePenaltyPercent = 100     // the largest penalty per day or hour, in percent of the points
)

// LateUnit is what a late penalty is counted in.
type LateUnit string

// Late penalty units.
const (
	LateNoPenalty LateUnit = ""     // late work (before the cut-off) loses nothing
	LatePerDay    LateUnit = "day"  // Percent is deducted per started day late
	LatePerHour   LateUnit = "hour" // Percent is deducted per started hour late
)

// LatePolicy is how late work is marked down: Percent of the points the
// submission earned for every started Unit after the due date, at most the
// whole score. Work after the cut-off date is refused.
type LatePolicy struct {
	Unit    LateUnit `json:"unit"`
	Percent float64  `json:"percent"`
}

// RubricLevel is one level of a criterion (e.g. "Excellent", 4 points).
type RubricLevel struct {
	Title  string  `json:"title"`
	Points float64 `json:"points"`
}

// RubricCriterion is one row of a rubric.
type RubricCriterion struct {
	Title  string        `json:"title"`
	Levels []RubricLevel `json:"levels"`
}

// Rubric is criteria × levels with points; a grader picks one level per
// criterion and the score is the sum of their points.
type Rubric struct {
	Criteria []RubricCriterion `json:"criteria"`
}

// MaxPoints is the sum over criteria of the best level's points.
func (r *Rubric) MaxPoints() float64 {
	total := 0.0
	for _, c := range r.Criteria {
		best := 0.0
		for _, l := range c.Levels {
			best = max(best, l.Points)
		}
		total += best
	}
	return total
}

// Score is the sum of the chosen levels' points: levels[i] is the index of
// the level chosen for criterion i, one per criterion.
func (r *Rubric) Score(levels []int) (float64, error) {
	if len(levels) != len(r.Criteria) {
		return 0, FieldError("rubric", "Choose one level for each of the %d criteria.", len(r.Criteria))
	}
	total := 0.0
	for i, l := range levels {
		if l < 0 || l >= len(r.Criteria[i].Levels) {
			return 0, FieldError("rubric", "Criterion %d has no level %d.", i+1, l+1)
		}
		total += r.Criteria[i].Levels[l].Points
	}
	return total, nil
}

// Validate checks the rubric's shape and points.
func (r *Rubric) Validate() error {
	if len(r.Criteria) == 0 || len(r.Criteria) > MaxRubricCriteria {
		return FieldError("rubric", "A rubric has 1 to %d criteria.", MaxRubricCriteria)
	}
	for i, c := range r.Criteria {
		if err := CheckText("rubric", c.Title, MaxTitleChars, true); err != nil {
			return err
		}
		if len(c.Levels) == 0 || len(c.Levels) > MaxRubricLevels {
			return FieldError("rubric", "Criterion %d needs 1 to %d levels.", i+1, MaxRubricLevels)
		}
		for _, l := range c.Levels {
			if err := CheckText("rubric", l.Title, MaxTitleChars, true); err != nil {
				return err
			}
			if !ValidPoints(l.Points) {
				return FieldError("rubric", "Criterion %d: points must be between 0 and %d.", i+1, MaxAssignmentPoints)
			}
		}
	}
	return nil
}

// ValidPoints reports whether p is a finite number of points in
// 0..MaxAssignmentPoints.
func ValidPoints(p float64) bool {
	return !math.IsNaN(p) && !math.IsInf(p, 0) && p >= 0 && p <= MaxAssignmentPoints
}

// Assignment is work learners hand in: online text, files or both, by a
// due date, graded by hand.
type Assignment struct {
	ID               int64  `json:"id"`
	CourseID         int64  `json:"course_id"`
	Title            string `json:"title"`
	InstructionsMD   string `json:"instructions_md"`
	InstructionsHTML string `json:"instructions_html"` // rendered and sanitised at save time
	// Attachments are upload ids shown with the instructions.
	Attachments []int64    `json:"attachments"`
	DueAt       time.Time  `json:"due_at"`    // zero: no due date
	CutoffAt    time.Time  `json:"cutoff_at"` // zero: late work accepted forever; else after DueAt
	Late        LatePolicy `json:"late"`
	// MaxPoints is what the assignment is worth (the rubric's maximum when
	// it has a rubric).
	MaxPoints  float64 `json:"max_points"`
	OnlineText bool    `json:"online_text"` // learners may type their answer
	Files      bool    `json:"files"`       // learners may hand in files
	// FileTypes are the allowed file extensions, lower case without the
	// dot; empty allows any type the site accepts.
	FileTypes    []string `json:"file_types"`
	MaxFileBytes int64    `json:"max_file_bytes"` // 0: the site's limit
	MaxFiles     int      `json:"max_files"`      // 0: MaxSubmissionFiles
	// GroupMode makes one submission per course group: any member submits,
	// every member gets the grade.
	GroupMode bool    `json:"group_mode"`
	Rubric    *Rubric `json:"rubric,omitempty"`
	Draft     bool    `json:"draft"` // hidden from learners
	// Extended is set in a learner's own view when their extension's dates
	// are DueAt and CutoffAt (Extension.Apply); it is never stored.
	Extended  bool      `json:"extended,omitzero"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the assignment's fields (not its course or uploads).
func (a *Assignment) Validate() error {
	if err := CheckText("title", a.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if len(a.InstructionsMD) > MaxBodyBytes {
		return &Error{Code: ETOOLARGE, Field: "instructions_md", Message: "The instructions are too long."}
	}
	if len(a.Attachments) > MaxSubmissionFiles {
		return FieldError("attachments", "An assignment may have at most %d attachments.", MaxSubmissionFiles)
	}
	if !a.CutoffAt.IsZero() && (a.DueAt.IsZero() || a.CutoffAt.Before(a.DueAt)) {
		return FieldError("cutoff_at", "The cut-off date must be at or after the due date.")
	}
	switch a.Late.Unit {
	case LateNoPenalty, LatePerDay, LatePerHour:
	default:
		return FieldError("late", "The late penalty is per day or per hour.")
	}
	if math.IsNaN(a.Late.Percent) || a.Late.Percent < 0 || a.Late.Percent > MaxLatePenaltyPercent {
		return FieldError("late", "The late penalty is between 0 and %d percent.", MaxLatePenaltyPercent)
	}
	if !a.OnlineText && !a.Files {
		return FieldError("online_text", "Allow online text, files or both.")
	}
	if a.Rubric != nil {
		if err := a.Rubric.Validate(); err != nil {
			return err
		}
	}
	if !ValidPoints(a.MaxPoints) || a.MaxPoints == 0 {
		return FieldError("max_points", "Points must be more than 0 and at most %d.", MaxAssignmentPoints)
	}
	if len(a.FileTypes) > MaxFileTypes {
		return FieldError("file_types", "At most %d file types.", MaxFileTypes)
	}
	for _, t := range a.FileTypes {
		if t == "" || len(t) > 16 || strings.ContainsAny(t, ". /\\") || strings.ToLower(t) != t {
			return FieldError("file_types", "File types are extensions such as pdf or docx.")
		}
	}
	if a.MaxFileBytes < 0 || a.MaxFiles < 0 || a.MaxFiles > MaxSubmissionFiles {
		return FieldError("max_files", "At most %d files per submission.", MaxSubmissionFiles)
	}
	return nil
}

// Penalty returns the share of the score (0..1) a submission made at at
// loses for lateness, and how late it is (0 when on time).
func (a *Assignment) Penalty(at time.Time) (share float64, late time.Duration) {
	if a.DueAt.IsZero() || !at.After(a.DueAt) {
		return 0, 0
	}
	late = at.Sub(a.DueAt)
	var unit time.Duration
	switch a.Late.Unit {
	case LatePerDay:
		unit = 24 * time.Hour
	case LatePerHour:
		unit = time.Hour
	default:
		return 0, late
	}
	units := math.Ceil(float64(late) / float64(unit))
	return min(1, units*a.Late.Percent/100), late
}

// SubmissionStatus is whether a submission is handed in.
type SubmissionStatus string

// Submission statuses.
const (
	SubmissionDraft     SubmissionStatus = "draft"     // saved, not handed in
	SubmissionSubmitted SubmissionStatus = "submitted" // submitted for grading
)

// Submission is one learner's (or one group's) work on an assignment: the
// latest version and its grade. Every version is kept (SubmissionVersion).
type Submission struct {
	ID           int64            `json:"id"`
	AssignmentID int64            `json:"assignment_id"`
	UserID       int64            `json:"user_id,omitzero"`  // individual submissions
	GroupID      int64            `json:"group_id,omitzero"` // group submissions
	Status       SubmissionStatus `json:"status"`
	Version      int              `json:"version"` // the latest version's number, from 1
	Text         string           `json:"text"`
	Files        []int64          `json:"files"`
	// SubmittedAt is when it was last submitted for grading (zero: never).
	SubmittedAt time.Time `json:"submitted_at"`
	SubmittedBy int64     `json:"submitted_by,omitzero"`
	UpdatedAt   time.Time `json:"updated_at"`

	// Grading. Score is the points before the late penalty; Penalty the
	// points deducted; the grade is Score - Penalty.
	Graded       bool      `json:"graded"`
	Score        float64   `json:"score"`
	Penalty      float64   `json:"penalty"`
	RubricLevels []int     `json:"rubric_levels,omitempty"`
	FeedbackMD   string    `json:"feedback_md"`
	FeedbackHTML string    `json:"feedback_html"`
	FeedbackFile int64     `json:"feedback_file,omitzero"` // an upload id
	GradedBy     int64     `json:"graded_by,omitzero"`
	GradedAt     time.Time `json:"graded_at"`
	Released     bool      `json:"released"`
	ReleasedAt   time.Time `json:"released_at"`
}

// Grade is the points the submission earns: Score less Penalty, never below 0.
func (s *Submission) Grade() float64 { return max(0, s.Score-s.Penalty) }

// SubmissionVersion is one saved version of a submission.
type SubmissionVersion struct {
	SubmissionID int64            `json:"submission_id"`
	Number       int              `json:"number"`
	Status       SubmissionStatus `json:"status"`
	Text         string           `json:"text"`
	Files        []int64          `json:"files"`
	By           int64            `json:"by"`
	CreatedAt    time.Time        `json:"created_at"`
}

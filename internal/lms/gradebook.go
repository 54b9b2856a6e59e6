package lms

import (
	"math"
	"slices"
	"time"
)

// Gradebook limits.
const (
	MaxGradeCategories = 50  // categories in one course
	MaxLetterGrades    = 30  // letters in one scale
	MaxReasonChars     = 500 // an override's reason
	MaxCategoryWeight  = 1000
	maxLetterChars     = 20 // a letter of a scale ("A-", "Distinction")
)

// GradeCategory groups a course's graded items (e.g. "Homework" 40 %).
type GradeCategory struct {
	ID       int64  `json:"id"`
	CourseID int64  `json:"course_id"`
	Name     string `json:"name"`
	// Weight is the category's share of the course total in weighted mode
	// (relative to the other categories' weights).
	Weight float64 `json:"weight"`
	// DropLowest drops this many of a learner's lowest grades in the
	// category (at least one grade is always kept).
	DropLowest int `json:"drop_lowest"`
}

// Validate checks the category's fields.
func (c *GradeCategory) Validate() error {
	if err := CheckText("name", c.Name, MaxTitleChars, true); err != nil {
		return err
	}
	if math.IsNaN(c.Weight) || c.Weight < 0 || c.Weight > MaxCategoryWeight {
		return FieldError("weight", "The weight is between 0 and %d.", MaxCategoryWeight)
	}
	if c.DropLowest < 0 || c.DropLowest > 100 {
		return FieldError("drop_lowest", "Drop between 0 and 100 grades.")
	}
	return nil
}

// GradeItem is one column of the gradebook: a quiz, an assignment, a live
// quiz or a manual item. (CourseID, Source, SourceID) is unique; a manual
// item's SourceID is its own ID.
type GradeItem struct {
	ID         int64       `json:"id"`
	CourseID   int64       `json:"course_id"`
	Source     GradeSource `json:"source"`
	SourceID   int64       `json:"source_id"`
	Title      string      `json:"title"`
	MaxPoints  float64     `json:"max_points"`
	CategoryID int64       `json:"category_id,omitzero"` // 0: uncategorised
	// Hidden items are not shown to learners and do not count in totals.
	Hidden    bool      `json:"hidden"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the item's fields.
func (it *GradeItem) Validate() error {
	if err := CheckText("title", it.Title, MaxTitleChars, true); err != nil {
		return err
	}
	if !ValidPoints(it.MaxPoints) || it.MaxPoints == 0 {
		return FieldError("max_points", "Points must be more than 0 and at most %d.", MaxAssignmentPoints)
	}
	switch it.Source {
	case GradeQuiz, GradeAssignment, GradeLiveQuiz, GradeManual:
	default:
		return FieldError("source", "Unknown grade source %q.", it.Source)
	}
	return nil
}

// Grade is one learner's grade on one item.
type Grade struct {
	ItemID int64 `json:"item_id"`
	UserID int64 `json:"user_id"`
	// Graded says Points holds a grade (from the assessment or typed in).
	Graded bool    `json:"graded"`
	Points float64 `json:"points"`
	// Override, when set, replaces Points (a manual override with Reason).
	Override *float64 `json:"override,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	// Excused grades count neither for nor against the learner.
	Excused   bool      `json:"excused"`
	Released  bool      `json:"released"`
	GradedBy  int64     `json:"graded_by,omitzero"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Effective returns the points that count and whether there are any: the
// override if set, else the grade; none when excused or not graded.
func (g *Grade) Effective() (float64, bool) {
	switch {
	case g == nil || g.Excused:
		return 0, false
	case g.Override != nil:
		return *g.Override, true
	case g.Graded:
		return g.Points, true
	}
	return 0, false
}

// GradebookMode is how the course total is computed.
type GradebookMode string

// Gradebook modes.
const (
	// GradebookWeighted: each category's percentage counts by its weight.
	GradebookWeighted GradebookMode = "weighted"
	// GradebookPoints: the total is all points earned over all points possible.
	GradebookPoints GradebookMode = "points"
)

// LetterGrade is one step of a letter scale: a total of at least Min
// percent earns Letter.
type LetterGrade struct {
	Letter string  `json:"letter"`
	Min    float64 `json:"min"`
}

// GradebookSettings are a course's gradebook settings.
type GradebookSettings struct {
	CourseID int64         `json:"course_id"`
	Mode     GradebookMode `json:"mode"`
	// Scale maps total percentages to letters, highest Min first.
	Scale []LetterGrade `json:"scale"`
	// UncategorisedWeight is the weight of uncategorised items taken
	// together in weighted mode (0: they do not count there).
	UncategorisedWeight float64 `json:"uncategorised_weight"`
}

// DefaultLetterScale is the scale a course starts with.
func DefaultLetterScale() []LetterGrade {
	return []LetterGrade{{"A", 90}, {"B", 80}, {"C", 70}, {"D", 60}, {"F", 0}}
}

// DefaultGradebookSettings are the settings of a course that saved none.
func DefaultGradebookSettings(courseID int64) GradebookSettings {
	return GradebookSettings{CourseID: courseID, Mode: GradebookWeighted, Scale: DefaultLetterScale(),
		UncategorisedWeight: 1}
}

// Validate checks the settings and sorts the scale, highest Min first.
func (s *GradebookSettings) Validate() error {
	if s.Mode != GradebookWeighted && s.Mode != GradebookPoints {
		return FieldError("mode", "The mode is weighted or points.")
	}
	if len(s.Scale) > MaxLetterGrades {
		return FieldError("scale", "At most %d letters.", MaxLetterGrades)
	}
	seen := map[string]bool{}
	for _, l := range s.Scale {
		if err := CheckText("scale", l.Letter, maxLetterChars, true); err != nil {
			return err
		}
		if math.IsNaN(l.Min) || l.Min < 0 || l.Min > 100 {
			return FieldError("scale", "Each letter starts between 0 and 100 percent.")
		}
		if seen[l.Letter] {
			return FieldError("scale", "The letter %q appears twice.", l.Letter)
		}
		seen[l.Letter] = true
	}
	if math.IsNaN(s.UncategorisedWeight) || s.UncategorisedWeight < 0 || s.UncategorisedWeight > MaxCategoryWeight {
		return FieldError("uncategorised_weight", "The weight is between 0 and %d.", MaxCategoryWeight)
	}
	slices.SortStableFunc(s.Scale, func(a, b LetterGrade) int {
		switch {
		case a.Min > b.Min:
			return -1
		case a.Min < b.Min:
			return 1
		}
		return 0
	})
	return nil
}

// Letter returns the letter a total percentage earns ("" when the scale
// has none for it).
func (s *GradebookSettings) Letter(percent float64) string {
	for _, l := range s.Scale { // highest first
		if percent >= l.Min {
			return l.Letter
		}
	}
	return ""
}

// Audit actions of the gradebook and assignments.
const (
	AuditGradeOverride   = "grade.override"   // a grade was overridden (or the override removed)
	AuditGradeExcuse     = "grade.excuse"     // a grade was excused (or no longer)
	AuditGradeImport     = "grade.import"     // manual grades were imported from CSV
	AuditGradeSet        = "grade.set"        // a manual item's grade was typed in
	AuditSubmissionGrade = "submission.grade" // a submission was graded
	AuditExtensionGrant  = "extension.grant"  // a learner was given (or given anew) an extension
	AuditExtensionRevoke = "extension.revoke" // a learner's extension was revoked
)

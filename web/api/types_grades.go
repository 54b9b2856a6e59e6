package api

import (
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// AssignmentList is a course's assignments.
type AssignmentList struct {
	Items      []*lms.Assignment `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// ExtensionList is an assignment's extensions.
type ExtensionList struct {
	Items      []*lms.Extension `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// SubmissionTable is a page of the graders' table of an assignment.
type SubmissionTable struct {
	Items      []assign.Row `json:"items"`
	Total      int          `json:"total"` // rows matching the filters
	NextCursor string       `json:"next_cursor"`
}

// VersionList is every version of a submission, oldest first.
type VersionList struct {
	Items      []*lms.SubmissionVersion `json:"items"`
	NextCursor string                   `json:"next_cursor,omitempty"`
}

// GradebookPage is a page of the gradebook's learners (a row each, as
// grades.Row) with every grade item (its columns), the categories and the
// settings: the learners are the list that grows.
type GradebookPage struct {
	Settings   lms.GradebookSettings `json:"settings"`
	Categories []*lms.GradeCategory  `json:"categories"`
	GradeItems []*lms.GradeItem      `json:"grade_items"`
	Items      []grades.Row          `json:"items"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

// ReleaseRequest names the submissions whose grades to release; none
// releases every graded one.
type ReleaseRequest struct {
	SubmissionIDs []int64 `json:"submission_ids"`
}

// SubmissionList is a list of submissions.
type SubmissionList struct {
	Items []*lms.Submission `json:"items"`
}

// ResyncResult says how many grades were sent to the gradebook again.
type ResyncResult struct {
	Sent int `json:"sent"`
}

// CategoryRequest is a new grade category's fields.
type CategoryRequest struct {
	Name       string  `json:"name"`
	Weight     float64 `json:"weight"`
	DropLowest int     `json:"drop_lowest"`
}

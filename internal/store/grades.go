package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Assignments stores assignments and submissions with every version.
// Deleting an assignment deletes its submissions.
type Assignments interface {
	// CreateAssignment inserts a and sets a.ID, CreatedAt and UpdatedAt
	// (ENOTFOUND when the course does not exist).
	CreateAssignment(ctx context.Context, a *lms.Assignment) error
	// AssignmentByID returns the assignment (ENOTFOUND if none).
	AssignmentByID(ctx context.Context, id int64) (*lms.Assignment, error)
	// UpdateAssignment saves every field of a but ID, CourseID, CreatedBy
	// and CreatedAt, and sets UpdatedAt.
	UpdateAssignment(ctx context.Context, a *lms.Assignment) error
	// DeleteAssignment removes the assignment and its submissions.
	DeleteAssignment(ctx context.Context, id int64) error
	// ListAssignments returns a course's assignments ordered by id.
	ListAssignments(ctx context.Context, courseID int64) ([]*lms.Assignment, error)

	// SaveSubmission stores a new version of the work of (AssignmentID,
	// UserID, GroupID), creating the submission on its first version:
	// Status, Text, Files, SubmittedAt and SubmittedBy of sub are saved,
	// grading fields are kept. It sets sub.ID, Version (the new version's
	// number: one more than the last, atomically) and UpdatedAt (= at), and
	// returns the stored version.
	SaveSubmission(ctx context.Context, sub *lms.Submission, by int64, at time.Time) (*lms.SubmissionVersion, error)
	// SubmissionByID returns the submission (ENOTFOUND if none).
	SubmissionByID(ctx context.Context, id int64) (*lms.Submission, error)
	// SubmissionOf returns the submission of a user (groupID 0) or a group
	// (userID 0) (ENOTFOUND if none).
	SubmissionOf(ctx context.Context, assignmentID, userID, groupID int64) (*lms.Submission, error)
	// ListSubmissions returns an assignment's submissions ordered by id.
	ListSubmissions(ctx context.Context, assignmentID int64) ([]*lms.Submission, error)
	// SubmissionVersions returns every version of a submission, oldest first.
	SubmissionVersions(ctx context.Context, submissionID int64) ([]*lms.SubmissionVersion, error)
	// GradeSubmission saves the grading fields of sub (Graded, Score,
	// Penalty, RubricLevels, feedback, GradedBy, GradedAt, Released,
	// ReleasedAt) (ENOTFOUND if none).
	GradeSubmission(ctx context.Context, sub *lms.Submission) error

	// PutExtension inserts or replaces the extension of (AssignmentID,
	// UserID) with every field of x (ENOTFOUND if the assignment or the
	// user is missing).
	PutExtension(ctx context.Context, x *lms.Extension) error
	// DeleteExtension removes a learner's extension (ENOTFOUND if none).
	DeleteExtension(ctx context.Context, assignmentID, userID int64) error
	// ExtensionOf returns a learner's extension (ENOTFOUND if none).
	ExtensionOf(ctx context.Context, assignmentID, userID int64) (*lms.Extension, error)
	// ListExtensions returns an assignment's extensions ordered by user.
	ListExtensions(ctx context.Context, assignmentID int64) ([]*lms.Extension, error)
}

// Gradebook stores grade categories, graded items, grades and each
// course's gradebook settings.
type Gradebook interface {
	// CreateGradeCategory inserts c and sets c.ID.
	CreateGradeCategory(ctx context.Context, c *lms.GradeCategory) error
	// UpdateGradeCategory saves Name, Weight and DropLowest (ENOTFOUND if none).
	UpdateGradeCategory(ctx context.Context, c *lms.GradeCategory) error
	// DeleteGradeCategory removes the category; its items become uncategorised.
	DeleteGradeCategory(ctx context.Context, id int64) error
	// ListGradeCategories returns a course's categories ordered by id.
	ListGradeCategories(ctx context.Context, courseID int64) ([]*lms.GradeCategory, error)

	// EnsureGradeItem returns the item of (CourseID, Source, SourceID),
	// creating it from it when there is none (a manual item, Source
	// GradeManual, always gets a new one whose SourceID is its ID); an
	// existing item takes it.Title and it.MaxPoints. it is set to the
	// stored item; created says whether it was inserted.
	EnsureGradeItem(ctx context.Context, it *lms.GradeItem) (created bool, err error)
	// GradeItemByID returns the item (ENOTFOUND if none).
	GradeItemByID(ctx context.Context, id int64) (*lms.GradeItem, error)
	// UpdateGradeItem saves Title, MaxPoints, CategoryID and Hidden.
	UpdateGradeItem(ctx context.Context, it *lms.GradeItem) error
	// DeleteGradeItem removes the item and its grades.
	DeleteGradeItem(ctx context.Context, id int64) error
	// ListGradeItems returns a course's items ordered by id.
	ListGradeItems(ctx context.Context, courseID int64) ([]*lms.GradeItem, error)

	// ReportGrade stores what an assessment reports for one learner on one
	// item: Points (Graded becomes true), Released, GradedBy and
	// UpdatedAt; an override, reason and excuse are kept. It reports whether
	// anything changed: the same report twice changes nothing.
	ReportGrade(ctx context.Context, g *lms.Grade) (changed bool, err error)
	// PutGrade stores every field of g (ENOTFOUND when the item or user
	// does not exist).
	PutGrade(ctx context.Context, g *lms.Grade) error
	// GradeOf returns one grade (ENOTFOUND if none).
	GradeOf(ctx context.Context, itemID, userID int64) (*lms.Grade, error)
	// ListGrades returns a course's grades ordered by user then item;
	// userID 0 means every learner's.
	ListGrades(ctx context.Context, courseID, userID int64) ([]*lms.Grade, error)

	// GradebookSettings returns the course's settings, or
	// lms.DefaultGradebookSettings when it saved none.
	GradebookSettings(ctx context.Context, courseID int64) (lms.GradebookSettings, error)
	// PutGradebookSettings saves the course's settings.
	PutGradebookSettings(ctx context.Context, s lms.GradebookSettings) error
}

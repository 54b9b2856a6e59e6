package api

import (
	"github.com/lyceumhq/lyceum/internal/lms"
)

// QuestionCategoryList is a course's question categories.
type QuestionCategoryList struct {
	Items      []*lms.QuestionCategory `json:"items"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// QuestionList is a page of a bank's current questions.
type QuestionList struct {
	Items      []*lms.Question `json:"items"`
	Total      int             `json:"total"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// MoveQuestionsRequest moves questions to a category of the same course.
type MoveQuestionsRequest struct {
	IDs        []int64 `json:"ids"`
	CategoryID int64   `json:"category_id"`
}

// QuizList is a course's quizzes as the caller may see them.
type QuizList struct {
	Items      []*lms.Quiz `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

// OverrideList is a quiz's overrides.
type OverrideList struct {
	Items      []*lms.QuizOverride `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// AttemptList is a quiz's attempts (the caller's, or with view_grades
// everyone's), oldest first.
type AttemptList struct {
	Items      []*lms.Attempt `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// StartAttemptRequest starts (or resumes) an attempt.
type StartAttemptRequest struct {
	AccessCode string `json:"access_code,omitempty"`
}

// SlotAnswerRequest is an answer to one question of an attempt, in the
// presented ids the attempt's view gave: the body of the check route and
// of the deprecated PUT .../answer.
type SlotAnswerRequest struct {
	Response lms.Response `json:"response"`
}

// FlagRequest flags or unflags a question of an attempt (the deprecated
// PUT .../flag; PATCH the slot with {"flagged"} instead).
type FlagRequest struct {
	Flagged bool `json:"flagged"`
}

// RegradeRequest asks for a regrade of a quiz's attempts.
type RegradeRequest struct {
	// DryRun only reports what would change.
	DryRun bool `json:"dry_run"`
}

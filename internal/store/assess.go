package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Assess stores question banks, quizzes and attempts.
type Assess interface {
	// CreateCategory inserts c and sets c.ID and CreatedAt (ENOTFOUND when
	// the course or parent is gone).
	CreateCategory(ctx context.Context, c *lms.QuestionCategory) error
	// CategoryByID returns the category (ENOTFOUND if none).
	CategoryByID(ctx context.Context, id int64) (*lms.QuestionCategory, error)
	// UpdateCategory saves Name and ParentID.
	UpdateCategory(ctx context.Context, c *lms.QuestionCategory) error
	// DeleteCategory removes a category (and, by cascade, its subcategories
	// and questions: callers check it is empty).
	DeleteCategory(ctx context.Context, id int64) error
	// ListCategories returns a course's categories ordered by id.
	ListCategories(ctx context.Context, courseID int64) ([]*lms.QuestionCategory, error)
	// CountCategoryContents returns the current, not deleted questions and
	// the subcategories directly in a category.
	CountCategoryContents(ctx context.Context, id int64) (questions, subcategories int, err error)

	// CreateQuestion inserts q as a new family's first version: sets q.ID,
	// FamilyID (= ID), Version 1, CreatedAt and UpdatedAt.
	CreateQuestion(ctx context.Context, q *lms.Question) error
	// AddQuestionVersion inserts q as the next version of its family
	// (q.FamilyID): sets q.ID, Version (the family's highest + 1),
	// CreatedAt and UpdatedAt, and makes it the family's latest.
	AddQuestionVersion(ctx context.Context, q *lms.Question) error
	// UpdateQuestion saves q in place (no new version) and sets UpdatedAt.
	UpdateQuestion(ctx context.Context, q *lms.Question) error
	// QuestionByID returns one version (also an old or deleted one).
	QuestionByID(ctx context.Context, id int64) (*lms.Question, error)
	// QuestionsByIDs returns the versions with these ids, in any order.
	QuestionsByIDs(ctx context.Context, ids []int64) ([]*lms.Question, error)
	// LatestQuestion returns the latest version of a family that is not
	// deleted (ENOTFOUND if none).
	LatestQuestion(ctx context.Context, familyID int64) (*lms.Question, error)
	// LatestQuestions returns the latest, not deleted versions of these
	// families, in any order; a family with none is left out (one query
	// for a quiz's fixed slots instead of LatestQuestion each).
	LatestQuestions(ctx context.Context, familyIDs []int64) ([]*lms.Question, error)
	// ListQuestions returns the latest, not deleted versions matching f,
	// ordered by id, and their total count.
	ListQuestions(ctx context.Context, f lms.QuestionFilter) ([]*lms.Question, int, error)
	// LatestQuestionIDs returns the ids of the latest, not deleted versions
	// in a category, ordered by id (for random slots; unbounded).
	LatestQuestionIDs(ctx context.Context, categoryID int64) ([]int64, error)
	// QuestionFamilyInUse reports whether an attempt asked any version of
	// the family.
	QuestionFamilyInUse(ctx context.Context, familyID int64) (bool, error)
	// QuestionInUse reports whether an attempt asked this version.
	QuestionInUse(ctx context.Context, id int64) (bool, error)
	// QuestionAskedOf reports whether an attempt of the user (open or not)
	// asked this version.
	QuestionAskedOf(ctx context.Context, id, userID int64) (bool, error)
	// DeleteQuestionFamily removes every version of a family, or with soft
	// marks them deleted (kept for the attempts that asked them).
	DeleteQuestionFamily(ctx context.Context, familyID int64, soft bool) error
	// MoveQuestionFamilies moves every version of these families to a
	// category.
	MoveQuestionFamilies(ctx context.Context, familyIDs []int64, categoryID int64) error

	// CreateQuiz inserts q and sets q.ID, CreatedAt and UpdatedAt.
	CreateQuiz(ctx context.Context, q *lms.Quiz) error
	// QuizByID returns the quiz (ENOTFOUND if none).
	QuizByID(ctx context.Context, id int64) (*lms.Quiz, error)
	// UpdateQuiz saves q and sets UpdatedAt.
	UpdateQuiz(ctx context.Context, q *lms.Quiz) error
	// DeleteQuiz removes a quiz with its overrides and attempts.
	DeleteQuiz(ctx context.Context, id int64) error
	// ListQuizzes returns a course's quizzes ordered by id.
	ListQuizzes(ctx context.Context, courseID int64) ([]*lms.Quiz, error)

	// PutOverride inserts or replaces the override of o's learner or group
	// and sets o.ID and CreatedAt.
	PutOverride(ctx context.Context, o *lms.QuizOverride) error
	// DeleteOverride removes an override of a quiz (ENOTFOUND if none).
	DeleteOverride(ctx context.Context, quizID, id int64) error
	// ListOverrides returns a quiz's overrides ordered by id.
	ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error)

	// CreateAttempt inserts a with its slots and sets a.ID, and each slot's
	// AttemptID. A second attempt with the same quiz, user and number is
	// ECONFLICT.
	CreateAttempt(ctx context.Context, a *lms.Attempt, slots []*lms.AttemptSlot) error
	// AttemptByID returns the attempt (ENOTFOUND if none).
	AttemptByID(ctx context.Context, id int64) (*lms.Attempt, error)
	// ListAttempts returns the attempts matching f ordered by id.
	ListAttempts(ctx context.Context, f lms.AttemptFilter) ([]*lms.Attempt, error)
	// AttemptSlots returns an attempt's slots in order.
	AttemptSlots(ctx context.Context, attemptID int64) ([]*lms.AttemptSlot, error)
	// UpdateAttemptSlot saves a slot: its question version and max points
	// (a regrade may move it to a new version), answer, tries, flag and
	// grading.
	UpdateAttemptSlot(ctx context.Context, s *lms.AttemptSlot) error
	// SaveSlotGrades saves the State, Fraction and Points of these slots
	// of one attempt, in one statement rather than UpdateAttemptSlot each
	// (the grading at submission); other fields are left alone.
	SaveSlotGrades(ctx context.Context, attemptID int64, slots []*lms.AttemptSlot) error
	// TouchOpenAttempt marks an open attempt whose deadline is after at as
	// being written (taking its row lock for the rest of the transaction)
	// and reports whether it was; false means submitted or past its
	// deadline.
	TouchOpenAttempt(ctx context.Context, id int64, at time.Time) (bool, error)
	// CloseAttempt moves an open attempt to submitted at at and reports
	// whether this call did (false: it was submitted already), so that
	// concurrent submits count once.
	CloseAttempt(ctx context.Context, id int64, at time.Time, auto bool) (bool, error)
	// UpdateAttemptGrade saves Points, MaxPoints and NeedsGrading and sets
	// UpdatedAt.
	UpdateAttemptGrade(ctx context.Context, a *lms.Attempt) error
}

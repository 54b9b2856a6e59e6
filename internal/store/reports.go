package store

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Reports reads the aggregates the reports show. Learner figures count the
// course's active learners only; periods are [from, to) in whole UTC days.
type Reports interface {
	// CourseActivityDays returns the course's activity per UTC day that has
	// any, oldest first.
	CourseActivityDays(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.ActivityDay, error)
	// CourseLessonActivity returns the learners' activity per lesson (only
	// lessons with some), ordered by lesson id.
	CourseLessonActivity(ctx context.Context, courseID int64, from, to time.Time) ([]*lms.LessonActivity, error)
	// ModuleLearners returns, per module and active learner with any
	// progress, the published lessons opened and completed.
	ModuleLearners(ctx context.Context, courseID int64) ([]*lms.ModuleLearner, error)
	// LastActivity returns each active learner's latest activity in the
	// course (lesson, post, message, quiz attempt, submission); learners
	// with none are absent.
	LastActivity(ctx context.Context, courseID int64) (map[int64]time.Time, error)
	// MissedAssignments returns the published assignments due before now
	// that an active learner (or their group) has not submitted; a
	// learner with an extension is measured, and reported, at its date.
	MissedAssignments(ctx context.Context, courseID int64, now time.Time) ([]*lms.MissedDeadline, error)
	// QuizSubmitters returns, per quiz of the course, who submitted an attempt.
	QuizSubmitters(ctx context.Context, courseID int64) (map[int64]map[int64]bool, error)
	// LearnerTimeline returns a learner's activity in the course, newest
	// first, at most limit entries.
	LearnerTimeline(ctx context.Context, courseID, userID int64, limit int) ([]*lms.TimelineEvent, error)
	// WrongAnswerLessons returns the lessons tagged on the questions the
	// learner got wrong, ordered by lesson id.
	WrongAnswerLessons(ctx context.Context, courseID, userID int64) ([]*lms.WrongAnswers, error)
	// SetQuestionLessons replaces the lessons a question family tests.
	SetQuestionLessons(ctx context.Context, familyID int64, lessonIDs []int64) error
	// QuestionLessons returns the lessons a question family tests, by id.
	QuestionLessons(ctx context.Context, familyID int64) ([]int64, error)
	// CourseQuestionLessons returns the lessons each tagged question family
	// tests in a course (family id -> lesson ids in order), in one query
	// for the bank's list.
	CourseQuestionLessons(ctx context.Context, courseID int64) (map[int64][]int64, error)
	// SiteCounts returns the site's figures; active means signed in or
	// seen within a day, week and 30 days of now.
	SiteCounts(ctx context.Context, now time.Time) (*lms.SiteCounts, error)
}

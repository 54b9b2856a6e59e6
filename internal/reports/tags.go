package reports

import (
	"context"
	"maps"
	"slices"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// MaxQuestionLessons bounds how many lessons one question is tagged with.
const MaxQuestionLessons = 20

// question loads a question for a caller who may act on its course.
func (s *Service) question(ctx context.Context, actor *lms.User, questionID int64, act lms.CourseAction) (*lms.Question, error) {
	q, err := s.p.Store.QuestionByID(ctx, questionID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, lms.Errorf(lms.ENOTFOUND, "question not found")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.p.Access.Load(ctx, actor, q.CourseID, act); err != nil {
		return nil, err
	}
	return q, nil
}

// QuestionLessons returns the lessons a question (every version of it)
// tests, for those who see drafts of its course.
func (s *Service) QuestionLessons(ctx context.Context, actor *lms.User, questionID int64) ([]int64, error) {
	q, err := s.question(ctx, actor, questionID, lms.ActViewDrafts)
	if err != nil {
		return nil, err
	}
	return s.p.Store.QuestionLessons(ctx, q.FamilyID)
}

// SetQuestionLessons tags a question (every version of it) with the
// lessons of its course it tests, for those who edit the course's content.
// The learner report's "what to review next" follows these tags.
func (s *Service) SetQuestionLessons(ctx context.Context, actor *lms.User, questionID int64, lessonIDs []int64) ([]int64, error) {
	q, err := s.question(ctx, actor, questionID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(lessonIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > MaxQuestionLessons {
		return nil, lms.FieldError("lesson_ids", "A question may test at most %d lessons.", MaxQuestionLessons)
	}
	for _, id := range ids {
		l, err := s.p.Store.LessonByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && l.CourseID != q.CourseID) {
			return nil, lms.FieldError("lesson_ids", "Lesson %d is not in this question's course.", id)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.p.Store.SetQuestionLessons(ctx, q.FamilyID, ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// FamilyLessons are the lessons one question (every version: its family)
// tests.
type FamilyLessons struct {
	FamilyID  int64   `json:"family_id"`
	LessonIDs []int64 `json:"lesson_ids"`
}

// CourseQuestionLessons returns the lessons each tagged question of a
// course tests, by family id, for those who see drafts of the course (the
// question bank lists them).
func (s *Service) CourseQuestionLessons(ctx context.Context, actor *lms.User, courseID int64) ([]FamilyLessons, error) {
	if _, err := s.p.Access.Load(ctx, actor, courseID, lms.ActViewDrafts); err != nil {
		return nil, err
	}
	byFamily, err := s.p.Store.CourseQuestionLessons(ctx, courseID)
	if err != nil {
		return nil, err
	}
	out := make([]FamilyLessons, 0, len(byFamily))
	for _, fam := range slices.Sorted(maps.Keys(byFamily)) {
		out = append(out, FamilyLessons{FamilyID: fam, LessonIDs: byFamily[fam]})
	}
	return out, nil
}

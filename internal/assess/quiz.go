package assess

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// Who may do what with quizzes.
const (
	actEditQuiz  = lms.ActEditContent // create, change, delete quizzes and overrides
	actTakeQuiz  = lms.ActViewContent // see a quiz and take it
	actSeeGrades = lms.ActViewGrades  // see every learner's attempts
	actGrade     = lms.ActGrade       // grade by hand, regrade
)

// checkQuiz validates a quiz and its references: the lesson and the slots'
// questions and categories must belong to its course.
func (s *Service) checkQuiz(ctx context.Context, q *lms.Quiz) error {
	if err := q.Validate(); err != nil {
		return err
	}
	if q.LessonID != 0 {
		l, err := s.store.LessonByID(ctx, q.LessonID)
		if lms.IsCode(err, lms.ENOTFOUND) || err == nil && l.CourseID != q.CourseID {
			return lms.FieldError("lesson_id", "The lesson does not exist in this course.")
		}
		if err != nil {
			return err
		}
	}
	for i, sl := range q.Slots {
		if sl.FamilyID != 0 {
			qq, err := s.store.LatestQuestion(ctx, sl.FamilyID)
			if lms.IsCode(err, lms.ENOTFOUND) || err == nil && qq.CourseID != q.CourseID {
				return lms.FieldError("slots", "Slot %d: the question does not exist in this course.", i+1)
			}
			if err != nil {
				return err
			}
			continue
		}
		c, err := s.store.CategoryByID(ctx, sl.CategoryID)
		if lms.IsCode(err, lms.ENOTFOUND) || err == nil && c.CourseID != q.CourseID {
			return lms.FieldError("slots", "Slot %d: the category does not exist in this course.", i+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateQuiz adds a quiz to a course (edit_content).
func (s *Service) CreateQuiz(ctx context.Context, actor *lms.User, q *lms.Quiz) error {
	if _, err := s.access.Load(ctx, actor, q.CourseID, actEditQuiz); err != nil {
		return err
	}
	if err := s.checkQuiz(ctx, q); err != nil {
		return err
	}
	q.CreatedBy, q.HasAccessCode = actor.ID, q.AccessCode != ""
	return s.tx(ctx, func(d Data) error {
		if err := d.CreateQuiz(ctx, q); err != nil {
			return err
		}
		if err := s.scheduleRelease(ctx, d, q); err != nil {
			return err
		}
		return s.planReminders(ctx, d, q)
	})
}

// planReminders schedules the quiz's reminders (opens, due 24 h and 1 h
// before it closes, overdue), at its own dates and at its overrides', in
// d's transaction; none without jobs.
func (s *Service) planReminders(ctx context.Context, d Data, q *lms.Quiz) error {
	sch := s.scheduler(d)
	if sch == nil {
		return nil
	}
	overrides, err := d.ListOverrides(ctx, q.ID)
	if err != nil {
		return err
	}
	return remind.PlanQuiz(ctx, sch, s.clock(), q, overrides)
}

// quiz loads a quiz and checks act in its course. Learners see neither a
// draft quiz nor one at a draft lesson (ENOTFOUND).
func (s *Service) quiz(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.Quiz, *course.Access, error) {
	q, err := s.store.QuizByID(ctx, id)
	if err != nil {
		return nil, nil, hide(err, "quiz")
	}
	a, err := s.access.Load(ctx, actor, q.CourseID, act)
	if err != nil {
		return nil, nil, err
	}
	if !a.Can(lms.ActViewDrafts) {
		hidden := q.Draft
		if q.LessonID != 0 && !hidden {
			l, err := s.store.LessonByID(ctx, q.LessonID)
			if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
				return nil, nil, err
			}
			hidden = err == nil && l.Draft
		}
		if hidden {
			return nil, nil, notFound("quiz")
		}
	}
	return q, a, nil
}

// forViewer hides what only editors may see: the access code.
func forViewer(q *lms.Quiz, a *course.Access) *lms.Quiz {
	q.HasAccessCode = q.AccessCode != ""
	if !a.Can(actEditQuiz) {
		q.AccessCode = ""
	}
	return q
}

// GetQuiz returns a quiz; learners get it without its access code.
func (s *Service) GetQuiz(ctx context.Context, actor *lms.User, id int64) (*lms.Quiz, error) {
	q, a, err := s.quiz(ctx, actor, id, actTakeQuiz)
	if err != nil {
		return nil, err
	}
	return forViewer(q, a), nil
}

// ListQuizzes returns the quizzes of a course the caller may see.
func (s *Service) ListQuizzes(ctx context.Context, actor *lms.User, courseID int64) ([]*lms.Quiz, error) {
	a, err := s.access.Load(ctx, actor, courseID, actTakeQuiz)
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListQuizzes(ctx, courseID)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, q := range list {
		if q.Draft && !a.Can(lms.ActViewDrafts) {
			continue
		}
		out = append(out, forViewer(q, a))
	}
	return out, nil
}

// UpdateQuiz replaces a quiz's settings (edit_content). Attempts already
// started keep their questions and deadline.
func (s *Service) UpdateQuiz(ctx context.Context, actor *lms.User, id int64, edit *lms.Quiz) (*lms.Quiz, error) {
	cur, _, err := s.quiz(ctx, actor, id, actEditQuiz)
	if err != nil {
		return nil, err
	}
	q := *edit
	q.ID, q.CourseID, q.CreatedBy, q.CreatedAt = cur.ID, cur.CourseID, cur.CreatedBy, cur.CreatedAt
	if err := s.checkQuiz(ctx, &q); err != nil {
		return nil, err
	}
	q.HasAccessCode = q.AccessCode != ""
	err = s.tx(ctx, func(d Data) error {
		if err := d.UpdateQuiz(ctx, &q); err != nil {
			return err
		}
		if err := s.scheduleRelease(ctx, d, &q); err != nil {
			return err
		}
		return s.planReminders(ctx, d, &q)
	})
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// DeleteQuiz removes a quiz with its attempts (edit_content).
func (s *Service) DeleteQuiz(ctx context.Context, actor *lms.User, id int64) error {
	if _, _, err := s.quiz(ctx, actor, id, actEditQuiz); err != nil {
		return err
	}
	return s.tx(ctx, func(d Data) error {
		overrides, err := d.ListOverrides(ctx, id)
		if err != nil {
			return err
		}
		if err := d.DeleteQuiz(ctx, id); err != nil {
			return err
		}
		if sch := s.scheduler(d); sch != nil {
			return remind.CancelQuiz(ctx, sch, id, overrides)
		}
		return nil
	})
}

// PutOverride sets the override of a learner or group of the quiz's
// course (edit_content), replacing theirs, and moves their reminders to
// its dates in the same transaction.
func (s *Service) PutOverride(ctx context.Context, actor *lms.User, o *lms.QuizOverride) error {
	q, _, err := s.quiz(ctx, actor, o.QuizID, actEditQuiz)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(d Data) error {
		if err := d.PutOverride(ctx, o); err != nil {
			return err
		}
		if err := s.scheduleOverrideRelease(ctx, d, q, o); err != nil {
			return err
		}
		if sch := s.scheduler(d); sch != nil {
			return remind.PlanOverride(ctx, sch, s.clock(), q, o)
		}
		return nil
	})
}

// DeleteOverride removes an override (edit_content) and its reminders in
// the same transaction: its learners are reminded at the quiz's dates.
func (s *Service) DeleteOverride(ctx context.Context, actor *lms.User, quizID, id int64) error {
	if _, _, err := s.quiz(ctx, actor, quizID, actEditQuiz); err != nil {
		return err
	}
	return s.tx(ctx, func(d Data) error {
		list, err := d.ListOverrides(ctx, quizID)
		if err != nil {
			return err
		}
		if err := d.DeleteOverride(ctx, quizID, id); err != nil {
			return err
		}
		sch := s.scheduler(d)
		for _, o := range list {
			if o.ID == id && sch != nil {
				return remind.CancelOverride(ctx, sch, o)
			}
		}
		return nil
	})
}

// ListOverrides returns a quiz's overrides (staff who see grades).
func (s *Service) ListOverrides(ctx context.Context, actor *lms.User, quizID int64) ([]*lms.QuizOverride, error) {
	if _, _, err := s.quiz(ctx, actor, quizID, actSeeGrades); err != nil {
		return nil, err
	}
	return s.store.ListOverrides(ctx, quizID)
}

// rulesFor returns the quiz's rules for a learner: their own override,
// else their group's, else the quiz's.
func (s *Service) rulesFor(ctx context.Context, d Data, q *lms.Quiz, userID, groupID int64) (lms.Quiz, error) {
	list, err := d.ListOverrides(ctx, q.ID)
	if err != nil {
		return lms.Quiz{}, err
	}
	var pick *lms.QuizOverride
	for _, o := range list {
		if o.UserID != 0 && o.UserID == userID {
			pick = o
			break
		}
		if o.GroupID != 0 && o.GroupID == groupID {
			pick = o
		}
	}
	return pick.Apply(*q), nil
}

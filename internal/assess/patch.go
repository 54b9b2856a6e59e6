package assess

import (
	"context"
	"errors"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The partial updates of the bank, quizzes and attempts (docs/api.md,
// "Conventions"): nil fields stay as they are.

// QuestionPatch changes a question's editable fields; its type never
// changes. A body replaces the whole body.
type QuestionPatch struct {
	CategoryID        *int64            `json:"category_id,omitempty"`
	Title             *string           `json:"title,omitempty"`
	TextMD            *string           `json:"text_md,omitempty"`
	GeneralFeedbackMD *string           `json:"general_feedback_md,omitempty"`
	Hints             *[]string         `json:"hints,omitempty"`
	DefaultPoints     *float64          `json:"default_points,omitempty"`
	TryPenalty        *float64          `json:"try_penalty,omitempty"`
	Tags              *[]string         `json:"tags,omitempty"`
	Body              *lms.QuestionBody `json:"body,omitempty"`
}

// apply returns q with the fields p sets.
func (p QuestionPatch) apply(q lms.Question) lms.Question {
	lms.SetTo(&q.CategoryID, p.CategoryID)
	lms.SetTo(&q.Title, p.Title)
	lms.SetTo(&q.TextMD, p.TextMD)
	lms.SetTo(&q.GeneralFeedbackMD, p.GeneralFeedbackMD)
	lms.SetTo(&q.Hints, p.Hints)
	lms.SetTo(&q.DefaultPoints, p.DefaultPoints)
	lms.SetTo(&q.TryPenalty, p.TryPenalty)
	lms.SetTo(&q.Tags, p.Tags)
	lms.SetTo(&q.Body, p.Body)
	return q
}

// PatchQuestion changes the fields p sets (edit_content), as
// UpdateQuestion: a new version when an attempt asked the question.
func (s *Service) PatchQuestion(ctx context.Context, actor *lms.User, id int64, p QuestionPatch) (*lms.Question, error) {
	cur, err := s.question(ctx, actor, id, actEditBank)
	if err != nil {
		return nil, err
	}
	q := p.apply(*cur)
	return s.UpdateQuestion(ctx, actor, id, &q)
}

// QuizPatch changes a quiz's settings; slots, when set, replace them all.
type QuizPatch struct {
	LessonID         *int64             `json:"lesson_id,omitempty"`
	Title            *string            `json:"title,omitempty"`
	IntroMD          *string            `json:"intro_md,omitempty"`
	Draft            *bool              `json:"draft,omitempty"`
	Slots            *[]lms.QuizSlot    `json:"slots,omitempty"`
	ShuffleQuestions *bool              `json:"shuffle_questions,omitempty"`
	ShuffleAnswers   *bool              `json:"shuffle_answers,omitempty"`
	OpensAt          *time.Time         `json:"opens_at,omitempty"`  // the zero time clears it
	ClosesAt         *time.Time         `json:"closes_at,omitempty"` // the zero time clears it
	TimeLimitSeconds *int               `json:"time_limit_seconds,omitempty"`
	AttemptsAllowed  *int               `json:"attempts_allowed,omitempty"`
	GradingMethod    *lms.GradingMethod `json:"grading_method,omitempty"`
	PassPercent      *float64           `json:"pass_percent,omitempty"`
	Review           *lms.QuizReview    `json:"review,omitempty"`
	Behaviour        *lms.QuizBehaviour `json:"behaviour,omitempty"`
	AccessCode       *string            `json:"access_code,omitempty"` // "" removes it
}

// apply returns q with the fields p sets.
func (p QuizPatch) apply(q lms.Quiz) lms.Quiz {
	lms.SetTo(&q.LessonID, p.LessonID)
	lms.SetTo(&q.Title, p.Title)
	lms.SetTo(&q.IntroMD, p.IntroMD)
	lms.SetTo(&q.Draft, p.Draft)
	lms.SetTo(&q.Slots, p.Slots)
	lms.SetTo(&q.ShuffleQuestions, p.ShuffleQuestions)
	lms.SetTo(&q.ShuffleAnswers, p.ShuffleAnswers)
	lms.SetTo(&q.OpensAt, p.OpensAt)
	lms.SetTo(&q.ClosesAt, p.ClosesAt)
	lms.SetTo(&q.TimeLimitSeconds, p.TimeLimitSeconds)
	lms.SetTo(&q.AttemptsAllowed, p.AttemptsAllowed)
	lms.SetTo(&q.GradingMethod, p.GradingMethod)
	lms.SetTo(&q.PassPercent, p.PassPercent)
	lms.SetTo(&q.Review, p.Review)
	lms.SetTo(&q.Behaviour, p.Behaviour)
	lms.SetTo(&q.AccessCode, p.AccessCode)
	if q.Slots == nil {
		q.Slots = []lms.QuizSlot{}
	}
	return q
}

// PatchQuiz changes the settings p sets (edit_content), as UpdateQuiz.
func (s *Service) PatchQuiz(ctx context.Context, actor *lms.User, id int64, p QuizPatch) (*lms.Quiz, error) {
	cur, _, err := s.quiz(ctx, actor, id, actEditQuiz)
	if err != nil {
		return nil, err
	}
	q := p.apply(*cur)
	return s.UpdateQuiz(ctx, actor, id, &q)
}

// SlotPatch changes one question of an attempt: the learner saves an
// answer (presented ids, as the view gave them) and flags or unflags it
// while the attempt is open; a grader gives points (with a comment) to a
// submitted attempt's question. The two never mix in one patch.
type SlotPatch struct {
	Answer  *lms.Response `json:"answer,omitempty"`
	Flagged *bool         `json:"flagged,omitempty"`
	Points  *float64      `json:"points,omitempty"`
	Comment *string       `json:"comment,omitempty"` // with points; none clears the grader's comment
}

// PatchSlot applies p to one question of an attempt and returns it as the
// caller now sees it. Answer and flag change together or not at all, with
// SaveAnswer's and Flag's rules; points grade it as GradeSlot does.
func (s *Service) PatchSlot(ctx context.Context, actor *lms.User, attemptID int64, slot int, p SlotPatch) (*SlotView, error) {
	if p.Points != nil || p.Comment != nil {
		switch {
		case p.Answer != nil || p.Flagged != nil:
			return nil, lms.FieldError("points", "Grade a question apart from answering or flagging it.")
		case p.Points == nil:
			return nil, lms.FieldError("points", "Give the points with the comment.")
		}
		var comment string
		lms.SetTo(&comment, p.Comment)
		if _, err := s.GradeSlot(ctx, actor, attemptID, slot, *p.Points, comment); err != nil {
			return nil, err
		}
		return s.slotOf(ctx, actor, attemptID, slot)
	}
	if p.Answer == nil && p.Flagged == nil {
		return s.slotOf(ctx, actor, attemptID, slot)
	}
	v, err := s.slotEdit(ctx, actor, attemptID, slot, func(sl *lms.AttemptSlot, it *item, q *lms.Quiz) error {
		if p.Answer != nil {
			if err := saveInto(sl, it, q, *p.Answer); err != nil {
				return err
			}
		}
		lms.SetTo(&sl.Flagged, p.Flagged)
		return nil
	})
	var le *lms.Error
	if errors.As(err, &le) && le.Field == "response" {
		le.Field = "answer"
	}
	return v, err
}

// slotOf returns one question of an attempt as the caller may see it.
func (s *Service) slotOf(ctx context.Context, actor *lms.User, attemptID int64, slot int) (*SlotView, error) {
	v, err := s.Attempt(ctx, actor, attemptID)
	if err != nil {
		return nil, err
	}
	if slot < 0 || slot >= len(v.Slots) {
		return nil, lms.FieldError("slot", "This question is not in the attempt.")
	}
	return &v.Slots[slot], nil
}

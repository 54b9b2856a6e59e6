package assess

import (
	"time"

	"context"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// SlotView is one question of an attempt as the caller may see it.
type SlotView struct {
	Slot      int           `json:"slot"`
	View      question.View `json:"view"`
	MaxPoints float64       `json:"max_points"`
	// Response is the saved answer in presented ids (nil: none).
	Response *lms.Response `json:"response,omitempty"`
	Flagged  bool          `json:"flagged"`
	Answered bool          `json:"answered"`
	// Finished says the question takes no more answers (checked in
	// immediate mode; right or out of tries in interactive mode).
	Finished  bool   `json:"finished"`
	Tries     int    `json:"tries,omitempty"`      // checked tries (immediate, interactive)
	TriesLeft int    `json:"tries_left,omitempty"` // interactive
	HintMD    string `json:"hint_md,omitempty"`    // interactive: after a wrong try that leaves tries
	HintHTML  string `json:"hint_html,omitempty"`  // HintMD rendered
	// Review is what the review options allow now (nil: nothing yet).
	Review *question.Review `json:"review,omitempty"`
	// Points are the marks, when the options show marks.
	Points  *float64 `json:"points,omitempty"`
	Comment string   `json:"comment,omitempty"` // the grader's, when the options show feedback
}

// AttemptView is an attempt as the caller may see it. Attempt.Points is 0
// and MarksHidden true while the review options hide marks.
type AttemptView struct {
	Attempt     lms.Attempt       `json:"attempt"`
	MarksHidden bool              `json:"marks_hidden"`
	QuizTitle   string            `json:"quiz_title"`
	Behaviour   lms.QuizBehaviour `json:"behaviour"`
	// Now is the server's clock, so a client can correct its countdown.
	Now   time.Time  `json:"now"`
	Slots []SlotView `json:"slots"`
	// Unanswered and Flagged list slots, for the summary before submitting.
	Unanswered []int `json:"unanswered"`
	Flagged    []int `json:"flagged"`
}

// allOptions are what staff see.
var allOptions = lms.ReviewOptions{Correctness: true, Marks: true, Feedback: true, GeneralFeedback: true, RightAnswer: true}

// reviewDuring returns the options for a question of an open attempt: the
// quiz's "during" options once checked (immediate, interactive), else none.
func reviewDuring(q *lms.Quiz, a *course.Access, it *item) *lms.ReviewOptions {
	if q.Behaviour == lms.BehaviourDeferred || len(it.slot.Tries) == 0 {
		return nil
	}
	o := q.Review.During
	return &o
}

// reviewAfter returns the options for a submitted attempt: everything for
// staff who see grades, else the quiz's "after" options until the quiz
// closes for the learner and its "closed" options then.
func (s *Service) reviewAfter(ctx context.Context, q *lms.Quiz, a *course.Access) (lms.ReviewOptions, error) {
	if a.Can(actSeeGrades) {
		return allOptions, nil
	}
	var group int64
	if a.Enrollment != nil {
		group = a.Enrollment.GroupID
	}
	rules, err := s.rulesFor(ctx, s.store, q, a.User.ID, group)
	if err != nil {
		return lms.ReviewOptions{}, err
	}
	if !rules.ClosesAt.IsZero() && !s.clock().Before(rules.ClosesAt) {
		return q.Review.Closed, nil
	}
	return q.Review.After, nil
}

// slotView presents one slot with the options opts (nil: no review).
func (s *Service) slotView(it *item, q *lms.Quiz, att *lms.Attempt, opts *lms.ReviewOptions) SlotView {
	sl := it.slot
	shuffle := q.ShuffleAnswers
	v := SlotView{Slot: sl.Slot, View: it.g.LearnerView(shuffle), MaxPoints: sl.MaxPoints, Flagged: sl.Flagged,
		Tries: len(sl.Tries)}
	v.View.RenderMarkdown(s.md.render)
	if sl.Response != nil {
		if p, err := it.g.Present(*sl.Response); err == nil {
			v.Response = &p
		}
		v.Answered = !sl.Response.Empty()
	}
	v.Finished, _ = finished(it, q)
	if q.Behaviour == lms.BehaviourInteractive && it.q.Type.AutoGraded() {
		if t, err := it.g.Interactive(sl.Tries, it.q.TryPenalty); err == nil {
			v.TriesLeft = t.TriesLeft
			if att.State == lms.AttemptOpen {
				v.HintMD = it.g.HintMD(t.Hint)
				v.HintHTML = s.md.render(v.HintMD)
			}
		}
	}
	if opts == nil {
		return v
	}
	var resp lms.Response
	switch {
	case att.State == lms.AttemptOpen && len(sl.Tries) > 0:
		resp = sl.Tries[len(sl.Tries)-1]
	case sl.Response != nil:
		resp = *sl.Response
	}
	rev, err := it.g.Review(resp, shuffle, question.ReviewOptions(*opts))
	if err != nil {
		return v
	}
	if opts.Marks && sl.State != "" {
		f, p := sl.Fraction, sl.Points
		if it.q.Type.Graded() {
			rev.Fraction, v.Points = &f, &p
		}
	}
	if opts.Correctness && sl.State != "" {
		rev.State = question.State(sl.State)
	}
	if opts.Feedback && sl.Manual {
		v.Comment = sl.Comment
	}
	rev.RenderMarkdown(s.md.render)
	v.Review = &rev
	return v
}

// view presents an attempt to the caller.
func (s *Service) view(ctx context.Context, a *course.Access, q *lms.Quiz, att *lms.Attempt) (*AttemptView, error) {
	items, err := s.items(ctx, s.store, att)
	if err != nil {
		return nil, err
	}
	return s.viewItems(ctx, a, q, att, items)
}

// viewItems presents an attempt whose items are loaded already (a start
// or a submission has them in hand).
func (s *Service) viewItems(ctx context.Context, a *course.Access, q *lms.Quiz, att *lms.Attempt, items []item) (*AttemptView, error) {
	v := &AttemptView{Attempt: *att, QuizTitle: q.Title, Behaviour: q.Behaviour, Now: s.clock(),
		Slots: make([]SlotView, len(items)), Unanswered: []int{}, Flagged: []int{}}
	var after *lms.ReviewOptions
	if att.State != lms.AttemptOpen {
		o, err := s.reviewAfter(ctx, q, a)
		if err != nil {
			return nil, err
		}
		after = &o
	} else if a.Can(actSeeGrades) && att.UserID != a.User.ID {
		after = &lms.ReviewOptions{} // staff watching an open attempt: the answers, no grading yet
	}
	for i := range items {
		opts := after
		if att.State == lms.AttemptOpen && att.UserID == a.User.ID {
			opts = reviewDuring(q, a, &items[i])
		}
		v.Slots[i] = s.slotView(&items[i], q, att, opts)
		if !v.Slots[i].Answered && items[i].q.Type.Graded() {
			v.Unanswered = append(v.Unanswered, i)
		}
		if v.Slots[i].Flagged {
			v.Flagged = append(v.Flagged, i)
		}
	}
	if after == nil || !after.Marks {
		v.Attempt.Points, v.MarksHidden = 0, true
	}
	return v, nil
}

// Attempt returns an attempt as the caller may see it: their own (with
// what the review options allow at this moment), or anyone's with
// view_grades (everything).
func (s *Service) Attempt(ctx context.Context, actor *lms.User, attemptID int64) (*AttemptView, error) {
	att, q, a, err := s.attempt(ctx, actor, attemptID)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a, q, att)
}

// ListAttempts returns a quiz's attempts: the caller's own (userID 0 or
// theirs), or with view_grades anyone's (userID 0: everyone's). Learners
// see their marks only when the review options show them.
func (s *Service) ListAttempts(ctx context.Context, actor *lms.User, quizID, userID int64) ([]*lms.Attempt, error) {
	q, a, err := s.quiz(ctx, actor, quizID, actTakeQuiz)
	if err != nil {
		return nil, err
	}
	staff := a.Can(actSeeGrades)
	if !staff {
		if userID != 0 && userID != actor.ID {
			return nil, lms.Errorf(lms.EFORBIDDEN, "You may see only your own attempts.")
		}
		userID = actor.ID
	}
	list, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: quizID, UserID: userID})
	if err != nil || staff {
		return list, err
	}
	opts, err := s.reviewAfter(ctx, q, a)
	if err != nil {
		return nil, err
	}
	for _, at := range list {
		if at.State == lms.AttemptOpen || !opts.Marks {
			at.Points = 0
		}
	}
	return list, nil
}

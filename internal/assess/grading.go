package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// item is one question of an attempt ready to grade: the slot, the version
// it asked, and the grader of its instance.
type item struct {
	slot *lms.AttemptSlot
	q    *lms.Question
	g    *question.Grader
}

// sortByID orders questions by id.
func sortByID(qs []*lms.Question) {
	slices.SortFunc(qs, func(a, b *lms.Question) int { return int(a.ID - b.ID) })
}

// items loads an attempt's slots with their questions and graders.
func (s *Service) items(ctx context.Context, d Data, att *lms.Attempt) ([]item, error) {
	slots, err := d.AttemptSlots(ctx, att.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(slots))
	for i, sl := range slots {
		ids[i] = sl.QuestionID
	}
	qs, err := d.QuestionsByIDs(ctx, uniq(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*lms.Question, len(qs))
	for _, q := range qs {
		byID[q.ID] = q
	}
	return s.itemsOf(ctx, att, slots, byID)
}

// itemsOf builds an attempt's items from its slots and the questions they
// ask by id.
func (s *Service) itemsOf(ctx context.Context, att *lms.Attempt, slots []*lms.AttemptSlot, byID map[int64]*lms.Question) ([]item, error) {
	out := make([]item, len(slots))
	for i, sl := range slots {
		q := byID[sl.QuestionID]
		if q == nil {
			return nil, fmt.Errorf("assess: attempt %d: question %d is gone", att.ID, sl.QuestionID)
		}
		g, err := s.grader(ctx, att.ID, sl.Slot, q)
		if err != nil {
			return nil, err
		}
		out[i] = item{slot: sl, q: q, g: g}
	}
	return out, nil
}

// itemAt loads one slot of an attempt with its question and grader, and
// the attempt's slots (an
// autosave, a check or a flag touches one question: loading and building
// the others' made most of an autosave's work). ok is false for a slot
// not in the attempt.
func (s *Service) itemAt(ctx context.Context, d Data, att *lms.Attempt, slot int) (it item, slots []*lms.AttemptSlot, ok bool, err error) {
	slots, err = d.AttemptSlots(ctx, att.ID)
	if err != nil || slot < 0 || slot >= len(slots) {
		return item{}, nil, false, err
	}
	sl := slots[slot]
	q, err := d.QuestionByID(ctx, sl.QuestionID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return item{}, nil, false, fmt.Errorf("assess: attempt %d: question %d is gone", att.ID, sl.QuestionID)
	}
	if err != nil {
		return item{}, nil, false, err
	}
	g, err := s.grader(ctx, att.ID, sl.Slot, q)
	if err != nil {
		return item{}, nil, false, err
	}
	return item{slot: sl, q: q, g: g}, slots, true, nil
}

// grader builds the grader of one question of one attempt.
func (s *Service) grader(ctx context.Context, attemptID int64, slot int, q *lms.Question) (*question.Grader, error) {
	seed, err := s.slotSeed(ctx, attemptID, slot)
	if err != nil {
		return nil, err
	}
	inst, err := question.Instantiate(q, seed)
	if err != nil {
		return nil, err
	}
	return question.NewGrader(q, inst)
}

// sameResponse reports whether two stored responses are equal.
func sameResponse(a, b lms.Response) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// gradeItem grades one slot by the quiz's behaviour and sets its state,
// fraction and points. A slot graded by a person keeps its points.
//   - deferred: the saved answer;
//   - immediate: the checked answer, else the saved one;
//   - interactive: the tries, plus the saved answer as a last try when it
//     differs from the last checked one and the question is not finished.
func gradeItem(it *item, beh lms.QuizBehaviour) error {
	sl := it.slot
	if sl.Manual {
		return nil
	}
	var resp lms.Response
	if sl.Response != nil {
		resp = *sl.Response
	}
	var (
		frac  float64
		state question.State
	)
	switch {
	case beh == lms.BehaviourInteractive && it.q.Type.AutoGraded():
		tries := sl.Tries
		if t, err := it.g.Interactive(tries, it.q.TryPenalty); err != nil {
			return err
		} else if !t.Finished && !resp.Empty() && (len(tries) == 0 || !sameResponse(tries[len(tries)-1], resp)) {
			tries = append(slices.Clip(tries), resp)
		}
		t, err := it.g.Interactive(tries, it.q.TryPenalty)
		if err != nil {
			return err
		}
		frac, state = t.Fraction, t.State
	case beh == lms.BehaviourImmediate && len(sl.Tries) > 0:
		res, err := it.g.Grade(sl.Tries[0])
		if err != nil {
			return err
		}
		frac, state = res.Fraction, res.State
	default:
		res, err := it.g.Grade(resp)
		if err != nil {
			return err
		}
		frac, state = res.Fraction, res.State
	}
	sl.State, sl.Fraction, sl.Points = string(state), frac, question.Points(frac, sl.MaxPoints)
	return nil
}

// totals sums an attempt's slots into it.
func totals(att *lms.Attempt, items []item) {
	att.Points, att.MaxPoints, att.NeedsGrading = 0, 0, false
	for _, it := range items {
		att.Points += it.slot.Points
		att.MaxPoints += it.slot.MaxPoints
		if it.slot.State == string(question.StateNeedsGrading) && !it.slot.Manual {
			att.NeedsGrading = true
		}
	}
	att.Points = question.Points(1, att.Points) // rounded as stored marks are
}

// finish submits an open attempt once and grades it; a concurrent or
// repeated call returns the attempt as the winner left it (items nil).
// quiz is the attempt's quiz when the caller has it (nil: read here);
// check, when set, vets the items before grading (its error undoes the
// submission). The slots' grades are saved in one statement, the
// auto-submission job is cancelled and the grade report scheduled as a
// job in the same transaction: the job brings the grade to the gradebook
// (and the learner's notification) off the request. Without a scheduler
// the grade is reported here after the commit.
func (s *Service) finish(ctx context.Context, attemptID int64, auto bool, quiz *lms.Quiz,
	check func([]item) error) (*lms.Attempt, []item, error) {
	var (
		att   *lms.Attempt
		items []item
		won   bool
	)
	now := s.clock()
	err := s.tx(ctx, func(tx Data) error {
		var err error
		if won, err = tx.CloseAttempt(ctx, attemptID, now, auto); err != nil {
			return err
		}
		if att, err = tx.AttemptByID(ctx, attemptID); err != nil || !won {
			return err
		}
		if quiz == nil || quiz.ID != att.QuizID {
			if quiz, err = tx.QuizByID(ctx, att.QuizID); err != nil {
				return err
			}
		}
		if items, err = s.items(ctx, tx, att); err != nil {
			return err
		}
		if check != nil {
			if err := check(items); err != nil {
				return err
			}
		}
		slots := make([]*lms.AttemptSlot, len(items))
		for i := range items {
			if err := gradeItem(&items[i], quiz.Behaviour); err != nil {
				return err
			}
			slots[i] = items[i].slot
		}
		if err := tx.SaveSlotGrades(ctx, att.ID, slots); err != nil {
			return err
		}
		totals(att, items)
		if err := tx.UpdateAttemptGrade(ctx, att); err != nil {
			return err
		}
		if sch := s.scheduler(tx); sch != nil && !att.Deadline.IsZero() {
			if err := sch.Cancel(ctx, autoSubmitKey(att.ID)); err != nil {
				return err
			}
		}
		return s.graded(ctx, tx, quiz, att.UserID)
	})
	if err != nil {
		return nil, nil, err
	}
	if !won {
		return att, nil, nil
	}
	if s.jobs == nil {
		s.report(ctx, quiz.ID, att.UserID)
	}
	return att, items, nil
}

// reportJob is the payload of JobReport.
type reportJob struct {
	QuizID int64 `json:"quiz_id"`
	UserID int64 `json:"user_id"`
}

// reportKey is the job key of a learner's grade report for a quiz.
func reportKey(quizID, userID int64) string {
	return "assess.report:" + strconv.FormatInt(quizID, 10) + ":" + strconv.FormatInt(userID, 10)
}

// graded runs inside the transaction that changed a learner's attempts:
// it completes the quiz's lesson when the learner now passes, and
// schedules the grade report so it survives a crash before report runs.
func (s *Service) graded(ctx context.Context, tx Data, quiz *lms.Quiz, userID int64) error {
	if quiz.LessonID != 0 && quiz.PassPercent > 0 { // else no grade completes a lesson: skip the reads
		if err := s.completeOnPass(ctx, tx, quiz, userID); err != nil {
			return err
		}
	}
	if sch := s.scheduler(tx); sch != nil && s.gradebook != nil {
		payload, _ := json.Marshal(reportJob{QuizID: quiz.ID, UserID: userID})
		return sch.Schedule(ctx, JobReport, reportKey(quiz.ID, userID), s.clock(), payload)
	}
	return nil
}

// completeOnPass completes the quiz's lesson for a learner whose grade
// now passes, when the lesson's rule is quiz_passed.
func (s *Service) completeOnPass(ctx context.Context, tx Data, quiz *lms.Quiz, userID int64) error {
	g, ok, err := countedGrade(ctx, tx, quiz, userID)
	if err != nil {
		return err
	}
	if ok && passed(quiz, g.fraction) {
		l, err := tx.LessonByID(ctx, quiz.LessonID)
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return err
		}
		if err == nil && l.Rule() == lms.CompleteQuizPassed {
			if _, err := tx.UpdateProgress(ctx, lms.ProgressUpdate{UserID: userID, CourseID: quiz.CourseID,
				LessonID: l.ID, At: s.clock(), Complete: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// passed reports whether a fraction reaches the quiz's pass mark.
func passed(q *lms.Quiz, fraction float64) bool {
	return q.PassPercent > 0 && fraction*100 >= q.PassPercent-1e-9
}

// report reports a learner's grade after a commit; a failure is logged
// (the JobReport job scheduled with the change retries it).
func (s *Service) report(ctx context.Context, quizID, userID int64) {
	if s.gradebook == nil {
		return
	}
	if err := s.ReportGrade(ctx, quizID, userID); err != nil {
		s.log.Warn().Err(err).Int64("quiz", quizID).Int64("user", userID).Msg("grade report failed; its job retries")
		return
	}
	if sch := s.scheduler(s.store); sch != nil {
		if err := sch.Cancel(ctx, reportKey(quizID, userID)); err != nil {
			s.log.Warn().Err(err).Msg("cancel a grade report job")
		}
	}
}

// counted is a learner's quiz grade by the quiz's grading method.
type counted struct {
	fraction  float64
	maxPoints float64
}

// countedGrade computes a learner's grade over their finished attempts
// (submitted and fully graded); ok is false when there is none.
func countedGrade(ctx context.Context, d Data, quiz *lms.Quiz, userID int64) (counted, bool, error) {
	list, err := d.ListAttempts(ctx, lms.AttemptFilter{QuizID: quiz.ID, UserID: userID, State: lms.AttemptSubmitted})
	if err != nil {
		return counted{}, false, err
	}
	var done []*lms.Attempt
	for _, a := range list {
		if a.Finished() {
			done = append(done, a)
		}
	}
	if len(done) == 0 {
		return counted{}, false, nil
	}
	var f float64
	switch quiz.GradingMethod {
	case lms.GradeFirst:
		f = done[0].Fraction()
	case lms.GradeLast:
		f = done[len(done)-1].Fraction()
	case lms.GradeAverage:
		for _, a := range done {
			f += a.Fraction()
		}
		f /= float64(len(done))
	default: // highest
		for _, a := range done {
			f = math.Max(f, a.Fraction())
		}
	}
	return counted{fraction: f, maxPoints: done[len(done)-1].MaxPoints}, true, nil
}

// ReportGrade reports a learner's current quiz grade to the gradebook
// (idempotent; what the JobReport job runs). Nothing is reported while the
// learner has no finished attempt.
func (s *Service) ReportGrade(ctx context.Context, quizID, userID int64) error {
	if s.gradebook == nil {
		return nil
	}
	quiz, err := s.store.QuizByID(ctx, quizID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	g, ok, err := countedGrade(ctx, s.store, quiz, userID)
	if err != nil || !ok {
		return err
	}
	now := s.clock()
	closed, err := s.closedFor(ctx, s.store, quiz, userID, now) // the learner's own close (release.go)
	if err != nil {
		return err
	}
	return s.gradebook.Report(ctx, lms.GradeResult{CourseID: quiz.CourseID, Source: lms.GradeQuiz, SourceID: quiz.ID,
		Title: quiz.Title, UserID: userID, Points: question.Points(g.fraction, g.maxPoints), MaxPoints: g.maxPoints,
		Released: quiz.Review.After.Marks || closed && quiz.Review.Closed.Marks, At: now})
}

// GradeSlot gives points to one question of a submitted attempt by hand
// (grade): essays, or an override of the automatic mark. points must be
// within 0..the slot's maximum.
func (s *Service) GradeSlot(ctx context.Context, actor *lms.User, attemptID int64, slot int, points float64, comment string) (*lms.Attempt, error) {
	att, q, _, err := s.attempt(ctx, actor, attemptID)
	if err != nil {
		return nil, err
	}
	if _, err := s.access.Load(ctx, actor, q.CourseID, actGrade); err != nil {
		return nil, err
	}
	if att.State != lms.AttemptSubmitted {
		return nil, lms.Errorf(lms.ECONFLICT, "Only submitted attempts are graded.")
	}
	if len(comment) > lms.MaxQuestionTextBytes {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "comment", Message: "The comment is too long."}
	}
	err = s.tx(ctx, func(tx Data) error {
		items, err := s.items(ctx, tx, att)
		if err != nil {
			return err
		}
		if slot < 0 || slot >= len(items) {
			return lms.FieldError("slot", "This question is not in the attempt.")
		}
		sl := items[slot].slot
		frac, err := question.FractionOf(points, sl.MaxPoints)
		if err != nil {
			return err
		}
		_, state := stateOf(frac)
		sl.Manual, sl.GradedBy, sl.Comment = true, actor.ID, comment
		sl.Fraction, sl.Points, sl.State = frac, question.Points(frac, sl.MaxPoints), string(state)
		if err := tx.UpdateAttemptSlot(ctx, sl); err != nil {
			return err
		}
		totals(att, items)
		if err := tx.UpdateAttemptGrade(ctx, att); err != nil {
			return err
		}
		return s.graded(ctx, tx, q, att.UserID)
	})
	if err != nil {
		return nil, err
	}
	s.report(ctx, q.ID, att.UserID)
	return att, nil
}

// stateOf names a hand-given fraction's state.
func stateOf(f float64) (float64, question.State) {
	switch {
	case f >= 1:
		return 1, question.StateCorrect
	case f <= 0:
		return 0, question.StateWrong
	}
	return f, question.StatePartial
}

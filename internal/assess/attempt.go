package assess

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// autoSubmitKey is the job key of an attempt's auto-submission.
func autoSubmitKey(attemptID int64) string {
	return "assess.autosubmit:" + strconv.FormatInt(attemptID, 10)
}

// attemptJob is the payload of JobAutoSubmit.
type attemptJob struct {
	AttemptID int64 `json:"attempt_id"`
}

// StartAttempt starts the caller's next attempt at a quiz, or returns the
// one they have open (view_content). It checks the quiz is visible and
// open, the attempts allowed and the access code, with the caller's
// override; the deadline, min(start + time limit, close), is stored and
// its auto-submission scheduled in the same transaction.
func (s *Service) StartAttempt(ctx context.Context, actor *lms.User, quizID int64, accessCode string) (*AttemptView, error) {
	q, a, err := s.quiz(ctx, actor, quizID, actTakeQuiz)
	if err != nil {
		return nil, err
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	if err := s.checkReleased(ctx, actor, q, a); err != nil {
		return nil, err
	}
	var groupID int64
	if a.Enrollment != nil {
		groupID = a.Enrollment.GroupID
	}
	rules, err := s.rulesFor(ctx, s.store, q, actor.ID, groupID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var (
		att   *lms.Attempt
		items []item
	)
	for range 2 { // a concurrent start of the same number: the second round resumes it
		att, items, err = s.startOnce(ctx, actor, q, &rules, accessCode, now)
		if !lms.IsCode(err, lms.ECONFLICT) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if items == nil { // resumed: load what it asks
		return s.view(ctx, a, q, att)
	}
	return s.viewItems(ctx, a, q, att, items)
}

// checkReleased refuses a learner a quiz whose lesson the release rules
// hold back (EFORBIDDEN with the reason), as opening the lesson would.
func (s *Service) checkReleased(ctx context.Context, actor *lms.User, q *lms.Quiz, a *course.Access) error {
	if q.LessonID == 0 || s.release == nil || a.Can(lms.ActViewDrafts) {
		return nil
	}
	err := s.release.CheckReleased(ctx, actor, q.LessonID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return notFound("quiz")
	}
	return err // EFORBIDDEN: "This lesson is not available yet." with the reason
}

// startOnce returns the caller's open attempt (items nil) or creates the
// next one, returned with its items ready to present (the questions the
// draw loaded, so the view reads none again).
func (s *Service) startOnce(ctx context.Context, actor *lms.User, q, rules *lms.Quiz, code string, now time.Time) (*lms.Attempt, []item, error) {
	list, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: q.ID, UserID: actor.ID})
	if err != nil {
		return nil, nil, err
	}
	for _, at := range list {
		if at.State != lms.AttemptOpen {
			continue
		}
		if at.Deadline.IsZero() || now.Before(at.Deadline) {
			return at, nil, nil
		}
		// Past its deadline but not yet submitted by its job: do it now.
		if _, _, err := s.finish(ctx, at.ID, true, nil, nil); err != nil {
			return nil, nil, err
		}
	}
	switch {
	case !rules.OpensAt.IsZero() && now.Before(rules.OpensAt):
		return nil, nil, lms.Errorf(lms.EFORBIDDEN, "This quiz opens at %s.", rules.OpensAt.Format(time.RFC3339))
	case !rules.ClosesAt.IsZero() && !now.Before(rules.ClosesAt):
		return nil, nil, lms.Errorf(lms.EFORBIDDEN, "This quiz is closed.")
	case rules.AttemptsAllowed > 0 && len(list) >= rules.AttemptsAllowed:
		return nil, nil, lms.Errorf(lms.EFORBIDDEN, "You have used all %d attempts at this quiz.", rules.AttemptsAllowed)
	case q.AccessCode != "" && subtle.ConstantTimeCompare([]byte(code), []byte(q.AccessCode)) != 1:
		return nil, nil, &lms.Error{Code: lms.EFORBIDDEN, Field: "access_code", Message: "The access code is not right."}
	}
	number := len(list) + 1
	slots, byID, err := s.drawSlots(ctx, q, actor.ID, number)
	if err != nil {
		return nil, nil, err
	}
	att := &lms.Attempt{QuizID: q.ID, CourseID: q.CourseID, UserID: actor.ID, Number: number, State: lms.AttemptOpen,
		StartedAt: now, Deadline: deadline(rules, now)}
	for _, sl := range slots {
		att.MaxPoints += sl.MaxPoints
	}
	err = s.tx(ctx, func(tx Data) error {
		if err := tx.CreateAttempt(ctx, att, slots); err != nil {
			return err
		}
		sch := s.scheduler(tx)
		if att.Deadline.IsZero() || sch == nil {
			return nil
		}
		payload, _ := json.Marshal(attemptJob{AttemptID: att.ID})
		return sch.Schedule(ctx, JobAutoSubmit, autoSubmitKey(att.ID), att.Deadline, payload)
	})
	if err != nil {
		return nil, nil, err
	}
	items, err := s.itemsOf(ctx, att, slots, byID)
	if err != nil {
		return nil, nil, err
	}
	return att, items, nil
}

// deadline is min(start + time limit, close), zero when neither is set.
func deadline(rules *lms.Quiz, start time.Time) time.Time {
	var d time.Time
	if rules.TimeLimitSeconds > 0 {
		d = start.Add(time.Duration(rules.TimeLimitSeconds) * time.Second)
	}
	if !rules.ClosesAt.IsZero() && (d.IsZero() || rules.ClosesAt.Before(d)) {
		d = rules.ClosesAt
	}
	return d
}

// drawSlots picks the attempt's questions: fixed slots' latest versions
// (read in one query), random slots' draws, shuffled when the quiz says
// so, and returns them with the questions they ask by id. The draws depend
// on a secret-keyed seed of (quiz, learner, attempt number).
func (s *Service) drawSlots(ctx context.Context, q *lms.Quiz, userID int64, number int) ([]*lms.AttemptSlot, map[int64]*lms.Question, error) {
	seed, err := s.seed(ctx, "draw:%d:%d:%d", q.ID, userID, number)
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(q.ID)))
	fixed := map[int64]bool{}
	var families []int64
	for _, sl := range q.Slots {
		fixed[sl.FamilyID] = sl.FamilyID != 0
		if sl.FamilyID != 0 {
			families = append(families, sl.FamilyID)
		}
	}
	latest := map[int64]*lms.Question{} // by family
	if len(families) > 0 {
		qs, err := s.store.LatestQuestions(ctx, uniq(families))
		if err != nil {
			return nil, nil, err
		}
		for _, qq := range qs {
			latest[qq.FamilyID] = qq
		}
	}
	var out []*lms.AttemptSlot
	byID := map[int64]*lms.Question{}
	for i, sl := range q.Slots {
		if sl.FamilyID != 0 {
			qq := latest[sl.FamilyID]
			if qq == nil {
				return nil, nil, notFound(fmt.Sprintf("question of slot %d", i+1))
			}
			out = append(out, &lms.AttemptSlot{QuestionID: qq.ID, MaxPoints: slotPoints(qq, sl.Points)})
			byID[qq.ID] = qq
			continue
		}
		ids, err := s.store.LatestQuestionIDs(ctx, sl.CategoryID)
		if err != nil {
			return nil, nil, err
		}
		var pool []*lms.Question
		cands, err := s.store.QuestionsByIDs(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cands {
			if byID[c.ID] == nil && !fixed[c.FamilyID] && c.Type.Graded() {
				pool = append(pool, c)
			}
		}
		if len(pool) < sl.Count {
			return nil, nil, lms.Errorf(lms.EINVALID, "Slot %d draws %d questions but its category has %d: ask the teacher.", i+1, sl.Count, len(pool))
		}
		sortByID(pool)
		rng.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		for _, c := range pool[:sl.Count] {
			byID[c.ID] = c
			out = append(out, &lms.AttemptSlot{QuestionID: c.ID, MaxPoints: slotPoints(c, sl.Points)})
		}
	}
	if q.ShuffleQuestions {
		rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	}
	for i, sl := range out {
		sl.Slot = i
	}
	return out, byID, nil
}

// slotPoints is a slot's mark: its points, else the question's default;
// a description has none.
func slotPoints(q *lms.Question, points float64) float64 {
	switch {
	case !q.Type.Graded():
		return 0
	case points > 0:
		return points
	}
	return q.DefaultPoints
}

// ownAttempt loads an attempt the caller may act on (their own, open
// or not), with its quiz and the caller's access.
func (s *Service) ownAttempt(ctx context.Context, actor *lms.User, id int64) (*lms.Attempt, *lms.Quiz, *course.Access, error) {
	att, q, a, err := s.attempt(ctx, actor, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if att.UserID != actor.ID {
		return nil, nil, nil, lms.Errorf(lms.EFORBIDDEN, "Only the learner who started an attempt may answer or submit it.")
	}
	return att, q, a, nil
}

// attempt loads an attempt the caller may see: their own, or anyone's
// with view_grades.
func (s *Service) attempt(ctx context.Context, actor *lms.User, id int64) (*lms.Attempt, *lms.Quiz, *course.Access, error) {
	att, err := s.store.AttemptByID(ctx, id)
	if err != nil {
		return nil, nil, nil, hide(err, "attempt")
	}
	q, a, err := s.quiz(ctx, actor, att.QuizID, actTakeQuiz)
	if err != nil {
		return nil, nil, nil, err
	}
	if att.UserID != actor.ID && !a.Can(actSeeGrades) {
		return nil, nil, nil, notFound("attempt")
	}
	return att, q, a, nil
}

// refuseClosed explains why an attempt takes no more answers.
func (s *Service) refuseClosed(ctx context.Context, id int64) error {
	att, err := s.store.AttemptByID(ctx, id)
	if err != nil {
		return err
	}
	if att.State != lms.AttemptOpen {
		return lms.Errorf(lms.ECONFLICT, "This attempt has been submitted; answers are no longer saved.")
	}
	return lms.Errorf(lms.EFORBIDDEN, "The time for this attempt is over; answers are no longer saved.")
}

// slotEdit changes one slot of an open attempt in a transaction that
// holds the attempt's row, so a concurrent submit sees the change or
// refuses it. edit gets the slot and its grader.
func (s *Service) slotEdit(ctx context.Context, actor *lms.User, attemptID int64, slot int,
	edit func(sl *lms.AttemptSlot, it *item, q *lms.Quiz) error) (*SlotView, error) {
	att, q, a, err := s.ownAttempt(ctx, actor, attemptID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if att.State != lms.AttemptOpen || !att.Deadline.IsZero() && !now.Before(att.Deadline) {
		return nil, s.refuseClosed(ctx, att.ID)
	}
	var out *SlotView
	err = s.tx(ctx, func(tx Data) error {
		ok, err := tx.TouchOpenAttempt(ctx, att.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return s.refuseClosed(ctx, att.ID)
		}
		one, slots, ok, err := s.itemAt(ctx, tx, att, slot)
		if err != nil {
			return err
		}
		if !ok {
			return lms.FieldError("slot", "This question is not in the attempt.")
		}
		it := &one
		if err := edit(it.slot, it, q); err != nil {
			return err
		}
		it.slot.SavedAt = now
		if err := tx.UpdateAttemptSlot(ctx, it.slot); err != nil {
			return err
		}
		if it.q.Type == lms.QEssay {
			if err := linkAttemptUploads(ctx, tx, actor, att, slots, it.slot); err != nil {
				return err
			}
		}
		v := s.slotView(it, q, att, reviewDuring(q, a, it))
		out = &v
		return nil
	})
	return out, err
}

// decode checks and translates a learner's answer to stored ids.
func decode(it *item, sent lms.Response) (lms.Response, error) {
	if it.q.Type != lms.QEssay {
		if b, err := json.Marshal(sent); err != nil || len(b) > lms.MaxAnswerBytes {
			return lms.Response{}, &lms.Error{Code: lms.ETOOLARGE, Field: "response",
				Message: fmt.Sprintf("An answer is at most %d kB.", lms.MaxAnswerBytes>>10)}
		}
	}
	return it.g.Decode(sent)
}

// SaveAnswer autosaves the caller's answer to one question of their open
// attempt (presented ids, as the view gave them). Refused after the
// deadline (EFORBIDDEN), after submission (ECONFLICT), for a question not
// in the attempt, and for a question already checked to its end.
func (s *Service) SaveAnswer(ctx context.Context, actor *lms.User, attemptID int64, slot int, sent lms.Response) (*SlotView, error) {
	return s.slotEdit(ctx, actor, attemptID, slot, func(sl *lms.AttemptSlot, it *item, q *lms.Quiz) error {
		return saveInto(sl, it, q, sent)
	})
}

// saveInto stores the answer sent to the slot of a question that still
// takes answers.
func saveInto(sl *lms.AttemptSlot, it *item, q *lms.Quiz, sent lms.Response) error {
	stored, err := decode(it, sent)
	if err != nil {
		return err
	}
	if done, err := finished(it, q); err != nil || done {
		return cmpErr(err, lms.Errorf(lms.ECONFLICT, "This question is finished; its answer cannot change."))
	}
	sl.Response = &stored
	return nil
}

// CheckAnswer submits a try at one question (immediate and interactive
// behaviours): the answer is saved, graded at once and shown with the
// quiz's "during" review options; interactive questions give a hint and
// allow another try until right or out of tries.
func (s *Service) CheckAnswer(ctx context.Context, actor *lms.User, attemptID int64, slot int, sent lms.Response) (*SlotView, error) {
	return s.slotEdit(ctx, actor, attemptID, slot, func(sl *lms.AttemptSlot, it *item, q *lms.Quiz) error {
		if q.Behaviour == lms.BehaviourDeferred {
			return lms.Errorf(lms.EINVALID, "This quiz gives feedback after submission: save the answer instead.")
		}
		stored, err := decode(it, sent)
		if err != nil {
			return err
		}
		if done, err := finished(it, q); err != nil || done {
			return cmpErr(err, lms.Errorf(lms.ECONFLICT, "This question is finished; its answer cannot change."))
		}
		if stored.Empty() {
			return lms.FieldError("response", "Answer the question before checking it.")
		}
		sl.Response = &stored
		sl.Tries = append(sl.Tries, stored)
		return gradeItem(it, q.Behaviour)
	})
}

// Flag marks or unmarks a question of the caller's open attempt.
func (s *Service) Flag(ctx context.Context, actor *lms.User, attemptID int64, slot int, flagged bool) (*SlotView, error) {
	return s.slotEdit(ctx, actor, attemptID, slot, func(sl *lms.AttemptSlot, _ *item, _ *lms.Quiz) error {
		sl.Flagged = flagged
		return nil
	})
}

// finished reports whether a question takes no more answers: checked in
// immediate mode, or right or out of tries in interactive mode.
func finished(it *item, q *lms.Quiz) (bool, error) {
	switch {
	case len(it.slot.Tries) == 0:
		return false, nil
	case q.Behaviour == lms.BehaviourImmediate:
		return true, nil
	case q.Behaviour == lms.BehaviourInteractive:
		t, err := it.g.Interactive(it.slot.Tries, it.q.TryPenalty)
		return t.Finished, err
	}
	return false, nil
}

// cmpErr returns err if set, else alt.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// Submit submits the caller's attempt and grades it. Submitting twice (two
// tabs at once) counts once: both get the submitted attempt. The grade
// reaches the gradebook (and the learner's notification) through the
// JobReport job the submission schedules, not in this request.
func (s *Service) Submit(ctx context.Context, actor *lms.User, attemptID int64) (*AttemptView, error) {
	att, q, a, err := s.ownAttempt(ctx, actor, attemptID)
	if err != nil {
		return nil, err
	}
	var items []item
	if att.State == lms.AttemptOpen {
		if att, items, err = s.finish(ctx, att.ID, false, q, checkEssays); err != nil {
			return nil, err
		}
	}
	if items == nil { // submitted before (or by the other tab): load it
		return s.view(ctx, a, q, att)
	}
	return s.viewItems(ctx, a, q, att, items)
}

// AutoSubmit submits an attempt at its deadline, with no caller: what the
// JobAutoSubmit job runs. Idempotent: a submitted attempt is left alone.
// Before the deadline it refuses (EUNAVAILABLE), so an early run retries.
func (s *Service) AutoSubmit(ctx context.Context, attemptID int64) error {
	att, err := s.store.AttemptByID(ctx, attemptID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil // the quiz was deleted
	}
	if err != nil {
		return err
	}
	if att.State != lms.AttemptOpen {
		return nil
	}
	if att.Deadline.IsZero() || s.clock().Before(att.Deadline) {
		return lms.Errorf(lms.EUNAVAILABLE, "attempt %d is not due before %s", att.ID, att.Deadline)
	}
	_, _, err = s.finish(ctx, att.ID, true, nil, nil)
	return err
}

// HandleJob runs a job this service scheduled (JobAutoSubmit, JobReport,
// JobRelease):
// what the job runner's handlers call.
func (s *Service) HandleJob(ctx context.Context, kind string, payload []byte) error {
	switch kind {
	case JobAutoSubmit:
		var j attemptJob
		if err := json.Unmarshal(payload, &j); err != nil {
			return fmt.Errorf("assess: job payload: %w", err)
		}
		return s.AutoSubmit(ctx, j.AttemptID)
	case JobReport:
		var j reportJob
		if err := json.Unmarshal(payload, &j); err != nil {
			return fmt.Errorf("assess: job payload: %w", err)
		}
		return s.ReportGrade(ctx, j.QuizID, j.UserID)
	case JobRelease:
		var j releaseJob
		if err := json.Unmarshal(payload, &j); err != nil {
			return fmt.Errorf("assess: job payload: %w", err)
		}
		return s.ReleaseAtClose(ctx, j.QuizID)
	}
	return fmt.Errorf("assess: unknown job kind %q", kind)
}

// checkEssays refuses a learner's submission with an essay outside its
// word limits or missing required files (auto-submission skips this).
func checkEssays(items []item) error {
	for i := range items {
		it := &items[i]
		if it.slot.Response == nil || it.q.Type != lms.QEssay {
			continue
		}
		if err := question.CheckEssay(it.q, *it.slot.Response); err != nil {
			if e, ok := err.(*lms.Error); ok {
				e.Message = fmt.Sprintf("Question %d: %s", i+1, e.Message)
			}
			return err
		}
	}
	return nil
}

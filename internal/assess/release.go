package assess

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Marks shown only once the quiz closes (review options: marks "after the
// quiz closes" but not "after submitting") reach the gradebook unreleased;
// at the close time a durable job (JobRelease, one per quiz, rescheduled
// with the quiz's close time) reports every learner's grade again, now
// released, so the gradebook announces each grade once: a notification to
// the learner and a live update of the gradebook page.

// releaseJob is JobRelease's payload.
type releaseJob struct {
	QuizID int64 `json:"quiz_id"`
}

// releaseKey is the job key of a quiz's release at its close.
func releaseKey(quizID int64) string { return "assess.release:" + strconv.FormatInt(quizID, 10) }

// releasedAtClose says the quiz's marks are held back until it closes.
func releasedAtClose(q *lms.Quiz) bool {
	return !q.ClosesAt.IsZero() && !q.Review.After.Marks && q.Review.Closed.Marks
}

// scheduleRelease schedules (or, when the quiz no longer holds its marks
// back until a close time, cancels) the quiz's release job, in tx.
func (s *Service) scheduleRelease(ctx context.Context, tx Data, q *lms.Quiz) error {
	sch := s.scheduler(tx)
	if sch == nil || s.gradebook == nil {
		return nil
	}
	if !releasedAtClose(q) {
		return sch.Cancel(ctx, releaseKey(q.ID))
	}
	payload, _ := json.Marshal(releaseJob{QuizID: q.ID})
	return sch.Schedule(ctx, JobRelease, releaseKey(q.ID), q.ClosesAt, payload)
}

// ReleaseAtClose reports the grade of every learner with a submitted
// attempt once the quiz has closed: what the JobRelease job runs. The
// gradebook announces only what changes, so a rerun announces nothing
// again. Before the close it refuses (EUNAVAILABLE) so an early run
// retries; a deleted quiz, or one that no longer closes, is left alone.
func (s *Service) ReleaseAtClose(ctx context.Context, quizID int64) error {
	q, err := s.store.QuizByID(ctx, quizID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	if q.ClosesAt.IsZero() {
		return nil
	}
	if s.clock().Before(q.ClosesAt) {
		return lms.Errorf(lms.EUNAVAILABLE, "quiz %d does not close before %s", q.ID, q.ClosesAt)
	}
	list, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: q.ID, State: lms.AttemptSubmitted})
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, a := range list {
		if seen[a.UserID] {
			continue
		}
		seen[a.UserID] = true
		if err := s.ReportGrade(ctx, q.ID, a.UserID); err != nil {
			return err
		}
	}
	return nil
}

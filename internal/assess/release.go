package assess

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Marks shown only once the quiz closes (review options: marks "after the
// quiz closes" but not "after submitting") reach the gradebook unreleased;
// at the close time a durable job (JobRelease) reports every learner's
// grade again, now released, so the gradebook announces each grade once: a
// notification to the learner and a live update of the gradebook page.
//
// "The close" is each learner's own: an override (theirs, else their
// group's) that closes later holds their marks until then, one that closes
// earlier releases them then. So a quiz has one release job at its close
// and one at each other close time of its overrides (keyed by the time, so
// overrides closing together share one). Each run releases the learners
// whose own close has passed and no one else; a run left over from an
// override since changed or removed finds nothing new to release.

// releaseJob is JobRelease's payload.
type releaseJob struct {
	QuizID int64 `json:"quiz_id"`
}

// releaseKey is the job key of a quiz's release at its close.
func releaseKey(quizID int64) string { return "assess.release:" + strconv.FormatInt(quizID, 10) }

// overrideReleaseKey is the job key of a quiz's release at an override's
// close time.
func overrideReleaseKey(quizID int64, at time.Time) string {
	return releaseKey(quizID) + "@" + strconv.FormatInt(at.UnixMilli(), 10)
}

// releasedAtClose says the quiz's marks are held back until it closes.
func releasedAtClose(q *lms.Quiz) bool {
	return !q.ClosesAt.IsZero() && !q.Review.After.Marks && q.Review.Closed.Marks
}

// scheduleRelease schedules (or, when the quiz no longer holds its marks
// back until a close time, cancels) the quiz's release jobs: at its close
// and at its overrides' other close times, in tx.
func (s *Service) scheduleRelease(ctx context.Context, tx Data, q *lms.Quiz) error {
	sch := s.scheduler(tx)
	if sch == nil || s.gradebook == nil {
		return nil
	}
	overrides, err := tx.ListOverrides(ctx, q.ID)
	if err != nil {
		return err
	}
	if !releasedAtClose(q) {
		if err := sch.Cancel(ctx, releaseKey(q.ID)); err != nil {
			return err
		}
		for _, at := range overrideCloses(q, overrides) {
			if err := sch.Cancel(ctx, overrideReleaseKey(q.ID, at)); err != nil {
				return err
			}
		}
		return nil
	}
	payload, _ := json.Marshal(releaseJob{QuizID: q.ID})
	if err := sch.Schedule(ctx, JobRelease, releaseKey(q.ID), q.ClosesAt, payload); err != nil {
		return err
	}
	for _, at := range overrideCloses(q, overrides) {
		if err := sch.Schedule(ctx, JobRelease, overrideReleaseKey(q.ID, at), at, payload); err != nil {
			return err
		}
	}
	return nil
}

// overrideCloses returns the distinct close times of the overrides other
// than the quiz's own, in order.
func overrideCloses(q *lms.Quiz, overrides []*lms.QuizOverride) []time.Time {
	var out []time.Time
	for _, o := range overrides {
		if !o.ClosesAt.IsZero() && !o.ClosesAt.Equal(q.ClosesAt) {
			out = append(out, o.ClosesAt)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, time.Time.Equal)
}

// scheduleOverrideRelease schedules the release at an override's close
// when its quiz holds marks until it closes (after the override is saved).
func (s *Service) scheduleOverrideRelease(ctx context.Context, d Data, q *lms.Quiz, o *lms.QuizOverride) error {
	sch := s.scheduler(d)
	if sch == nil || s.gradebook == nil || !releasedAtClose(q) || o.ClosesAt.IsZero() || o.ClosesAt.Equal(q.ClosesAt) {
		return nil
	}
	payload, _ := json.Marshal(releaseJob{QuizID: q.ID})
	return sch.Schedule(ctx, JobRelease, overrideReleaseKey(q.ID, o.ClosesAt), o.ClosesAt, payload)
}

// closesFor returns when the quiz closes for a learner: their override's
// close, else their group's, else the quiz's (zero: never).
func (s *Service) closesFor(ctx context.Context, d Data, q *lms.Quiz, userID int64) (time.Time, error) {
	var group int64
	e, err := d.EnrollmentOf(ctx, q.CourseID, userID)
	switch {
	case err == nil:
		group = e.GroupID
	case !lms.IsCode(err, lms.ENOTFOUND):
		return time.Time{}, err
	}
	rules, err := s.rulesFor(ctx, d, q, userID, group)
	return rules.ClosesAt, err
}

// closedFor says whether the quiz has closed for the learner at now.
func (s *Service) closedFor(ctx context.Context, d Data, q *lms.Quiz, userID int64, now time.Time) (bool, error) {
	at, err := s.closesFor(ctx, d, q, userID)
	return err == nil && !at.IsZero() && !now.Before(at), err
}

// ReleaseAtClose reports the grade of every learner with a submitted
// attempt whose own close (override included) has passed: what the
// JobRelease jobs run. The gradebook announces only what changes, so a
// rerun announces nothing again. Before the earliest close of the quiz and
// its overrides it refuses (EUNAVAILABLE) so an early run retries; a
// deleted quiz, or one that no longer closes, is left alone.
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
	now := s.clock()
	overrides, err := s.store.ListOverrides(ctx, q.ID)
	if err != nil {
		return err
	}
	first := q.ClosesAt
	if c := overrideCloses(q, overrides); len(c) > 0 && c[0].Before(first) {
		first = c[0]
	}
	if now.Before(first) {
		return lms.Errorf(lms.EUNAVAILABLE, "quiz %d does not close before %s", q.ID, first)
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
		closed, err := s.closedFor(ctx, s.store, q, a.UserID, now)
		if err != nil {
			return err
		}
		if !closed {
			continue // their own close is later: a later run releases them
		}
		if err := s.ReportGrade(ctx, q.ID, a.UserID); err != nil {
			return err
		}
	}
	return nil
}

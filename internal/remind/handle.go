package remind

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/jobs"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// notice is one job's notification: its kind, dedup key, payload and who
// gets it.
type notice struct {
	kind, dedup string
	data        map[string]any
	to          []*lms.Enrollment
}

// HandleJob sends one job's notification to everyone it is for
// (jobs.Handler). A thing that is gone, a draft, or whose date moved since
// the job was planned is left alone (its new jobs notify). An error retries
// the job; people notified already are not notified again.
func (s *Service) HandleJob(ctx context.Context, j *lms.Job) error {
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("remind: payload of %s: %w", j.Key, err))
	}
	var (
		n   *notice
		err error
	)
	switch p.Source {
	case SourceAssignment, SourceQuiz:
		n, err = s.deadlineNotice(ctx, p)
	case SourceLesson:
		n, err = s.lessonNotice(ctx, p)
	case SourceEvent:
		n, err = s.liveNotice(ctx, p)
	default:
		return jobs.Permanent(fmt.Errorf("remind: unknown source %q", p.Source))
	}
	if err != nil || n == nil {
		return err
	}
	ids := make([]int64, len(n.to))
	for i, e := range n.to {
		ids[i] = e.UserID
	}
	sent, err := s.notify.NotifyOnceEach(ctx, ids, n.dedup, n.kind, n.data)
	if err != nil {
		return fmt.Errorf("remind: %s: %w", j.Key, err)
	}
	s.log.Debug().Str("job", j.Key).Int("sent", sent).Int("for", len(ids)).Msg("notifications sent")
	return nil
}

// deadlineNotice is the reminder of an assignment's or quiz's moment for
// the learners who have not submitted and whose date it is; nil when the
// job is stale.
func (s *Service) deadlineNotice(ctx context.Context, p payload) (*notice, error) {
	it, skip, err := s.item(ctx, p)
	if err != nil || it == nil {
		return nil, err
	}
	learners, err := s.members(ctx, it.CourseID, lms.CourseLearner)
	if err != nil {
		return nil, err
	}
	kind := map[string]string{Opens: lms.NotifyQuizOpens, Due24h: lms.NotifyDueSoon, Due1h: lms.NotifyDueSoon,
		Overdue: lms.NotifyOverdue}[p.Moment]
	n := &notice{kind: kind, dedup: fmt.Sprintf("%s:%s:%d:%s:%d", kind, p.Source, p.ID, p.Moment, p.At.UnixMilli()),
		data: map[string]any{"course_id": it.CourseID, p.Source + "_id": it.ID, "title": it.Title, "source": p.Source,
			"due_at": p.At}}
	if p.Moment == Due24h || p.Moment == Due1h {
		n.data["within"] = p.Moment
	}
	if p.Moment == Opens {
		n.data["opens_at"] = p.At
		delete(n.data, "due_at")
	}
	for _, e := range learners {
		if !skip(e) {
			n.to = append(n.to, e)
		}
	}
	return n, nil
}

// members returns the course's active members of role ("" any), in one
// read.
func (s *Service) members(ctx context.Context, courseID int64, role lms.CourseRole) ([]*lms.Enrollment, error) {
	return s.store.ListActiveMembers(ctx, courseID, role)
}

// item loads the job's item and says whom to leave out (submitted, or
// whose own date for the moment is another: a quiz override, an assignment
// extension); nil when the job is stale.
func (s *Service) item(ctx context.Context, p payload) (*Item, func(*lms.Enrollment) bool, error) {
	switch p.Source {
	case SourceAssignment:
		return s.assignmentItem(ctx, p)
	case SourceQuiz:
		return s.quizItem(ctx, p)
	}
	return nil, nil, jobs.Permanent(fmt.Errorf("remind: unknown source %q", p.Source))
}

// quizItem is item for a quiz: the job is stale when its target (the quiz,
// or the override it was planned for) has another date by now; it reminds
// the learners whose date for the moment is the job's (their own override,
// else their group's, else the quiz's) and, but for "opens", who have not
// submitted.
func (s *Service) quizItem(ctx context.Context, p payload) (*Item, func(*lms.Enrollment) bool, error) {
	q, err := s.store.QuizByID(ctx, p.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	overrides, err := s.store.ListOverrides(ctx, q.ID)
	if err != nil {
		return nil, nil, err
	}
	dates := newQuizDates(q, overrides)
	if at, ok := dates.planned(p); q.Draft || !ok || !sameTime(p.At, at) {
		return nil, nil, nil
	}
	it := &Item{Source: p.Source, ID: q.ID, CourseID: q.CourseID, Title: q.Title, Draft: q.Draft,
		OpensAt: q.OpensAt, DueAt: q.ClosesAt}
	done := map[int64]bool{}
	if p.Moment != Opens {
		atts, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: q.ID, State: lms.AttemptSubmitted})
		if err != nil {
			return nil, nil, err
		}
		for _, a := range atts {
			done[a.UserID] = true
		}
	}
	return it, func(e *lms.Enrollment) bool { return done[e.UserID] || !sameTime(dates.at(e, p.Moment), p.At) }, nil
}

// sameTime compares two dates to the millisecond (what the stores keep).
func sameTime(a, b time.Time) bool { return a.UnixMilli() == b.UnixMilli() }

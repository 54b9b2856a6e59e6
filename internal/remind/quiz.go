package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// OverrideKey returns the job key of the reminder for moment of a quiz
// override's learner (userID) or group (groupID). The key names the
// override's target, not its id: replacing a learner's override replaces
// their jobs.
func OverrideKey(quizID, userID, groupID int64, moment string) string {
	if userID != 0 {
		return fmt.Sprintf("remind:quiz:%d:u%d:%s", quizID, userID, moment)
	}
	return fmt.Sprintf("remind:quiz:%d:g%d:%s", quizID, groupID, moment)
}

// PlanQuiz plans the quiz's reminders at its own dates (Plan) and at the
// dates of each of its overrides (PlanOverride).
func PlanQuiz(ctx context.Context, sch Scheduler, now time.Time, q *lms.Quiz, overrides []*lms.QuizOverride) error {
	if err := Plan(ctx, sch, now, Item{Source: SourceQuiz, ID: q.ID, CourseID: q.CourseID, Title: q.Title,
		Draft: q.Draft, OpensAt: q.OpensAt, DueAt: q.ClosesAt}); err != nil {
		return err
	}
	for _, o := range overrides {
		if err := PlanOverride(ctx, sch, now, q, o); err != nil {
			return err
		}
	}
	return nil
}

// PlanOverride plans the reminders at an override's own dates (those it
// sets; the others are the quiz's, reminded by the quiz's jobs) and cancels
// the rest of its target's, in the transaction that saves the override. The
// jobs remind each learner whose dates (their own override, else their
// group's, else the quiz's: lms.QuizOverride.Apply) are these.
func PlanOverride(ctx context.Context, sch Scheduler, now time.Time, q *lms.Quiz, o *lms.QuizOverride) error {
	want := map[string]time.Time{}
	if !q.Draft {
		want = dueMoments(now, o.OpensAt, o.ClosesAt)
	}
	return schedule(ctx, sch, func(m string) string { return OverrideKey(q.ID, o.UserID, o.GroupID, m) }, want,
		payload{Source: SourceQuiz, ID: q.ID, User: o.UserID, Group: o.GroupID}, o.OpensAt, o.ClosesAt)
}

// CancelOverride removes the reminders of an override (it was deleted, or
// its quiz was): its learners are reminded at the quiz's dates again.
func CancelOverride(ctx context.Context, sch Scheduler, o *lms.QuizOverride) error {
	for _, m := range moments {
		if err := sch.Cancel(ctx, OverrideKey(o.QuizID, o.UserID, o.GroupID, m)); err != nil {
			return err
		}
	}
	return nil
}

// CancelQuiz removes every reminder of a deleted quiz, its overrides'
// included.
func CancelQuiz(ctx context.Context, sch Scheduler, quizID int64, overrides []*lms.QuizOverride) error {
	for _, o := range overrides {
		if err := CancelOverride(ctx, sch, o); err != nil {
			return err
		}
	}
	return Cancel(ctx, sch, SourceQuiz, quizID)
}

// quizDates returns, for each learner, the date the moment is at for them:
// their own override's, else their group's, else the quiz's.
type quizDates struct {
	q     *lms.Quiz
	users map[int64]*lms.QuizOverride
	group map[int64]*lms.QuizOverride
}

func newQuizDates(q *lms.Quiz, overrides []*lms.QuizOverride) quizDates {
	d := quizDates{q: q, users: map[int64]*lms.QuizOverride{}, group: map[int64]*lms.QuizOverride{}}
	for _, o := range overrides {
		if o.UserID != 0 {
			d.users[o.UserID] = o
		} else if o.GroupID != 0 {
			d.group[o.GroupID] = o
		}
	}
	return d
}

// at returns the learner's date for moment.
func (d quizDates) at(e *lms.Enrollment, moment string) time.Time {
	o := d.users[e.UserID]
	if o == nil && e.GroupID != 0 {
		o = d.group[e.GroupID]
	}
	rules := o.Apply(*d.q)
	if moment == Opens {
		return rules.OpensAt
	}
	return rules.ClosesAt
}

// planned returns the date the job's target (the quiz, or one override)
// has for the moment now; false when the target is gone.
func (d quizDates) planned(p payload) (time.Time, bool) {
	var o *lms.QuizOverride
	switch {
	case p.User != 0:
		o = d.users[p.User]
	case p.Group != 0:
		o = d.group[p.Group]
	default:
		rules := *d.q
		if p.Moment == Opens {
			return rules.OpensAt, true
		}
		return rules.ClosesAt, true
	}
	if o == nil {
		return time.Time{}, false
	}
	if p.Moment == Opens {
		return o.OpensAt, true
	}
	return o.ClosesAt, true
}

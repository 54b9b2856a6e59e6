package assess

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestReleaseFollowsEachLearnersOwnClose: with marks shown only once the
// quiz closes, a learner whose override closes later gets no released
// grade at the quiz's close, only at their own; one whose override closes
// earlier gets it at theirs (a release job is scheduled at each close
// time). The clock is the fixture's injected one.
func TestReleaseFollowsEachLearnersOwnClose(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q1 := f.add(tf("one", true))
	qz := f.quiz(func(q *lms.Quiz) {
		q.ClosesAt = t0.Add(2 * time.Hour)
		q.Review = lms.QuizReview{After: lms.ReviewOptions{Correctness: true}, Closed: lms.ReviewOptions{Correctness: true, Marks: true}}
	}, q1)
	late, early := f.learner, f.learner2
	must(t, f.svc.PutOverride(ctx, f.instructor, &lms.QuizOverride{QuizID: qz.ID, UserID: late.ID, ClosesAt: t0.Add(3 * time.Hour)}))
	must(t, f.svc.PutOverride(ctx, f.instructor, &lms.QuizOverride{QuizID: qz.ID, UserID: early.ID, ClosesAt: t0.Add(time.Hour)}))

	jobAt := func(key string, at time.Time) job {
		t.Helper()
		j, ok := f.jobs.get(key)
		if !ok || j.Kind != JobRelease || !j.At.Equal(at) {
			t.Fatalf("release job %s: %+v (scheduled %v), want at %s", key, j, ok, at)
		}
		return j
	}
	atEarly := jobAt(overrideReleaseKey(qz.ID, t0.Add(time.Hour)), t0.Add(time.Hour))
	atQuiz := jobAt(releaseKey(qz.ID), t0.Add(2*time.Hour))
	atLate := jobAt(overrideReleaseKey(qz.ID, t0.Add(3*time.Hour)), t0.Add(3*time.Hour))

	for _, u := range []*lms.User{late, early} {
		att := f.start(u, qz)
		_, err := f.svc.SaveAnswer(ctx, u, att.Attempt.ID, 0, f.right(att, 0))
		must(t, err)
		_, err = f.svc.Submit(ctx, u, att.Attempt.ID)
		must(t, err)
	}
	f.runDue(f.svc, JobReport) // a submission's grade reaches the gradebook through its report job
	released := func(u *lms.User) bool {
		t.Helper()
		r, ok := f.book.last(u.ID)
		if !ok {
			t.Fatalf("%s: no grade reported", u.Username)
		}
		return r.Released
	}
	if released(late) || released(early) {
		t.Fatal("after submitting: a grade is released before any close")
	}
	wantCode(t, f.svc.HandleJob(ctx, atEarly.Kind, atEarly.Payload), lms.EUNAVAILABLE) // nobody's close yet

	f.clock.Advance(time.Hour) // the early learner's close
	must(t, f.svc.HandleJob(ctx, atEarly.Kind, atEarly.Payload))
	if !released(early) {
		t.Error("at their own (earlier) close: the early learner's grade is not released")
	}
	if released(late) {
		t.Error("at the early learner's close: the late learner's grade is released")
	}

	f.clock.Advance(time.Hour) // the quiz's close
	must(t, f.svc.HandleJob(ctx, atQuiz.Kind, atQuiz.Payload))
	must(t, f.svc.ReportGrade(ctx, qz.ID, late.ID)) // e.g. a regrade now
	if released(late) {
		t.Error("at the quiz's close: the late learner's grade is released before their own close")
	}

	f.clock.Advance(time.Hour) // the late learner's close
	must(t, f.svc.HandleJob(ctx, atLate.Kind, atLate.Payload))
	if !released(late) || !released(early) {
		t.Errorf("at the late close: released late %v, early %v; want both", released(late), released(early))
	}
}

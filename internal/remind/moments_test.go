package remind_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
	"github.com/lyceumhq/lyceum/internal/store"
)

// notes returns every notification of the given kinds on the database,
// for every member, as "username kind within link", sorted.
func (w *world) notes(st store.Store, kinds ...string) []string {
	w.t.Helper()
	var out []string
	for _, u := range append([]*lms.User{w.inst}, w.learners...) {
		list, err := st.ListNotifications(w.t.Context(), lms.NotificationFilter{UserID: u.ID, Limit: lms.MaxPageSize})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, n := range list {
			if !slices.Contains(kinds, n.Kind) {
				continue
			}
			s := u.Username + " " + n.Kind
			for _, f := range []string{"within", "link"} {
				if i := strings.Index(n.Payload, `"`+f+`":"`); i >= 0 {
					s += " " + strings.SplitN(n.Payload[i+len(f)+4:], `"`, 2)[0]
				}
			}
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// group makes a group of the course with the learner in it.
func (w *world) group(st store.Store, name string, learner *lms.User) *lms.Group {
	w.t.Helper()
	g := &lms.Group{CourseID: w.course.ID, Name: name}
	if err := st.CreateGroup(w.t.Context(), g); err != nil {
		w.t.Fatal(err)
	}
	if err := st.PutEnrollment(w.t.Context(), &lms.Enrollment{CourseID: w.course.ID, UserID: learner.ID,
		Role: lms.CourseLearner, Status: lms.EnrollActive, GroupID: g.ID}); err != nil {
		w.t.Fatal(err)
	}
	return g
}

// log is a test's logger for the services.
func (w *world) log() zerolog.Logger {
	return zerolog.New(zerolog.NewTestWriter(w.t)).Level(zerolog.WarnLevel)
}

// jobAt fails unless the job key is scheduled at at (zero: no such job).
func jobAt(t *testing.T, st store.Store, key string, at time.Time) {
	t.Helper()
	j, err := st.JobByKey(t.Context(), key)
	switch {
	case at.IsZero() && !lms.IsCode(err, lms.ENOTFOUND):
		t.Fatalf("job %s: %+v, %v; want none", key, j, err)
	case !at.IsZero() && (err != nil || !j.RunAt.Equal(at)):
		t.Fatalf("job %s: %+v, %v; want it at %v", key, j, err, at)
	}
}

func TestQuizOverridesRemindEachLearnerAtTheirOwnDates(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		l1, l2, l3 := w.learners[0], w.learners[1], w.learners[2]
		// l1 is in a group whose override closes three days later; l2 has
		// their own, two days later; l3 had one, removed again.
		g := w.group(n.st, "Evening", l1)
		q := &lms.Quiz{CourseID: w.course.ID, Title: "Check", ClosesAt: t0, GradingMethod: lms.GradeHighest,
			Behaviour: lms.BehaviourDeferred}
		if err := n.assess.CreateQuiz(ctx, w.inst, q); err != nil {
			t.Fatal(err)
		}
		put := func(o *lms.QuizOverride) {
			t.Helper()
			o.QuizID = q.ID
			if err := n.assess.PutOverride(ctx, w.inst, o); err != nil {
				t.Fatal(err)
			}
		}
		put(&lms.QuizOverride{GroupID: g.ID, ClosesAt: t0.Add(72 * time.Hour)})
		put(&lms.QuizOverride{UserID: l2.ID, ClosesAt: t0.Add(24 * time.Hour)})
		gone := &lms.QuizOverride{UserID: l3.ID, ClosesAt: t0.Add(96 * time.Hour)}
		put(gone)
		jobAt(t, n.st, remind.OverrideKey(q.ID, 0, g.ID, remind.Overdue), t0.Add(72*time.Hour))
		jobAt(t, n.st, remind.OverrideKey(q.ID, l2.ID, 0, remind.Due24h), t0)
		jobAt(t, n.st, remind.OverrideKey(q.ID, l3.ID, 0, remind.Overdue), t0.Add(96*time.Hour))
		// l2's override moves a day later: its jobs move with it.
		put(&lms.QuizOverride{UserID: l2.ID, ClosesAt: t0.Add(48 * time.Hour)})
		jobAt(t, n.st, remind.OverrideKey(q.ID, l2.ID, 0, remind.Due24h), t0.Add(24*time.Hour))
		// Deleting l3's override cancels its jobs: l3 is back on the quiz's dates.
		if err := n.assess.DeleteOverride(ctx, w.inst, q.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.OverrideKey(q.ID, l3.ID, 0, remind.Overdue), time.Time{})

		// The jobs as planned, to run once more at the end.
		var again []*lms.Job
		for _, key := range []string{remind.OverrideKey(q.ID, 0, g.ID, remind.Overdue),
			remind.OverrideKey(q.ID, l2.ID, 0, remind.Overdue), remind.Key(remind.SourceQuiz, q.ID, remind.Overdue)} {
			j, err := n.st.JobByKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			again = append(again, j)
		}

		kinds := []string{lms.NotifyDueSoon, lms.NotifyOverdue}
		link := fmt.Sprintf("/courses/%d/quizzes/%d", w.course.ID, q.ID)
		at := func(when time.Time, want ...string) {
			t.Helper()
			w.clock.Set(when)
			pollAll(t, n)
			for i := range want {
				want[i] += " " + link
			}
			slices.Sort(want)
			if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
				t.Fatalf("at %v: %v, want %v", when, got, want)
			}
		}
		at(t0.Add(-24*time.Hour), "l3 due_soon 24h")
		at(t0, "l3 due_soon 24h", "l3 due_soon 1h", "l3 overdue")
		at(t0.Add(24*time.Hour), "l3 due_soon 24h", "l3 due_soon 1h", "l3 overdue", "l2 due_soon 24h")
		at(t0.Add(72*time.Hour), "l3 due_soon 24h", "l3 due_soon 1h", "l3 overdue",
			"l2 due_soon 24h", "l2 due_soon 1h", "l2 overdue",
			"l1 due_soon 24h", "l1 due_soon 1h", "l1 overdue")
		// Every job once more (a lost lease, a restart): nobody hears twice.
		h := remind.New(n.st, n.notes, w.log(), w.clock.Now)
		for _, j := range again {
			if err := h.HandleJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		at(t0.Add(96*time.Hour), "l3 due_soon 24h", "l3 due_soon 1h", "l3 overdue",
			"l2 due_soon 24h", "l2 due_soon 1h", "l2 overdue",
			"l1 due_soon 24h", "l1 due_soon 1h", "l1 overdue")
		// Deleting the quiz removes its overrides' jobs too.
		if err := n.assess.DeleteQuiz(ctx, w.inst, q.ID); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.OverrideKey(q.ID, 0, g.ID, remind.Overdue), time.Time{})
		jobAt(t, n.st, remind.Key(remind.SourceQuiz, q.ID, remind.Overdue), time.Time{})
	})
}

func TestLessonReleasedOnceAtItsDateOrAtPublish(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		m, err := n.content.CreateModule(ctx, w.inst, w.course.ID, "Week 1")
		if err != nil {
			t.Fatal(err)
		}
		in := course.LessonInput{Title: "Later", BodyMD: "text", AvailableFrom: t0}
		later, err := n.content.CreateLesson(ctx, w.inst, m.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		key := remind.Key(remind.SourceLesson, later.ID, remind.Released)
		jobAt(t, n.st, key, t0)
		in.AvailableFrom = t0.Add(time.Hour) // moved: the job moves
		if _, err := n.content.UpdateLesson(ctx, w.inst, later.ID, in); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, key, t0.Add(time.Hour))
		// A draft with no date tells nobody; publishing it tells at once.
		draft, err := n.content.CreateLesson(ctx, w.inst, m.ID, course.LessonInput{Title: "Now", BodyMD: "x", Draft: true})
		if err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.Key(remind.SourceLesson, draft.ID, remind.Released), time.Time{})
		pollAll(t, n)
		kinds := []string{lms.NotifyLessonReleased}
		if got := w.notes(n.st, kinds...); len(got) != 0 {
			t.Fatalf("before any release: %v", got)
		}
		for _, d := range []bool{false, true, false} { // published, unpublished, published again
			if _, err := n.content.UpdateLesson(ctx, w.inst, draft.ID, course.LessonInput{Title: "Now", BodyMD: "x",
				Draft: d}); err != nil {
				t.Fatal(err)
			}
			pollAll(t, n)
		}
		linkNow := fmt.Sprintf("/courses/%d/lessons/%d", w.course.ID, draft.ID)
		want := []string{"l1 lesson_released " + linkNow, "l2 lesson_released " + linkNow, "l3 lesson_released " + linkNow}
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("after publishing: %v, want %v", got, want)
		}
		// The dated lesson: nothing before its time, each learner once at it.
		w.clock.Set(t0)
		pollAll(t, n)
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("before the date: %v, want %v", got, want)
		}
		w.clock.Set(t0.Add(time.Hour))
		pollAll(t, n)
		linkLater := fmt.Sprintf("/courses/%d/lessons/%d", w.course.ID, later.ID)
		want = append(want, "l1 lesson_released "+linkLater, "l2 lesson_released "+linkLater, "l3 lesson_released "+linkLater)
		slices.Sort(want)
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("at the date: %v, want %v", got, want)
		}
		// Deleting a lesson before its date cancels its notification.
		in.AvailableFrom = t0.Add(48 * time.Hour)
		gone, err := n.content.CreateLesson(ctx, w.inst, m.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.content.DeleteLesson(ctx, w.inst, gone.ID); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.Key(remind.SourceLesson, gone.ID, remind.Released), time.Time{})
	})
}

func TestLiveSessionStartingTellsWhoMayEnterTheRoom(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		g := w.group(n.st, "Lab A", w.learners[0])
		all := &lms.Room{CourseID: w.course.ID, Name: "Lecture hall"}
		lab := &lms.Room{CourseID: w.course.ID, Name: "Lab A room", GroupID: g.ID}
		for _, r := range []*lms.Room{all, lab} {
			if err := n.st.CreateRoom(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		lecture, err := n.cal.CreateEvent(ctx, w.inst, w.course.ID, calendar.EventInput{Title: "Lecture", RoomID: all.ID,
			StartsAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		labEv, err := n.cal.CreateEvent(ctx, w.inst, w.course.ID, calendar.EventInput{Title: "Lab", RoomID: lab.ID,
			StartsAt: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		trip, err := n.cal.CreateEvent(ctx, w.inst, w.course.ID, calendar.EventInput{Title: "Trip", StartsAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.Key(remind.SourceEvent, trip.ID, remind.Starts), time.Time{}) // not live
		// The lab moves to two hours later; a cancelled session tells nobody.
		later := t0.Add(2 * time.Hour)
		if _, err := n.cal.PatchEvent(ctx, w.inst, labEv.ID, calendar.EventPatch{StartsAt: &later}); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.Key(remind.SourceEvent, labEv.ID, remind.Starts), later)
		cancelled, err := n.cal.CreateEvent(ctx, w.inst, w.course.ID, calendar.EventInput{Title: "Q&A", RoomID: all.ID,
			StartsAt: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.cal.DeleteEvent(ctx, w.inst, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		jobAt(t, n.st, remind.Key(remind.SourceEvent, cancelled.ID, remind.Starts), time.Time{})

		again, err := n.st.JobByKey(ctx, remind.Key(remind.SourceEvent, lecture.ID, remind.Starts))
		if err != nil {
			t.Fatal(err)
		}
		kinds := []string{lms.NotifyLiveStarting}
		w.clock.Set(t0.Add(-time.Minute))
		pollAll(t, n)
		if got := w.notes(n.st, kinds...); len(got) != 0 {
			t.Fatalf("before the start: %v", got)
		}
		w.clock.Set(t0)
		pollAll(t, n)
		hall := fmt.Sprintf("/courses/%d/rooms/%d/live", w.course.ID, all.ID)
		want := []string{"l1 live_starting " + hall, "l2 live_starting " + hall, "l3 live_starting " + hall}
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("at the lecture: %v, want %v", got, want)
		}
		w.clock.Set(later.Add(time.Second))
		pollAll(t, n)
		want = append(want, fmt.Sprintf("l1 live_starting /courses/%d/rooms/%d/live", w.course.ID, lab.ID))
		slices.Sort(want)
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("at the lab (only its group): %v, want %v", got, want)
		}
		// Run again: nobody hears twice.
		if err := remind.New(n.st, n.notes, w.log(), w.clock.Now).HandleJob(ctx, again); err != nil {
			t.Fatal(err)
		}
		if got := w.notes(n.st, kinds...); !slices.Equal(got, want) {
			t.Fatalf("after a second run: %v, want %v", got, want)
		}
	})
}

func TestLiveStartedTellsWhoMayEnterTheRoomOncePerSession(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		g := w.group(n.st, "Lab A", w.learners[0])
		lab := &lms.Room{CourseID: w.course.ID, Name: "Lab A room", GroupID: g.ID}
		if err := n.st.CreateRoom(ctx, lab); err != nil {
			t.Fatal(err)
		}
		svc := remind.New(n.st, n.notes, w.log(), w.clock.Now)
		kinds := []string{lms.NotifyLiveStarting}
		link := fmt.Sprintf("/courses/%d/rooms/%d/live", w.course.ID, lab.ID)
		for _, session := range []int64{7, 7} { // the same session twice: told once
			if err := svc.LiveStarted(ctx, lab.ID, session, w.inst.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := w.notes(n.st, kinds...), []string{"l1 live_starting " + link}; !slices.Equal(got, want) {
			t.Fatalf("after session 7 started (twice): %v, want %v (the group only, not the instructor)", got, want)
		}
		if err := svc.LiveStarted(ctx, lab.ID, 8, w.inst.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.notes(n.st, kinds...); len(got) != 2 {
			t.Fatalf("after the next session: %v, want a second notice for l1", got)
		}
		if err := svc.LiveStarted(ctx, lab.ID+1000, 9, w.inst.ID); err != nil {
			t.Fatalf("a room that is gone: %v, want nothing done", err)
		}
	})
}

package remind_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
	"github.com/lyceumhq/lyceum/internal/store"
)

// A learner with an extension is reminded at their own due date, not the
// assignment's, and their calendar shows it; revoked, they are back at the
// assignment's.
func TestAnExtendedLearnerIsRemindedAndShownTheirOwnDueDate(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() store.Store) {
		w := newWorld(t, open)
		ctx := t.Context()
		n := w.node()
		as, err := n.assign.Create(ctx, w.inst, w.course.ID, assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true,
			DueAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		ill, back := w.learners[2], w.learners[1]
		for _, u := range []*lms.User{ill, back} {
			if _, err := n.assign.GrantExtension(ctx, w.inst, as.ID, u.ID, assign.ExtensionInput{DueAt: t0.Add(48 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := n.assign.RevokeExtension(ctx, w.inst, as.ID, back.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := n.st.JobByKey(ctx, remind.ExtensionKey(as.ID, back.ID, remind.Overdue)); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("a revoked extension's job: %v", err)
		}
		if job, err := n.st.JobByKey(ctx, remind.ExtensionKey(as.ID, ill.ID, remind.Due24h)); err != nil ||
			!job.RunAt.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("the extension's 24 h job %+v, %v", job, err)
		}
		// Moved past the extension, the assignment's date is everyone's; moved
		// back, the extension counts again.
		in := assign.Input{Title: "Essay", MaxPoints: 10, OnlineText: true, DueAt: t0.Add(96 * time.Hour)}
		if _, err := n.assign.Update(ctx, w.inst, as.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := n.st.JobByKey(ctx, remind.ExtensionKey(as.ID, ill.ID, remind.Overdue)); !lms.IsCode(err, lms.ENOTFOUND) {
			t.Fatalf("an overtaken extension's job: %v", err)
		}
		in.DueAt = t0
		if _, err := n.assign.Update(ctx, w.inst, as.ID, in); err != nil {
			t.Fatal(err)
		}
		if job, err := n.st.JobByKey(ctx, remind.ExtensionKey(as.ID, ill.ID, remind.Overdue)); err != nil ||
			!job.RunAt.Equal(t0.Add(48*time.Hour)) {
			t.Fatalf("the extension's overdue job back %+v, %v", job, err)
		}

		items, err := n.cal.Items(ctx, ill, calendar.Range{From: t0.Add(-time.Hour), To: t0.Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		due := slices.IndexFunc(items.Items, func(it *lms.CalendarItem) bool { return it.Kind == lms.CalAssignmentDue })
		if due < 0 || !items.Items[due].StartsAt.Equal(t0.Add(48*time.Hour)) || !items.Items[due].Overridden {
			t.Fatalf("the extended learner's calendar %+v", items.Items)
		}
		items, err = n.cal.Items(ctx, back, calendar.Range{From: t0.Add(-time.Hour), To: t0.Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		due = slices.IndexFunc(items.Items, func(it *lms.CalendarItem) bool { return it.Kind == lms.CalAssignmentDue })
		if due < 0 || !items.Items[due].StartsAt.Equal(t0) || items.Items[due].Overridden {
			t.Fatalf("a learner without an extension's calendar %+v", items.Items)
		}

		// At the assignment's due date: everyone but the extended learner.
		for _, at := range []time.Duration{-24 * time.Hour, -time.Hour, 0} {
			w.clock.Set(t0.Add(at))
			pollAll(t, n)
		}
		want := []string{"l1 due_soon 1h", "l1 due_soon 24h", "l1 overdue", "l2 due_soon 1h", "l2 due_soon 24h", "l2 overdue"}
		if got := w.reminders(n.st); !slices.Equal(got, want) {
			t.Fatalf("at the assignment's due date: %v, want %v", got, want)
		}
		// At their own: only them.
		for _, at := range []time.Duration{24 * time.Hour, 47 * time.Hour, 48 * time.Hour} {
			w.clock.Set(t0.Add(at))
			pollAll(t, n)
		}
		want = append(want, "l3 due_soon 1h", "l3 due_soon 24h", "l3 overdue")
		slices.Sort(want)
		if got := w.reminders(n.st); !slices.Equal(got, want) {
			t.Fatalf("at the extended due date: %v, want %v", got, want)
		}
	})
}

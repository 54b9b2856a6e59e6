package course

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestNotifySettingsMuteAndTurnOffKinds(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	n := f.svc.Notifications
	me := f.as("learner")
	count := func() int {
		t.Helper()
		list, _, err := n.ListNotifications(ctx, me, false, 0, 50)
		ok(t, err)
		return len(list)
	}
	before := count()
	st, err := n.NotifySettings(ctx, me)
	ok(t, err)
	st.TimeZone = "Europe/Paris"
	st.MutedCourses = []int64{f.b.ID}
	st.Kinds[lms.NotifyReply] = lms.KindPref{InApp: false, Email: lms.EmailOff}
	saved, err := n.SaveNotifySettings(ctx, me, st)
	ok(t, err)
	if saved.TimeZone != "Europe/Paris" || !saved.Muted(f.b.ID) || saved.UpdatedAt.IsZero() {
		t.Fatalf("saved %+v", saved)
	}
	n.Notify(ctx, me.ID, lms.NotifyGrade, map[string]any{"course_id": f.b.ID}) // muted course
	n.Notify(ctx, me.ID, lms.NotifyReply, map[string]any{"course_id": f.a.ID}) // kind off in the app
	if got := count(); got != before {
		t.Fatalf("%d notifications, want %d: muted and turned-off ones were stored", got, before)
	}
	n.Notify(ctx, me.ID, lms.NotifyGrade, map[string]any{"course_id": f.a.ID})
	if got := count(); got != before+1 {
		t.Fatalf("%d notifications, want %d", got, before+1)
	}
	_, err = n.SaveNotifySettings(ctx, me, lms.NotifySettings{TimeZone: "Nowhere/Else"})
	wantCode(t, err, lms.EINVALID)
	_, err = n.SaveNotifySettings(ctx, nil, st)
	wantCode(t, err, lms.EUNAUTHORIZED)
}

func TestNotifyOnceGivesEachPersonOneAndMarkOneRead(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	n := f.svc.Notifications
	me := f.as("learner")
	p := map[string]any{"course_id": f.a.ID, "assignment_id": 5, "title": "Essay"}
	for i, want := range []bool{true, false, false} {
		got, err := n.NotifyOnce(ctx, me.ID, "due_soon:24h:assignment:5", lms.NotifyDueSoon, p)
		ok(t, err)
		if got != want {
			t.Fatalf("call %d: given = %v, want %v", i, got, want)
		}
	}
	list, unread, err := n.ListNotifications(ctx, me, true, 0, 50)
	ok(t, err)
	if len(list) == 0 || list[0].Kind != lms.NotifyDueSoon {
		t.Fatalf("list %+v", list)
	}
	ok(t, n.MarkNotificationRead(ctx, me, list[0].ID))
	_, after, err := n.ListNotifications(ctx, me, true, 0, 50)
	ok(t, err)
	if after != unread-1 {
		t.Fatalf("unread %d after marking one of %d read", after, unread)
	}
	wantCode(t, n.MarkNotificationRead(ctx, f.as("ta"), list[0].ID), lms.ENOTFOUND)
}

// queued records the emails Notify queues.
type queued struct{ list []string }

func (q *queued) QueueEmail(_ context.Context, _ NotificationsStore, n *lms.Notification, _ map[string]any,
	st lms.NotifySettings) error {
	q.list = append(q.list, fmt.Sprintf("%s %s at %s", n.Kind, st.Pref(n.Kind).Email,
		st.QuietUntil(n.CreatedAt).UTC().Format(time.RFC3339)))
	return nil
}

func TestNotifyQueuesEmailPerPreferenceAndQuietHours(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	n := f.svc.Notifications
	me := f.as("learner")
	q := &queued{}
	n.UseEmail(q)
	st := lms.DefaultNotifySettings()
	st.TimeZone = "Europe/Paris"                                               // quiet 22:00 to 07:00 there
	st.Kinds[lms.NotifyReply] = lms.KindPref{InApp: true, Email: lms.EmailOff} // in the app only
	_, err := n.SaveNotifySettings(ctx, me, st)
	ok(t, err)
	at := time.Date(2026, 3, 2, 22, 30, 0, 0, time.UTC) // 23:30 in Paris
	f.clock.Set(at)
	n.Notify(ctx, me.ID, lms.NotifyGrade, map[string]any{"course_id": f.a.ID})     // email now: held to 07:00 CET
	n.Notify(ctx, me.ID, lms.NotifyReply, map[string]any{"course_id": f.a.ID})     // email off
	n.Notify(ctx, me.ID, lms.NotifyQuizOpens, map[string]any{"course_id": f.a.ID}) // digest by default: the queue plans it
	want := []string{"grade now at 2026-03-03T06:00:00Z", "quiz_opens digest at 2026-03-03T06:00:00Z"}
	if !slices.Equal(q.list, want) {
		t.Fatalf("queued %v, want %v", q.list, want)
	}
}

func TestUnsubscribeFromTheDigestTurnsOffItsKindsAndUndoSetsThemBack(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	n := f.svc.Notifications
	me := f.as("learner")
	changed, err := n.UnsubscribeEmail(ctx, me.ID, lms.NotifyDigest)
	ok(t, err)
	st, err := n.NotifySettings(ctx, me)
	ok(t, err)
	for _, k := range lms.NotifyKinds {
		want := k.Email
		if want == lms.EmailDigest {
			want = lms.EmailOff
			if changed[k.Name] != lms.EmailDigest {
				t.Errorf("changed[%s] = %q, want digest", k.Name, changed[k.Name])
			}
		}
		if got := st.Pref(k.Name).Email; got != want {
			t.Errorf("%s: email %q, want %q", k.Name, got, want)
		}
	}
	wantCode(t, n.UndoUnsubscribe(ctx, me.ID, lms.NotifyDigest, map[string]lms.EmailMode{lms.NotifyGrade: lms.EmailOff}),
		lms.EINVALID)
	ok(t, n.UndoUnsubscribe(ctx, me.ID, lms.NotifyDigest, changed))
	st, err = n.NotifySettings(ctx, me)
	ok(t, err)
	if got := st.Pref(lms.NotifyReply).Email; got != lms.EmailDigest {
		t.Fatalf("after undo replies are emailed %q, want digest", got)
	}
	_, err = n.UnsubscribeEmail(ctx, me.ID, "nonsense")
	wantCode(t, err, lms.EINVALID)
}

func TestNotifyOnceEachKeepsEachPersonsSettingsAndGivesOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	n := f.svc.Notifications
	q := &queued{}
	n.UseEmail(q)
	learner, ta, muted := f.as("learner"), f.as("ta"), f.as("instructor")
	st := lms.DefaultNotifySettings()
	st.TimeZone = "Europe/Paris"
	_, err := n.SaveNotifySettings(ctx, learner, st)
	ok(t, err)
	st = lms.DefaultNotifySettings()
	st.Kinds[lms.NotifyDueSoon] = lms.KindPref{InApp: true, Email: lms.EmailOff}
	_, err = n.SaveNotifySettings(ctx, ta, st)
	ok(t, err)
	st = lms.DefaultNotifySettings()
	st.MutedCourses = []int64{f.a.ID}
	_, err = n.SaveNotifySettings(ctx, muted, st)
	ok(t, err)
	due := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	f.clock.Set(due.Add(-2 * time.Hour)) // 11:00 in Paris: no quiet hours
	p := map[string]any{"course_id": f.a.ID, "assignment_id": int64(5), "title": "Essay", "due_at": due}
	ids := []int64{learner.ID, ta.ID, muted.ID, learner.ID}
	for i, want := range []int{2, 0} {
		got, err := n.NotifyOnceEach(ctx, ids, "due_soon:24h:assignment:5", lms.NotifyDueSoon, p)
		ok(t, err)
		if got != want {
			t.Fatalf("call %d: given %d, want %d", i, got, want)
		}
	}
	// Email at once by default (the learner), off for the TA; nothing for the muted course.
	if want := []string{"due_soon now at 2026-03-02T10:00:00Z"}; !slices.Equal(q.list, want) {
		t.Fatalf("queued %v, want %v", q.list, want)
	}
	for _, c := range []struct {
		u     *lms.User
		local string
	}{{learner, "Mon 2 Mar 2026, 13:00 CET"}, {ta, "Mon 2 Mar 2026, 12:00 UTC"}} {
		list, _, err := n.ListNotifications(ctx, c.u, true, 0, 50)
		ok(t, err)
		if len(list) == 0 || list[0].Kind != lms.NotifyDueSoon || !strings.Contains(list[0].Payload, c.local) ||
			!strings.Contains(list[0].Payload, fmt.Sprintf(`"link":"/courses/%d/assignments/5"`, f.a.ID)) {
			t.Fatalf("%s's newest notification: %+v", c.u.Username, list)
		}
	}
	list, _, err := n.ListNotifications(ctx, muted, false, 0, 50)
	ok(t, err)
	for _, got := range list {
		if got.Kind == lms.NotifyDueSoon {
			t.Fatalf("a muted course notified: %+v", got)
		}
	}
	_, err = n.NotifyOnceEach(ctx, ids, "", lms.NotifyDueSoon, p)
	wantCode(t, err, lms.EINVALID)
}

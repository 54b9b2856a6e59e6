package storetest

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var notifySettingsTests = map[string]func(*testing.T, store.Store){
	"notification settings are the defaults until saved, then read back": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		got, err := s.GetNotifySettings(ctx, u.ID)
		noErr(t, err, "GetNotifySettings")
		diff(t, "defaults", got, lms.DefaultNotifySettings())
		want := lms.NotifySettings{TimeZone: "Europe/Paris", QuietStart: 0, QuietEnd: 0,
			Kinds:        map[string]lms.KindPref{lms.NotifyReply: {InApp: false, Email: lms.EmailOff}},
			MutedCourses: []int64{7, 9}, UpdatedAt: base}
		noErr(t, s.PutNotifySettings(ctx, u.ID, want), "PutNotifySettings")
		got, err = s.GetNotifySettings(ctx, u.ID)
		noErr(t, err, "GetNotifySettings")
		diff(t, "saved", got, want)
		want.TimeZone, want.UpdatedAt = "Asia/Tokyo", base.Add(time.Minute)
		noErr(t, s.PutNotifySettings(ctx, u.ID, want), "PutNotifySettings again")
		got, err = s.GetNotifySettings(ctx, u.ID)
		noErr(t, err, "GetNotifySettings")
		diff(t, "replaced", got, want)
		wantCode(t, s.PutNotifySettings(ctx, 9999, want), lms.ENOTFOUND)
	},
	"a notification is claimed once per user and key": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a, b := newUser(t, s, "a"), newUser(t, s, "b")
		for _, c := range []struct {
			user int64
			key  string
			want bool
		}{{a.ID, "due:1", true}, {a.ID, "due:1", false}, {b.ID, "due:1", true}, {a.ID, "due:2", true}} {
			got, err := s.ClaimNotificationOnce(ctx, c.user, c.key, base)
			noErr(t, err, "ClaimNotificationOnce")
			if got != c.want {
				t.Fatalf("ClaimNotificationOnce(%d, %s) = %v, want %v", c.user, c.key, got, c.want)
			}
		}
	},
	"one notification is marked read": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a, b := newUser(t, s, "a"), newUser(t, s, "b")
		n1, n2 := &lms.Notification{UserID: a.ID, Kind: lms.NotifyGrade}, &lms.Notification{UserID: a.ID, Kind: lms.NotifyGrade}
		noErr(t, s.CreateNotification(ctx, n1), "CreateNotification")
		noErr(t, s.CreateNotification(ctx, n2), "CreateNotification")
		noErr(t, s.MarkNotificationRead(ctx, a.ID, n1.ID, base), "MarkNotificationRead")
		noErr(t, s.MarkNotificationRead(ctx, a.ID, n1.ID, base.Add(time.Hour)), "MarkNotificationRead again")
		wantCode(t, s.MarkNotificationRead(ctx, b.ID, n2.ID, base), lms.ENOTFOUND)
		n, err := s.CountUnreadNotifications(ctx, a.ID)
		noErr(t, err, "CountUnreadNotifications")
		if n != 1 {
			t.Fatalf("unread = %d, want 1", n)
		}
		list, err := s.ListNotifications(ctx, lms.NotificationFilter{UserID: a.ID, Limit: 10})
		noErr(t, err, "ListNotifications")
		if !list[1].ReadAt.Equal(base) {
			t.Fatalf("read at %v, want the first mark's time %v", list[1].ReadAt, base)
		}
	},
}

package storetest

import (
	"fmt"
	"slices"
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
	"many users claim a notification once each": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		var ids []int64
		for i := range 3 {
			ids = append(ids, newUser(t, s, fmt.Sprintf("u%d", i)).ID)
		}
		_, err := s.ClaimNotificationOnce(ctx, ids[1], "due:1", base)
		noErr(t, err, "ClaimNotificationOnce")
		got, err := s.ClaimNotificationsOnce(ctx, "due:1", ids, base)
		noErr(t, err, "ClaimNotificationsOnce")
		slices.Sort(got)
		diff(t, "claimed", got, []int64{ids[0], ids[2]})
		got, err = s.ClaimNotificationsOnce(ctx, "due:1", ids, base)
		noErr(t, err, "ClaimNotificationsOnce again")
		diff(t, "claimed again", len(got), 0)
		got, err = s.ClaimNotificationsOnce(ctx, "due:2", nil, base)
		noErr(t, err, "ClaimNotificationsOnce of nobody")
		diff(t, "claimed of nobody", len(got), 0)
	},
	"notifications are created in a batch, one per user, with their ids": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		var list []*lms.Notification
		for i := range 3 {
			u := newUser(t, s, fmt.Sprintf("u%d", i))
			list = append(list, &lms.Notification{UserID: u.ID, Kind: lms.NotifyOverdue,
				Payload: fmt.Sprintf(`{"n":%d,"title":"Ünï \"q\" \\ <b>\u0000 '; --"}`, i), CreatedAt: base})
		}
		noErr(t, s.CreateNotifications(ctx, list), "CreateNotifications")
		for _, n := range list {
			got, err := s.ListNotifications(ctx, lms.NotificationFilter{UserID: n.UserID, Limit: 10})
			noErr(t, err, "ListNotifications")
			if len(got) != 1 {
				t.Fatalf("user %d has %d notifications, want 1", n.UserID, len(got))
			}
			diff(t, "stored", got[0], n)
		}
		twice := []*lms.Notification{{UserID: list[0].UserID, Kind: lms.NotifyOverdue},
			{UserID: list[0].UserID, Kind: lms.NotifyOverdue}}
		wantCode(t, s.CreateNotifications(ctx, twice), lms.EINVALID)
		noErr(t, s.CreateNotifications(ctx, nil), "CreateNotifications of none")
	},
	"the settings of many users are read at once, defaults for those who saved none": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a, b := newUser(t, s, "a"), newUser(t, s, "b")
		saved := lms.NotifySettings{TimeZone: "Europe/Paris", Kinds: map[string]lms.KindPref{}, MutedCourses: []int64{3},
			UpdatedAt: base}
		noErr(t, s.PutNotifySettings(ctx, a.ID, saved), "PutNotifySettings")
		got, err := s.NotifySettingsOf(ctx, []int64{a.ID, b.ID})
		noErr(t, err, "NotifySettingsOf")
		diff(t, "settings", got, map[int64]lms.NotifySettings{a.ID: saved, b.ID: lms.DefaultNotifySettings()})
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

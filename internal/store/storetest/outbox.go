package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var outboxTests = map[string]func(*testing.T, store.Store){
	"announcements read back oldest first up to a time and are deleted by id": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a := &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedRoom, ID: 7}, Data: []byte(`{"kind":"message.created"}`),
			CreatedAt: base}
		b := &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedAccess, ID: 3}, Data: []byte(`{"user_id":9}`),
			CreatedAt: base.Add(time.Second)}
		c := &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedUser, ID: 1}, Data: []byte(`{}`), CreatedAt: base.Add(time.Hour)}
		for _, x := range []*lms.Announcement{a, b, c} {
			noErr(t, s.AppendOutbox(ctx, x), "AppendOutbox")
		}
		if a.ID == 0 || b.ID <= a.ID || c.ID <= b.ID {
			t.Fatalf("ids %d, %d, %d: want increasing", a.ID, b.ID, c.ID)
		}
		got, err := s.PendingOutbox(ctx, base.Add(time.Minute), 10)
		noErr(t, err, "PendingOutbox")
		diff(t, "pending", got, []*lms.Announcement{a, b})
		got, err = s.PendingOutbox(ctx, base.Add(2*time.Hour), 1)
		noErr(t, err, "PendingOutbox")
		diff(t, "first pending", got, []*lms.Announcement{a})
		noErr(t, s.DeleteOutbox(ctx, []int64{a.ID, c.ID, c.ID + 100}), "DeleteOutbox")
		got, err = s.PendingOutbox(ctx, base.Add(2*time.Hour), 10)
		noErr(t, err, "PendingOutbox")
		diff(t, "left", got, []*lms.Announcement{b})
		noErr(t, s.DeleteOutbox(ctx, nil), "DeleteOutbox(nil)")
	},
	"an announcement without a time is stamped now": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a := &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedProgress, ID: 2}, Data: []byte(`{}`)}
		noErr(t, s.AppendOutbox(ctx, a), "AppendOutbox")
		if since := time.Since(a.CreatedAt); since < 0 || since > time.Minute {
			t.Fatalf("CreatedAt %v, want now", a.CreatedAt)
		}
	},
	"an announcement appended in a rolled-back transaction is gone": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx store.Store) error {
			noErr(t, tx.AppendOutbox(ctx, &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedRoom, ID: 1}, Data: []byte(`{}`)}), "AppendOutbox")
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v, want boom", err)
		}
		got, err := s.PendingOutbox(ctx, time.Now().Add(time.Hour), 10)
		noErr(t, err, "PendingOutbox")
		if len(got) != 0 {
			t.Fatalf("pending %+v, want none", got)
		}
	},
	"many ids are deleted at once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		var ids []int64
		for range 1200 {
			a := &lms.Announcement{Feed: lms.Feed{Kind: lms.FeedRoom, ID: 1}, Data: []byte(`{}`), CreatedAt: base}
			noErr(t, s.AppendOutbox(ctx, a), "AppendOutbox")
			ids = append(ids, a.ID)
		}
		noErr(t, s.DeleteOutbox(ctx, ids), "DeleteOutbox")
		got, err := s.PendingOutbox(ctx, base, 10)
		noErr(t, err, "PendingOutbox")
		if len(got) != 0 {
			t.Fatalf("%d left, want none", len(got))
		}
	},
}

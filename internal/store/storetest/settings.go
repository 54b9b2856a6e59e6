package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var inviteTests = map[string]func(*testing.T, store.Store){
	"created invite reads back, lists newest first and deletes": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		admin := newUser(t, s, "admin")
		a := &lms.Invite{Email: "a@example.com", Role: lms.SiteUser, TokenHash: []byte("ia"), CreatedBy: admin.ID,
			ExpiresAt: base.Add(7 * 24 * time.Hour)}
		b := &lms.Invite{Email: "b@example.com", Role: lms.SiteAdmin, TokenHash: []byte("ib"), CreatedBy: admin.ID,
			ExpiresAt: base.Add(time.Hour)}
		noErr(t, s.CreateInvite(ctx, a), "CreateInvite")
		noErr(t, s.CreateInvite(ctx, b), "CreateInvite")
		if a.ID == 0 || a.CreatedAt.IsZero() {
			t.Fatalf("CreateInvite did not set ID/CreatedAt: %+v", a)
		}
		got, err := s.InviteByHash(ctx, []byte("ia"))
		noErr(t, err, "InviteByHash")
		diff(t, "invite", got, a)
		list, err := s.ListInvites(ctx, lms.Page{})
		noErr(t, err, "ListInvites")
		diff(t, "invites", list, []*lms.Invite{b, a})
		noErr(t, s.DeleteInvite(ctx, a.ID), "DeleteInvite")
		_, err = s.InviteByHash(ctx, []byte("ia"))
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteInvite(ctx, a.ID), lms.ENOTFOUND)
	},
	"an invite is accepted once; the second accept conflicts": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		inv := &lms.Invite{Email: "a@example.com", Role: lms.SiteUser, TokenHash: []byte("i"), ExpiresAt: base}
		noErr(t, s.CreateInvite(ctx, inv), "CreateInvite")
		noErr(t, s.AcceptInvite(ctx, inv.ID, base.Add(time.Minute)), "AcceptInvite")
		wantCode(t, s.AcceptInvite(ctx, inv.ID, base.Add(2*time.Minute)), lms.ECONFLICT)
		got, err := s.InviteByHash(ctx, []byte("i"))
		noErr(t, err, "InviteByHash")
		if got.AcceptedAt != base.Add(time.Minute) {
			t.Fatalf("AcceptedAt = %v, want the first accept's time", got.AcceptedAt)
		}
		wantCode(t, s.AcceptInvite(ctx, 9999, base), lms.ENOTFOUND)
	},
}

var settingsTests = map[string]func(*testing.T, store.Store){
	"settings are the defaults until saved": func(t *testing.T, s store.Store) {
		got, err := s.GetSettings(ctxOf(t))
		noErr(t, err, "GetSettings")
		diff(t, "settings", got, lms.DefaultSettings())
	},
	"saved settings read back and can be replaced": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		want := lms.Settings{SiteName: `École "42" 🎓`, SignupPolicy: lms.SignupOpen, SignupDomain: "example.edu",
			UpdatedAt: base.Add(999 * time.Microsecond)}
		noErr(t, s.PutSettings(ctx, want), "PutSettings")
		got, err := s.GetSettings(ctx)
		noErr(t, err, "GetSettings")
		want.UpdatedAt = base
		diff(t, "settings", got, want)
		want = lms.Settings{SiteName: "Lyceum 2", SignupPolicy: lms.SignupClosed}
		noErr(t, s.PutSettings(ctx, want), "PutSettings again")
		got, err = s.GetSettings(ctx)
		noErr(t, err, "GetSettings")
		if got.UpdatedAt.IsZero() {
			t.Fatal("PutSettings with a zero UpdatedAt stored no time")
		}
		want.UpdatedAt = got.UpdatedAt
		diff(t, "replaced settings", got, want)
	},
	"values: missing is not found, put replaces": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		_, err := s.GetValue(ctx, "setup_token")
		wantCode(t, err, lms.ENOTFOUND)
		for _, v := range []string{"first", "", "'; DELETE FROM kv; --"} {
			noErr(t, s.PutValue(ctx, "setup_token", v), "PutValue")
			got, err := s.GetValue(ctx, "setup_token")
			noErr(t, err, "GetValue")
			if got != v {
				t.Fatalf("GetValue = %q, want %q", got, v)
			}
		}
	},
	"delete value if it holds the value, and only then": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		noErr(t, s.PutValue(ctx, "k", "v1"), "PutValue")
		ok, err := s.DeleteValueIf(ctx, "k", "v2")
		noErr(t, err, "DeleteValueIf other value")
		if ok {
			t.Fatal("DeleteValueIf with another value deleted")
		}
		ok, err = s.DeleteValueIf(ctx, "k", "v1")
		noErr(t, err, "DeleteValueIf")
		if !ok {
			t.Fatal("DeleteValueIf with the value did not delete")
		}
		_, err = s.GetValue(ctx, "k")
		wantCode(t, err, lms.ENOTFOUND)
		ok, err = s.DeleteValueIf(ctx, "k", "v1")
		noErr(t, err, "DeleteValueIf again")
		if ok {
			t.Fatal("DeleteValueIf deleted a missing key")
		}
	},
	"delete value if is won by exactly one of 10 concurrent callers": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		noErr(t, s.PutValue(ctx, "once", "token"), "PutValue")
		const callers = 10
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex // guards wins and errs
			wins int
			errs []error
		)
		start := make(chan struct{})
		for range callers {
			wg.Go(func() {
				<-start
				ok, err := s.DeleteValueIf(ctx, "once", "token")
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if ok {
					wins++
				}
			})
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 || wins != 1 {
			t.Fatalf("%d winners, errors %v; want exactly 1 winner and no errors", wins, errs)
		}
	},
	"ensure value keeps the first value; 10 concurrent callers all read the winner's": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		got, err := s.EnsureValue(ctx, "secret", "first")
		noErr(t, err, "EnsureValue")
		if got != "first" {
			t.Fatalf("EnsureValue on a missing key = %q, want first", got)
		}
		if got, err = s.EnsureValue(ctx, "secret", "second"); err != nil || got != "first" {
			t.Fatalf("EnsureValue on a set key = %q, %v; want first", got, err)
		}
		const callers = 10
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex // guards out
			out = map[string]int{}
		)
		start := make(chan struct{})
		for i := range callers {
			wg.Go(func() {
				<-start
				v, err := s.EnsureValue(ctx, "race", fmt.Sprintf("v%d", i))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					v = err.Error()
				}
				out[v]++
			})
		}
		close(start)
		wg.Wait()
		if len(out) != 1 {
			t.Fatalf("concurrent EnsureValue answered %v, want one value for all", out)
		}
	},
}

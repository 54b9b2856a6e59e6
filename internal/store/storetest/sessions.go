package storetest

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var sessionTests = map[string]func(*testing.T, store.Store){
	"created session reads back by token hash": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		x := &lms.Session{UserID: u.ID, TokenHash: []byte{0, 1, 2, 0xff, 0}, ExpiresAt: base.Add(time.Hour),
			IP: "2001:db8::1", UserAgent: "Mozilla/5.0 'quoted'"}
		noErr(t, s.CreateSession(ctx, x), "CreateSession")
		if x.ID == 0 || x.CreatedAt.IsZero() || !x.LastSeenAt.Equal(x.CreatedAt) {
			t.Fatalf("CreateSession did not set ID/CreatedAt/LastSeenAt: %+v", x)
		}
		got, err := s.SessionByTokenHash(ctx, []byte{0, 1, 2, 0xff, 0})
		noErr(t, err, "SessionByTokenHash")
		diff(t, "session", got, x)
	},
	"unknown token hash is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		newSession(t, s, u.ID, "abc", base)
		_, err := s.SessionByTokenHash(ctx, []byte("abd"))
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.TouchSession(ctx, 9999, base), lms.ENOTFOUND)
	},
	"duplicate token hash conflicts": func(t *testing.T, s store.Store) {
		u := newUser(t, s, "alice")
		newSession(t, s, u.ID, "abc", base)
		err := s.CreateSession(ctxOf(t), &lms.Session{UserID: u.ID, TokenHash: []byte("abc"), ExpiresAt: base})
		wantCode(t, err, lms.ECONFLICT)
	},
	"touch sets last seen": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		x := newSession(t, s, u.ID, "abc", base)
		at := base.Add(90*time.Minute + 123456*time.Nanosecond)
		noErr(t, s.TouchSession(ctx, x.ID, at), "TouchSession")
		got, err := s.SessionByTokenHash(ctx, []byte("abc"))
		noErr(t, err, "SessionByTokenHash")
		if got.LastSeenAt != at.Truncate(ms) {
			t.Fatalf("LastSeenAt = %v, want %v", got.LastSeenAt, at.Truncate(ms))
		}
	},
	"list returns only the user's sessions, newest first": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "alice"), newUser(t, s, "bob")
		old := newSession(t, s, u.ID, "1", base)
		newer := newSession(t, s, u.ID, "2", base.Add(time.Hour))
		newSession(t, s, other.ID, "3", base.Add(2*time.Hour))
		got, err := s.ListSessions(ctx, u.ID, lms.Page{})
		noErr(t, err, "ListSessions")
		diff(t, "sessions", got, []*lms.Session{newer, old})
		got, err = s.ListSessions(ctx, 9999, lms.Page{})
		noErr(t, err, "ListSessions of nobody")
		if got == nil || len(got) != 0 {
			t.Fatalf("ListSessions of nobody = %v, want an empty list", got)
		}
	},
	"delete one removes it, but not someone else's": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "alice"), newUser(t, s, "bob")
		mine := newSession(t, s, u.ID, "1", base)
		theirs := newSession(t, s, other.ID, "2", base)
		wantCode(t, s.DeleteSession(ctx, u.ID, theirs.ID), lms.ENOTFOUND)
		_, err := s.SessionByTokenHash(ctx, []byte("2"))
		noErr(t, err, "someone else's session after a refused delete")
		noErr(t, s.DeleteSession(ctx, u.ID, mine.ID), "DeleteSession")
		_, err = s.SessionByTokenHash(ctx, []byte("1"))
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteSession(ctx, u.ID, mine.ID), lms.ENOTFOUND)
	},
	"delete all except keeps the current one and returns the removed ids": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "alice"), newUser(t, s, "bob")
		a := newSession(t, s, u.ID, "1", base)
		cur := newSession(t, s, u.ID, "2", base)
		c := newSession(t, s, u.ID, "3", base)
		otherS := newSession(t, s, other.ID, "4", base)
		removed, err := s.DeleteUserSessions(ctx, u.ID, cur.ID)
		noErr(t, err, "DeleteUserSessions")
		diff(t, "removed", removed, []int64{a.ID, c.ID})
		left, err := s.ListSessions(ctx, u.ID, lms.Page{})
		noErr(t, err, "ListSessions")
		diff(t, "left", ids(left, sessionID), []int64{cur.ID})
		removed, err = s.DeleteUserSessions(ctx, u.ID, 0)
		noErr(t, err, "DeleteUserSessions all")
		diff(t, "removed all", removed, []int64{cur.ID})
		removed, err = s.DeleteUserSessions(ctx, u.ID, 0)
		noErr(t, err, "DeleteUserSessions none left")
		diff(t, "removed none", removed, []int64{})
		_, err = s.SessionByTokenHash(ctx, otherS.TokenHash)
		noErr(t, err, "other user's session")
	},
	"expiry sweep removes expired and idle sessions": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		now := base.Add(100 * time.Hour)
		idleBefore := now.Add(-24 * time.Hour)
		mk := func(h string, lastSeen, expires time.Time) *lms.Session {
			x := &lms.Session{UserID: u.ID, TokenHash: []byte(h), CreatedAt: base, LastSeenAt: lastSeen, ExpiresAt: expires}
			noErr(t, s.CreateSession(ctx, x), "CreateSession")
			return x
		}
		mk("expired", now.Add(-time.Minute), now.Add(-ms))
		mk("idle", idleBefore.Add(-ms), now.Add(time.Hour))
		live := mk("live", idleBefore, now) // neither expired (not before now) nor idle
		n, err := s.DeleteExpiredSessions(ctx, now, idleBefore)
		noErr(t, err, "DeleteExpiredSessions")
		if n != 2 {
			t.Fatalf("DeleteExpiredSessions removed %d, want 2", n)
		}
		left, err := s.ListSessions(ctx, u.ID, lms.Page{})
		noErr(t, err, "ListSessions")
		diff(t, "left", ids(left, sessionID), []int64{live.ID})
	},
}

var tokenTests = map[string]func(*testing.T, store.Store){
	"created token reads back, lists newest first, touches and deletes": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		t1 := &lms.APIToken{UserID: u.ID, Name: "ci", Prefix: "lyc_ab12", TokenHash: []byte("h1")}
		t2 := &lms.APIToken{UserID: u.ID, Name: "backup 🗄", Prefix: "lyc_cd34", TokenHash: []byte("h2"),
			ExpiresAt: base.Add(time.Hour + 7*time.Nanosecond)}
		noErr(t, s.CreateAPIToken(ctx, t1), "CreateAPIToken")
		noErr(t, s.CreateAPIToken(ctx, t2), "CreateAPIToken")
		if t1.ID == 0 || t1.CreatedAt.IsZero() || !t1.ExpiresAt.IsZero() || t2.ExpiresAt != base.Add(time.Hour) {
			t.Fatalf("CreateAPIToken: %+v, %+v", t1, t2)
		}
		got, err := s.APITokenByHash(ctx, []byte("h2"))
		noErr(t, err, "APITokenByHash")
		diff(t, "token", got, t2)
		noErr(t, s.TouchAPIToken(ctx, t1.ID, base), "TouchAPIToken")
		t1.LastUsedAt = base
		list, err := s.ListAPITokens(ctx, u.ID, lms.Page{})
		noErr(t, err, "ListAPITokens")
		diff(t, "tokens", list, []*lms.APIToken{t2, t1})
		noErr(t, s.DeleteAPIToken(ctx, u.ID, t2.ID), "DeleteAPIToken")
		_, err = s.APITokenByHash(ctx, []byte("h2"))
		wantCode(t, err, lms.ENOTFOUND)
	},
	"someone else's or a missing token is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "alice"), newUser(t, s, "bob")
		tok := &lms.APIToken{UserID: other.ID, Name: "x", Prefix: "p", TokenHash: []byte("h")}
		noErr(t, s.CreateAPIToken(ctx, tok), "CreateAPIToken")
		wantCode(t, s.DeleteAPIToken(ctx, u.ID, tok.ID), lms.ENOTFOUND)
		_, err := s.APITokenByHash(ctx, []byte("h"))
		noErr(t, err, "token after a refused delete")
		_, err = s.APITokenByHash(ctx, []byte("nope"))
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.TouchAPIToken(ctx, 9999, base), lms.ENOTFOUND)
		list, err := s.ListAPITokens(ctx, u.ID, lms.Page{})
		noErr(t, err, "ListAPITokens")
		if list == nil || len(list) != 0 {
			t.Fatalf("ListAPITokens of a user without tokens = %v, want empty", list)
		}
	},
	"duplicate token hash conflicts": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		noErr(t, s.CreateAPIToken(ctx, &lms.APIToken{UserID: u.ID, Name: "a", TokenHash: []byte("h")}), "CreateAPIToken")
		err := s.CreateAPIToken(ctx, &lms.APIToken{UserID: u.ID, Name: "b", TokenHash: []byte("h")})
		wantCode(t, err, lms.ECONFLICT)
	},
}

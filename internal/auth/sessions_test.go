package auth

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestSessionExpiry(t *testing.T) {
	t.Run("idle sessions expire", func(t *testing.T) {
		e := newEnv(t, RateLimitParams{})
		e.setupAdmin(t)
		_, tok, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
		noErr(t, err)
		e.clock.Advance(DefaultSessionIdleTTL - time.Second)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
		noErr(t, err)
		e.clock.Advance(DefaultSessionIdleTTL)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("used sessions expire at the absolute limit", func(t *testing.T) {
		e := newEnv(t, RateLimitParams{})
		e.setupAdmin(t)
		_, tok, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
		noErr(t, err)
		for elapsed := time.Duration(0); elapsed < DefaultSessionAbsoluteTTL-6*24*time.Hour; elapsed += 6 * 24 * time.Hour {
			e.clock.Advance(6 * 24 * time.Hour)
			_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
			noErr(t, err)
		}
		e.clock.Advance(6 * 24 * time.Hour)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("last seen is written at most once a minute", func(t *testing.T) {
		e := newEnv(t, RateLimitParams{})
		e.setupAdmin(t)
		_, tok, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
		noErr(t, err)
		start := e.clock.Now()
		e.clock.Advance(30 * time.Second)
		_, s, err := e.svc.AuthenticateSession(t.Context(), tok)
		noErr(t, err)
		if !s.LastSeenAt.Equal(start) {
			t.Fatalf("LastSeenAt = %v after 30 s, want %v", s.LastSeenAt, start)
		}
		e.clock.Advance(31 * time.Second)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
		noErr(t, err)
		_, s, err = e.svc.AuthenticateSession(t.Context(), tok)
		noErr(t, err)
		if !s.LastSeenAt.Equal(e.clock.Now()) {
			t.Fatalf("LastSeenAt = %v after 61 s, want %v", s.LastSeenAt, e.clock.Now())
		}
	})
	t.Run("garbage tokens are unauthorized", func(t *testing.T) {
		e := newEnv(t, RateLimitParams{})
		for _, tok := range []string{"", "nope", string(make([]byte, 500))} {
			_, _, err := e.svc.AuthenticateSession(t.Context(), tok)
			wantCode(t, err, lms.EUNAUTHORIZED)
		}
	})
}

func TestLogoutAndRevoke(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	_, tokA, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	noErr(t, err)
	_, tokB, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	noErr(t, err)

	t.Run("logout revokes the session", func(t *testing.T) {
		noErr(t, e.svc.Logout(ctxAs(t, nil), tokA))
		_, _, err := e.svc.AuthenticateSession(t.Context(), tokA)
		wantCode(t, err, lms.EUNAUTHORIZED)
		noErr(t, e.svc.Logout(ctxAs(t, nil), tokA)) // twice is fine
	})
	t.Run("revoking another session by id works", func(t *testing.T) {
		_, sessB, err := e.svc.AuthenticateSession(t.Context(), tokB)
		noErr(t, err)
		ss, err := e.svc.ListSessions(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), lms.Page{})
		noErr(t, err)
		if len(ss) < 2 {
			t.Fatalf("ListSessions = %d sessions, want >= 2", len(ss))
		}
		noErr(t, e.svc.RevokeSession(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), sessB.ID))
		_, _, err = e.svc.AuthenticateSession(t.Context(), tokB)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("revoking someone else's session is not found", func(t *testing.T) {
		other := e.addUser(t, admin, "other", lms.SiteUser)
		_, tok, err := e.svc.Login(ctxAs(t, nil), "other", testPassword)
		noErr(t, err)
		_, sess, err := e.svc.AuthenticateSession(t.Context(), tok)
		noErr(t, err)
		wantCode(t, e.svc.RevokeSession(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), sess.ID), lms.ENOTFOUND)
		_ = other
	})
	t.Run("disabled users' sessions stop working", func(t *testing.T) {
		u := e.addUser(t, admin, "soon", lms.SiteUser)
		_, tok, err := e.svc.Login(ctxAs(t, nil), "soon", testPassword)
		noErr(t, err)
		off := true
		_, err = e.svc.UpdateUser(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), u.ID, UserPatch{Disabled: &off})
		noErr(t, err)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	if !contains(e.auditActions(t), lms.AuditLogout) {
		t.Fatal("logout not audited")
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	e.setupAdmin(t)
	_, tokA, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	noErr(t, err)
	_, tokB, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	noErr(t, err)
	u, sessA, err := e.svc.AuthenticateSession(t.Context(), tokA)
	noErr(t, err)
	ctx := lms.WithSession(ctxAs(t, u), sessA)

	t.Run("wrong current password is refused", func(t *testing.T) {
		err := e.svc.ChangePassword(ctx, lms.UserFrom(ctx), "not it at all", "a brand new password")
		wantCode(t, err, lms.EINVALID)
	})
	t.Run("too short a new password is refused", func(t *testing.T) {
		wantCode(t, e.svc.ChangePassword(ctx, lms.UserFrom(ctx), testPassword, "short"), lms.EINVALID)
	})
	t.Run("change keeps this session and revokes the others", func(t *testing.T) {
		noErr(t, e.svc.ChangePassword(ctx, lms.UserFrom(ctx), testPassword, "a brand new password"))
		_, _, err := e.svc.AuthenticateSession(t.Context(), tokA)
		noErr(t, err)
		_, _, err = e.svc.AuthenticateSession(t.Context(), tokB)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("only the new password signs in", func(t *testing.T) {
		_, _, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
		wantCode(t, err, lms.EUNAUTHORIZED)
		_, _, err = e.svc.Login(ctxAs(t, nil), "admin", "a brand new password")
		noErr(t, err)
	})
	if !contains(e.auditActions(t), lms.AuditPasswordChange) {
		t.Fatal("password change not audited")
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	ctx := ctxAs(t, admin)

	tok, meta, err := e.svc.CreateAPIToken(ctx, lms.UserFrom(ctx), "ci", 0)
	noErr(t, err)
	if len(tok) < 40 || tok[:4] != APITokenPrefix || meta.Prefix != tok[:12] || !meta.ExpiresAt.IsZero() {
		t.Fatalf("CreateAPIToken = %q, %+v", tok, meta)
	}
	t.Run("the token authenticates", func(t *testing.T) {
		u, got, err := e.svc.AuthenticateToken(t.Context(), tok)
		noErr(t, err)
		if u.ID != admin.ID || got.ID != meta.ID || got.LastUsedAt.IsZero() {
			t.Fatalf("AuthenticateToken = %+v, %+v", u, got)
		}
	})
	t.Run("the list shows it", func(t *testing.T) {
		ts, err := e.svc.ListAPITokens(ctx, lms.UserFrom(ctx), lms.Page{})
		noErr(t, err)
		if len(ts) != 1 || ts[0].Name != "ci" {
			t.Fatalf("ListAPITokens = %+v", ts)
		}
	})
	t.Run("wrong tokens are unauthorized", func(t *testing.T) {
		for _, bad := range []string{"", tok + "x", "xyz_" + tok[4:], tok[4:]} {
			_, _, err := e.svc.AuthenticateToken(t.Context(), bad)
			wantCode(t, err, lms.EUNAUTHORIZED)
		}
	})
	t.Run("revoked tokens are unauthorized", func(t *testing.T) {
		noErr(t, e.svc.RevokeAPIToken(ctx, lms.UserFrom(ctx), meta.ID))
		_, _, err := e.svc.AuthenticateToken(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
		wantCode(t, e.svc.RevokeAPIToken(ctx, lms.UserFrom(ctx), meta.ID), lms.ENOTFOUND)
	})
	t.Run("tokens expire", func(t *testing.T) {
		tok, _, err := e.svc.CreateAPIToken(ctx, lms.UserFrom(ctx), "short", 24*time.Hour)
		noErr(t, err)
		e.clock.Advance(24*time.Hour - time.Second)
		_, _, err = e.svc.AuthenticateToken(t.Context(), tok)
		noErr(t, err)
		e.clock.Advance(time.Second)
		_, _, err = e.svc.AuthenticateToken(t.Context(), tok)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	t.Run("anonymous callers cannot create tokens", func(t *testing.T) {
		_, _, err := e.svc.CreateAPIToken(ctxAs(t, nil), lms.UserFrom(ctxAs(t, nil)), "x", 0)
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	acts := e.auditActions(t)
	if !contains(acts, lms.AuditTokenCreate) || !contains(acts, lms.AuditTokenRevoke) {
		t.Fatalf("token actions not audited: %v", acts)
	}
}

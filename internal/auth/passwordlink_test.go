package auth

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// passwordless stores an account without a password, as the import does.
func (e *env) passwordless(t *testing.T, username string) *lms.User {
	t.Helper()
	u := &lms.User{Email: username + "@example.org", Username: username, Name: "User " + username, Role: lms.SiteUser}
	noErr(t, e.st.CreateUser(t.Context(), u))
	return u
}

func TestPasswordLink(t *testing.T) {
	e := newEnv(t, RateLimitParams{AccountFailures: 100, IPFailures: 100})
	e.setupAdmin(t)
	u := e.passwordless(t, "lea")
	ctx := ctxAs(t, nil)
	t.Run("an account without a password cannot sign in", func(t *testing.T) {
		_, _, err := e.svc.Login(ctx, "lea", "")
		wantCode(t, err, lms.EUNAUTHORIZED)
	})
	tok, err := e.svc.IssuePasswordLink(ctx, e.st, u.ID)
	noErr(t, err)
	t.Run("the link names its account", func(t *testing.T) {
		got, exp, err := e.svc.LookupPasswordLink(ctx, tok)
		noErr(t, err)
		if got.ID != u.ID || !exp.Equal(e.clock.Now().Add(PasswordLinkTTL)) {
			t.Fatalf("LookupPasswordLink = %d, %v", got.ID, exp)
		}
	})
	t.Run("a short password is refused and the link still works", func(t *testing.T) {
		_, _, err := e.svc.UsePasswordLink(ctx, tok, "short")
		wantCode(t, err, lms.EINVALID)
		_, _, err = e.svc.LookupPasswordLink(ctx, tok)
		noErr(t, err)
	})
	t.Run("bad tokens are not found", func(t *testing.T) {
		for _, bad := range []string{"", "x", "0.abc", "9999.abc", tok + "x", "1." + tok[2:]} {
			_, _, err := e.svc.UsePasswordLink(ctx, bad, testPassword)
			wantCode(t, err, lms.ENOTFOUND)
		}
	})
	t.Run("using the link sets the password, signs in and is audited", func(t *testing.T) {
		got, sess, err := e.svc.UsePasswordLink(ctx, tok, testPassword)
		noErr(t, err)
		if got.ID != u.ID || sess == "" {
			t.Fatalf("UsePasswordLink = %+v, %q", got, sess)
		}
		_, _, err = e.svc.Login(ctx, "lea", testPassword)
		noErr(t, err)
		if !contains(e.auditActions(t), lms.AuditPasswordChange) {
			t.Fatalf("no %s entry in %v", lms.AuditPasswordChange, e.auditActions(t))
		}
	})
	t.Run("a used link is gone", func(t *testing.T) {
		_, _, err := e.svc.UsePasswordLink(ctx, tok, "another good password")
		wantCode(t, err, lms.ENOTFOUND)
	})
	t.Run("a new link replaces the old one", func(t *testing.T) {
		v := e.passwordless(t, "max")
		first, err := e.svc.IssuePasswordLink(ctx, e.st, v.ID)
		noErr(t, err)
		second, err := e.svc.IssuePasswordLink(ctx, e.st, v.ID)
		noErr(t, err)
		_, _, err = e.svc.LookupPasswordLink(ctx, first)
		wantCode(t, err, lms.ENOTFOUND)
		_, _, err = e.svc.LookupPasswordLink(ctx, second)
		noErr(t, err)
	})
	t.Run("an expired link is gone", func(t *testing.T) {
		v := e.passwordless(t, "old")
		tok, err := e.svc.IssuePasswordLink(ctx, e.st, v.ID)
		noErr(t, err)
		e.clock.Advance(PasswordLinkTTL + time.Second)
		_, _, err = e.svc.UsePasswordLink(ctx, tok, testPassword)
		wantCode(t, err, lms.ENOTFOUND)
	})
}

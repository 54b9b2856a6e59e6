package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestSetup(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	ctx := ctxAs(t, nil)
	tok, needed, err := e.svc.EnsureSetupToken(ctx)
	if err != nil || !needed || tok == "" {
		t.Fatalf("EnsureSetupToken = %q, %v, %v", tok, needed, err)
	}
	nu := NewUser{Email: "root@example.org", Username: "Root", Name: " Root ", Password: testPassword}

	t.Run("wrong token is forbidden", func(t *testing.T) {
		_, _, err := e.svc.Setup(ctx, tok+"x", nu)
		wantCode(t, err, lms.EFORBIDDEN)
	})
	t.Run("invalid input is rejected before the token is used", func(t *testing.T) {
		bad := nu
		bad.Password = "short"
		_, _, err := e.svc.Setup(ctx, tok, bad)
		wantCode(t, err, lms.EINVALID)
	})
	t.Run("right token creates the first admin", func(t *testing.T) {
		u, sess, err := e.svc.Setup(ctx, tok, nu)
		noErr(t, err)
		if u.Role != lms.SiteAdmin || u.Username != "root" || u.Name != "Root" || sess == "" {
			t.Fatalf("Setup = %+v, session %q", u, sess)
		}
		if got, _, err := e.svc.AuthenticateSession(ctx, sess); err != nil || got.ID != u.ID {
			t.Fatalf("AuthenticateSession = %v, %v", got, err)
		}
	})
	t.Run("the token works only once", func(t *testing.T) {
		nu2 := nu
		nu2.Email, nu2.Username = "two@example.org", "two"
		_, _, err := e.svc.Setup(ctx, tok, nu2)
		wantCode(t, err, lms.EFORBIDDEN)
	})
	t.Run("no new token once users exist", func(t *testing.T) {
		tok, needed, err := e.svc.EnsureSetupToken(ctx)
		if err != nil || needed || tok != "" {
			t.Fatalf("EnsureSetupToken = %q, %v, %v", tok, needed, err)
		}
	})
	t.Run("setup is audited", func(t *testing.T) {
		if !contains(e.auditActions(t), lms.AuditSetup) {
			t.Fatalf("audit %v has no %s", e.auditActions(t), lms.AuditSetup)
		}
	})
}

func TestSetupConcurrentUseHasOneWinner(t *testing.T) { backends(t, setupConcurrently) }

func setupConcurrently(t *testing.T, e *env) {
	tok, _, err := e.svc.EnsureSetupToken(t.Context())
	noErr(t, err)
	const callers = 8
	var wins, forbidden atomic.Int32
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			_, _, err := e.svc.Setup(ctxAs(t, nil), tok, NewUser{Email: string(rune('a'+i)) + "@example.org",
				Username: "admin" + string(rune('a'+i)), Name: "A", Password: testPassword})
			switch lms.ErrorCode(err) {
			case "":
				wins.Add(1)
			case lms.EFORBIDDEN:
				forbidden.Add(1)
			default:
				t.Errorf("Setup: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || forbidden.Load() != callers-1 {
		t.Fatalf("wins = %d, forbidden = %d; want 1 and %d", wins.Load(), forbidden.Load(), callers-1)
	}
	if n, err := e.st.CountUsers(t.Context()); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}
}

func TestSignupPolicies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy lms.SignupPolicy
		domain string
		email  string
		want   string // error code, "" for success
	}{
		{"closed refuses", lms.SignupClosed, "", "pat@example.org", lms.EFORBIDDEN},
		{"open accepts anyone", lms.SignupOpen, "", "pat@example.org", ""},
		{"open with domain accepts the domain", lms.SignupOpen, "school.edu", "pat@school.edu", ""},
		{"open with domain ignores case", lms.SignupOpen, "school.edu", "Pat@School.EDU", ""},
		{"open with domain refuses others", lms.SignupOpen, "school.edu", "pat@example.org", lms.EFORBIDDEN},
		{"open with domain refuses subdomain tricks", lms.SignupOpen, "school.edu", "pat@evilschool.edu", lms.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, RateLimitParams{})
			admin := e.setupAdmin(t)
			_, err := e.svc.PutSettings(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), lms.Settings{SiteName: "S", SignupPolicy: tc.policy, SignupDomain: tc.domain})
			noErr(t, err)
			u, tok, err := e.svc.Signup(ctxAs(t, nil), NewUser{Email: tc.email, Username: "pat", Name: "Pat", Password: testPassword})
			if tc.want != "" {
				wantCode(t, err, tc.want)
				return
			}
			noErr(t, err)
			if u.Role != lms.SiteUser || tok == "" {
				t.Fatalf("Signup = %+v, %q", u, tok)
			}
			if !contains(e.auditActions(t), lms.AuditSignup) {
				t.Fatal("sign-up not audited")
			}
		})
	}
}

func TestSignupDuplicateIsConflict(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	_, err := e.svc.PutSettings(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), lms.Settings{SiteName: "S", SignupPolicy: lms.SignupOpen})
	noErr(t, err)
	_, _, err = e.svc.Signup(ctxAs(t, nil), NewUser{Email: "ADMIN@example.org", Username: "other", Name: "O", Password: testPassword})
	wantCode(t, err, lms.ECONFLICT)
	_, _, err = e.svc.Signup(ctxAs(t, nil), NewUser{Email: "x@example.org", Username: "Admin", Name: "O", Password: testPassword})
	wantCode(t, err, lms.ECONFLICT)
}

func TestInvites(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	actx := ctxAs(t, admin)

	tok, inv, err := e.svc.CreateInvite(actx, lms.UserFrom(actx), "new@example.org", lms.SiteAdmin, 0)
	noErr(t, err)
	if inv.ExpiresAt.Sub(inv.CreatedAt) != DefaultInviteTTL {
		t.Fatalf("invite lives %v, want %v", inv.ExpiresAt.Sub(inv.CreatedAt), DefaultInviteTTL)
	}
	t.Run("plain users may not invite", func(t *testing.T) {
		user := e.addUser(t, admin, "plain", lms.SiteUser)
		_, _, err := e.svc.CreateInvite(ctxAs(t, user), lms.UserFrom(ctxAs(t, user)), "x@example.org", "", 0)
		wantCode(t, err, lms.EFORBIDDEN)
	})
	t.Run("lookup finds the open invite", func(t *testing.T) {
		got, err := e.svc.LookupInvite(t.Context(), tok)
		noErr(t, err)
		if got.Email != "new@example.org" || got.Role != lms.SiteAdmin {
			t.Fatalf("LookupInvite = %+v", got)
		}
	})
	t.Run("unknown token is not found", func(t *testing.T) {
		_, err := e.svc.LookupInvite(t.Context(), "nope")
		wantCode(t, err, lms.ENOTFOUND)
	})
	t.Run("accept creates the account with the invited email and role", func(t *testing.T) {
		u, sess, err := e.svc.AcceptInvite(ctxAs(t, nil), tok, NewUser{Email: "ignored@evil.org", Role: lms.SiteUser,
			Username: "newbie", Name: "New", Password: testPassword})
		noErr(t, err)
		if u.Email != "new@example.org" || u.Role != lms.SiteAdmin || sess == "" {
			t.Fatalf("AcceptInvite = %+v", u)
		}
	})
	t.Run("a used invite is not found", func(t *testing.T) {
		_, _, err := e.svc.AcceptInvite(ctxAs(t, nil), tok, NewUser{Username: "again", Name: "A", Password: testPassword})
		wantCode(t, err, lms.ENOTFOUND)
	})
	t.Run("an expired invite is not found", func(t *testing.T) {
		tok2, _, err := e.svc.CreateInvite(actx, lms.UserFrom(actx), "late@example.org", "", time.Hour)
		noErr(t, err)
		e.clock.Advance(time.Hour)
		_, err = e.svc.LookupInvite(t.Context(), tok2)
		wantCode(t, err, lms.ENOTFOUND)
	})
	t.Run("revoked invites are gone", func(t *testing.T) {
		tok3, inv3, err := e.svc.CreateInvite(actx, lms.UserFrom(actx), "gone@example.org", "", 0)
		noErr(t, err)
		noErr(t, e.svc.RevokeInvite(actx, lms.UserFrom(actx), inv3.ID))
		_, err = e.svc.LookupInvite(t.Context(), tok3)
		wantCode(t, err, lms.ENOTFOUND)
	})
	acts := e.auditActions(t)
	for _, a := range []string{lms.AuditInviteCreate, lms.AuditInviteAccept, lms.AuditInviteRevoke} {
		if !contains(acts, a) {
			t.Errorf("audit has no %s: %v", a, acts)
		}
	}
}

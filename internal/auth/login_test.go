package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestLogin(t *testing.T) {
	e := newEnv(t, RateLimitParams{AccountFailures: 100, IPFailures: 100})
	admin := e.setupAdmin(t)
	off := e.addUser(t, admin, "off", lms.SiteUser)
	disabled := true
	_, err := e.svc.UpdateUser(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), off.ID, UserPatch{Disabled: &disabled})
	noErr(t, err)

	for _, tc := range []struct {
		name, login, password string
		ok                    bool
	}{
		{"email succeeds", "admin@example.org", testPassword, true},
		{"username in any case succeeds", " ADMIN ", testPassword, true},
		{"wrong password is refused", "admin", testPassword + "x", false},
		{"unknown user is refused the same way", "nobody", testPassword, false},
		{"disabled user is refused the same way", "off", testPassword, false},
		{"empty login is refused", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, tok, err := e.svc.Login(ctxAs(t, nil), tc.login, tc.password)
			if !tc.ok {
				wantCode(t, err, lms.EUNAUTHORIZED)
				if !errors.Is(err, errBadLogin) {
					t.Fatalf("error %v differs from the common login error", err)
				}
				return
			}
			noErr(t, err)
			if u.ID != admin.ID || tok == "" || u.LastLoginAt.IsZero() {
				t.Fatalf("Login = %+v, %q", u, tok)
			}
		})
	}
	t.Run("failures are audited with the attempted name and IP", func(t *testing.T) {
		es, err := e.st.ListAudit(t.Context(), lms.AuditFilter{Action: lms.AuditLoginFailed, Limit: 50})
		noErr(t, err)
		found := false
		for _, en := range es {
			if en.ActorName == "nobody" && en.IP == "192.0.2.1" && en.ActorID == 0 {
				found = true
			}
		}
		if !found {
			t.Fatalf("no login_failed entry for nobody in %+v", es)
		}
	})
}

func TestLoginBackoff(t *testing.T) {
	e := newEnv(t, RateLimitParams{IPFailures: 1000}) // the account limit only
	e.setupAdmin(t)
	ctx := ctxAs(t, nil)
	fail := func(t *testing.T) {
		t.Helper()
		_, _, err := e.svc.Login(ctx, "admin", "wrong-password")
		wantCode(t, err, lms.EUNAUTHORIZED)
	}
	limited := func(t *testing.T, password string, wantRetry int) {
		t.Helper()
		_, _, err := e.svc.Login(ctx, "admin", password)
		wantCode(t, err, lms.ERATELIMIT)
		var le *lms.Error
		errors.As(err, &le)
		if le.RetryAfterSeconds != wantRetry {
			t.Fatalf("RetryAfterSeconds = %d, want %d", le.RetryAfterSeconds, wantRetry)
		}
	}
	for range DefaultAccountFailures {
		fail(t)
	}
	t.Run("after five failures even the right password is refused", func(t *testing.T) {
		limited(t, testPassword, 30)
	})
	t.Run("the wait shrinks with time", func(t *testing.T) {
		e.clock.Advance(10 * time.Second)
		limited(t, testPassword, 20)
	})
	t.Run("each further failure doubles the wait", func(t *testing.T) {
		e.clock.Advance(20 * time.Second)
		fail(t)
		limited(t, "x", 60)
		e.clock.Advance(60 * time.Second)
		fail(t)
		limited(t, "x", 120)
	})
	t.Run("the wait is capped", func(t *testing.T) {
		for range 10 {
			e.clock.Advance(DefaultBackoffCap)
			fail(t)
		}
		limited(t, "x", int(DefaultBackoffCap.Seconds()))
	})
	t.Run("success resets the account counter", func(t *testing.T) {
		e.clock.Advance(DefaultBackoffCap)
		_, _, err := e.svc.Login(ctx, "admin", testPassword)
		noErr(t, err)
		fail(t) // one failure after a reset does not block
		_, _, err = e.svc.Login(ctx, "admin", testPassword)
		noErr(t, err)
	})
	t.Run("failures are forgotten after the window", func(t *testing.T) {
		for range DefaultAccountFailures - 1 {
			fail(t)
		}
		e.clock.Advance(DefaultFailureWindow + time.Second)
		fail(t)
		_, _, err := e.svc.Login(ctx, "admin", testPassword)
		noErr(t, err)
	})
}

func TestLoginIPLimitCoversManyAccounts(t *testing.T) {
	e := newEnv(t, RateLimitParams{IPFailures: 3})
	e.setupAdmin(t)
	for i := range 3 {
		_, _, err := e.svc.Login(ctxAs(t, nil), fmt.Sprintf("user%d", i), "wrong-password")
		wantCode(t, err, lms.EUNAUTHORIZED)
	}
	_, _, err := e.svc.Login(ctxAs(t, nil), "admin", testPassword)
	wantCode(t, err, lms.ERATELIMIT)
	other := lms.WithClient(t.Context(), lms.Client{IP: "198.51.100.7"})
	_, _, err = e.svc.Login(other, "admin", testPassword)
	noErr(t, err)
}

func TestPruneLoginFailures(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	e.setupAdmin(t)
	for _, name := range []string{"a", "b", "admin"} {
		_, _, err := e.svc.Login(ctxAs(t, nil), name, "wrong-password")
		wantCode(t, err, lms.EUNAUTHORIZED)
	}
	t.Run("counters still in their window are kept", func(t *testing.T) {
		n, err := e.svc.PruneLoginFailures(t.Context())
		noErr(t, err)
		if n != 0 {
			t.Fatalf("pruned %d fresh counters", n)
		}
	})
	t.Run("counters past the window are deleted", func(t *testing.T) {
		e.clock.Advance(DefaultFailureWindow + time.Second)
		n, err := e.svc.PruneLoginFailures(t.Context())
		noErr(t, err)
		if n != 4 { // three account names and the IP
			t.Fatalf("pruned %d counters, want 4", n)
		}
	})
}

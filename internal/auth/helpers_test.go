package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	svc   *Service
	st    store.Store
	clock *testClock
}

const testPassword = "correct horse battery"

func newEnv(t testing.TB, rl RateLimitParams) *env {
	t.Helper()
	return newEnvWith(t, storetest.SQLite(t), rl)
}

// backends runs fn as subtests against SQLite and (when configured) Postgres.
func backends(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t, RateLimitParams{})) })
	t.Run("postgres", func(t *testing.T) { fn(t, newEnvWith(t, storetest.Postgres(t), RateLimitParams{})) })
}

func newEnvWith(t testing.TB, st store.Store, rl RateLimitParams) *env {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	svc, err := New(t.Context(), Params{Store: store.Scope[Store](st), Logger: zerolog.Nop(), Clock: clock.Now,
		Hash: CheapHashParams(), RateLimit: rl})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &env{svc: svc, st: st, clock: clock}
}

// ctxAs returns a context whose caller is u, from 192.0.2.1.
func ctxAs(t testing.TB, u *lms.User) context.Context {
	ctx := lms.WithClient(t.Context(), lms.Client{IP: "192.0.2.1", UserAgent: "test"})
	if u != nil {
		ctx = lms.WithUser(ctx, u)
	}
	return ctx
}

// setupAdmin runs first-time setup and returns the administrator.
func (e *env) setupAdmin(t testing.TB) *lms.User {
	t.Helper()
	tok, needed, err := e.svc.EnsureSetupToken(t.Context())
	if err != nil || !needed {
		t.Fatalf("EnsureSetupToken = %v, %v", needed, err)
	}
	u, _, err := e.svc.Setup(ctxAs(t, nil), tok, NewUser{Email: "admin@example.org", Username: "admin",
		Name: "Ada Admin", Password: testPassword})
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return u
}

// addUser creates a user through the admin API.
func (e *env) addUser(t testing.TB, admin *lms.User, username string, role lms.SiteRole) *lms.User {
	t.Helper()
	u, err := e.svc.CreateUser(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), NewUser{Email: username + "@example.org", Username: username,
		Name: "User " + username, Password: testPassword, Role: role})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", username, err)
	}
	return u
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// auditActions returns the actions of all audit entries, oldest first.
func (e *env) auditActions(t testing.TB) []string {
	t.Helper()
	es, err := e.st.ListAudit(t.Context(), lms.AuditFilter{Limit: lms.MaxPageSize})
	noErr(t, err)
	out := make([]string, 0, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

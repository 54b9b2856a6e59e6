package auth

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// sharedSQLite opens the same SQLite file twice, as two nodes would.
func sharedSQLite(t *testing.T) (store.Store, store.Store) {
	path := filepath.Join(t.TempDir(), "lyceum.db")
	return storetest.SQLiteAt(t, path), storetest.SQLiteAt(t, path)
}

// sharedPostgres connects twice to one fresh, migrated PostgreSQL database, as two
// nodes would.
func sharedPostgres(t *testing.T) (store.Store, store.Store) {
	url := storetest.MigratedPostgresURL(t)
	return storetest.PostgresAt(t, url), storetest.PostgresAt(t, url)
}

// twoNodes runs fn with two auth services ("nodes" A and B) over one
// database, on SQLite and (when configured) PostgreSQL. Both share one clock.
func twoNodes(t *testing.T, fn func(t *testing.T, a, b *env)) {
	for _, bk := range []struct {
		name string
		open func(t *testing.T) (store.Store, store.Store)
	}{{"sqlite", sharedSQLite}, {"postgres", sharedPostgres}} {
		t.Run(bk.name, func(t *testing.T) {
			sa, sb := bk.open(t)
			a := newEnvWith(t, sa, RateLimitParams{})
			b := newEnvWith(t, sb, RateLimitParams{})
			b.clock = a.clock
			b.svc.now = a.clock.Now
			fn(t, a, b)
		})
	}
}

func TestLoginLimitsAreSiteWide(t *testing.T) {
	twoNodes(t, func(t *testing.T, a, b *env) {
		a.setupAdmin(t)
		ctx := ctxAs(t, nil)
		for range DefaultAccountFailures {
			_, _, err := a.svc.Login(ctx, "admin", "wrong-password")
			wantCode(t, err, lms.EUNAUTHORIZED)
		}
		t.Run("an account blocked on node A is blocked on node B", func(t *testing.T) {
			_, _, err := b.svc.Login(ctx, "admin", "wrong-password")
			wantCode(t, err, lms.ERATELIMIT)
			_, _, err = a.svc.Login(ctx, "admin", "wrong-password")
			wantCode(t, err, lms.ERATELIMIT)
		})
		t.Run("an unknown name is limited the same way, and every attempt is audited", func(t *testing.T) {
			other := lms.WithClient(t.Context(), lms.Client{IP: "198.51.100.20"})
			for i := range DefaultAccountFailures {
				_, _, err := []*env{a, b}[i%2].svc.Login(other, "ghost", "wrong-password")
				wantCode(t, err, lms.EUNAUTHORIZED)
			}
			_, _, err := b.svc.Login(other, "ghost", "wrong-password")
			wantCode(t, err, lms.ERATELIMIT)
			es, err := a.st.ListAudit(t.Context(), lms.AuditFilter{Action: lms.AuditLoginFailed, Limit: lms.MaxPageSize})
			noErr(t, err)
			ghost, limited := 0, 0
			for _, e := range es {
				if e.ActorName == "ghost" {
					ghost++
					if e.Detail == "rate limited" {
						limited++
					}
				}
			}
			if ghost != DefaultAccountFailures+1 || limited != 1 {
				t.Fatalf("%d audit entries for ghost (%d rate limited), want %d (1)", ghost, limited, DefaultAccountFailures+1)
			}
		})
		t.Run("failures on both nodes add up", func(t *testing.T) {
			for i := range DefaultIPFailures - DefaultAccountFailures - 1 {
				node := a
				if i%2 == 1 {
					node = b
				}
				_, _, err := node.svc.Login(ctx, fmt.Sprintf("guess%d", i), "wrong-password")
				wantCode(t, err, lms.EUNAUTHORIZED)
			}
			_, _, err := b.svc.Login(ctx, "another-one", "wrong-password")
			wantCode(t, err, lms.EUNAUTHORIZED)
			_, _, err = a.svc.Login(ctx, "a-third-one", "wrong-password")
			wantCode(t, err, lms.ERATELIMIT) // the IP's 20 failures were spread over both nodes
		})
	})
}

// retryAfter fails t unless err is ERATELIMIT with RetryAfterSeconds want.
func wantRetry(t *testing.T, err error, want int) {
	t.Helper()
	wantCode(t, err, lms.ERATELIMIT)
	var le *lms.Error
	errors.As(err, &le)
	if le.RetryAfterSeconds != want {
		t.Fatalf("RetryAfterSeconds = %d, want %d", le.RetryAfterSeconds, want)
	}
}

func TestLoginBackoffGrowsAcrossNodes(t *testing.T) {
	twoNodes(t, func(t *testing.T, a, b *env) {
		a.setupAdmin(t)
		ctx := ctxAs(t, nil)
		nodes := []*env{a, b}
		for i := range DefaultAccountFailures {
			_, _, err := nodes[i%2].svc.Login(ctx, "admin", "wrong-password")
			wantCode(t, err, lms.EUNAUTHORIZED)
		}
		base := int(DefaultBackoffBase.Seconds())
		_, _, err := b.svc.Login(ctx, "admin", testPassword)
		wantRetry(t, err, base)
		for i, want := range []int{2 * base, 4 * base, 8 * base} {
			a.clock.Advance(time.Duration(want/2) * time.Second) // the previous block is over
			_, _, err := nodes[i%2].svc.Login(ctx, "admin", "wrong-password")
			wantCode(t, err, lms.EUNAUTHORIZED)
			_, _, err = nodes[(i+1)%2].svc.Login(ctx, "admin", testPassword)
			wantRetry(t, err, want)
		}
	})
}

func TestDeviceTokenGetsThroughAnAccountLockout(t *testing.T) {
	twoNodes(t, func(t *testing.T, a, b *env) {
		admin := a.setupAdmin(t)
		home := ctxAs(t, nil)
		u, _, err := a.svc.Login(home, "admin", testPassword)
		noErr(t, err)
		device, err := a.svc.DeviceToken(home, u.ID) // set as a cookie by the web layer
		noErr(t, err)
		trusted := lms.WithClient(t.Context(), lms.Client{IP: "192.0.2.1", Device: device})
		attacker := lms.WithClient(t.Context(), lms.Client{IP: "203.0.113.9"})
		for range DefaultAccountFailures {
			_, _, err := b.svc.Login(attacker, "admin", "guess")
			wantCode(t, err, lms.EUNAUTHORIZED)
		}
		t.Run("a fresh device is locked out, even with the right password", func(t *testing.T) {
			_, _, err := a.svc.Login(ctxAs(t, nil), "admin", testPassword)
			wantCode(t, err, lms.ERATELIMIT)
		})
		t.Run("the device that signed in before gets through on either node", func(t *testing.T) {
			for _, n := range []*env{a, b} {
				got, _, err := n.svc.Login(trusted, "admin", testPassword)
				noErr(t, err)
				if got.ID != admin.ID {
					t.Fatalf("signed in as %d, want %d", got.ID, admin.ID)
				}
			}
		})
		t.Run("its success does not lift the lockout for other devices", func(t *testing.T) {
			_, _, err := b.svc.Login(attacker, "admin", testPassword)
			wantCode(t, err, lms.ERATELIMIT)
		})
		t.Run("other tokens count as a fresh device", func(t *testing.T) {
			other := a.addUser(t, admin, "other", lms.SiteUser)
			otherDevice, err := a.svc.DeviceToken(home, other.ID)
			noErr(t, err)
			foreign := &Service{now: a.clock.Now, devKey: make([]byte, deviceKeyBytes)} // another site's key
			foreignDevice, err := foreign.DeviceToken(home, admin.ID)
			noErr(t, err)
			for name, tok := range map[string]string{
				"another account's token":  otherDevice,
				"a tampered token":         device[:len(device)-2] + "xx",
				"a token from another key": foreignDevice,
				"garbage":                  "1.2.3",
			} {
				_, _, err := b.svc.Login(lms.WithClient(t.Context(), lms.Client{Device: tok}), "admin", testPassword)
				if !lms.IsCode(err, lms.ERATELIMIT) {
					t.Errorf("%s: error %v, want rate_limited", name, err)
				}
			}
		})
		t.Run("the device has its own small budget", func(t *testing.T) {
			for range DefaultDeviceFailures {
				_, _, err := a.svc.Login(trusted, "admin", "typo")
				wantCode(t, err, lms.EUNAUTHORIZED)
			}
			_, _, err := b.svc.Login(trusted, "admin", testPassword)
			wantRetry(t, err, int(DefaultBackoffBase.Seconds()))
			a.clock.Advance(DefaultBackoffBase)
			_, _, err = b.svc.Login(trusted, "admin", testPassword)
			noErr(t, err)
		})
		t.Run("an expired token counts as a fresh device", func(t *testing.T) {
			a.clock.Advance(DeviceTokenTTL)
			for range DefaultAccountFailures {
				_, _, err := b.svc.Login(attacker, "admin", "guess")
				wantCode(t, err, lms.EUNAUTHORIZED)
			}
			_, _, err := a.svc.Login(trusted, "admin", testPassword)
			wantCode(t, err, lms.ERATELIMIT)
		})
	})
}

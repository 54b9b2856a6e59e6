package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/store"
)

// counters returns the login counters of keys by key.
func counters(t *testing.T, s store.Store, keys ...string) map[string]store.LoginCounter {
	t.Helper()
	list, err := s.LoginCounters(ctxOf(t), keys)
	noErr(t, err, "LoginCounters")
	out := map[string]store.LoginCounter{}
	for _, c := range list {
		out[c.Key] = *c
	}
	return out
}

// addFailure counts a failure of key at `at` (stale before at - window) and
// checks the new count.
func addFailure(t *testing.T, s store.Store, key string, at time.Time, window time.Duration, want int) {
	t.Helper()
	n, err := s.AddLoginFailure(ctxOf(t), key, at, at.Add(-window))
	noErr(t, err, "AddLoginFailure")
	if n != want {
		t.Fatalf("AddLoginFailure(%s) = %d, want %d", key, n, want)
	}
}

var throttleTests = map[string]func(*testing.T, store.Store){
	"failures count up per key and read back": func(t *testing.T, s store.Store) {
		for i := range 3 {
			addFailure(t, s, "acct:ada", base.Add(time.Duration(i)*time.Second), time.Hour, i+1)
		}
		addFailure(t, s, "ip:192.0.2.1", base, time.Hour, 1)
		got := counters(t, s, "acct:ada", "ip:192.0.2.1", "acct:nobody")
		diff(t, "counters", got, map[string]store.LoginCounter{
			"acct:ada":     {Key: "acct:ada", Failures: 3, LastAt: base.Add(2 * time.Second)},
			"ip:192.0.2.1": {Key: "ip:192.0.2.1", Failures: 1, LastAt: base},
		})
		diff(t, "no keys", counters(t, s), map[string]store.LoginCounter{})
	},
	"a block keeps the latest end and survives further failures": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		noErr(t, s.BlockLogin(ctx, "acct:none", base.Add(time.Hour)), "BlockLogin without a counter")
		diff(t, "counter after blocking a missing key", counters(t, s, "acct:none"), map[string]store.LoginCounter{})
		addFailure(t, s, "acct:ada", base, time.Minute, 1)
		noErr(t, s.BlockLogin(ctx, "acct:ada", base.Add(time.Minute)), "BlockLogin")
		noErr(t, s.BlockLogin(ctx, "acct:ada", base.Add(30*time.Second)), "BlockLogin shorter")
		addFailure(t, s, "acct:ada", base.Add(10*time.Second), time.Minute, 2)
		got := counters(t, s, "acct:ada")["acct:ada"]
		if got.Failures != 2 || !got.BlockedUntil.Equal(base.Add(time.Minute)) {
			t.Fatalf("counter = %+v, want 2 failures blocked until %v", got, base.Add(time.Minute))
		}
	},
	"a stale counter restarts at one with no block": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		addFailure(t, s, "acct:ada", base, time.Minute, 1)
		addFailure(t, s, "acct:ada", base, time.Minute, 2)
		noErr(t, s.BlockLogin(ctx, "acct:ada", base.Add(time.Minute)), "BlockLogin")
		// A minute after the block ended the counter is still fresh...
		addFailure(t, s, "acct:ada", base.Add(2*time.Minute), time.Minute, 3)
		// ...a failure more than a window after the last one and the block is not.
		addFailure(t, s, "acct:ada", base.Add(4*time.Minute), time.Minute, 1)
		got := counters(t, s, "acct:ada")["acct:ada"]
		if !got.BlockedUntil.IsZero() || !got.LastAt.Equal(base.Add(4*time.Minute)) {
			t.Fatalf("counter = %+v, want no block and the last failure at %v", got, base.Add(4*time.Minute))
		}
	},
	"reset forgets one key": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		addFailure(t, s, "acct:ada", base, time.Hour, 1)
		addFailure(t, s, "ip:192.0.2.1", base, time.Hour, 1)
		noErr(t, s.ResetLoginFailures(ctx, "acct:ada"), "ResetLoginFailures")
		noErr(t, s.ResetLoginFailures(ctx, "acct:ada"), "ResetLoginFailures again")
		if got := counters(t, s, "acct:ada", "ip:192.0.2.1"); len(got) != 1 || got["ip:192.0.2.1"].Failures != 1 {
			t.Fatalf("counters after reset = %+v, want only the IP's", got)
		}
		addFailure(t, s, "acct:ada", base, time.Hour, 1)
	},
	"prune removes counters whose failure and block are both old": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		addFailure(t, s, "old", base, time.Hour, 1)
		addFailure(t, s, "blocked", base, time.Hour, 1)
		noErr(t, s.BlockLogin(ctx, "blocked", base.Add(2*time.Hour)), "BlockLogin")
		addFailure(t, s, "recent", base.Add(90*time.Minute), time.Hour, 1)
		n, err := s.PruneLoginFailures(ctx, base.Add(time.Hour))
		noErr(t, err, "PruneLoginFailures")
		got := counters(t, s, "old", "blocked", "recent")
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if n != 1 || !slices.Equal(keys, []string{"blocked", "recent"}) {
			t.Fatalf("pruned %d, kept %v; want 1 pruned, blocked and recent kept", n, keys)
		}
	},
	"20 concurrent failures of one key count 20 with distinct counts": func(t *testing.T, s store.Store) {
		const callers = 20
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex // guards seen and errs
			seen []int
			errs []error
		)
		start := make(chan struct{})
		for i := range callers {
			wg.Go(func() {
				<-start
				at := base.Add(time.Duration(i) * time.Millisecond)
				n, err := s.AddLoginFailure(ctxOf(t), "acct:ada", at, at.Add(-time.Hour))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				seen = append(seen, n)
			})
		}
		close(start)
		wg.Wait()
		slices.Sort(seen)
		want := make([]int, callers)
		for i := range want {
			want[i] = i + 1
		}
		if len(errs) > 0 || !slices.Equal(seen, want) {
			t.Fatalf("counts %v, errors %v; want 1..%d once each", seen, errs, callers)
		}
	},
	"keys are stored verbatim": func(t *testing.T, s store.Store) {
		keys := []string{"acct:ÉCOLE@example.org", "acct:'; DELETE FROM login_failures; --", fmt.Sprintf("dev:%0200d", 7)}
		for _, k := range keys {
			addFailure(t, s, k, base, time.Hour, 1)
		}
		if got := counters(t, s, keys...); len(got) != len(keys) {
			t.Fatalf("read back %d of %d keys: %+v", len(got), len(keys), got)
		}
	},
}

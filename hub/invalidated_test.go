package hub_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// invalidations records Hooks.Invalidated calls.
type invalidations struct {
	mu    sync.Mutex // guards calls
	calls [][3]string
}

func (v *invalidations) hook(userID, sessionID, scope string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, [3]string{userID, sessionID, scope})
}

func (v *invalidations) count(call [3]string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, c := range v.calls {
		if c == call {
			n++
		}
	}
	return n
}

// Disconnect and Recheck tell Hooks.Invalidated before they return (the
// asking node's cache is empty before the caller goes on) and again when
// their broker message reaches a node (here the same one), before that
// node closes or re-checks anything.
func TestInvalidatedHearsDisconnectsAndRechecks(t *testing.T) {
	var v invalidations
	n := newNode(t, hub.Config{Hooks: hub.Hooks{Invalidated: v.hook}})
	c := hubtest.DialURL(t, n.URL+"?user=7&session=s:1", true)
	c.Subscribe("room:1", nil)

	revoked := [3]string{"7", "s:1", ""}
	if err := n.Hub.Disconnect(t.Context(), "7", "s:1", hub.CloseRevoked, "revoked"); err != nil {
		t.Fatal(err)
	}
	if got := v.count(revoked); got < 1 {
		t.Fatal("Disconnect returned before Hooks.Invalidated was told")
	}
	if code := c.Closed(); code != hub.CloseRevoked {
		t.Fatalf("closed with %d, want %d", code, hub.CloseRevoked)
	}
	waitCount(t, &v, revoked, 2) // and once more from the broker

	changed := [3]string{"7", "", "course:3"}
	if err := n.Hub.Recheck(t.Context(), "7", "course:3"); err != nil {
		t.Fatal(err)
	}
	if got := v.count(changed); got < 1 {
		t.Fatal("Recheck returned before Hooks.Invalidated was told")
	}
	waitCount(t, &v, changed, 2)
	v.mu.Lock()
	defer v.mu.Unlock()
	if i := slices.IndexFunc(v.calls, func(c [3]string) bool { return c != revoked && c != changed }); i >= 0 {
		t.Fatalf("unexpected call %v", v.calls[i])
	}
}

// waitCount polls until call was recorded n times, within WaitTimeout.
func waitCount(t *testing.T, v *invalidations, call [3]string, n int) {
	t.Helper()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	for v.count(call) < n {
		if time.Now().After(deadline) {
			t.Fatalf("Hooks.Invalidated heard %v %d times, want %d", call, v.count(call), n)
		}
		time.Sleep(time.Millisecond)
	}
}

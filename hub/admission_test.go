package hub_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// dialStatus dials user and returns the HTTP status of a refused upgrade
// (0 when it succeeded) and its Retry-After.
func dialStatus(t *testing.T, n *hubtest.Node, user string) (status int, retryAfter string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, n.URL+"?user="+user, nil)
	if err == nil {
		t.Cleanup(func() { _ = ws.CloseNow() })
		return 0, ""
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", user, err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// busyNode is a node paced at one upgrade per 10 s that has just delivered
// a publication to a subscriber, so pacing is on, and has admitted one more
// connection since (its burst of one).
func busyNode(t *testing.T, wait time.Duration) (*hubtest.Node, *hubtest.Client) {
	t.Helper()
	n := newNode(t, hub.Config{AdmitRate: 0.1, AdmitBurst: 1, AdmitWait: wait})
	sub := hubtest.Dial(t, n, "sub") // an idle node: admitted at once
	sub.Subscribe("course:paced", nil)
	hubtest.Publish(t, n, "course:paced", 1, 1)
	sub.Pushes("course:paced", 1)
	if !hub.DeliveredRecently(n.Hub) {
		t.Fatal("a delivered publication did not turn pacing on")
	}
	// Pacing lapses a second after the last delivery; a loaded machine can
	// take that long between the steps below.
	hub.KeepDelivering(n.Hub)
	hubtest.Dial(t, n, "first") // the burst
	return n, sub
}

// TestUpgradesArePacedWhileTheNodeDelivers: once the burst is used, an
// upgrade whose turn is further than AdmitWait away is refused with 503 and
// a Retry-After, and the connections already there keep receiving.
func TestUpgradesArePacedWhileTheNodeDelivers(t *testing.T) {
	n, sub := busyNode(t, time.Second)
	status, retry := dialStatus(t, n, "late")
	if status != http.StatusServiceUnavailable {
		t.Fatalf("paced upgrade: status %d, want 503", status)
	}
	if s, err := strconv.Atoi(retry); err != nil || s < 1 || s > 11 {
		t.Fatalf("Retry-After = %q, want the seconds to the upgrade's turn", retry)
	}
	hubtest.Publish(t, n, "course:paced", 2, 1)
	if p := sub.Pushes("course:paced", 1); *p[0].Offset != 2 {
		t.Fatalf("push after the refusal: offset %d, want 2", *p[0].Offset)
	}
}

// TestAnIdleNodeAdmitsAtOnce: with nothing delivered lately there is
// nothing to protect, so the pacing that would refuse the second upgrade
// above lets a whole class in at once.
func TestAnIdleNodeAdmitsAtOnce(t *testing.T) {
	n := newNode(t, hub.Config{AdmitRate: 0.1, AdmitBurst: 1, AdmitWait: time.Second})
	for i := range 20 {
		if status, _ := dialStatus(t, n, "u"+strconv.Itoa(i)); status != 0 {
			t.Fatalf("upgrade %d on an idle node: status %d", i, status)
		}
	}
}

// TestShutdownReleasesWaitingUpgrades: an upgrade waiting for its turn is
// answered 503 as soon as the node starts shutting down, rather than
// holding the node's HTTP shutdown for the rest of its wait.
//
// The node is Crowded while the upgrade waits, and not long after.
func TestShutdownReleasesWaitingUpgrades(t *testing.T) {
	n, _ := busyNode(t, time.Minute)
	if n.Hub.Crowded(time.Now()) {
		t.Fatal("crowded before any upgrade waited")
	}
	type answer struct {
		status int
		err    error
	}
	got := make(chan answer, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
		defer cancel()
		ws, resp, err := websocket.Dial(ctx, n.URL+"?user=waiting", nil)
		if err == nil {
			_ = ws.CloseNow()
			got <- answer{err: errors.New("admitted before its turn")}
			return
		}
		if resp == nil {
			got <- answer{err: err}
			return
		}
		got <- answer{status: resp.StatusCode}
	}()
	pollUntil(t, "the upgrade to wait for its turn", func() bool { return hub.AdmissionWaiting(n.Hub) == 1 })
	if !n.Hub.Crowded(time.Now().Add(time.Hour)) {
		t.Error("not crowded while an upgrade waits")
	}
	ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
	defer cancel()
	if err := n.Hub.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	a := <-got
	if a.err != nil || a.status != http.StatusServiceUnavailable {
		t.Fatalf("waiting upgrade at shutdown: status %d err %v, want 503", a.status, a.err)
	}
	if n.Hub.Crowded(time.Now().Add(2 * time.Second)) {
		t.Error("still crowded two seconds after the last wait ended")
	}
}

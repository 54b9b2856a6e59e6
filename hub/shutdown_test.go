package hub_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

func TestCloseBatch(t *testing.T) {
	cases := []struct {
		name        string
		n           int
		rate        float64
		remaining   time.Duration
		hasDeadline bool
		want        int
	}{
		{"the default rate, no deadline", 10000, hub.DefaultShutdownCloseRate, 0, false, 50},
		{"raised to end within half of a 15 s deadline", 10000, hub.DefaultShutdownCloseRate, 15 * time.Second, true, 67},
		{"a small node: one batch", 20, hub.DefaultShutdownCloseRate, 15 * time.Second, true, 50},
		{"at least one per tick", 100, 1, 0, false, 1},
		{"no time left: all at once", 10000, hub.DefaultShutdownCloseRate, 50 * time.Millisecond, true, 10000},
	}
	for _, tc := range cases {
		if got := hub.CloseBatch(tc.n, tc.rate, tc.remaining, tc.hasDeadline); got != tc.want {
			t.Errorf("%s: CloseBatch(%d, %v, %v, %v) = %d, want %d", tc.name, tc.n, tc.rate, tc.remaining, tc.hasDeadline, got, tc.want)
		}
	}
}

// TestShutdownSpreadsTheCloses: Shutdown closes every connection with 1001,
// a batch per tick (here one connection per 50 ms tick: 2 s for 40), so
// the clients' reconnects reach the other nodes spread out; connections not
// yet closed keep receiving.
func TestShutdownSpreadsTheCloses(t *testing.T) {
	n := newNode(t, hub.Config{ShutdownCloseRate: 1})
	const clients, topic = 40, "course:shutdown"
	cls := make([]*hubtest.Client, clients)
	for i := range cls {
		cls[i] = hubtest.Dial(t, n, "u")
		cls[i].Subscribe(topic, nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- n.Hub.Shutdown(ctx) }()

	// Wait for the first close, then publish: the connections still open
	// get the publication, so the node kept serving them during the spread.
	closed := make(chan int, clients)
	var wg sync.WaitGroup
	for i, c := range cls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := c.Closed(); got != 1001 {
				t.Errorf("client %d closed with %v, want 1001", i, got)
			}
			closed <- i
		}()
	}
	<-closed
	if _, err := n.Hub.Publish(ctx, topic, []byte(`{"after":"first close"}`)); err != nil {
		t.Fatalf("publish during the shutdown: %v", err)
	}
	wg.Wait()
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	got := 0
	for _, c := range cls {
		if c.Messages() > 2 { // subscribe ack, then the push
			got++
		}
	}
	if got == 0 {
		t.Fatalf("no connection received a publication made after the first close: they were all closed at once")
	}
}

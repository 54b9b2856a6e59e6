package hub_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// A subscribe decided on stale access (the change and its re-check landed
// while CanSubscribe was running) is re-checked once it is in place.
func TestRecheckCatchesASubscribeDecidedBeforeTheChange(t *testing.T) {
	var allowed atomic.Bool
	allowed.Store(true)
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	n := newNode(t, hub.Config{Hooks: hub.Hooks{
		CanSubscribe: func(_ context.Context, _ hub.Identity, topic string) (hub.SubscribeOptions, error) {
			ok := allowed.Load() // read the access "from the database" first
			if topic == "room:x" && calls.Add(1) == 1 {
				close(entered)
				<-release // ... then the change commits and is re-checked meanwhile
			}
			if !ok {
				return hub.SubscribeOptions{}, hub.Errorf("forbidden", "no longer")
			}
			return hub.SubscribeOptions{Scope: "c1"}, nil
		},
	}})
	other := hubtest.Dial(t, n, "lea") // another tab, subscribed before: it shows when the re-check ran
	other.Subscribe("room:y", nil)
	c := hubtest.Dial(t, n, "lea")
	id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: "room:x"})
	<-entered
	allowed.Store(false)
	if err := n.Hub.Recheck(t.Context(), "lea", "c1"); err != nil {
		t.Fatal(err)
	}
	other.WaitFor(hub.FrameUnsubscribed, "room:y")
	close(release)
	if reply, _ := c.Reply(id); reply.Type != hub.FrameAck {
		t.Fatalf("subscribe: %+v, want the (stale) ack", reply)
	}
	if f := c.WaitFor(hub.FrameUnsubscribed, "room:x"); f.Code != "forbidden" {
		t.Fatalf("unsubscribed with %q, want forbidden", f.Code)
	}
}

package hub_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// One node suffices here: MemoryBroker serves one hub; the Redis broker's
// control channel reaches every node (redisbroker's tests).
func TestSendControlReachesTheHook(t *testing.T) {
	got := make(chan string, 1)
	n := newNode(t, hub.Config{Hooks: hub.Hooks{Control: func(data json.RawMessage) { got <- string(data) }}})
	if err := n.Hub.SendControl(t.Context(), json.RawMessage(`{"to":"b"}`)); err != nil {
		t.Fatalf("SendControl: %v", err)
	}
	select {
	case s := <-got:
		if s != `{"to":"b"}` {
			t.Fatalf("delivered %s", s)
		}
	case <-time.After(hubtest.WaitTimeout):
		t.Fatal("control not delivered")
	}
}

func TestUnsubscribedHookRunsWhenASubscriptionEnds(t *testing.T) {
	ended := make(chan string, 4)
	n := newNode(t, hub.Config{Hooks: hub.Hooks{Unsubscribed: func(id hub.Identity, topic string) {
		ended <- id.UserID + " " + topic
	}}})
	c := hubtest.Dial(t, n, "ada")
	c.Subscribe("x", nil)
	c.Subscribe("y", nil)
	c.Reply(c.Command(hub.Command{Type: hub.CmdUnsubscribe, Topic: "x"}))
	if s := <-ended; s != "ada x" {
		t.Fatalf("after unsubscribe: %q, want ada x", s)
	}
	_ = c.WS.CloseNow()
	select {
	case s := <-ended:
		if s != "ada y" {
			t.Fatalf("after close: %q, want ada y", s)
		}
	case <-time.After(hubtest.WaitTimeout):
		t.Fatal("no Unsubscribed call after the connection closed")
	}
}

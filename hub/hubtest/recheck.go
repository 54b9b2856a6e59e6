package hubtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
)

// ACL is a CanSubscribe hook over a changeable table of grants: a topic
// "room:<scope>-<name>" is in scope "<scope>", and a user may subscribe to
// it while granted that scope. Users in Banned are refused everything with
// "unauthorized".
type ACL struct {
	mu     sync.Mutex // guards grants and banned
	grants map[string]map[string]bool
	banned map[string]bool
}

// NewACL returns an ACL with no grants.
func NewACL() *ACL {
	return &ACL{grants: map[string]map[string]bool{}, banned: map[string]bool{}}
}

// Grant lets user subscribe to the topics of scope (or takes that back).
func (a *ACL) Grant(user, scope string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.grants[user] == nil {
		a.grants[user] = map[string]bool{}
	}
	a.grants[user][scope] = ok
}

// Ban refuses user everything from now on.
func (a *ACL) Ban(user string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.banned[user] = true
}

// CanSubscribe is the hook.
func (a *ACL) CanSubscribe(_ context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
	scope, _, _ := strings.Cut(strings.TrimPrefix(topic, "room:"), "-")
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.banned[id.UserID]:
		return hub.SubscribeOptions{}, hub.Errorf(hub.CodeUnauthorized, "signed out")
	case !a.grants[id.UserID][scope]:
		return hub.SubscribeOptions{}, hub.Errorf("not_found", "no such room")
	}
	return hub.SubscribeOptions{Presence: true, Scope: scope}, nil
}

// WaitQuiet fails unless no frame but pushes on other topics arrives for d,
// and returns those.
func (c *Client) WaitQuiet(d time.Duration, topic string) {
	c.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case f := <-c.Frames:
			if f.Topic == topic {
				c.t.Fatalf("unexpected frame on %s: %+v", topic, f)
			}
		case <-deadline:
			return
		}
	}
}

// WaitFor returns the first frame of type typ on topic within WaitTimeout,
// skipping others.
func (c *Client) WaitFor(typ, topic string) Frame {
	c.t.Helper()
	for {
		f := c.Next()
		if f.Type == typ && f.Topic == topic {
			return f
		}
	}
}

// revocationDeadline is how soon a lost access must end a subscription.
const revocationDeadline = time.Second

func (s Suite) testAccessRecheck(t *testing.T) {
	n := min(2, s.MaxNodes)
	acl := NewACL()
	brokers := s.New(t, n, 100)
	nodes := make([]*Node, n)
	for i := range nodes {
		nodes[i] = NewNode(t, hub.Config{NodeID: fmt.Sprintf("n%d", i), Hooks: hub.Hooks{CanSubscribe: acl.CanSubscribe}}, brokers[i])
	}
	first, last := nodes[0], nodes[n-1] // changes are announced on the first, subscribers sit on the last
	for _, u := range []string{"lea", "max"} {
		acl.Grant(u, "c1", true)
		acl.Grant(u, "c2", true)
	}
	lea, max := Dial(t, last, "lea"), Dial(t, last, "max")
	for _, c := range []*Client{lea, max} {
		c.Subscribe("room:c1-main", nil)
		c.Subscribe("room:c2-main", nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()

	t.Run("a user who lost a scope is unsubscribed from its topics at once", func(t *testing.T) {
		acl.Grant("lea", "c1", false)
		start := time.Now()
		if err := first.Hub.Recheck(ctx, "lea", "c1"); err != nil {
			t.Fatal(err)
		}
		f := lea.WaitFor(hub.FrameUnsubscribed, "room:c1-main")
		if f.Code != "not_found" {
			t.Fatalf("unsubscribed with %q, want not_found", f.Code)
		}
		if d := time.Since(start); d > revocationDeadline {
			t.Errorf("unsubscribed after %v, want within %v", d, revocationDeadline)
		}
	})
	t.Run("the lost topic stops, the others keep flowing", func(t *testing.T) {
		Publish(t, first, "room:c1-main", 1, 1)
		Publish(t, first, "room:c2-main", 1, 1)
		if p := lea.Pushes("room:c2-main", 1)[0]; string(p.Data) != `{"seq":1}` {
			t.Fatalf("lea got %s on c2", p.Data)
		}
		lea.WaitQuiet(100*time.Millisecond, "room:c1-main")
		// max keeps both topics; two topics may deliver in either order.
		seen := map[string]bool{}
		for !seen["room:c1-main"] || !seen["room:c2-main"] {
			if f := max.Next(); f.Type == hub.FramePush {
				seen[f.Topic] = true
			}
		}
	})
	t.Run("subscribing again is checked again", func(t *testing.T) {
		reply, _ := lea.Reply(lea.Command(hub.Command{Type: hub.CmdSubscribe, Topic: "room:c1-main"}))
		if reply.Type != hub.FrameError || reply.Code != "not_found" {
			t.Fatalf("resubscribe: %+v, want a not_found error", reply)
		}
	})
	t.Run("a re-check of everyone in a scope ends only refused subscriptions", func(t *testing.T) {
		acl.Grant("max", "c2", false)
		if err := first.Hub.Recheck(ctx, "", "c2"); err != nil {
			t.Fatal(err)
		}
		max.WaitFor(hub.FrameUnsubscribed, "room:c2-main")
		Publish(t, first, "room:c2-main", 2, 1)
		lea.Pushes("room:c2-main", 1)
	})
	t.Run("a user refused everything loses the connection with 4001", func(t *testing.T) {
		acl.Ban("lea")
		if err := first.Hub.Recheck(ctx, "lea", ""); err != nil {
			t.Fatal(err)
		}
		if code := lea.Closed(); code != websocket.StatusCode(hub.CloseRevoked) {
			t.Fatalf("closed with %d, want %d", code, hub.CloseRevoked)
		}
	})
}

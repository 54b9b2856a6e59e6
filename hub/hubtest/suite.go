package hubtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
)

// NewBrokers returns n brokers that share state (n nodes of one cluster),
// each keeping historySize publications per topic. A broker that cannot
// span nodes sets MaxNodes to 1.
type NewBrokers func(t *testing.T, n, historySize int) []hub.Broker

// Suite describes a Broker implementation under test.
type Suite struct {
	New      NewBrokers
	MaxNodes int
}

// Run runs the behaviour suite through real hubs and WebSocket clients.
func (s Suite) Run(t *testing.T) {
	t.Run("publications arrive in offset order per topic", s.testOrdering)
	t.Run("recovery is exact across a disconnect while publishing continues", s.testRecovery)
	t.Run("recovery fails when the window is exceeded", s.testRecoveryWindow)
	t.Run("recovery fails on another epoch", s.testRecoveryEpoch)
	t.Run("recovery larger than the send queue never cuts the client off", s.testRecoveryBeyondQueue)
	t.Run("presence shows joins and leaves", s.testPresence)
	t.Run("a re-check ends subscriptions whose access was lost", s.testAccessRecheck)
	if s.MaxNodes >= 3 {
		t.Run("three nodes deliver every publication once in one order", s.testMultiNode)
	}
}

func (s Suite) node(t *testing.T, history int) *Node {
	return NewNode(t, hub.Config{HistorySize: history}, s.New(t, 1, history)[0])
}

func (s Suite) testOrdering(t *testing.T) {
	n := s.node(t, 1000)
	const writers, perWriter = 4, 50
	topics := []string{"room:a", "course:b"}
	clients := []*Client{Dial(t, n, "u1"), Dial(t, n, "u2"), Dial(t, n, "u3")}
	epochs := map[string]string{}
	for _, c := range clients {
		for _, tp := range topics {
			ack := c.Subscribe(tp, nil)
			epochs[tp] = ack.Epoch
		}
	}
	var wg sync.WaitGroup
	for _, tp := range topics {
		for w := range writers {
			wg.Go(func() { Publish(t, n, tp, w*perWriter, perWriter) })
		}
	}
	wg.Wait()
	for _, c := range clients {
		got := map[string][]Frame{}
		for total := 0; total < writers*perWriter*len(topics); total++ {
			f := c.Next()
			if f.Type != hub.FramePush {
				if f.Type == hub.FrameJoin {
					total--
					continue
				}
				t.Fatalf("unexpected frame %+v", f)
			}
			got[f.Topic] = append(got[f.Topic], f)
		}
		for _, tp := range topics {
			CheckSequence(t, got[tp], epochs[tp], 1)
		}
	}
}

func (s Suite) testRecovery(t *testing.T) {
	n := s.node(t, 1000)
	const topic, total = "course:rec", 300
	watcher := Dial(t, n, "watcher")
	ack := watcher.Subscribe(topic, nil)
	c := Dial(t, n, "u1")
	c.Subscribe(topic, nil)

	var wg sync.WaitGroup
	wg.Go(func() { Publish(t, n, topic, 1, total) })
	// Read a few, drop the connection while publishing goes on, then recover
	// once the watcher saw 20 more: they were published while u1 was away.
	first := c.Pushes(topic, 20)
	_ = c.WS.CloseNow()
	last := hub.Position{Epoch: first[19].Epoch, Offset: *first[19].Offset}
	seen := watcher.Pushes(topic, 40)
	c2 := Dial(t, n, "u1")
	ack2 := c2.Subscribe(topic, &last)
	if ack2.Recovered == nil || !*ack2.Recovered {
		t.Fatalf("recovered = %v, want true (ack %+v)", ack2.Recovered, ack2)
	}
	wg.Wait()
	rest := c2.Pushes(topic, total-20)
	CheckSequence(t, rest, ack.Epoch, 21)
	CheckSequence(t, append(seen, watcher.Pushes(topic, total-len(seen))...), ack.Epoch, 1)
	for i, f := range rest {
		var d struct{ Seq int }
		if err := json.Unmarshal(f.Data, &d); err != nil || d.Seq != 21+i {
			t.Fatalf("push %d data %s, want seq %d", i, f.Data, 21+i)
		}
	}
	select {
	case f := <-c2.Frames:
		t.Fatalf("extra frame after recovery: %+v", f)
	case <-time.After(50 * time.Millisecond):
	}
}

func (s Suite) testRecoveryWindow(t *testing.T) {
	n := s.node(t, 10)
	const topic = "course:win"
	c := Dial(t, n, "u1")
	ack := c.Subscribe(topic, nil)
	Publish(t, n, topic, 1, 3)
	got := c.Pushes(topic, 3)
	_ = c.WS.CloseNow()
	Publish(t, n, topic, 4, 30)
	c2 := Dial(t, n, "u1")
	ack2 := c2.Subscribe(topic, &hub.Position{Epoch: ack.Epoch, Offset: *got[2].Offset})
	if ack2.Recovered == nil || *ack2.Recovered {
		t.Fatalf("recovered = %v, want false", ack2.Recovered)
	}
	if *ack2.Offset != 33 || ack2.Epoch != ack.Epoch {
		t.Fatalf("ack position = %s/%d, want %s/33", ack2.Epoch, *ack2.Offset, ack.Epoch)
	}
	Publish(t, n, topic, 34, 1)
	CheckSequence(t, c2.Pushes(topic, 1), ack.Epoch, 34)
}

func (s Suite) testRecoveryEpoch(t *testing.T) {
	n := s.node(t, 100)
	const topic = "course:ep"
	Publish(t, n, topic, 1, 2)
	c := Dial(t, n, "u1")
	ack := c.Subscribe(topic, &hub.Position{Epoch: "other", Offset: 1})
	if ack.Recovered == nil || *ack.Recovered || *ack.Offset != 2 {
		t.Fatalf("ack = %+v, want recovered false at offset 2", ack)
	}
	select {
	case f := <-c.Frames:
		t.Fatalf("unexpected frame %+v", f)
	case <-time.After(50 * time.Millisecond):
	}
}

// testRecoveryBeyondQueue reconnects a client further behind than its send
// queue holds (in frames, then in bytes): it must recover, with every
// publication or with recovered false, and stay connected, where a replay
// passing the queue's bound would close it as a slow consumer (4008) and the
// next attempt would meet the same replay.
func (s Suite) testRecoveryBeyondQueue(t *testing.T) {
	tests := []struct {
		name    string
		cfg     hub.Config
		missed  int
		padding int // bytes added to each publication
	}{
		{"more publications than the queue holds", hub.Config{SendQueueMessages: 50}, 120, 0},
		{"more bytes than the queue holds", hub.Config{SendQueueBytes: 64 << 10}, 40, 4 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.HistorySize = 1000
			n := NewNode(t, tc.cfg, s.New(t, 1, tc.cfg.HistorySize)[0])
			const topic = "course:far"
			Dial(t, n, "watcher").Subscribe(topic, nil) // keeps the topic's history (a broker may forget an unused one)
			c := Dial(t, n, "u1")
			ack := c.Subscribe(topic, nil)
			_ = c.WS.CloseNow()
			pad := strings.Repeat("x", tc.padding)
			for i := range tc.missed {
				ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
				_, err := n.Hub.Publish(ctx, topic, json.RawMessage(fmt.Sprintf(`{"seq":%d,"p":%q}`, i, pad)))
				cancel()
				if err != nil {
					t.Fatalf("publish %d: %v", i, err)
				}
			}

			c2 := Dial(t, n, "u1")
			ack2 := c2.Subscribe(topic, &hub.Position{Epoch: ack.Epoch, Offset: *ack.Offset})
			top := *ack.Offset + uint64(tc.missed)
			switch {
			case ack2.Recovered == nil:
				t.Fatalf("ack %+v has no recovered field", ack2)
			case *ack2.Recovered:
				CheckSequence(t, c2.Pushes(topic, tc.missed), ack.Epoch, *ack.Offset+1)
			case *ack2.Offset != top:
				t.Fatalf("ack offset %d, want %d", *ack2.Offset, top)
			}
			Publish(t, n, topic, tc.missed, 1)
			CheckSequence(t, c2.Pushes(topic, 1), ack.Epoch, top+1)
			id := c2.Command(hub.Command{Type: hub.CmdPing})
			if f, _ := c2.Reply(id); f.Type != hub.FrameAck {
				t.Fatalf("ping answered %+v", f)
			}
		})
	}
}

func (s Suite) testPresence(t *testing.T) {
	n := s.node(t, 100)
	const topic = "room:p"
	a := Dial(t, n, "ada")
	ackA := a.Subscribe(topic, nil)
	if len(ackA.Presence) != 1 || ackA.Presence[0].ID != "ada" || ackA.Presence[0].Name != "Name-ada" {
		t.Fatalf("presence in ack = %+v", ackA.Presence)
	}
	b := Dial(t, n, "bob")
	ackB := b.Subscribe(topic, nil)
	if len(ackB.Presence) != 2 {
		t.Fatalf("presence in second ack = %+v", ackB.Presence)
	}
	join := a.Next()
	if join.Type != hub.FrameJoin || join.User.ID != "bob" || join.Topic != topic {
		t.Fatalf("join = %+v", join)
	}
	id := a.Command(hub.Command{Type: hub.CmdPresence, Topic: topic})
	if f, _ := a.Reply(id); len(f.Presence) != 2 || f.Presence[1].Connections != 1 {
		t.Fatalf("presence reply = %+v", f)
	}
	// A quiet subscriber follows the topic without being announced or told.
	q := Dial(t, n, "quinn")
	id = q.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic, Quiet: true})
	if f, _ := q.Reply(id); f.Type != hub.FrameAck || len(f.Presence) != 0 {
		t.Fatalf("quiet subscribe answered %+v, want an ack without presence", f)
	}
	id = a.Command(hub.Command{Type: hub.CmdPresence, Topic: topic})
	if f, _ := a.Reply(id); len(f.Presence) != 2 {
		t.Fatalf("presence after a quiet subscription = %+v, want ada and bob only", f.Presence)
	}
	_ = b.WS.Close(1000, "bye")
	leave := a.Next()
	if leave.Type != hub.FrameLeave || leave.User.ID != "bob" || leave.Client != join.Client {
		t.Fatalf("leave = %+v", leave)
	}
}

func (s Suite) testMultiNode(t *testing.T) {
	brokers := s.New(t, 3, 1000)
	nodes := make([]*Node, 3)
	for i := range nodes {
		nodes[i] = NewNode(t, hub.Config{NodeID: fmt.Sprintf("n%d", i)}, brokers[i])
	}
	const topic, perNode = "room:multi", 40
	var clients []*Client
	var epoch string
	for i := range 9 {
		c := Dial(t, nodes[i%3], fmt.Sprintf("u%d", i))
		epoch = c.Subscribe(topic, nil).Epoch
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { Publish(t, n, topic, i*perNode, perNode) })
	}
	wg.Wait()
	var order []string
	for i, c := range clients {
		pushes := c.Pushes(topic, 3*perNode)
		CheckSequence(t, pushes, epoch, 1)
		for j, f := range pushes {
			if i == 0 {
				order = append(order, string(f.Data))
			} else if string(f.Data) != order[j] {
				t.Fatalf("client %d push %d = %s, client 0 had %s", i, j, f.Data, order[j])
			}
		}
	}
	// Presence is the same from every node.
	for _, c := range clients[:3] {
		id := c.Command(hub.Command{Type: hub.CmdPresence, Topic: topic})
		f, _ := c.Reply(id)
		if len(f.Presence) != 9 {
			t.Fatalf("presence has %d users, want 9", len(f.Presence))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	// Killing one node loses nothing for clients on the others.
	if err := nodes[2].Hub.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	Publish(t, nodes[0], topic, 1000, 5)
	for i, c := range clients {
		if i%3 == 2 {
			continue
		}
		CheckSequence(t, c.Pushes(topic, 5), epoch, 3*perNode+1)
	}
}

package hub_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// countingBroker counts History reads.
type countingBroker struct {
	hub.Broker
	histories atomic.Int64
}

func (b *countingBroker) History(ctx context.Context, topic string, opts hub.HistoryOptions) (hub.HistoryResult, error) {
	b.histories.Add(1)
	return b.Broker.History(ctx, topic, opts)
}

// TestSubscribesAnsweredFromTheNodesRecentWindow: while a node follows a
// topic, a client back after a short absence recovers what it missed from
// the node's own window, and a fresh subscriber gets the position, neither
// reading the broker's history; a client that missed more than the window
// holds is answered by the broker, as before. Every client gets every
// publication once, in order.
func TestSubscribesAnsweredFromTheNodesRecentWindow(t *testing.T) {
	b := &countingBroker{Broker: hub.NewMemoryBroker(hub.MemoryBrokerConfig{})}
	n := hubtest.NewNode(t, hub.Config{}, b)
	const topic = "course:recent"
	keeper := hubtest.Dial(t, n, "keeper")
	ack := keeper.Subscribe(topic, nil)
	epoch := ack.Epoch
	hubtest.Publish(t, n, topic, 1, 5)
	hubtest.CheckSequence(t, keeper.Pushes(topic, 5), epoch, 1)
	reads := b.histories.Load() // the first subscriber's

	back := hubtest.Dial(t, n, "back")
	ack = back.Subscribe(topic, &hub.Position{Epoch: epoch, Offset: 2})
	if ack.Recovered == nil || !*ack.Recovered || *ack.Offset != 5 || ack.Epoch != epoch {
		t.Fatalf("resubscribe within the window: ack %+v", ack)
	}
	hubtest.CheckSequence(t, back.Pushes(topic, 3), epoch, 3)

	fresh := hubtest.Dial(t, n, "fresh")
	if ack = fresh.Subscribe(topic, nil); ack.Recovered != nil || *ack.Offset != 5 || ack.Epoch != epoch {
		t.Fatalf("fresh subscribe: ack %+v", ack)
	}
	upToDate := hubtest.Dial(t, n, "uptodate")
	if ack = upToDate.Subscribe(topic, &hub.Position{Epoch: epoch, Offset: 5}); ack.Recovered == nil || !*ack.Recovered {
		t.Fatalf("resubscribe with nothing missed: ack %+v", ack)
	}
	if got := b.histories.Load(); got != reads {
		t.Fatalf("%d history reads for subscribes the window answers", got-reads)
	}

	hubtest.Publish(t, n, topic, 6, 2)
	for _, c := range []*hubtest.Client{keeper, back, fresh, upToDate} {
		hubtest.CheckSequence(t, c.Pushes(topic, 2), epoch, 6)
	}

	// More than the window holds: the broker's history answers.
	hubtest.Publish(t, n, topic, 8, 40)
	for _, c := range []*hubtest.Client{keeper, back, fresh, upToDate} {
		hubtest.CheckSequence(t, c.Pushes(topic, 40), epoch, 8)
	}
	far := hubtest.Dial(t, n, "far")
	ack = far.Subscribe(topic, &hub.Position{Epoch: epoch, Offset: 2})
	if ack.Recovered == nil || !*ack.Recovered || *ack.Offset != 47 {
		t.Fatalf("resubscribe beyond the window: ack %+v", ack)
	}
	hubtest.CheckSequence(t, far.Pushes(topic, 45), epoch, 3)
	if got := b.histories.Load(); got != reads+1 {
		t.Fatalf("history reads: %d, want one for the client beyond the window", got-reads)
	}
	// A position from another epoch: the broker says it cannot be recovered.
	other := hubtest.Dial(t, n, "other")
	if ack = other.Subscribe(topic, &hub.Position{Epoch: "gone", Offset: 3}); ack.Recovered == nil || *ack.Recovered {
		t.Fatalf("resubscribe from another epoch: ack %+v", ack)
	}
	hubtest.Publish(t, n, topic, 48, 1)
	for _, c := range []*hubtest.Client{keeper, back, fresh, upToDate, far, other} {
		hubtest.CheckSequence(t, c.Pushes(topic, 1), epoch, 48)
	}
}

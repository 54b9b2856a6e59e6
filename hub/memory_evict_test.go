package hub

import (
	"context"
	"sync"
	"testing"
	"time"
)

// nopHandler ignores what a broker delivers.
type nopHandler struct{}

func (nopHandler) HandlePublication(string, Publication) {}
func (nopHandler) HandleJoin(string, ClientInfo)         {}
func (nopHandler) HandleLeave(string, ClientInfo)        {}
func (nopHandler) HandleControl([]byte)                  {}

// fakeClock is a settable clock for MemoryBrokerConfig.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newEvictBroker(t *testing.T) (*MemoryBroker, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	b := NewMemoryBroker(MemoryBrokerConfig{HistorySize: 10, HistoryTTL: time.Minute, Now: clock.Now})
	if err := b.Start(context.Background(), nopHandler{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b, clock
}

func mustPublish(t *testing.T, b *MemoryBroker, topic string) Position {
	t.Helper()
	pos, err := b.Publish(context.Background(), topic, []byte(`{}`), PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

func TestMemoryBrokerEviction(t *testing.T) {
	ctx := context.Background()

	t.Run("unused topic is kept while its history is young, then forgotten with a new epoch", func(t *testing.T) {
		b, clock := newEvictBroker(t)
		pos := mustPublish(t, b, "room:1")
		if n := b.sweep(); n != 0 || b.Topics() != 1 {
			t.Fatalf("sweep evicted %d, %d topics left; want the young topic kept", n, b.Topics())
		}
		clock.advance(time.Minute + time.Second)
		if n := b.sweep(); n != 1 || b.Topics() != 0 {
			t.Fatalf("sweep evicted %d, %d topics left; want the aged topic gone", n, b.Topics())
		}
		res, err := b.History(ctx, "room:1", HistoryOptions{Since: &pos, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if res.Top.Epoch == pos.Epoch || res.Top.Offset != 0 || len(res.Publications) != 0 {
			t.Fatalf("after eviction: top %+v (%d publications), want a fresh epoch at offset 0", res.Top, len(res.Publications))
		}
	})

	t.Run("subscribed topic is kept, and forgotten at the last unsubscribe once aged", func(t *testing.T) {
		b, clock := newEvictBroker(t)
		if err := b.Subscribe(ctx, "room:2"); err != nil {
			t.Fatal(err)
		}
		first := mustPublish(t, b, "room:2")
		clock.advance(2 * time.Minute)
		if n := b.sweep(); n != 0 {
			t.Fatalf("sweep evicted a subscribed topic")
		}
		if second := mustPublish(t, b, "room:2"); second.Epoch != first.Epoch || second.Offset != first.Offset+1 {
			t.Fatalf("second publication at %+v, want %s/%d", second, first.Epoch, first.Offset+1)
		}
		clock.advance(2 * time.Minute)
		if err := b.Unsubscribe(ctx, "room:2"); err != nil {
			t.Fatal(err)
		}
		if b.Topics() != 0 {
			t.Fatalf("%d topics after the last unsubscribe of an aged topic, want 0", b.Topics())
		}
	})

	t.Run("topic with presence entries is kept", func(t *testing.T) {
		b, clock := newEvictBroker(t)
		info := ClientInfo{ClientID: "c1", UserID: "u1"}
		if err := b.AddPresence(ctx, "room:3", info); err != nil {
			t.Fatal(err)
		}
		clock.advance(2 * time.Minute)
		if n := b.sweep(); n != 0 {
			t.Fatalf("sweep evicted a topic with presence")
		}
		if err := b.RemovePresence(ctx, "room:3", info); err != nil {
			t.Fatal(err)
		}
		if n := b.sweep(); n != 1 {
			t.Fatalf("sweep evicted %d topics after the presence left, want 1", n)
		}
	})

	t.Run("publishing while sweeping never loses a publication", func(t *testing.T) {
		b, clock := newEvictBroker(t)
		var wg sync.WaitGroup
		wg.Go(func() {
			for range 200 {
				b.sweep()
			}
		})
		var last Position
		for i := range 200 {
			clock.advance(2 * time.Minute) // every earlier publication has aged out
			pos := mustPublish(t, b, "room:4")
			if i > 0 && (pos.Epoch != last.Epoch || pos.Offset != last.Offset+1) {
				// An eviction in between starts a new epoch at offset 1.
				if pos.Epoch == last.Epoch || pos.Offset != 1 {
					t.Fatalf("publication %d at %+v after %+v", i, pos, last)
				}
			}
			last = pos
		}
		wg.Wait()
	})
}

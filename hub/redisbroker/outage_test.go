package redisbroker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// outageSlack is added to every time bound below: the machine running the
// tests may be busy, and a bound is about seconds of waiting, not jitter.
const outageSlack = time.Second

// outage is one way Redis becomes unreachable for a node.
var outages = []struct {
	name  string
	start func(*testenv.Proxy)
}{
	{"redis down", (*testenv.Proxy).Cut},
	{"network stalled", (*testenv.Proxy).Stall},
}

// proxiedPair returns a node whose broker reaches Redis through a proxy
// (for the test to break) and a node on the same keys that reaches Redis
// directly (to watch what really happened).
func proxiedPair(t *testing.T, cfg hub.Config) (cut, watch *hubtest.Node, proxy *testenv.Proxy) {
	t.Helper()
	redis.SetLogger(quietLogger{}) // go-redis logs every failed dial globally
	base := redisOptions(t)
	prefix := testPrefix(t, base)
	proxy = testenv.NewProxy(t, base.Addr)
	via := *base
	via.Addr = proxy.Addr()
	bcfg := redisbroker.Config{Prefix: prefix, HealthInterval: time.Second}
	cfg.NodeID = "cut"
	cut = hubtest.NewNode(t, cfg, newBroker(t, via, bcfg))
	cfg.NodeID = "watch"
	watch = hubtest.NewNode(t, cfg, newBroker(t, *base, bcfg))
	return cut, watch, proxy
}

// within fails unless the call that started at start ended by bound (plus outageSlack).
func within(t *testing.T, what string, start time.Time, bound time.Duration) {
	t.Helper()
	if el := time.Since(start); el > bound+outageSlack {
		t.Errorf("%s answered after %v, want within %v", what, el.Round(time.Millisecond), bound)
	}
}

// publishWhenBack publishes data, retrying (with one idempotency key, so a
// publish whose answer came too late is not made twice) until the node
// reaches Redis, and returns its position.
func publishWhenBack(t *testing.T, n *hubtest.Node, topic, data string) hub.Position {
	t.Helper()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	key := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	for {
		pos, err := n.Hub.PublishWith(context.Background(), topic, json.RawMessage(data), hub.PublishOptions{IdempotencyKey: key})
		if err == nil {
			return pos
		}
		if time.Now().After(deadline) {
			t.Fatalf("publish %s: %v", data, err)
		}
		time.Sleep(50 * time.Millisecond) // polling real I/O: the node's Redis pool reconnects
	}
}

func TestPublishDuringOutage(t *testing.T) {
	for _, o := range outages {
		t.Run(o.name+": unavailable in time and never made later", func(t *testing.T) {
			n, watch, proxy := proxiedPair(t, hub.Config{PublishTimeout: hub.DefaultPublishTimeout})
			const topic = "room:outage"
			w := hubtest.Dial(t, watch, "watcher")
			ack := w.Subscribe(topic, nil)
			sender := hubtest.Dial(t, n, "sender")
			publishWhenBack(t, n, topic, `{"seq":1}`)
			hubtest.CheckSequence(t, w.Pushes(topic, 1), ack.Epoch, 1)

			o.start(proxy)
			start := time.Now()
			_, err := n.Hub.Publish(context.Background(), topic, json.RawMessage(`{"seq":2}`))
			if !errors.Is(err, hub.ErrUnavailable) {
				t.Errorf("Hub.Publish during the outage: %v, want ErrUnavailable", err)
			}
			within(t, "Hub.Publish", start, hub.DefaultPublishTimeout)
			start = time.Now()
			id := sender.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Data: json.RawMessage(`{"seq":3}`)})
			if f, _ := sender.Reply(id); f.Type != hub.FrameError || f.Code != hub.CodeUnavailable {
				t.Errorf("publish command during the outage answered %+v, want error unavailable", f)
			}
			within(t, "the publish command", start, hub.DefaultPublishTimeout)

			proxy.Restore() // what the stalled connections held now reaches Redis
			pos := publishWhenBack(t, n, topic, `{"seq":4}`)
			if pos.Offset != 2 {
				t.Errorf("first publication after the outage got offset %d, want 2: a refused one was made", pos.Offset)
			}
			got := w.Pushes(topic, 1)
			hubtest.CheckSequence(t, got, ack.Epoch, 2)
			if string(got[0].Data) != `{"seq":4}` {
				t.Errorf("push after the outage = %s, want seq 4", got[0].Data)
			}
			select { // a late copy of a refused publish would arrive now
			case f := <-w.Frames:
				t.Errorf("unexpected frame after the outage: %+v (data %s)", f, f.Data)
			case <-time.After(500 * time.Millisecond):
			}
		})
	}
}

func TestSubscribeAndPresenceDuringOutage(t *testing.T) {
	const brokerTimeout = time.Second
	for _, o := range outages {
		t.Run(o.name+": unavailable in time, then work again", func(t *testing.T) {
			n, _, proxy := proxiedPair(t, hub.Config{BrokerTimeout: brokerTimeout})
			a := hubtest.Dial(t, n, "ada")
			a.Subscribe("room:o", nil)
			// One connection per command: a connection handles its commands in
			// order, and a failed subscribe cleans up (more broker calls) after
			// answering.
			clients := []*hubtest.Client{a, hubtest.Dial(t, n, "bob"), hubtest.Dial(t, n, "cyd")}

			o.start(proxy)
			for i, cmd := range []hub.Command{
				{Type: hub.CmdPresence, Topic: "room:o"},
				{Type: hub.CmdSubscribe, Topic: "room:o"},   // the node follows the topic already
				{Type: hub.CmdSubscribe, Topic: "course:o"}, // the node must subscribe on Redis
			} {
				start := time.Now()
				id := clients[i].Command(cmd)
				f, _ := clients[i].Reply(id)
				if f.Type != hub.FrameError || f.Code != hub.CodeUnavailable {
					t.Errorf("%s %s during the outage answered %+v, want error unavailable", cmd.Type, cmd.Topic, f)
				}
				within(t, fmt.Sprintf("%s %s", cmd.Type, cmd.Topic), start, brokerTimeout)
			}

			proxy.Restore()
			deadline := time.Now().Add(hubtest.WaitTimeout)
			for {
				id := clients[2].Command(hub.Command{Type: hub.CmdSubscribe, Topic: "course:o"})
				f, _ := clients[2].Reply(id)
				if f.Type == hub.FrameAck {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("subscribe after the outage answered %+v", f)
				}
				time.Sleep(50 * time.Millisecond) // polling real I/O: the node reconnects
			}
		})
	}
}

// TestLostReplyIsNotRetried runs a publish whose reply is lost after Redis
// ran it (the connection breaks): go-redis would retry such a command on a
// new connection and publish twice; the broker must not.
func TestLostReplyIsNotRetried(t *testing.T) {
	redis.SetLogger(quietLogger{})
	base := redisOptions(t)
	prefix := testPrefix(t, base)
	proxy := testenv.NewProxy(t, base.Addr)
	via := *base
	via.Addr = proxy.Addr()
	cfg := redisbroker.Config{Prefix: prefix}
	b := newBroker(t, via, cfg)
	direct := newBroker(t, *base, cfg)
	ctx := context.Background()
	const topic = "course:lost-reply"
	if _, err := b.Publish(ctx, topic, []byte(`1`), hub.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	top := func() uint64 {
		res, err := direct.History(ctx, topic, hub.HistoryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Top.Offset
	}

	proxy.StallReplies()
	done := make(chan error, 1)
	go func() {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := b.Publish(pctx, topic, []byte(`2`), hub.PublishOptions{})
		done <- err
	}()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	for top() != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the publish never reached Redis")
		}
		time.Sleep(10 * time.Millisecond) // polling real I/O
	}
	proxy.Cut() // the reply is lost with the connection
	proxy.Restore()
	err := <-done
	if !errors.Is(err, hub.ErrUnavailable) {
		t.Errorf("publish whose reply was lost: %v, want ErrUnavailable", err)
	}
	if got := top(); got != 2 {
		t.Fatalf("offset after the lost reply = %d, want 2: the publish ran %d times", got, got-1)
	}
}

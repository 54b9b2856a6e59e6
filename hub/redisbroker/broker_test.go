package redisbroker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// redisOptions returns the test Redis options (with ContextTimeoutEnabled,
// as redisbroker.New requires), skipping when LYCEUM_TEST_REDIS_URL is unset
// (see testenv) and failing when it is unreachable.
func redisOptions(t testing.TB) *redis.Options {
	t.Helper()
	url := testenv.Lookup(t, "LYCEUM_TEST_REDIS_URL")
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL: %v", err)
	}
	opts.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL set but Redis unreachable: %v", err)
	}
	return opts
}

// testPrefix returns a key prefix unique to t; its keys are removed at cleanup.
func testPrefix(t testing.TB, base *redis.Options) string {
	t.Helper()
	prefix := fmt.Sprintf("lyceumtest:%d:%s:", time.Now().UnixNano(), strings.ReplaceAll(t.Name(), "/", "_"))
	t.Cleanup(func() {
		rdb := redis.NewClient(base)
		defer rdb.Close()
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return prefix
}

// newBroker returns an unstarted broker over a new client with opts; both
// close at cleanup.
func newBroker(t testing.TB, opts redis.Options, cfg redisbroker.Config) *redisbroker.Broker {
	t.Helper()
	rdb := redis.NewClient(&opts)
	b := redisbroker.New(rdb, cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel))
	t.Cleanup(func() {
		_ = b.Close()
		_ = rdb.Close()
	})
	return b
}

// cluster returns n brokers sharing a unique key prefix; keys are removed at cleanup.
func cluster(t testing.TB, n, history int, presenceTTL time.Duration) ([]hub.Broker, []string) {
	t.Helper()
	base := redisOptions(t)
	prefix := testPrefix(t, base)
	brokers := make([]hub.Broker, n)
	names := make([]string, n)
	for i := range brokers {
		opts := *base
		names[i] = fmt.Sprintf("hubtest-%d-%d", time.Now().UnixNano(), i)
		opts.ClientName = names[i]
		brokers[i] = newBroker(t, opts, redisbroker.Config{Prefix: prefix, NodeID: fmt.Sprint(i), HistorySize: history,
			PresenceTTL: presenceTTL, HealthInterval: time.Second})
	}
	return brokers, names
}

func TestRedisBrokerSuite(t *testing.T) {
	hubtest.Suite{MaxNodes: 3, New: func(t *testing.T, n, history int) []hub.Broker {
		b, _ := cluster(t, n, history, 0)
		return b
	}}.Run(t)
}

func TestPublishFailsFastWhenRedisIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()                      // nothing listens there now
	redis.SetLogger(quietLogger{}) // go-redis logs dial failures globally; keep the test output readable
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	b := redisbroker.New(rdb, redisbroker.Config{}, zerolog.Nop())
	n := hubtest.NewNode(t, hub.Config{BrokerTimeout: time.Second, PublishTimeout: time.Second}, b)
	t.Cleanup(func() { _ = b.Close() })

	start := time.Now()
	_, err = n.Hub.Publish(context.Background(), "course:x", json.RawMessage(`1`))
	if !errors.Is(err, hub.ErrUnavailable) {
		t.Fatalf("publish error = %v, want ErrUnavailable", err)
	}
	if el := time.Since(start); el > 5*time.Second { // bounded by PublishTimeout (1s), with slack for a loaded machine
		t.Fatalf("publish took %v, want a fast failure", el)
	}
	// Connections stay up and get a clear error frame.
	c := hubtest.Dial(t, n, "u1")
	id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: "course:x"})
	if f, _ := c.Reply(id); f.Type != hub.FrameError || f.Code != hub.CodeUnavailable {
		t.Fatalf("subscribe reply = %+v, want error unavailable", f)
	}
	c.Command(hub.Command{Type: hub.CmdPing})
	if f := c.Next(); f.Type != hub.FrameAck {
		t.Fatalf("ping reply = %+v", f)
	}
}

// TestPubSubKillIsDetectedAndGapFilled kills the node's pub/sub connection
// (CLIENT KILL) while publishing continues from another node: the reader
// reconnects, notices the resubscription, and fills the gap from the stream.
func TestPubSubKillIsDetectedAndGapFilled(t *testing.T) {
	brokers, names := cluster(t, 2, 1000, 0)
	sub := hubtest.NewNode(t, hub.Config{NodeID: "sub"}, brokers[0])
	pubNode := hubtest.NewNode(t, hub.Config{NodeID: "pub"}, brokers[1])
	const topic = "course:kill"
	c := hubtest.Dial(t, sub, "u1")
	ack := c.Subscribe(topic, nil)
	hubtest.Publish(t, pubNode, topic, 1, 10)

	admin := redis.NewClient(redisOptions(t))
	defer admin.Close()
	ctx := context.Background()
	list, err := admin.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, "name="+names[0]+" ") && strings.Contains(line, "flags=P ") {
			id := strings.TrimPrefix(strings.Fields(line)[0], "id=")
			if err := admin.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
				t.Fatal(err)
			}
			killed++
		}
	}
	if killed != 1 {
		t.Fatalf("killed %d pub/sub connections, want 1\n%s", killed, list)
	}
	hubtest.Publish(t, pubNode, topic, 11, 40) // some of these miss the dead connection
	// Nothing else is published until the gap is filled: the reader must
	// notice the resubscription by itself, not a later publication's offset.
	hubtest.CheckSequence(t, c.Pushes(topic, 50), ack.Epoch, 1)
	hubtest.Publish(t, pubNode, topic, 51, 10)
	hubtest.CheckSequence(t, c.Pushes(topic, 10), ack.Epoch, 51)
}

// TestHistoryLossGivesRecoveredFalse simulates Redis losing its data (a
// restart without persistence) by deleting the topic's keys mid-stream.
func TestHistoryLossGivesRecoveredFalse(t *testing.T) {
	brokers, _ := cluster(t, 1, 1000, 0)
	n := hubtest.NewNode(t, hub.Config{}, brokers[0])
	const topic = "course:lost"
	c := hubtest.Dial(t, n, "u1")
	ack := c.Subscribe(topic, nil)
	hubtest.Publish(t, n, topic, 1, 5)
	got := c.Pushes(topic, 5)

	admin := redis.NewClient(redisOptions(t))
	defer admin.Close()
	keys, _ := admin.Keys(context.Background(), "lyceumtest:*{"+topic+"}*").Result()
	if len(keys) == 0 {
		t.Fatal("no keys found for the topic")
	}
	admin.Del(context.Background(), keys...)
	hubtest.Publish(t, n, topic, 6, 1)
	// The live stream changed epoch: the subscriber is told to resubscribe.
	f := c.Next()
	if f.Type != hub.FrameUnsubscribed || f.Code != hub.CodeInsufficientState {
		t.Fatalf("got %+v, want unsubscribed insufficient_state", f)
	}
	ack2 := c.Subscribe(topic, &hub.Position{Epoch: ack.Epoch, Offset: *got[4].Offset})
	if ack2.Recovered == nil || *ack2.Recovered || ack2.Epoch == ack.Epoch {
		t.Fatalf("ack = %+v, want recovered false with a new epoch", ack2)
	}
}

// TestDeadNodePresenceExpires adds a presence entry for a node that never
// refreshes it (a killed node): within the TTL it disappears and live
// subscribers get a leave event.
func TestDeadNodePresenceExpires(t *testing.T) {
	const ttl = time.Second
	brokers, _ := cluster(t, 2, 100, ttl)
	n := hubtest.NewNode(t, hub.Config{PresenceTTL: ttl}, brokers[0])
	const topic = "room:dead"
	dead := hub.ClientInfo{ClientID: "ghost", UserID: "ghost", Name: "Ghost", NodeID: "dead"}
	ctx := context.Background()
	rb := brokers[1].(*redisbroker.Broker)
	if err := rb.AddPresence(ctx, topic, dead); err != nil { // brokers[1] is never started: a dead node
		t.Fatal(err)
	}
	c := hubtest.Dial(t, n, "alive")
	if ack := c.Subscribe(topic, nil); len(ack.Presence) != 2 {
		t.Fatalf("presence = %+v, want alive and ghost", ack.Presence)
	}
	f := c.Next()
	if f.Type != hub.FrameLeave || f.User.ID != "ghost" {
		t.Fatalf("got %+v, want ghost's leave", f)
	}
	id := c.Command(hub.Command{Type: hub.CmdPresence, Topic: topic})
	if r, _ := c.Reply(id); len(r.Presence) != 1 || r.Presence[0].ID != "alive" {
		t.Fatalf("presence = %+v, want only alive", r.Presence)
	}
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

func newNode(t *testing.T, cfg hub.Config) *hubtest.Node {
	t.Helper()
	return hubtest.NewNode(t, cfg, hub.NewMemoryBroker(hub.MemoryBrokerConfig{HistorySize: cfg.HistorySize}))
}

func TestSlowSubscriberIsDisconnectedOthersKeepReceiving(t *testing.T) {
	// The write timeout is an hour: a publisher that waited for the slow
	// client would hang far past the per-publish deadline below.
	n := newNode(t, hub.Config{SendQueueMessages: 50, SendQueueBytes: 1 << 20, WriteTimeout: time.Hour})
	const topic = "course:slow"
	fast := hubtest.Dial(t, n, "fast")
	fast.Subscribe(topic, nil)

	slow := hubtest.DialURL(t, n.URL+"?user=slow", false)
	// Subscribe without reading anything back.
	slow.Send(`{"type":"subscribe","id":1,"topic":"course:slow"}`)
	pollSubscribed(t, n, topic)

	payload := strings.Repeat("x", 16<<10)
	var pushes []hubtest.Frame
	const total, batch = 400, 25 // a batch stays well inside the fast client's 50-frame queue
	for i := range total {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := n.Hub.Publish(ctx, topic, json.RawMessage(`{"i":`+itoa(i)+`,"p":"`+payload+`"}`)); err != nil {
			t.Fatalf("publish %d: %v (the publisher was blocked by the slow client)", i, err)
		}
		cancel()
		if (i+1)%batch == 0 {
			// The fast client reads each batch before the next, so only a
			// client that does not read at all can fill its queue, however
			// slowly this machine schedules the writers.
			pushes = append(pushes, fast.Pushes(topic, batch)...)
		}
	}
	hubtest.CheckSequence(t, pushes, pushes[0].Epoch, 1)

	// The slow client finally reads: it finds its data cut off by close 4008.
	if got, err := readToEnd(t, slow, hubtest.WaitTimeout); got != hub.CloseSlowConsumer {
		t.Fatalf("slow client closed with %v (%v), want %d", got, err, hub.CloseSlowConsumer)
	}
}

// readToEnd reads c (a client without a reader of its own) until the
// connection ends, within budget, and returns its close status and the
// read error.
func readToEnd(t *testing.T, c *hubtest.Client, budget time.Duration) (websocket.StatusCode, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	var err error
	for err == nil {
		_, _, err = c.WS.Read(ctx)
	}
	return websocket.CloseStatus(err), err
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestLimitsCloseTheConnection(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		typ  websocket.MessageType
		want websocket.StatusCode
	}{
		{"message over the read limit closes 1009", []byte(`{"type":"ping","id":1,"x":"` + strings.Repeat("a", 2048) + `"}`), websocket.MessageText, websocket.StatusMessageTooBig},
		{"invalid UTF-8 closes 1007", []byte("{\"type\":\"ping\",\"id\":1,\"x\":\"\xff\xfe\"}"), websocket.MessageText, websocket.StatusInvalidFramePayloadData},
		{"binary message closes 1003", []byte(`{"type":"ping","id":1}`), websocket.MessageBinary, websocket.StatusUnsupportedData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := newNode(t, hub.Config{ReadLimit: 1024})
			c := hubtest.Dial(t, n, "u1")
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			if err := c.WS.Write(ctx, tc.typ, tc.msg); err != nil {
				t.Fatal(err)
			}
			if got := c.Closed(); got != tc.want {
				t.Fatalf("close status %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Run("over the rate gets error frames", func(t *testing.T) {
		n := newNode(t, hub.Config{RateLimit: 1, RateBurst: 5, RateAbuseLimit: 1000})
		c := hubtest.Dial(t, n, "u1")
		c.Send(strings.Repeat(`{"type":"ping","id":1}`+"\n", 8))
		var acks, limited int
		for range 8 {
			switch f := c.Next(); {
			case f.Type == hub.FrameAck:
				acks++
			case f.Type == hub.FrameError && f.Code == hub.CodeRateLimited:
				limited++
			default:
				t.Fatalf("unexpected %+v", f)
			}
		}
		if acks != 5 || limited != 3 {
			t.Fatalf("acks=%d limited=%d, want 5 and 3", acks, limited)
		}
	})
	t.Run("persistent abuse closes 1008", func(t *testing.T) {
		n := newNode(t, hub.Config{RateLimit: 1, RateBurst: 1, RateAbuseLimit: 10})
		c := hubtest.Dial(t, n, "u1")
		c.Send(strings.Repeat(`{"type":"ping","id":1}`+"\n", 20))
		if got := c.Closed(); got != websocket.StatusPolicyViolation {
			t.Fatalf("close status %v, want 1008", got)
		}
	})
}

func TestCommandErrors(t *testing.T) {
	n := newNode(t, hub.Config{Hooks: hub.Hooks{
		CanSubscribe: func(_ context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
			if strings.HasPrefix(topic, "secret:") {
				return hub.SubscribeOptions{}, hub.Errorf(hub.CodeForbidden, "no")
			}
			return hub.SubscribeOptions{}, nil
		},
		OnPublish: func(_ context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
			if req.Topic == "course:ro" {
				return hub.PublishResult{}, errors.New("database down") // internals must not leak
			}
			return hub.PublishResult{Data: json.RawMessage(`{"from":"` + req.Identity.UserID + `","text":` + string(req.Data) + `}`)}, nil
		},
	}})
	c := hubtest.Dial(t, n, "u1")
	tests := []struct {
		name, msg, wantCode string
	}{
		{"malformed JSON is invalid", `{"type":"subscribe","id":1,`, hub.CodeInvalid},
		{"unknown type is invalid", `{"type":"nope","id":1}`, hub.CodeInvalid},
		{"bad topic is invalid", `{"type":"subscribe","id":1,"topic":"a b"}`, hub.CodeInvalid},
		{"refused topic is forbidden", `{"type":"subscribe","id":1,"topic":"secret:x"}`, hub.CodeForbidden},
		{"hook failure is internal", `{"type":"publish","id":1,"topic":"course:ro","data":1}`, hub.CodeInternal},
		{"unsubscribe unknown is not_subscribed", `{"type":"unsubscribe","id":1,"topic":"course:zz"}`, hub.CodeNotSubscribed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Send(tc.msg)
			f := c.Next()
			if f.Type != hub.FrameError || f.Code != tc.wantCode {
				t.Fatalf("got %+v, want error %s", f, tc.wantCode)
			}
			if strings.Contains(f.Message, "database") {
				t.Fatalf("internal detail leaked: %q", f.Message)
			}
		})
	}
	t.Run("publish is rewritten by the hook and idempotent by key", func(t *testing.T) {
		c.Subscribe("course:chat", nil)
		id1 := c.Command(hub.Command{Type: hub.CmdPublish, Topic: "course:chat", Key: "k1", Data: json.RawMessage(`"hi"`)})
		ack1, pushes := c.Reply(id1)
		id2 := c.Command(hub.Command{Type: hub.CmdPublish, Topic: "course:chat", Key: "k1", Data: json.RawMessage(`"hi"`)})
		ack2, more := c.Reply(id2)
		pushes = append(pushes, more...)
		if ack1.Type != hub.FrameAck || ack2.Type != hub.FrameAck || *ack1.Offset != *ack2.Offset {
			t.Fatalf("acks %+v %+v, want the same position twice", ack1, ack2)
		}
		select {
		case f := <-c.Frames:
			pushes = append(pushes, f)
		case <-time.After(50 * time.Millisecond):
		}
		if len(pushes) != 1 || string(pushes[0].Data) != `{"from":"u1","text":"hi"}` {
			t.Fatalf("pushes = %+v, want one rewritten push", pushes)
		}
	})
}

func TestDisconnectClosesOnlyThatSession(t *testing.T) {
	n := newNode(t, hub.Config{})
	a := hubtest.DialURL(t, n.URL+"?user=u1&session=s1", true)
	b := hubtest.DialURL(t, n.URL+"?user=u1&session=s2", true)
	if err := n.Hub.Disconnect(context.Background(), "u1", "s1", hub.CloseRevoked, "session revoked"); err != nil {
		t.Fatal(err)
	}
	if got := a.Closed(); got != hub.CloseRevoked {
		t.Fatalf("close status %v, want %d", got, hub.CloseRevoked)
	}
	b.Command(hub.Command{Type: hub.CmdPing})
	if f := b.Next(); f.Type != hub.FrameAck {
		t.Fatalf("other session got %+v, want it alive", f)
	}
}

func TestUpgradeChecks(t *testing.T) {
	n := newNode(t, hub.Config{})
	t.Run("cross-site origin is refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, resp, err := websocket.Dial(ctx, n.URL+"?user=u1", &websocket.DialOptions{
			HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("err=%v resp=%v, want 403", err, resp)
		}
	})
	t.Run("unauthenticated is refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, resp, err := websocket.Dial(ctx, n.URL, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("err=%v resp=%v, want 401", err, resp)
		}
	})
	t.Run("hello carries version and limits", func(t *testing.T) {
		c := hubtest.Dial(t, n, "u1")
		if c.Hello.Version != hub.ProtocolVersion || c.Hello.Limits.MaxMessageBytes != hub.DefaultReadLimit {
			t.Fatalf("hello = %+v", c.Hello)
		}
	})
}

func TestQueuedFramesAreCoalesced(t *testing.T) {
	n := newNode(t, hub.Config{})
	c := hubtest.Dial(t, n, "u1")
	ack := c.Subscribe("course:batch", nil)
	before := c.Messages()
	hubtest.Publish(t, n, "course:batch", 1, 500)
	hubtest.CheckSequence(t, c.Pushes("course:batch", 500), ack.Epoch, 1)
	if msgs := c.Messages() - before; msgs >= 500 {
		t.Fatalf("500 pushes took %d messages; expected coalescing", msgs)
	}
}

func TestWriteTimeoutEndsAStuckConnection(t *testing.T) {
	// The queue bounds are far away: only the write deadline can end this.
	n := newNode(t, hub.Config{WriteTimeout: 300 * time.Millisecond, SendQueueMessages: 1 << 20, SendQueueBytes: 1 << 30})
	const topic = "course:stuck"
	stuck := hubtest.DialURL(t, n.URL+"?user=stuck", false)
	stuck.Send(`{"type":"subscribe","id":1,"topic":"` + topic + `"}`)
	pollSubscribed(t, n, topic)

	// 7.5 MiB: more than the socket buffers of both ends hold (the sender's
	// is at most 4 MiB here, the receiver's stays small while nobody reads),
	// so a write blocks.
	const publications = 120
	payload := `{"p":"` + strings.Repeat("x", 64<<10) + `"}`
	for i := range publications {
		if _, err := n.Hub.Publish(context.Background(), topic, json.RawMessage(payload)); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	// The client reads nothing until the server gave up on the write and
	// closed the socket (the connection left the hub) ...
	pollUntil(t, "close of the stuck connection by the server", func() bool { return hub.Connections(n.Hub) == 0 })

	// ... so reading what is buffered ends in an error well before
	// everything was delivered.
	ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
	defer cancel()
	received := 0
	for {
		_, msg, err := stuck.WS.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("connection still open after %v (received %d messages)", hubtest.WaitTimeout, received)
			}
			break
		}
		received += strings.Count(string(msg), "\n") + 1
	}
	if received >= publications+1 {
		t.Fatalf("received all %d frames: the write never timed out", received)
	}
}

// TestSlowConsumerGetsTheCloseCode: a client stops reading, its send queue
// passes the bound while the server's write to it is stuck, and it reads
// again later: it must find its data ended by the 4008 close frame, not by
// a bare end of stream, whatever else timed out meanwhile.
func TestSlowConsumerGetsTheCloseCode(t *testing.T) {
	const writeTimeout, pingTimeout = 8 * time.Second, 12 * time.Second
	tests := []struct {
		name string
		cfg  hub.Config
		// The queue overflows pauseBefore after the socket buffers were
		// filled; the client reads again at readAt.
		pauseBefore time.Duration
		readAt      func(connected, overflowed time.Time) time.Time
	}{
		// The write got stuck while filling: it began more than
		// WriteTimeout plus a watchdog period (1 s) before the client
		// reads again, the cut 6.5 s (less than WriteTimeout) before.
		{"it reads again within WriteTimeout of the cut, the stuck write having begun earlier",
			hub.Config{WriteTimeout: writeTimeout, PingInterval: time.Hour}, 3 * time.Second,
			func(_, overflowed time.Time) time.Time { return overflowed.Add(6500 * time.Millisecond) }},
		// The ping sent while the connection was idle gets no pong; it fails
		// after the cut, before the client reads again.
		{"a ping timing out after the cut does not end the connection first",
			hub.Config{WriteTimeout: time.Minute, PingInterval: 50 * time.Millisecond, PingTimeout: pingTimeout}, 0,
			func(connected, _ time.Time) time.Time { return connected.Add(pingTimeout + 2*time.Second) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// 6 frames of 1 MiB fill the socket buffers of both ends (at
			// most ~4.5 MiB while nobody reads) without passing either bound
			// (few large frames: the fill must be quick on a busy machine);
			// 300 small frames then pass the frame bound (the writer may hold
			// every large frame in its batch: the queue counts only the rest).
			tc.cfg.SendQueueMessages, tc.cfg.SendQueueBytes = 200, 7<<20
			broker := hub.NewMemoryBroker(hub.MemoryBrokerConfig{})
			n := hubtest.NewNode(t, tc.cfg, broker)
			const topic = "course:paused"
			slow := hubtest.DialURL(t, n.URL+"?user=slow", false)
			connected := time.Now()
			slow.Send(`{"type":"subscribe","id":1,"topic":"` + topic + `"}`)
			pollSubscribed(t, n, topic)
			time.Sleep(300 * time.Millisecond) // an idle connection: a ping goes out, if any (the scenario)
			publish := func(count int, data []byte) {
				// Straight to the broker: Hub.Publish compacts the JSON, which
				// takes ~150 ms per MiB under the race detector, and the
				// pauses must not depend on it.
				for i := range count {
					if _, err := broker.Publish(context.Background(), topic, data, hub.PublishOptions{}); err != nil {
						t.Fatalf("publish %d: %v", i, err)
					}
				}
			}
			publish(6, []byte(`{"p":"`+strings.Repeat("x", 1<<20)+`"}`))
			time.Sleep(tc.pauseBefore) // the client's pause (the scenario, not an ordering wait)
			publish(300, []byte(`{"small":true}`))
			overflowed := time.Now()
			if tc.cfg.PingTimeout > 0 && overflowed.After(connected.Add(tc.cfg.PingTimeout)) {
				t.Fatalf("filling the socket buffers took %v, more than PingTimeout: the scenario did not happen", overflowed.Sub(connected))
			}
			time.Sleep(time.Until(tc.readAt(connected, overflowed))) // when the client reads again (the scenario)

			// Reading the ~6 MiB backlog can take long under the race detector
			// on a busy machine; the close frame is on its way behind it.
			if got, err := readToEnd(t, slow, 3*hubtest.WaitTimeout); got != hub.CloseSlowConsumer {
				t.Fatalf("the connection ended with %v, want close %d", err, hub.CloseSlowConsumer)
			}
		})
	}
}

// pollSubscribed waits until node has a subscriber on topic (a client that
// does not read cannot see its ack).
func pollSubscribed(t *testing.T, n *hubtest.Node, topic string) {
	t.Helper()
	pollUntil(t, "a subscriber on "+topic, func() bool { return hub.LiveSubscribers(n.Hub, topic) > 0 })
}

// pollUntil polls cond (real I/O) until it holds, for at most
// hubtest.WaitTimeout.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, hubtest.WaitTimeout)
		}
		time.Sleep(5 * time.Millisecond) // polling real I/O
	}
}

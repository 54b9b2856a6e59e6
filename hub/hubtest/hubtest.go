// Package hubtest holds test helpers for the hub (a node on a loopback HTTP
// server, a protocol client) and the behaviour suite every Broker must pass
// through a real Hub: ordering, recovery, presence, several nodes.
package hubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
)

// WaitTimeout bounds every wait in these helpers.
const WaitTimeout = 10 * time.Second

// Node is a Hub served over loopback HTTP.
type Node struct {
	Hub    *hub.Hub
	Server *httptest.Server
	URL    string // ws:// URL of the endpoint
}

// AllowAll is a CanSubscribe hook granting every topic, with presence on
// topics starting with "room:".
func AllowAll(_ context.Context, _ hub.Identity, topic string) (hub.SubscribeOptions, error) {
	return hub.SubscribeOptions{Presence: strings.HasPrefix(topic, "room:")}, nil
}

// EchoPublish is an OnPublish hook that publishes the data unchanged.
func EchoPublish(_ context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
	return hub.PublishResult{Data: req.Data}, nil
}

// NewNode starts a Hub over broker with cfg (hooks default to AllowAll and
// EchoPublish) behind an httptest server; identities come from the query
// (?user=...&name=...&session=...). Everything stops at test cleanup.
func NewNode(t testing.TB, cfg hub.Config, broker hub.Broker) *Node {
	t.Helper()
	if cfg.Hooks.CanSubscribe == nil {
		cfg.Hooks.CanSubscribe = AllowAll
	}
	if cfg.Hooks.OnPublish == nil {
		cfg.Hooks.OnPublish = EchoPublish
	}
	h, err := hub.New(cfg, broker, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel), nil)
	if err != nil {
		t.Fatalf("hub.New: %v", err)
	}
	srv := httptest.NewServer(h.Handler(func(r *http.Request) (hub.Identity, error) {
		q := r.URL.Query()
		if q.Get("user") == "" {
			return hub.Identity{}, hub.Errorf("unauthorized", "no user")
		}
		return hub.Identity{UserID: q.Get("user"), Name: q.Get("name"), SessionID: q.Get("session")}, nil
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		srv.Close()
	})
	return &Node{Hub: h, Server: srv, URL: "ws" + strings.TrimPrefix(srv.URL, "http")}
}

// Frame is any server frame, decoded loosely.
type Frame struct {
	Type      string             `json:"type"`
	ID        uint64             `json:"id"`
	Topic     string             `json:"topic"`
	Epoch     string             `json:"epoch"`
	Offset    *uint64            `json:"offset"`
	Recovered *bool              `json:"recovered"`
	Code      string             `json:"code"`
	Message   string             `json:"message"`
	Data      json.RawMessage    `json:"data"`
	Client    string             `json:"client"`
	User      hub.PresenceUser   `json:"user"`
	Presence  []hub.PresenceUser `json:"presence"`
	Version   int                `json:"version"`
	Limits    hub.HelloLimits    `json:"limits"`
	Result    json.RawMessage    `json:"result"`
}

// Client is a protocol client over a real WebSocket connection.
type Client struct {
	t      testing.TB
	WS     *websocket.Conn
	Frames chan Frame // every frame received, in order
	Hello  Frame
	// Messages counts WebSocket messages received (frames may be coalesced).
	mu       sync.Mutex
	messages int
	closeErr error
	done     chan struct{}
	nextID   uint64
}

// Dial connects user to node and waits for the hello frame.
func Dial(t testing.TB, node *Node, user string) *Client {
	t.Helper()
	return DialURL(t, node.URL+"?user="+user+"&name=Name-"+user+"&session=s-"+user, true)
}

// DialURL connects to url; when read is false nobody reads the socket (a slow consumer).
func DialURL(t testing.TB, url string, read bool) *Client {
	t.Helper()
	return DialHeader(t, url, nil, read)
}

// DialHeader is DialURL with request headers (e.g. Authorization for a
// real Lyceum node).
func DialHeader(t testing.TB, url string, header http.Header, read bool) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	ws.SetReadLimit(-1)
	c := &Client{t: t, WS: ws, Frames: make(chan Frame, 100_000), done: make(chan struct{})}
	t.Cleanup(func() { _ = ws.CloseNow() })
	if !read {
		return c
	}
	go c.readLoop()
	c.Hello = c.Next()
	if c.Hello.Type != hub.FrameHello {
		t.Fatalf("first frame = %+v, want hello", c.Hello)
	}
	return c
}

func (c *Client) readLoop() {
	defer close(c.done)
	for {
		_, msg, err := c.WS.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.closeErr = err
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		c.messages++
		c.mu.Unlock()
		for _, line := range bytes.Split(msg, []byte{'\n'}) {
			var f Frame
			if err := json.Unmarshal(line, &f); err != nil {
				c.t.Errorf("bad frame %q: %v", line, err)
				continue
			}
			c.Frames <- f
		}
	}
}

// Messages returns how many WebSocket messages arrived so far.
func (c *Client) Messages() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.messages
}

// Send writes one raw message.
func (c *Client) Send(msg string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	if err := c.WS.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Command sends cmd with a fresh id and returns the id.
func (c *Client) Command(cmd hub.Command) uint64 {
	c.t.Helper()
	c.nextID++
	cmd.ID = c.nextID
	b, err := json.Marshal(cmd)
	if err != nil {
		c.t.Fatal(err)
	}
	c.Send(string(b))
	return cmd.ID
}

// Next returns the next frame or fails the test after WaitTimeout.
func (c *Client) Next() Frame {
	c.t.Helper()
	select {
	case f := <-c.Frames:
		return f
	case <-time.After(WaitTimeout):
		c.t.Fatalf("no frame within %v", WaitTimeout)
		return Frame{}
	}
}

// Reply waits for the ack or error answering id, skipping other frames
// (returned in skipped, in order).
func (c *Client) Reply(id uint64) (reply Frame, skipped []Frame) {
	c.t.Helper()
	for {
		f := c.Next()
		if (f.Type == hub.FrameAck || f.Type == hub.FrameError) && f.ID == id {
			return f, skipped
		}
		skipped = append(skipped, f)
	}
}

// Subscribe subscribes to topic (recovering from since when non-nil) and
// returns the ack; it fails the test on an error frame.
func (c *Client) Subscribe(topic string, since *hub.Position) Frame {
	c.t.Helper()
	id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic, Since: since})
	f, skipped := c.Reply(id)
	if f.Type != hub.FrameAck || len(skipped) > 0 {
		c.t.Fatalf("subscribe %s: got %+v (after %d other frames)", topic, f, len(skipped))
	}
	return f
}

// Closed waits for the connection to end and returns its close status.
func (c *Client) Closed() websocket.StatusCode {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(WaitTimeout):
		c.t.Fatalf("connection still open after %v", WaitTimeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return websocket.CloseStatus(c.closeErr)
}

// Pushes collects n push frames on topic (failing on anything unexpected).
func (c *Client) Pushes(topic string, n int) []Frame {
	c.t.Helper()
	out := make([]Frame, 0, n)
	for len(out) < n {
		f := c.Next()
		switch {
		case f.Type == hub.FramePush && f.Topic == topic:
			out = append(out, f)
		case f.Type == hub.FramePush, f.Type == hub.FrameJoin, f.Type == hub.FrameLeave, f.Type == hub.FrameAck:
		default:
			c.t.Fatalf("unexpected frame while waiting for pushes on %s: %+v", topic, f)
		}
	}
	return out
}

// CheckSequence fails unless pushes carry offsets from, from+1, ... in one epoch.
func CheckSequence(t testing.TB, pushes []Frame, epoch string, from uint64) {
	t.Helper()
	for i, f := range pushes {
		want := from + uint64(i)
		if f.Offset == nil || *f.Offset != want || f.Epoch != epoch {
			t.Fatalf("push %d: epoch %s offset %v, want epoch %s offset %d", i, f.Epoch, deref(f.Offset), epoch, want)
		}
	}
}

func deref(p *uint64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// Publish publishes n messages {"seq":i} on topic through node, failing on error.
func Publish(t testing.TB, node *Node, topic string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
		_, err := node.Hub.Publish(ctx, topic, json.RawMessage(fmt.Sprintf(`{"seq":%d}`, i)))
		cancel()
		if err != nil {
			t.Fatalf("publish %d on %s: %v", i, topic, err)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// chatBodyPrefix starts every message body the chat mode sends:
// "lyceum-load chat m=<member> r=<room> s=<seq> t=<unix nanos>".
const chatBodyPrefix = "lyceum-load chat "

// chatBody returns the body of member's seq-th message in room, sent at sentNS.
func chatBody(member, room, seq int, sentNS int64) string {
	return fmt.Sprintf("%sm=%d r=%d s=%d t=%d", chatBodyPrefix, member, room, seq, sentNS)
}

// parseChatBody reads a body chatBody made; ok is false for any other text.
func parseChatBody(body string) (member int, sentNS int64, ok bool) {
	rest, found := strings.CutPrefix(body, chatBodyPrefix)
	if !found {
		return 0, 0, false
	}
	var room, seq int
	if n, err := fmt.Sscanf(rest, "m=%d r=%d s=%d t=%d", &member, &room, &seq, &sentNS); err != nil || n != 4 {
		return 0, 0, false
	}
	return member, sentNS, true
}

// chatPush is the part of a push frame on a room topic the mode reads: a
// course.Event.
type chatPush struct {
	Topic  string `json:"topic"`
	Epoch  string `json:"epoch"`
	Offset uint64 `json:"offset"`
	Data   struct {
		Kind    string         `json:"kind"`
		Message *storedMessage `json:"message"`
	} `json:"data"`
}

// chatStats is shared by every connection of a run.
type chatStats struct {
	cnt        counters
	latency    *Recorder // send -> push at another member
	ackLatency *Recorder // send -> ack
	sent       atomic.Uint64
	acked      atomic.Uint64
	failed     atomic.Uint64
	delivered  atomic.Uint64 // message.created pushes of another member's message
	selfPushes atomic.Uint64 // message.created pushes of the connection's own message
	other      atomic.Uint64 // other pushes on the room topics
	resubs     atomic.Uint64 // "unsubscribed" frames answered by subscribing again with since
	recovered  atomic.Uint64 // ... whose ack said recovered: true
	notRecov   atomic.Uint64 // ... whose ack said recovered: false (or that failed)

	mu       sync.Mutex
	firstErr string
}

func (s *chatStats) fail(msg string) {
	s.failed.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstErr == "" {
		s.firstErr = msg
	}
}

// pendingSend is a publish waiting for its answer.
type pendingSend struct {
	at   time.Time
	body string
}

// chatConn is one member's connection to one room.
type chatConn struct {
	idx    int // shard for the recorders
	member int // index into the fixture's members
	room   int // index into the fixture's rooms
	topic  string
	ws     *wsConn
	st     *chatStats
	nextID atomic.Uint64
	done   chan struct{}

	closing atomic.Bool
	mu      sync.Mutex
	waiters map[uint64]chan frame  // commands someone waits for (subscribe)
	pending map[uint64]pendingSend // publishes not answered yet
	acked   []string               // bodies of the acknowledged publishes
	got     map[int64]int          // message id -> message.created pushes received
	epoch   string                 // the topic position last processed (for since)
	offset  uint64
}

// dialChat connects to url with token, reads hello and subscribes to topic.
func dialChat(ctx context.Context, url, token, topic string, idx, member, room int, st *chatStats) (*chatConn, error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	ws, err := dial(dctx, url, http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		return nil, err
	}
	c := &chatConn{idx: idx, member: member, room: room, topic: topic, ws: ws, st: st, done: make(chan struct{}),
		waiters: map[uint64]chan frame{}, pending: map[uint64]pendingSend{}, got: map[int64]int{}}
	hello := make(chan frame, 1)
	go c.readLoop(hello)
	select {
	case f := <-hello:
		if f.Type != "hello" {
			c.close()
			return nil, fmt.Errorf("first frame is %q, want hello", f.Type)
		}
	case <-c.done:
		return nil, fmt.Errorf("connection closed before hello")
	case <-dctx.Done():
		c.close()
		return nil, fmt.Errorf("no hello: %w", dctx.Err())
	}
	if _, err := c.subscribe(dctx); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// subscribe subscribes to the room topic (from the last position
// processed, if any) and waits for the ack.
func (c *chatConn) subscribe(ctx context.Context) (frame, error) {
	id := c.nextID.Add(1)
	ch := make(chan frame, 1)
	cmd := map[string]any{"type": "subscribe", "id": id, "topic": c.topic}
	c.mu.Lock()
	c.waiters[id] = ch
	if c.epoch != "" {
		cmd["since"] = map[string]any{"epoch": c.epoch, "offset": c.offset}
	}
	c.mu.Unlock()
	b, _ := json.Marshal(cmd)
	if err := c.write(ctx, b); err != nil {
		return frame{}, fmt.Errorf("subscribe: %w", err)
	}
	select {
	case f := <-ch:
		if f.Type != "ack" {
			return f, fmt.Errorf("subscribe %s: %s (%s)", c.topic, f.Message, f.Code)
		}
		return f, nil
	case <-c.done:
		return frame{}, fmt.Errorf("subscribe %s: connection closed", c.topic)
	case <-ctx.Done():
		return frame{}, fmt.Errorf("subscribe %s: no answer: %w", c.topic, ctx.Err())
	}
}

// resubscribe answers an "unsubscribed" frame as docs/protocol.md asks:
// subscribe again at once with the last position (recovery).
func (c *chatConn) resubscribe() {
	c.st.resubs.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	f, err := c.subscribe(ctx)
	if err == nil && f.Recovered != nil && *f.Recovered {
		c.st.recovered.Add(1)
		return
	}
	c.st.notRecov.Add(1)
	if err != nil {
		c.st.mu.Lock()
		if c.st.firstErr == "" {
			c.st.firstErr = "resubscribe: " + err.Error()
		}
		c.st.mu.Unlock()
	}
}

func (c *chatConn) write(ctx context.Context, b []byte) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return c.ws.Write(ctx, b)
}

// publish sends one chat message with a unique idempotency key without
// waiting for the answer (the reader accounts it).
func (c *chatConn) publish(ctx context.Context, key, body string) error {
	id := c.nextID.Add(1)
	b, _ := json.Marshal(map[string]any{"type": "publish", "id": id, "topic": c.topic, "key": key,
		"data": map[string]string{"type": "message", "body": body}})
	c.mu.Lock()
	c.pending[id] = pendingSend{at: time.Now(), body: body}
	c.mu.Unlock()
	c.st.sent.Add(1)
	if err := c.write(context.WithoutCancel(ctx), b); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		c.st.fail("publish: " + err.Error())
		return err
	}
	return nil
}

// unanswered returns how many publishes wait for their answer.
func (c *chatConn) unanswered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// readLoop reads until the connection ends; the first frame goes to hello.
func (c *chatConn) readLoop(hello chan<- frame) {
	defer close(c.done)
	first := true
	for {
		msg, err := c.ws.ReadMessage()
		if err != nil {
			if !c.closing.Load() {
				c.st.cnt.disconnected(err)
			}
			return
		}
		now := time.Now()
		c.st.cnt.messages.Add(1)
		for len(msg) > 0 {
			line, tail, _ := bytes.Cut(msg, []byte{'\n'})
			msg = tail
			if len(line) == 0 {
				continue
			}
			if bytes.HasPrefix(line, pushPrefix) {
				c.handlePush(line, now)
				continue
			}
			var f frame
			if err := json.Unmarshal(line, &f); err != nil {
				c.st.cnt.errors.Add(1)
				continue
			}
			if first {
				first = false
				hello <- f
				continue
			}
			c.handleFrame(f, now)
		}
	}
}

// handlePush accounts a message.created push: the message id for the
// history check and, for another member's message, the latency.
func (c *chatConn) handlePush(line []byte, now time.Time) {
	var p chatPush
	if err := json.Unmarshal(line, &p); err != nil || p.Topic != c.topic {
		c.st.cnt.errors.Add(1)
		return
	}
	c.mu.Lock()
	c.epoch, c.offset = p.Epoch, p.Offset
	c.mu.Unlock()
	m := p.Data.Message
	if p.Data.Kind != "message.created" || m == nil {
		c.st.other.Add(1)
		return
	}
	// The counters are updated before the id is recorded: drainChat ends
	// when every id is recorded, and the run reads the counters then.
	member, sentNS, ok := parseChatBody(m.Body)
	switch {
	case !ok:
		c.st.other.Add(1)
	case member == c.member:
		c.st.selfPushes.Add(1)
	default:
		c.st.delivered.Add(1)
		c.st.latency.Record(c.idx, now.Sub(time.Unix(0, sentNS)))
	}
	c.mu.Lock()
	c.got[m.ID]++
	c.mu.Unlock()
}

func (c *chatConn) handleFrame(f frame, now time.Time) {
	switch f.Type {
	case "ack", "error":
		c.mu.Lock()
		w := c.waiters[f.ID]
		delete(c.waiters, f.ID)
		if w != nil && f.Type == "ack" && f.Offset != nil && (c.epoch == "" || c.epoch != f.Epoch) {
			c.epoch, c.offset = f.Epoch, *f.Offset // a subscribe ack: pushes follow from here
		}
		p, isPub := c.pending[f.ID]
		delete(c.pending, f.ID)
		if isPub && f.Type == "ack" {
			c.acked = append(c.acked, p.body)
		}
		c.mu.Unlock()
		switch {
		case w != nil:
			w <- f
		case isPub && f.Type == "ack":
			c.st.acked.Add(1)
			c.st.ackLatency.Record(c.idx, now.Sub(p.at))
		case isPub:
			c.st.fail(f.Code + ": " + f.Message)
		default:
			c.st.cnt.errors.Add(1)
		}
	case "join", "leave":
		c.st.cnt.presence.Add(1)
	case "unsubscribed":
		go c.resubscribe()
	}
}

// received returns a copy of the message ids received and their counts.
func (c *chatConn) received() map[int64]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[int64]int, len(c.got))
	for k, v := range c.got {
		out[k] = v
	}
	return out
}

// distinct returns how many different messages arrived.
func (c *chatConn) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

// close ends the connection on purpose (not counted as a disconnect).
func (c *chatConn) close() {
	c.closing.Store(true)
	_ = c.ws.CloseNow()
	<-c.done
}

// chatKey is the idempotency key of member's seq-th message in room (at
// most 64 characters, as the chat API allows).
func chatKey(run string, member, room, seq int) string {
	return "load-" + run + "-" + strconv.Itoa(member) + "-" + strconv.Itoa(room) + "-" + strconv.Itoa(seq)
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Client timing.
const (
	dialTimeout    = 20 * time.Second // one WebSocket dial including the hello frame
	commandTimeout = 20 * time.Second // one command's answer
	writeTimeout   = 10 * time.Second // one WebSocket write
	clientReadMax  = 1 << 20          // bytes per server message accepted by the tool
)

// frame is a server frame decoded loosely (all but pushes, which take the fast path).
type frame struct {
	Type      string    `json:"type"`
	ID        uint64    `json:"id"`
	Topic     string    `json:"topic"`
	Epoch     string    `json:"epoch"`
	Offset    *uint64   `json:"offset"`
	Recovered *bool     `json:"recovered"`
	Code      string    `json:"code"`
	Message   string    `json:"message"`
	Client    string    `json:"client"`
	Time      time.Time `json:"time"`
}

// push is what the fast path extracts from a push frame.
type push struct {
	topic  []byte
	epoch  []byte
	offset uint64
	seq    uint64
	sentNS int64
	ok     bool // seq and sent_ns were found in the data
}

var pushPrefix = []byte(`{"type":"push",`)

// parsePush extracts the fields of a push frame encoded the way the hub
// encodes it (hub.AppendPush) around the tool's payload; it reports false
// for any other frame.
func parsePush(line []byte) (push, bool) {
	if !bytes.HasPrefix(line, pushPrefix) {
		return push{}, false
	}
	var p push
	var ok bool
	rest := line[len(pushPrefix):]
	if p.topic, rest, ok = stringField(rest, `"topic":"`); !ok {
		return push{}, false
	}
	if p.epoch, rest, ok = stringField(rest, `"epoch":"`); !ok {
		return push{}, false
	}
	if p.offset, rest, ok = uintField(rest, `"offset":`); !ok {
		return push{}, false
	}
	i := bytes.Index(rest, []byte(`"data":`))
	if i < 0 {
		return push{}, false
	}
	data := rest[i:]
	seq, _, ok1 := uintField(data, `"seq":`)
	sent, _, ok2 := uintField(data, `"sent_ns":`)
	p.seq, p.sentNS, p.ok = seq, int64(sent), ok1 && ok2
	return p, true
}

func stringField(b []byte, key string) (val, rest []byte, ok bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil, b, false
	}
	b = b[i+len(key):]
	j := bytes.IndexByte(b, '"')
	if j < 0 {
		return nil, b, false
	}
	return b[:j], b[j+1:], true
}

func uintField(b []byte, key string) (val uint64, rest []byte, ok bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, b, false
	}
	b = b[i+len(key):]
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		val = val*10 + uint64(b[n]-'0')
		n++
	}
	return val, b[n:], n > 0
}

// subState is what a subscriber knows about one topic. It outlives a
// connection (the reconnect mode hands it to the next one).
type subState struct {
	mu        sync.Mutex
	topic     string
	tracker   *SeqTracker
	epoch     string
	offset    uint64 // last offset processed
	pushes    uint64 // push frames received (including duplicates)
	recovered uint64 // pushes received between a recovering subscribe's ack and its live stream
	recoverTo uint64 // offsets up to this one are recovered (from the ack)

	recoveries       uint64 // subscribe acks with recovered: true
	recoveryFailures uint64 // subscribe acks with recovered: false
}

// since returns the recovery position, or nil before anything was seen.
func (s *subState) since() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.epoch == "" {
		return nil
	}
	return map[string]any{"epoch": s.epoch, "offset": s.offset}
}

// counters are shared by every client of a run (atomics: read by progress).
type counters struct {
	delivered   atomic.Uint64 // push frames with the tool's payload
	messages    atomic.Uint64 // WebSocket messages received
	disconnects atomic.Uint64 // connections the server (or network) ended
	errors      atomic.Uint64 // error frames
	presence    atomic.Uint64 // join/leave frames

	mu    sync.Mutex
	codes map[string]int // close codes of the disconnects ("none" without a close frame)
}

// disconnected counts an unexpected end of a connection by its close code.
func (c *counters) disconnected(err error) {
	c.disconnects.Add(1)
	code := "none"
	if s := websocket.CloseStatus(err); s != -1 {
		code = strconv.Itoa(int(s))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.codes == nil {
		c.codes = map[string]int{}
	}
	c.codes[code]++
}

// printCodes prints the disconnects by close code, if any.
func printCodes(w io.Writer, codes map[string]int) {
	if len(codes) > 0 {
		fmt.Fprintf(w, "  disconnects by close code: %v\n", codes)
	}
}

// closeCodes returns a copy of the disconnect counts by close code.
func (c *counters) closeCodes() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.codes))
	for k, v := range c.codes {
		out[k] = v
	}
	return out
}

// client is one WebSocket connection speaking the Lyceum protocol, or
// Centrifugo's JSON protocol for the comparison (see centrifugo.go).
type client struct {
	idx     int
	proto   target
	ws      *wsConn
	rec     *atomic.Pointer[Recorder] // latency of pushes (nil or empty: not recorded)
	cnt     *counters
	nextID  atomic.Uint64
	hello   frame
	closing atomic.Bool
	done    chan struct{}
	closeMu sync.Mutex
	closeEr error

	mu      sync.Mutex
	subs    map[string]*subState
	waiters map[uint64]chan frame
	onReply func(frame) // answers nobody waits for (publish acks); may be nil
}

// dialClient connects to a Lyceum server, starts the reader and waits for hello.
func dialClient(ctx context.Context, url string, header http.Header, idx int, rec *atomic.Pointer[Recorder], cnt *counters) (*client, error) {
	return dialTarget(ctx, targetLyceum, url, header, idx, rec, cnt)
}

// dialTarget connects to a server of kind proto, starts the reader and
// waits for hello (Centrifugo: the answer to the connect command).
func dialTarget(ctx context.Context, proto target, url string, header http.Header, idx int, rec *atomic.Pointer[Recorder], cnt *counters) (*client, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	ws, err := dial(ctx, url, header)
	if err != nil {
		return nil, err
	}
	c := &client{idx: idx, proto: proto, ws: ws, rec: rec, cnt: cnt, done: make(chan struct{}),
		subs: map[string]*subState{}, waiters: map[uint64]chan frame{}}
	hello := make(chan frame, 1)
	go c.readLoop(hello)
	if proto == targetCentrifugo {
		c.nextID.Store(cfConnectID)
		if err := c.send(ctx, cfConnectCommand); err != nil {
			_ = ws.CloseNow()
			return nil, fmt.Errorf("connect command: %w", err)
		}
	}
	select {
	case f := <-hello:
		if f.Type != "hello" {
			_ = ws.CloseNow()
			return nil, fmt.Errorf("first frame is %q, want hello", f.Type)
		}
		c.hello = f
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("connection closed before hello: %w", c.closeErr())
	case <-ctx.Done():
		_ = ws.CloseNow()
		return nil, fmt.Errorf("no hello: %w", ctx.Err())
	}
}

// dial opens a WebSocket connection to url for a client of the tool
// (reading messages of up to clientReadMax bytes).
func dial(ctx context.Context, url string, header http.Header) (*wsConn, error) {
	ws, resp, err := dialWS(ctx, url, header, clientReadMax)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial: HTTP %d: %w", resp.StatusCode, err)
		}
		return nil, fmt.Errorf("dial: %w", err)
	}
	return ws, nil
}

func (c *client) closeErr() error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	return c.closeEr
}

// readLoop reads until the connection ends; the first frame goes to hello.
func (c *client) readLoop(hello chan<- frame) {
	defer close(c.done)
	lat := make([]time.Duration, 0, 64)
	first := true
	for {
		msg, err := c.ws.ReadMessage()
		if err != nil {
			c.closeMu.Lock()
			c.closeEr = err
			c.closeMu.Unlock()
			if !c.closing.Load() {
				c.cnt.disconnected(err)
			}
			return
		}
		now := time.Now().UnixNano()
		if ts := c.ws.rxStamp(); ts > 0 {
			now = ts // the kernel's receive time: the tool's own delays left out (enableRxStamps)
		}
		var rec *Recorder
		if c.rec != nil {
			rec = c.rec.Load()
		}
		c.cnt.messages.Add(1)
		lat = lat[:0]
		var delivered uint64
		for len(msg) > 0 {
			line, tail, _ := bytes.Cut(msg, []byte{'\n'})
			msg = tail
			if len(line) == 0 {
				continue
			}
			if c.proto == targetCentrifugo {
				if cfPing(line) {
					_ = c.ws.Write(context.Background(), line) // pong: an empty command
					continue
				}
			}
			if p, ok := c.parsePush(line); ok {
				if first { // a push before hello: protocol violation
					hello <- frame{Type: "push"}
					first = false
				}
				if c.handlePush(p) && p.ok {
					delivered++
					lat = append(lat, time.Duration(now-p.sentNS))
					if rec != nil {
						rec.NoteSlow(p.sentNS, p.topic, p.seq, lat[len(lat)-1])
					}
				}
				continue
			}
			f, err := c.decodeFrame(line)
			if err != nil {
				c.cnt.errors.Add(1)
				continue
			}
			if first {
				hello <- f
				first = false
				continue
			}
			c.handleFrame(f)
		}
		if delivered > 0 {
			c.cnt.delivered.Add(delivered)
			if rec != nil {
				rec.RecordBatch(c.idx, lat)
			}
		}
	}
}

// handlePush accounts a push; it reports whether the topic is tracked.
func (c *client) handlePush(p push) bool {
	c.mu.Lock()
	s := c.subs[string(p.topic)]
	c.mu.Unlock()
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushes++
	if string(p.epoch) != s.epoch {
		s.epoch = string(p.epoch)
	}
	s.offset = p.offset
	if p.offset > 0 && p.offset <= s.recoverTo {
		s.recovered++
	}
	if p.ok && s.tracker != nil {
		s.tracker.Add(p.seq)
	}
	return true
}

func (c *client) handleFrame(f frame) {
	switch f.Type {
	case "ack", "error":
		if f.Type == "error" {
			c.cnt.errors.Add(1)
		}
		if f.Type == "ack" && f.Topic != "" && f.Offset != nil {
			c.subscribed(f)
		}
		c.mu.Lock()
		w := c.waiters[f.ID]
		delete(c.waiters, f.ID)
		on := c.onReply
		c.mu.Unlock()
		if w != nil {
			w <- f
		} else if on != nil {
			on(f)
		}
	case "join", "leave":
		c.cnt.presence.Add(1)
	case "unsubscribed":
		c.cnt.errors.Add(1)
	}
}

// send writes one message.
func (c *client) send(ctx context.Context, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return c.ws.Write(ctx, msg)
}

// command sends cmd (its id is set here) and waits for the answer.
func (c *client) command(ctx context.Context, cmd map[string]any) (frame, error) {
	id := c.nextID.Add(1)
	cmd["id"] = id
	b, err := c.encodeCommand(cmd)
	if err != nil {
		return frame{}, err
	}
	ch := make(chan frame, 1)
	c.mu.Lock()
	c.waiters[id] = ch
	c.mu.Unlock()
	if err := c.send(ctx, b); err != nil {
		return frame{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	select {
	case f := <-ch:
		if f.Type == "error" {
			return f, fmt.Errorf("%s: %s (%s)", cmd["type"], f.Message, f.Code)
		}
		return f, nil
	case <-c.done:
		return frame{}, fmt.Errorf("%s: connection closed: %w", cmd["type"], c.closeErr())
	case <-ctx.Done():
		return frame{}, fmt.Errorf("%s: no answer: %w", cmd["type"], ctx.Err())
	}
}

// subscribe subscribes to s.topic (recovering from s's position when it has
// one) and registers s for the pushes that follow.
func (c *client) subscribe(ctx context.Context, s *subState) (frame, error) {
	cmd := map[string]any{"type": "subscribe", "topic": s.topic}
	since := s.since()
	if since != nil {
		cmd["since"] = since
	}
	c.mu.Lock()
	c.subs[s.topic] = s // pushes may follow the ack at once
	c.mu.Unlock()
	f, err := c.command(ctx, cmd)
	if err != nil {
		c.mu.Lock()
		delete(c.subs, s.topic)
		c.mu.Unlock()
		return f, err
	}
	return f, nil
}

// subscribed records a subscribe ack's position (in the reader, before the
// pushes that follow it): recovered pushes are those up to its offset.
func (c *client) subscribed(f frame) {
	c.mu.Lock()
	s := c.subs[f.Topic]
	c.mu.Unlock()
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Recovered != nil {
		s.recoverTo = *f.Offset
		if *f.Recovered {
			s.recoveries++
		} else {
			s.recoveryFailures++
		}
	}
	if s.epoch == "" || s.epoch != f.Epoch {
		s.epoch, s.offset = f.Epoch, *f.Offset
	}
}

// close ends the connection on purpose (not counted as a disconnect).
func (c *client) close() {
	c.closing.Store(true)
	_ = c.ws.CloseNow()
	<-c.done
}

// errNotLoopback is returned for a target outside the allow-list.
var errNotLoopback = errors.New("only 127.0.0.1, localhost and [::1] targets are allowed")

// payloadBytes is the target size of a publication's data.
const payloadBytes = 200

// padding fills the payload up to payloadBytes.
var padding = func() string {
	b := make([]byte, payloadBytes)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}()

// appendPayload appends a ~200-byte JSON payload carrying seq and the send time.
func appendPayload(dst []byte, seq uint64, sentNS int64) []byte {
	start := len(dst)
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, seq, 10)
	dst = append(dst, `,"sent_ns":`...)
	dst = strconv.AppendInt(dst, sentNS, 10)
	dst = append(dst, `,"pad":"`...)
	n := max(payloadBytes-(len(dst)-start)-2, 0)
	dst = append(dst, padding[:n]...)
	return append(dst, `"}`...)
}

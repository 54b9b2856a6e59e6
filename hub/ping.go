package hub

import (
	"context"
	"encoding/binary"
	"runtime"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The keepalive: every PingInterval an idle connection gets a ping, and a
// peer that does not answer within PingTimeout is closed.

// schedulePing arms the keepalive: every PingInterval a short-lived
// goroutine sends a WebSocket ping (unless frames are being written) and
// closes the connection when no pong arrives within PingTimeout.
func (c *conn) schedulePing() {
	c.pingTimer.Store(time.AfterFunc(c.h.cfg.PingInterval, c.ping))
}

// rearmPing schedules the next ping. The timer is read atomically: its
// first callback can run before schedulePing has stored it (a short
// PingInterval on a busy machine), with nothing else ordering the two.
func (c *conn) rearmPing() {
	t := c.pingTimer.Load()
	for t == nil {
		runtime.Gosched() // schedulePing is between AfterFunc and its Store
		t = c.pingTimer.Load()
	}
	t.Reset(c.h.cfg.PingInterval)
}

func (c *conn) ping() {
	if c.closed.Load() {
		return
	}
	if c.raw == nil {
		c.pingThroughLibrary()
		return
	}
	// The ping goes out in the writer's place, and only if the socket takes
	// it now: never queued behind data the peer is not reading (it would
	// hold the writer, and a peer that reads again after the cut must find
	// its data and the close code, not a connection ended by a ping).
	if !c.q.hold() {
		c.rearmPing() // data is going out, so the peer is not idle
		return
	}
	payload, answered := c.pong.expect()
	tried, owing, err := c.raw.tryWriteMessage(pingFrame(payload))
	if owing || c.q.release() {
		go c.writeLoop() // the rest of the ping, or what was queued meanwhile
	}
	switch {
	case err != nil:
		c.debug().Err(err).Msg("ping not written")
		c.closeWith(websocket.StatusInternalError, "write failed")
		_ = c.ws.CloseNow()
		return
	case !tried:
		c.rearmPing() // the socket is busy: the peer has data to read
		return
	}
	t := time.NewTimer(c.h.cfg.PingTimeout)
	defer t.Stop()
	select {
	case <-answered:
		c.rearmPing()
	case <-c.writerDone: // the connection closed
	case <-t.C:
		if c.closed.Load() {
			return // already closing: the writer sends the close frame, within WriteTimeout
		}
		c.debug().Msg("ping timeout")
		c.closeWith(websocket.StatusPolicyViolation, "ping timeout")
		_ = c.ws.CloseNow()
	}
}

// pingThroughLibrary pings a connection whose frames coder/websocket
// writes (not plain TCP, e.g. TLS), unless data is going out: a ping then
// would wait behind it, and coder/websocket closes the connection (no
// close frame) when a control frame waits 5 s to be written, cutting a
// slow reader off before WriteTimeout (the write watchdog's bound).
func (c *conn) pingThroughLibrary() {
	if c.q.writing() {
		c.rearmPing()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.h.cfg.PingTimeout)
	defer cancel()
	if err := c.ws.Ping(ctx); err != nil {
		c.debug().Err(err).Msg("ping failed")
		if c.closed.Load() {
			return // already closing: the writer sends the close frame, within WriteTimeout
		}
		c.closeWith(websocket.StatusPolicyViolation, "ping timeout")
		_ = c.ws.CloseNow()
		return
	}
	c.rearmPing()
}

// pongWait matches pongs to the connection's one ping in flight (the next
// ping is armed only once it is answered).
type pongWait struct {
	mu  sync.Mutex
	seq uint64
	ch  chan struct{} // closed when the pong for seq arrives; nil when none is awaited
}

// expect starts a new ping: its 8-byte payload and the channel its pong
// closes.
func (p *pongWait) expect() ([]byte, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	p.ch = make(chan struct{})
	return binary.BigEndian.AppendUint64(nil, p.seq), p.ch
}

// got notes a pong (coder/websocket's OnPongReceived).
func (p *pongWait) got(payload []byte) {
	if len(payload) != 8 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch != nil && binary.BigEndian.Uint64(payload) == p.seq {
		close(p.ch)
		p.ch = nil
	}
}

// pingFrame is an unmasked ping frame carrying payload (at most 125 bytes).
func pingFrame(payload []byte) []byte {
	return append([]byte{0x80 | opPing, byte(len(payload))}, payload...)
}

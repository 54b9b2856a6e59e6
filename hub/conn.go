package hub

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"
)

// Close codes the hub uses besides the standard ones (1000 normal, 1001
// going away, 1003 unsupported data, 1007 invalid UTF-8, 1008 policy
// violation, 1009 message too big, 1011 internal error).
const (
	// CloseRevoked: the session was revoked or the user lost access; do not
	// reconnect before signing in again.
	CloseRevoked websocket.StatusCode = 4001
	// CloseSlowConsumer: the client did not read fast enough and its send
	// queue passed its bound; reconnect and recover.
	CloseSlowConsumer websocket.StatusCode = 4008
	// CloseDisconnected: the server ended the connection (e.g. an operator);
	// reconnect with back-off.
	CloseDisconnected websocket.StatusCode = 4010
)

// conn is one WebSocket connection. Its reader runs in a goroutine of its
// own (started by ServeWS); its writer runs only while frames are queued
// (see sendQueue), so an idle connection costs one goroutine.
type conn struct {
	h     *Hub
	ws    *websocket.Conn
	id    string
	ident Identity
	q     *sendQueue

	closeOnce   sync.Once
	closed      atomic.Bool          // set by closeWith
	closeCode   websocket.StatusCode // written before closed is set
	closeReason string
	writerDone  chan struct{} // closed by the writer after the close handshake
	readerDone  chan struct{} // made when closing starts; closed once the reader has ended

	// writeStart is the UnixNano time the current WebSocket write began, 0
	// when no write is in progress; the hub's write watchdog closes the
	// socket of a connection whose write takes longer than WriteTimeout.
	writeStart atomic.Int64

	spare [][]byte // owned by the running writer: the drained batch slice

	// raw writes data frames straight to a TCP connection (nil for other
	// connections, e.g. TLS, which go through coder/websocket's writer).
	raw *corkWriter

	mu   sync.Mutex // guards subs (nil until the first subscription)
	subs map[string]*subscription

	// owned by the reader (and the goroutine handling its current message):
	bucket   tokenBucket
	rejected int // commands refused in a row by the rate limit

	pingTimer atomic.Pointer[time.Timer] // set once by schedulePing; reset by the ping callbacks
	pong      *pongWait                  // answers to the hub's own pings (TCP connections)
}

func (h *Hub) newConn(ws *websocket.Conn, ident Identity) *conn {
	c := &conn{
		h:          h,
		ws:         ws,
		id:         randomID(8),
		ident:      ident,
		q:          newSendQueue(h.cfg.SendQueueMessages, h.cfg.SendQueueBytes),
		writerDone: make(chan struct{}),
	}
	rate, burst := c.rateLimits()
	c.bucket = newTokenBucket(rate, burst, time.Now())
	return c
}

// debug starts a debug log event about the connection (a logger with these
// fields per connection would cost ~500 bytes of an idle connection).
func (c *conn) debug() *zerolog.Event {
	return c.h.log.Debug().Str("client", c.id).Str("user", c.ident.UserID)
}

// rateLimits is the connection's command budget: the hub's, unless the
// identity overrides it.
func (c *conn) rateLimits() (perSecond float64, burst int) {
	perSecond, burst = c.h.cfg.RateLimit, c.h.cfg.RateBurst
	if c.ident.RateLimit > 0 {
		perSecond = c.ident.RateLimit
	}
	if c.ident.RateBurst > 0 {
		burst = c.ident.RateBurst
	}
	return perSecond, burst
}

func (c *conn) clientInfo(node string) ClientInfo {
	return ClientInfo{ClientID: c.id, UserID: c.ident.UserID, Name: c.ident.Name, NodeID: node}
}

// enqueue queues frame without blocking; a full queue closes the connection
// as a slow consumer (close code 4008). It reports whether frame was queued.
func (c *conn) enqueue(frame []byte) bool {
	ok, full, start := c.q.push(frame)
	if full {
		c.h.m.queueFull.Inc()
		c.closeWith(CloseSlowConsumer, "slow consumer: send queue full")
	}
	if start {
		go c.writeLoop()
	}
	return ok
}

// push queues frame as enqueue does, but leaves starting the writer to the
// caller: start reports that no writer runs and the caller must see to one
// (writeNow, or go writeLoop).
func (c *conn) push(frame []byte) (ok, start bool) {
	ok, full, start := c.q.push(frame)
	if full {
		c.h.m.queueFull.Inc()
		c.closeWith(CloseSlowConsumer, "slow consumer: send queue full")
	}
	return ok, start
}

// writerChunk is the fewest connections one goroutine writes a publication
// to (writeChunk): one goroutine per chunk rather than a writer started per
// connection, and still several goroutines to spread a large fan-out over
// the node's cores.
const writerChunk = 64

// chunkSize is how many of a publication's n subscribers one writeChunk
// goroutine takes on a node with procs Ps: writerChunk, but never so few
// that the fan-out needs more goroutines than there are Ps to run them.
//
// More chunks than Ps buy no parallelism and cost order (session 8): Go
// runs the goroutine started last first (runnext) and sends the one it
// displaces to the back of the run queue, so with two chunks on one P the
// first chunk (the topic's longest-subscribed connections) waited behind
// every goroutine already queued, new connections' handshakes in a
// reconnect storm among them, while the second was written at once.
func chunkSize(n, procs int) int {
	procs = max(1, procs)
	return max(writerChunk, (n+procs-1)/procs)
}

// writeChunk does the writer's work for each of cs, connections whose
// writer their publisher had to start (see writeNow).
func writeChunk(cs []*conn) {
	for _, c := range cs {
		c.writeNow()
	}
}

// writeNowRounds bounds writeNow's loop: frames still coming after that
// many writes are left to a writer goroutine.
const writeNowRounds = 4

// writeNow is the work of a writer the caller had to start (push reported
// start), done in the caller's goroutine as long as nothing has to wait:
// what is queued goes out, coalesced as writeBatch does, while the socket
// takes it now (see corkWriter.tryWriteMessage). Anything that would wait
// (a full socket, a frame of coder/websocket's half written, a closing
// connection, a connection that is not plain TCP) is left to a writer
// goroutine, started here. Writing a publication to a thousand
// connections so costs a few goroutines (writeChunk) instead of a thousand.
func (c *conn) writeNow() {
	if c.raw == nil {
		go c.writeLoop()
		return
	}
	for range writeNowRounds {
		batch, closed := c.q.take(c.spare)
		if closed {
			break
		}
		if batch == nil {
			return // written; take marked the writer stopped
		}
		// As many frames as fit in one message (at least one); the rest
		// go back to the queue's front for the next round.
		j, n := nextMessage(batch, 0, c.h.cfg.MaxBatchBytes)
		bp := c.h.getBatchBuf()
		buf := appendMessage(appendTextHeader((*bp)[:0], n), batch[:j])
		*bp = buf
		tried, owing, err := c.raw.tryWriteMessage(buf)
		c.h.putBatchBuf(bp)
		if !tried {
			c.q.putBack(batch)
			break
		}
		if j < len(batch) {
			c.q.putBack(batch[j:]) // the queue keeps batch's array
		} else {
			c.spare = recycle(batch)
		}
		c.h.m.writes.Inc()
		if err != nil {
			c.debug().Err(err).Msg("write failed")
			c.closeWith(websocket.StatusInternalError, "write failed")
			_ = c.ws.CloseNow()
			break
		}
		if owing {
			c.h.m.writesHandedOff.Inc()
			break
		}
	}
	go c.writeLoop()
}

// enqueueAll queues every frame of fs, or none (reporting false) when they
// do not all fit in the send queue now; unlike enqueue, that is not a
// reason to close the connection.
func (c *conn) enqueueAll(fs [][]byte) bool {
	ok, start := c.q.pushAll(fs)
	if start {
		go c.writeLoop()
	}
	return ok
}

// closeWith starts closing the connection with code and reason; the first
// call wins. It never blocks: the writer performs the close handshake.
//
// The close frame follows the write in progress, if any (the writer drops
// the rest of its batch): that write gets a fresh WriteTimeout from now, so
// a client that stopped reading (a slow consumer) and reads again within
// WriteTimeout of being cut off finds the close code, not a bare end of
// stream.
func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		c.readerDone = make(chan struct{}) // before the writer can see the queue closed
		c.closed.Store(true)
		if start := c.writeStart.Load(); start != 0 {
			c.writeStart.CompareAndSwap(start, time.Now().UnixNano())
		}
		if c.q.close() {
			go c.writeLoop()
		}
	})
}

// writeLoop is the connection's only writer, started when a frame is
// queued to an idle connection: it takes every queued frame at once and
// writes them coalesced, newline-delimited, into as few WebSocket messages
// as MaxBatchBytes allows, until the queue is empty (then it exits) or
// closed (then it performs the close handshake, closes writerDone and exits).
func (c *conn) writeLoop() {
	if c.raw != nil { // what writeNow could not finish goes first
		c.writeStart.Store(time.Now().UnixNano())
		err := c.raw.flushOwed()
		c.writeStart.Store(0)
		if err != nil {
			c.debug().Err(err).Msg("write failed")
			c.closeWith(websocket.StatusInternalError, "write failed")
			_ = c.ws.CloseNow()
		}
	}
	for {
		batch, closed := c.q.take(c.spare)
		if closed {
			c.spare = nil
			c.closeHandshake()
			close(c.writerDone)
			return
		}
		if batch == nil {
			return // idle; the next push starts a new writer
		}
		if err := c.writeBatch(batch); err != nil {
			c.debug().Err(err).Msg("write failed")
			c.closeWith(websocket.StatusInternalError, "write failed")
			_ = c.ws.CloseNow()
		}
		c.spare = recycle(batch)
	}
}

// writeBatch writes batch, coalescing consecutive frames, newline-delimited,
// into one message while it stays within MaxBatchBytes. A message is built
// in a buffer from a pool (so an idle connection holds none) when it
// coalesces frames or goes through c.raw (which takes whole frames, header
// included); a lone frame for coder/websocket is written as it is. Once the
// connection is closing, the rest of the batch is dropped.
func (c *conn) writeBatch(batch [][]byte) error {
	var bp *[]byte
	defer func() {
		if bp != nil {
			c.h.putBatchBuf(bp)
		}
	}()
	for i := 0; i < len(batch); {
		j, n := nextMessage(batch, i, c.h.cfg.MaxBatchBytes)
		msg := batch[i]
		if c.raw != nil || j > i+1 {
			if bp == nil {
				bp = c.h.getBatchBuf()
			}
			buf := (*bp)[:0]
			if c.raw != nil {
				buf = appendTextHeader(buf, n)
			}
			buf = appendMessage(buf, batch[i:j])
			*bp = buf
			msg = buf
		}
		if err := c.write(msg); err != nil {
			return err
		}
		if c.closed.Load() {
			return nil // closing: the close frame goes next (see closeWith)
		}
		i = j
	}
	return nil
}

// nextMessage is how far from batch[i] one coalesced message reaches:
// frames batch[i:j] (at least one) fit in maxBytes together, n bytes with
// their newline separators.
func nextMessage(batch [][]byte, i, maxBytes int) (j, n int) {
	n, j = len(batch[i]), i+1
	for ; j < len(batch) && n+1+len(batch[j]) <= maxBytes; j++ {
		n += 1 + len(batch[j])
	}
	return j, n
}

// appendMessage appends frames joined by newlines (one message's payload).
func appendMessage(dst []byte, frames [][]byte) []byte {
	dst = append(dst, frames[0]...)
	for _, f := range frames[1:] {
		dst = append(append(dst, '\n'), f...)
	}
	return dst
}

// write writes one WebSocket message: msg is a whole text frame (header
// included) when the connection has c.raw, else the message's payload for
// coder/websocket. The deadline is enforced by the hub's write watchdog
// (see writeStart) rather than a context per write: coder/websocket arms a
// context.AfterFunc for every write whose context can be cancelled, which
// costs ~11 allocations per message.
func (c *conn) write(msg []byte) error {
	c.h.m.writes.Inc()
	c.writeStart.Store(time.Now().UnixNano())
	var err error
	if c.raw != nil {
		err = c.raw.writeMessage(msg)
	} else {
		err = c.ws.Write(context.Background(), websocket.MessageText, msg)
	}
	c.writeStart.Store(0)
	return err
}

// writeOverdue reports whether a write in progress started before limit
// (UnixNano).
func (c *conn) writeOverdue(limit int64) bool {
	start := c.writeStart.Load()
	return start != 0 && start < limit
}

// closeHandshake sends the close frame and waits for the answer, then
// closes the socket, which also ends the reader.
//
// On a TCP connection (c.raw) the hub does it itself: coder/websocket gives
// the close frame 5 s to be written and then the peer 5 s to answer, while
// the hub's reader holds the read lock that its wait needs, so it always
// closed the socket after 5 s. A slow consumer that read again later found
// a reset instead of its data and the close code: closing a socket whose
// send buffer is not drained, a pong or any byte arriving from the peer
// makes the kernel answer with RST, and the peer's kernel drops everything
// it had not read. Here the close frame is written under the write
// watchdog (WriteTimeout), the sending side is shut (FIN after the close
// frame), and the socket stays open for reading until the peer answers or
// ends, or WriteTimeout passes.
func (c *conn) closeHandshake() {
	if c.raw == nil {
		_ = c.ws.Close(c.closeCode, c.closeReason)
		return
	}
	c.writeStart.Store(time.Now().UnixNano())
	err := c.raw.writeClose(closeFrame(c.closeCode, c.closeReason))
	c.writeStart.Store(0)
	if err == nil {
		t := time.NewTimer(c.h.cfg.WriteTimeout)
		select {
		case <-c.readerDone: // the peer answered (the reader got its close frame) or went away
		case <-t.C:
		}
		t.Stop()
	}
	_ = c.ws.CloseNow()
}

// closeFrame returns the WebSocket close frame (unmasked, header included)
// with code and reason, the reason cut to the 123 bytes a control frame
// leaves for it.
func closeFrame(code websocket.StatusCode, reason string) []byte {
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
		for !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	f := make([]byte, 0, 4+len(reason))
	f = append(f, 0x80|opClose, byte(2+len(reason)), byte(code>>8), byte(code))
	return append(f, reason...)
}

// maxCloseReason is the longest close reason (bytes) a close frame holds:
// a control frame's payload is at most 125 bytes, two of them the code.
const maxCloseReason = 123

// readLoop reads and handles commands until the connection ends.
//
// Each message is handled on a short-lived goroutine while the reader
// waits for it: decoding and handling commands (JSON, hooks, broker calls)
// needs a deep stack, and a goroutine's stack never shrinks below twice what
// it uses while parked, so handling on the reader would leave every idle
// connection with an 8 KiB stack instead of 4 KiB. One extra goroutine start
// per client message is cheap next to the work it runs.
func (c *conn) readLoop(ctx context.Context) {
	for {
		typ, msg, err := c.ws.Read(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				c.debug().Err(err).Msg("read ended")
			}
			return
		}
		done := make(chan bool, 1)
		go func() { done <- c.handleMessage(ctx, typ, msg) }()
		if !<-done {
			return
		}
	}
}

// handleMessage checks and runs one client message; it reports false when
// the connection must stop reading (it is closing).
func (c *conn) handleMessage(ctx context.Context, typ websocket.MessageType, msg []byte) bool {
	if typ != websocket.MessageText {
		c.closeWith(websocket.StatusUnsupportedData, "binary messages are not supported")
		return false
	}
	if !utf8.Valid(msg) {
		c.closeWith(websocket.StatusInvalidFramePayloadData, "invalid UTF-8")
		return false
	}
	cmds, ferr := DecodeCommands(msg, c.h.cfg.MaxCommands)
	if ferr != nil {
		c.sendError(0, ferr.Code, ferr.Message)
		return true
	}
	for i := range cmds {
		if !c.bucket.allow(time.Now()) {
			c.h.m.rateLimited.Inc()
			c.rejected++
			if c.rejected >= c.h.cfg.RateAbuseLimit {
				c.closeWith(websocket.StatusPolicyViolation, "rate limit exceeded")
				return false
			}
			c.sendError(cmds[i].ID, CodeRateLimited, "Too many commands; slow down.")
			continue
		}
		c.rejected = 0
		c.handle(ctx, &cmds[i])
	}
	return true
}

func (c *conn) sendError(id uint64, code, message string) {
	c.enqueue(marshalFrame(ErrorFrame{Type: FrameError, ID: id, Code: code, Message: message}))
}

func (c *conn) sendErr(id uint64, err error) {
	code, msg := c.h.errorInfo(err)
	c.sendError(id, code, msg)
}

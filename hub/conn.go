package hub

import (
	"context"
	"errors"
	"sync"
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

// conn is one WebSocket connection. Its reader runs in the HTTP handler's
// goroutine (ServeWS), its writer in one goroutine of its own.
type conn struct {
	h     *Hub
	ws    *websocket.Conn
	id    string
	ident Identity
	log   zerolog.Logger
	q     *sendQueue

	closeOnce   sync.Once
	closing     chan struct{}        // closed by closeWith
	closeCode   websocket.StatusCode // written before closing is closed
	closeReason string

	mu   sync.Mutex // guards subs
	subs map[string]*subscription

	// owned by the reader goroutine:
	bucket   tokenBucket
	rejected int // commands refused in a row by the rate limit

	pingTimer *time.Timer // owned by the ping callbacks
}

func (h *Hub) newConn(ws *websocket.Conn, ident Identity) *conn {
	c := &conn{
		h:       h,
		ws:      ws,
		id:      randomID(8),
		ident:   ident,
		q:       newSendQueue(h.cfg.SendQueueMessages, h.cfg.SendQueueBytes),
		closing: make(chan struct{}),
		subs:    make(map[string]*subscription),
	}
	rate, burst := c.rateLimits()
	c.bucket = newTokenBucket(rate, burst, time.Now())
	c.log = h.log.With().Str("client", c.id).Str("user", ident.UserID).Logger()
	return c
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
	ok, full := c.q.push(frame)
	if full {
		c.h.m.queueFull.Inc()
		c.closeWith(CloseSlowConsumer, "slow consumer: send queue full")
	}
	return ok
}

// closeWith starts closing the connection with code and reason; the first
// call wins. It never blocks: the writer performs the close handshake.
func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		c.q.close()
		close(c.closing)
	})
}

// writeLoop is the connection's only writer: it takes every queued frame at
// once and writes them coalesced, newline-delimited, into as few WebSocket
// messages as MaxBatchBytes allows, each under the write deadline.
func (c *conn) writeLoop(done chan<- struct{}) {
	defer close(done)
	var batch [][]byte
	var buf []byte
	for {
		select {
		case <-c.closing:
			c.closeHandshake()
			return
		case <-c.q.notify:
		}
		batch = c.q.take(batch)
		for i := 0; i < len(batch); {
			msg := batch[i]
			i++
			if i < len(batch) && len(msg)+1+len(batch[i]) <= c.h.cfg.MaxBatchBytes {
				buf = append(buf[:0], msg...)
				for ; i < len(batch) && len(buf)+1+len(batch[i]) <= c.h.cfg.MaxBatchBytes; i++ {
					buf = append(buf, '\n')
					buf = append(buf, batch[i]...)
				}
				msg = buf
			}
			if err := c.write(msg); err != nil {
				c.log.Debug().Err(err).Msg("write failed")
				c.closeWith(websocket.StatusInternalError, "write failed")
				_ = c.ws.CloseNow()
				return
			}
		}
		batch = recycle(batch)
		if cap(buf) > c.h.cfg.MaxBatchBytes {
			buf = nil
		}
	}
}

func (c *conn) write(msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.h.cfg.WriteTimeout)
	defer cancel()
	c.h.m.writes.Inc()
	return c.ws.Write(ctx, websocket.MessageText, msg)
}

// closeHandshake sends the close frame and waits for the answer;
// coder/websocket bounds both (5 s each) and then closes the socket, which
// also ends the reader.
func (c *conn) closeHandshake() {
	_ = c.ws.Close(c.closeCode, c.closeReason)
}

// schedulePing arms the keepalive: every PingInterval a short-lived
// goroutine sends a WebSocket ping and closes the connection when no pong
// arrives within PingTimeout.
func (c *conn) schedulePing() {
	c.pingTimer = time.AfterFunc(c.h.cfg.PingInterval, c.ping)
}

func (c *conn) ping() {
	select {
	case <-c.closing:
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.h.cfg.PingTimeout)
	defer cancel()
	if err := c.ws.Ping(ctx); err != nil {
		c.log.Debug().Err(err).Msg("ping failed")
		c.closeWith(websocket.StatusPolicyViolation, "ping timeout")
		_ = c.ws.CloseNow()
		return
	}
	c.pingTimer.Reset(c.h.cfg.PingInterval)
}

// readLoop reads and handles commands until the connection ends.
func (c *conn) readLoop(ctx context.Context) {
	for {
		typ, msg, err := c.ws.Read(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				c.log.Debug().Err(err).Msg("read ended")
			}
			return
		}
		if typ != websocket.MessageText {
			c.closeWith(websocket.StatusUnsupportedData, "binary messages are not supported")
			return
		}
		if !utf8.Valid(msg) {
			c.closeWith(websocket.StatusInvalidFramePayloadData, "invalid UTF-8")
			return
		}
		cmds, ferr := DecodeCommands(msg, c.h.cfg.MaxCommands)
		if ferr != nil {
			c.sendError(0, ferr.Code, ferr.Message)
			continue
		}
		for i := range cmds {
			if !c.bucket.allow(time.Now()) {
				c.h.m.rateLimited.Inc()
				c.rejected++
				if c.rejected >= c.h.cfg.RateAbuseLimit {
					c.closeWith(websocket.StatusPolicyViolation, "rate limit exceeded")
					return
				}
				c.sendError(cmds[i].ID, CodeRateLimited, "Too many commands; slow down.")
				continue
			}
			c.rejected = 0
			c.handle(ctx, &cmds[i])
		}
	}
}

func (c *conn) sendError(id uint64, code, message string) {
	c.enqueue(marshalFrame(ErrorFrame{Type: FrameError, ID: id, Code: code, Message: message}))
}

func (c *conn) sendErr(id uint64, err error) {
	code, msg := c.h.errorInfo(err)
	c.sendError(id, code, msg)
}

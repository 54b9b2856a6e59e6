package hub

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// Handler returns an http.Handler for the WebSocket endpoint that
// authenticates each upgrade request with authn (session cookie or bearer
// token, decided by the caller). An authn error answers 401 (or the error's
// code mapped by Hooks.ErrorInfo to 403/503) before any upgrade.
func (h *Hub) Handler(authn func(*http.Request) (Identity, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := authn(r)
		if err != nil {
			code, msg := h.errorInfo(err)
			status := http.StatusUnauthorized
			switch code {
			case CodeForbidden:
				status = http.StatusForbidden
			case CodeUnavailable:
				status = http.StatusServiceUnavailable
			case CodeInternal:
				status = http.StatusInternalServerError
			}
			if status == http.StatusUnauthorized {
				code = "unauthorized"
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "code": code, "title": msg})
			return
		}
		h.ServeWS(w, r, id)
	})
}

// ServeWS upgrades an already authenticated request to a WebSocket
// connection for id and returns; the connection is served by goroutines of
// its own until it ends (Shutdown waits for them). Cross-site upgrades are
// refused (403) unless the Origin matches Config.OriginPatterns. Upgrades
// are paced by Config.AdmitRate: one may wait for its turn, and one whose
// turn is too far away gets 503 with Retry-After.
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, id Identity) {
	if h.isClosed() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if retry, ok := h.admit(r.Context()); !ok {
		if r.Context().Err() == nil {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retry.Seconds())))))
			http.Error(w, "too many connections at once; try again shortly", http.StatusServiceUnavailable)
		}
		return
	}
	if h.isClosed() { // closed while waiting
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	hj := &smallBufHijacker{ResponseWriter: w, bufs: &h.corkBufs}
	pong := &pongWait{}
	ws, err := websocket.Accept(hj, r, &websocket.AcceptOptions{
		Subprotocols:    []string{Subprotocol},
		OriginPatterns:  h.cfg.OriginPatterns,
		CompressionMode: websocket.CompressionDisabled,
		OnPongReceived:  func(_ context.Context, payload []byte) { pong.got(payload) },
	})
	if err != nil {
		h.log.Debug().Err(err).Msg("websocket upgrade refused")
		return // Accept has written the HTTP error
	}
	ws.SetReadLimit(h.cfg.ReadLimit)
	c := h.newConn(ws, id)
	c.raw = hj.cork
	c.pong = pong

	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		_ = ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	h.conns[c] = struct{}{}
	h.wg.Add(1)
	h.mu.Unlock()
	h.m.connections.Inc()
	h.m.connects.Inc()

	// The read context is never cancelled while reading: with coder/websocket
	// a cancelled read context closes the connection. Closing goes through
	// closeWith and the writer's close handshake, which ends the read. It is
	// a fresh context, not the request's: hooks get who is connected from
	// the Identity, and holding net/http's request contexts would cost about
	// 1 KiB per idle connection.
	c.sendHello()
	go c.serve(context.Background())
}

// isClosed reports whether Shutdown has started.
func (h *Hub) isClosed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.closed
}

// sendHello sends the hello frame, the connection's first. On a TCP
// connection it writes it at once, from the upgrade's goroutine, with the
// 101 response the hijacker held back (one system call for both; no writer
// is running yet, and one started by a close meanwhile is serialized by the
// corkWriter); otherwise it queues it.
func (c *conn) sendHello() {
	h := c.h
	rate, burst := c.rateLimits()
	frame := marshalFrame(HelloFrame{
		Type: FrameHello, Version: ProtocolVersion, Time: time.Now().UTC(), Node: h.cfg.NodeID, Client: c.id,
		PingIntervalMS: h.cfg.PingInterval.Milliseconds(),
		Limits: HelloLimits{MaxMessageBytes: h.cfg.ReadLimit, MaxCommands: h.cfg.MaxCommands,
			MaxSubscriptions: h.cfg.MaxSubscriptions, RatePerSecond: rate, RateBurst: burst},
	})
	if c.raw == nil {
		c.enqueue(frame)
		return
	}
	msg := append(appendTextHeader(make([]byte, 0, len(frame)+10), len(frame)), frame...)
	if err := c.write(msg); err != nil && !c.closed.Load() {
		c.debug().Err(err).Msg("hello not written")
		c.closeWith(websocket.StatusInternalError, "write failed")
		_ = c.ws.CloseNow()
	}
}

// serve runs the connection: the reader in this goroutine (a fresh one, so
// the HTTP handler's goroutine, its deeper stack and net/http's
// per-request state are released right after the upgrade), the writer on
// demand.
func (c *conn) serve(ctx context.Context) {
	c.schedulePing()
	c.readLoop(ctx)
	c.finish()
}

// finish tears the connection down once its reader has ended.
func (c *conn) finish() {
	h := c.h
	defer h.wg.Done()
	c.closeWith(websocket.StatusNormalClosure, "")
	close(c.readerDone)       // made by closeWith
	c.pingTimer.Load().Stop() // set before the reader started
	<-c.writerDone
	_ = c.ws.CloseNow()
	c.dropAll()
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	h.m.connections.Dec()
}

package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// topicStripes is the number of locks that serialize broker
// subscribe/unsubscribe calls per topic name.
const topicStripes = 64

// Hub fans publications out to WebSocket connections. Create it with New,
// mount Handler (or call ServeWS), and stop it with Shutdown.
type Hub struct {
	cfg    Config
	hooks  atomic.Pointer[Hooks] // Config.Hooks, or what SetHooks installed
	broker Broker
	log    zerolog.Logger
	m      *metrics
	seed   maphash.Seed

	// stripes serialize acquireTopic/releaseTopic for topic names hashing to
	// the same stripe, so broker Subscribe and Unsubscribe never race.
	stripes [topicStripes]sync.Mutex

	mu      sync.RWMutex // guards topics, conns, closed
	topics  map[string]*topic
	conns   map[*conn]struct{}
	closed  bool
	closing chan struct{} // closed when closed is set: releases upgrades waiting for admission

	batchBufs sync.Pool // *[]byte buffers for coalescing frames (see conn.writeBatch)
	corkBufs  sync.Pool // *[]byte buffers of corkCopyMax bytes (see corkWriter)

	rechecks  recheckQueue // access re-checks waiting for recheckLoop
	admission *admission   // paces new connections (Config.AdmitRate)

	ctx    context.Context // hub lifetime (background loops)
	cancel context.CancelFunc
	wg     sync.WaitGroup // background loops and connections
}

var _ BrokerHandler = (*Hub)(nil)

// New returns a Hub over broker (NewMemoryBroker for one node) and starts
// the broker's delivery. Metrics are registered on reg (a private registry
// when nil). The broker stays owned by the caller: close it after Shutdown.
func New(cfg Config, broker Broker, log zerolog.Logger, reg prometheus.Registerer) (*Hub, error) {
	cfg = cfg.WithDefaults()
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		cfg:     cfg,
		broker:  broker,
		log:     log.With().Str("component", "hub").Str("node", cfg.NodeID).Logger(),
		m:       m,
		seed:    maphash.MakeSeed(),
		topics:  make(map[string]*topic),
		conns:   make(map[*conn]struct{}),
		closing: make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
	}
	h.admission = newAdmission(cfg)
	h.hooks.Store(&cfg.Hooks)
	h.rechecks.init()
	if err := broker.Start(ctx, h); err != nil {
		cancel()
		return nil, fmt.Errorf("hub: start broker: %w", err)
	}
	h.batchBufs.New = func() any {
		b := make([]byte, 0, batchBufInitial)
		return &b
	}
	h.corkBufs.New = func() any {
		b := make([]byte, 0, corkCopyMax)
		return &b
	}
	h.wg.Add(3)
	go h.presenceLoop()
	go h.writeWatchdog()
	go h.recheckLoop()
	return h, nil
}

// batchBufInitial is the initial capacity (bytes) of a pooled coalescing buffer.
const batchBufInitial = 4 << 10

func (h *Hub) getBatchBuf() *[]byte { return h.batchBufs.Get().(*[]byte) }

func (h *Hub) putBatchBuf(b *[]byte) {
	if cap(*b) <= h.cfg.MaxBatchBytes {
		*b = (*b)[:0]
		h.batchBufs.Put(b)
	}
}

// Bounds of the write watchdog's period (a quarter of WriteTimeout): a
// write is abandoned between WriteTimeout and WriteTimeout plus the period.
const (
	minWriteCheckPeriod = 10 * time.Millisecond
	maxWriteCheckPeriod = time.Second
)

// writeWatchdog enforces WriteTimeout for every connection with one ticker:
// a connection whose current write began more than WriteTimeout ago gets
// its socket closed, which makes the blocked write fail (the writer then
// closes the connection as after any failed write). This replaces a timer
// (and, in coder/websocket, a context.AfterFunc) per write.
func (h *Hub) writeWatchdog() {
	defer h.wg.Done()
	period := min(max(h.cfg.WriteTimeout/4, minWriteCheckPeriod), maxWriteCheckPeriod)
	tick := time.NewTicker(period)
	defer tick.Stop()
	var overdue []*conn
	for {
		select {
		case <-h.ctx.Done():
			return
		case now := <-tick.C:
			limit := now.Add(-h.cfg.WriteTimeout).UnixNano()
			overdue = overdue[:0]
			h.mu.RLock()
			for c := range h.conns {
				if c.writeOverdue(limit) {
					overdue = append(overdue, c)
				}
			}
			h.mu.RUnlock()
			for _, c := range overdue {
				c.debug().Dur("timeout", h.cfg.WriteTimeout).Msg("write timed out")
				_ = c.ws.CloseNow()
			}
			clear(overdue)
		}
	}
}

// Config returns the effective configuration (defaults filled in).
func (h *Hub) Config() Config { return h.cfg }

func (h *Hub) brokerCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, h.cfg.BrokerTimeout)
}

// Publish publishes data (any JSON value) on topic from the server side,
// e.g. a notification on "user:42", and returns its position. It answers
// within Config.PublishTimeout: when the broker cannot confirm the
// publication by then, the error wraps ErrUnavailable and the publication
// is not made later (see Broker.Publish for the one exception).
func (h *Hub) Publish(ctx context.Context, topic string, data json.RawMessage) (Position, error) {
	return h.PublishWith(ctx, topic, data, PublishOptions{})
}

// PublishWith is Publish with options (an idempotency key).
func (h *Hub) PublishWith(ctx context.Context, topic string, data json.RawMessage, opts PublishOptions) (Position, error) {
	if !ValidTopic(topic) {
		return Position{}, Errorf(CodeInvalid, "invalid topic %q", topic)
	}
	var buf bytes.Buffer
	buf.Grow(len(data))
	if err := json.Compact(&buf, data); err != nil {
		return Position{}, Errorf(CodeInvalid, "data is not valid JSON")
	}
	if opts.IdempotencyKey != "" && opts.IdempotencyTTL <= 0 {
		opts.IdempotencyTTL = h.cfg.IdempotencyTTL
	}
	bctx, cancel := context.WithTimeout(ctx, h.cfg.PublishTimeout)
	defer cancel()
	pos, err := h.broker.Publish(bctx, topic, buf.Bytes(), opts)
	if err != nil {
		h.m.brokerErrors.WithLabelValues("publish").Inc()
		if ctx.Err() == nil { // the broker failed or ran out of PublishTimeout, not the caller
			err = wrapUnavailable(err)
		}
		return Position{}, fmt.Errorf("hub: publish on %s: %w", topic, err)
	}
	h.m.publicationsIn.Inc()
	return pos, nil
}

// stripe returns the lock serializing broker (un)subscription of name.
func (h *Hub) stripe(name string) *sync.Mutex {
	return &h.stripes[maphash.String(h.seed, name)%topicStripes]
}

// acquireTopic returns the local topic, subscribing this node on the broker
// when it is the first local subscriber. Pair with releaseTopic.
func (h *Hub) acquireTopic(ctx context.Context, name string) (*topic, error) {
	mu := h.stripe(name)
	mu.Lock()
	defer mu.Unlock()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, Errorf(CodeUnavailable, "the server is shutting down")
	}
	t := h.topics[name]
	if t == nil {
		t = newTopic(name, h.cfg.RecentPublications)
		h.topics[name] = t
	}
	t.refs++
	h.mu.Unlock()
	if t.brokerSubscribed {
		return t, nil
	}
	bctx, cancel := h.brokerCtx(ctx)
	defer cancel()
	if err := h.broker.Subscribe(bctx, name); err != nil {
		h.m.brokerErrors.WithLabelValues("subscribe").Inc()
		h.mu.Lock()
		t.refs--
		if t.refs == 0 {
			delete(h.topics, name)
		}
		h.mu.Unlock()
		return nil, fmt.Errorf("hub: broker subscribe %s: %w", name, err)
	}
	t.brokerSubscribed = true
	return t, nil
}

// releaseTopic drops one reference; the last one unsubscribes the node.
func (h *Hub) releaseTopic(t *topic) {
	mu := h.stripe(t.name)
	mu.Lock()
	defer mu.Unlock()
	h.mu.Lock()
	t.refs--
	last := t.refs == 0
	if last {
		delete(h.topics, t.name)
	}
	h.mu.Unlock()
	if !last || !t.brokerSubscribed {
		return
	}
	t.brokerSubscribed = false
	ctx, cancel := h.brokerCtx(context.Background())
	defer cancel()
	if err := h.broker.Unsubscribe(ctx, t.name); err != nil {
		h.m.brokerErrors.WithLabelValues("unsubscribe").Inc()
		h.log.Warn().Err(err).Str("topic", t.name).Msg("broker unsubscribe failed")
	}
}

func (h *Hub) lookup(name string) *topic {
	h.mu.RLock()
	t := h.topics[name]
	h.mu.RUnlock()
	return t
}

// HandlePublication implements BrokerHandler: it encodes the push frame once
// and queues the same bytes to every local subscriber of the topic.
func (h *Hub) HandlePublication(name string, pub Publication) {
	t := h.lookup(name)
	if t == nil {
		return
	}
	now := time.Now()
	kicked, n := t.deliver(pub, now)
	if n > 0 {
		h.m.publicationsOut.Add(float64(n))
		h.admission.delivered(now)
	}
	if len(kicked) > 0 {
		h.m.insufficientState.Inc()
		h.log.Warn().Str("topic", name).Str("epoch", pub.Epoch).Uint64("offset", pub.Offset).
			Int("subscribers", len(kicked)).Msg("topic lost continuity; subscribers must resubscribe")
		go h.dropSubscriptions(kicked)
	}
}

// HandleJoin implements BrokerHandler.
func (h *Hub) HandleJoin(name string, info ClientInfo) { h.presenceEvent(name, FrameJoin, info) }

// HandleLeave implements BrokerHandler.
func (h *Hub) HandleLeave(name string, info ClientInfo) { h.presenceEvent(name, FrameLeave, info) }

func (h *Hub) presenceEvent(name, typ string, info ClientInfo) {
	t := h.lookup(name)
	if t == nil {
		return
	}
	frame := marshalFrame(PresenceFrame{Type: typ, Topic: name, Client: info.ClientID,
		User: PresenceUser{ID: info.UserID, Name: info.Name}})
	t.deliverPresence(frame, info.ClientID)
}

// Control operations carried by Broker.PublishControl.
const (
	opDisconnect = "disconnect" // close matching connections
	opRecheck    = "recheck"    // re-check matching subscriptions (see Recheck)
	opApp        = "app"        // an application message for Hooks.Control (see SendControl)
)

// controlMessage is a node-wide command carried by Broker.PublishControl.
type controlMessage struct {
	Op        string          `json:"op"`
	UserID    string          `json:"user,omitempty"`
	SessionID string          `json:"session,omitempty"`
	Scope     string          `json:"scope,omitempty"`
	Code      int             `json:"code,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// HandleControl implements BrokerHandler.
func (h *Hub) HandleControl(data []byte) {
	var msg controlMessage
	if err := json.Unmarshal(data, &msg); err != nil {
		h.log.Warn().Bytes("data", data).Msg("ignoring unreadable control message")
		return
	}
	switch msg.Op {
	case opDisconnect, opRecheck:
		h.invalidated(msg.UserID, msg.SessionID, msg.Scope)
	}
	switch msg.Op {
	case opDisconnect:
		h.closeSession(msg.UserID, msg.SessionID, websocket.StatusCode(msg.Code), msg.Reason)
	case opRecheck:
		h.rechecks.add(recheckKey{userID: msg.UserID, scope: msg.Scope})
	case opApp:
		if f := h.hookSet().Control; f != nil {
			f(msg.Data)
		}
	default:
		h.log.Warn().Bytes("data", data).Msg("ignoring unknown control message")
	}
}

// SendControl delivers data (JSON) to Hooks.Control on every node, this
// one included, e.g. to route a request to the node that owns something.
// Control messages are not stored: a node that is down misses them.
func (h *Hub) SendControl(ctx context.Context, data json.RawMessage) error {
	msg, err := json.Marshal(controlMessage{Op: opApp, Data: data})
	if err != nil {
		return Errorf(CodeInvalid, "control data is not valid JSON")
	}
	bctx, cancel := h.brokerCtx(ctx)
	defer cancel()
	if err := h.broker.PublishControl(bctx, msg); err != nil {
		h.m.brokerErrors.WithLabelValues("control").Inc()
		return fmt.Errorf("hub: send control: %w", wrapUnavailable(err))
	}
	return nil
}

// invalidated tells Hooks.Invalidated (see there).
func (h *Hub) invalidated(userID, sessionID, scope string) {
	if f := h.hookSet().Invalidated; f != nil {
		f(userID, sessionID, scope)
	}
}

// closeSession closes this node's connections of userID opened with
// sessionID (an empty id matches any).
func (h *Hub) closeSession(userID, sessionID string, code websocket.StatusCode, reason string) {
	h.CloseWhere(func(id Identity) bool {
		return (userID == "" || id.UserID == userID) && (sessionID == "" || id.SessionID == sessionID)
	}, code, reason)
}

// Disconnect closes, on every node, the connections of userID (all of them
// when sessionID is "", else only those opened with that session), e.g.
// CloseRevoked when a session is revoked. At least one of the ids must be set.
func (h *Hub) Disconnect(ctx context.Context, userID, sessionID string, code websocket.StatusCode, reason string) error {
	if userID == "" && sessionID == "" {
		return errors.New("hub: disconnect needs a user or a session id")
	}
	h.invalidated(userID, sessionID, "")
	data, _ := json.Marshal(controlMessage{Op: opDisconnect, UserID: userID, SessionID: sessionID, Code: int(code), Reason: reason})
	bctx, cancel := h.brokerCtx(ctx)
	defer cancel()
	if err := h.broker.PublishControl(bctx, data); err != nil {
		h.m.brokerErrors.WithLabelValues("control").Inc()
		// Still close what is local, so a revoked session loses this node at least.
		h.closeSession(userID, sessionID, code, reason)
		return fmt.Errorf("hub: disconnect: %w", err)
	}
	return nil
}

// CloseWhere closes this node's connections whose identity matches, with
// the given close code and reason, and returns how many it closed.
func (h *Hub) CloseWhere(match func(Identity) bool, code websocket.StatusCode, reason string) int {
	h.mu.RLock()
	var list []*conn
	for c := range h.conns {
		if match(c.ident) {
			list = append(list, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range list {
		c.closeWith(code, reason)
	}
	return len(list)
}

// Shutdown closes every connection with 1001 (going away), refuses new
// ones, and waits for them (and the hub's loops) to end or ctx to expire.
// Connections are closed at Config.ShutdownCloseRate per second (faster when
// that would take more than half of ctx's remaining time), and keep
// receiving until theirs is closed: see closeGradually.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		close(h.closing)
	}
	h.closed = true
	list := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		list = append(list, c)
	}
	h.mu.Unlock()
	h.closeGradually(ctx, list)
	h.cancel()
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("hub: shutdown: %w", ctx.Err())
	}
}

// shutdownCloseTick is the period of closeGradually's batches.
const shutdownCloseTick = 50 * time.Millisecond

// closeGradually closes list with 1001 in batches every shutdownCloseTick,
// at ShutdownCloseRate connections per second, raised so that it ends
// within half of ctx's remaining time (the rest is for the close
// handshakes). Clients reconnect within their first back-off window
// (0.25–0.5 s, docs/protocol.md) of their close: closing 10,000 at once sends
// them all to the other nodes within a quarter of a second, each upgrade and
// resubscribe with its database reads; spread this way, the other nodes
// take them at the close rate. A node with fewer than rate × tick
// connections closes them all at once.
func (h *Hub) closeGradually(ctx context.Context, list []*conn) {
	remaining, hasDeadline := time.Duration(0), false
	if dl, ok := ctx.Deadline(); ok {
		remaining, hasDeadline = time.Until(dl), true
	}
	per := closeBatch(len(list), h.cfg.ShutdownCloseRate, remaining, hasDeadline)
	t := time.NewTicker(shutdownCloseTick)
	defer t.Stop()
	for len(list) > 0 {
		n := min(per, len(list))
		for _, c := range list[:n] {
			c.closeWith(websocket.StatusGoingAway, "server shutting down")
		}
		list = list[n:]
		if len(list) == 0 {
			return
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			per = len(list) // out of time: the rest at once
		}
	}
}

// closeBatch is how many of n connections closeGradually closes per tick:
// rate per second, raised to end within half of the remaining time when
// there is a deadline (all at once when that is no more than a tick).
func closeBatch(n int, rate float64, remaining time.Duration, hasDeadline bool) int {
	if hasDeadline {
		half := remaining / 2
		if half <= shutdownCloseTick {
			return max(n, 1)
		}
		rate = max(rate, float64(n)/half.Seconds())
	}
	return max(1, int(math.Ceil(rate*shutdownCloseTick.Seconds())))
}

// presenceLoop refreshes this node's presence entries every PresenceTTL/3
// so brokers with expiry keep them, and lets the broker expire dead nodes'.
func (h *Hub) presenceLoop() {
	defer h.wg.Done()
	tick := time.NewTicker(h.cfg.PresenceTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-tick.C:
		}
		h.mu.RLock()
		list := make([]*topic, 0, len(h.topics))
		for _, t := range h.topics {
			list = append(list, t)
		}
		h.mu.RUnlock()
		for _, t := range list {
			infos := t.presenceInfos(h.cfg.NodeID)
			if len(infos) == 0 {
				continue
			}
			ctx, cancel := h.brokerCtx(h.ctx)
			if err := h.broker.RefreshPresence(ctx, t.name, infos); err != nil {
				h.m.brokerErrors.WithLabelValues("presence").Inc()
				h.log.Debug().Err(err).Str("topic", t.name).Msg("presence refresh failed")
			}
			cancel()
		}
	}
}

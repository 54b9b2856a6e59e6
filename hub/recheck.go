package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Access re-checks.
const (
	// recheckTimeout bounds one CanSubscribe call made by a re-check.
	recheckTimeout = 5 * time.Second
	// recheckParallel is how many CanSubscribe calls one node's re-checks
	// run at once (they usually read the database).
	recheckParallel = 8
)

// CodeUnauthorized is the hook error code for a connection whose user may
// no longer use the service at all (disabled, deleted): a re-check that gets
// it closes the whole connection with CloseRevoked.
const CodeUnauthorized = "unauthorized"

// recheckKey selects subscriptions to re-check: those of one user ("" for
// every user) in one scope ("" for every scope).
type recheckKey struct {
	userID, scope string
}

// recheckQueue holds the re-checks this node still has to run, coalesced:
// the same key asked twice before it runs runs once.
type recheckQueue struct {
	mu      sync.Mutex // guards pending
	pending map[recheckKey]struct{}
	wake    chan struct{} // capacity 1: a re-check is pending
	// gen counts re-checks received. A subscribe reads it before asking
	// CanSubscribe; if it moved by the time the subscription is in place,
	// a re-check may have missed it, so it is re-checked once more.
	gen atomic.Uint64
}

func (q *recheckQueue) init() {
	q.pending = make(map[recheckKey]struct{})
	q.wake = make(chan struct{}, 1)
}

func (q *recheckQueue) add(k recheckKey) {
	q.gen.Add(1)
	q.mu.Lock()
	q.pending[k] = struct{}{}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *recheckQueue) take() []recheckKey {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]recheckKey, 0, len(q.pending))
	for k := range q.pending {
		out = append(out, k)
	}
	clear(q.pending)
	return out
}

// Recheck asks every node to run CanSubscribe again for the subscriptions
// of userID ("" for every user) whose SubscribeOptions.Scope is scope (""
// for every scope), because access there changed (a member removed or
// demoted, a group changed, a course hidden). A subscription the hook now
// refuses ends at once: the client gets an "unsubscribed" frame with the
// hook's code (not_found, forbidden, ...) and must not resubscribe blindly;
// when the code is "unauthorized" the whole connection closes with
// CloseRevoked. When the hook fails (internal or unavailable) the
// subscription ends with insufficient_state, so the client resubscribes
// and is checked again.
//
// When the broker cannot carry the request, this node still re-checks its
// own connections and the error is returned (the caller retries).
func (h *Hub) Recheck(ctx context.Context, userID, scope string) error {
	h.invalidated(userID, "", scope)
	data, _ := json.Marshal(controlMessage{Op: opRecheck, UserID: userID, Scope: scope})
	bctx, cancel := h.brokerCtx(ctx)
	defer cancel()
	if err := h.broker.PublishControl(bctx, data); err != nil {
		h.m.brokerErrors.WithLabelValues("control").Inc()
		h.rechecks.add(recheckKey{userID: userID, scope: scope})
		return fmt.Errorf("hub: recheck: %w", err)
	}
	return nil
}

// recheckLoop runs the queued re-checks until the hub stops.
func (h *Hub) recheckLoop() {
	defer h.wg.Done()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-h.rechecks.wake:
		}
		for _, k := range h.rechecks.take() {
			h.recheck(k)
		}
	}
}

// recheck re-runs CanSubscribe for this node's subscriptions matching k
// and ends those it refuses.
func (h *Hub) recheck(k recheckKey) {
	h.mu.RLock()
	var conns []*conn
	for c := range h.conns {
		if k.userID == "" || c.ident.UserID == k.userID {
			conns = append(conns, c)
		}
	}
	h.mu.RUnlock()
	sem := make(chan struct{}, recheckParallel)
	var wg sync.WaitGroup
	for _, c := range conns {
		c.mu.Lock()
		var subs []*subscription
		for _, s := range c.subs {
			if k.scope == "" || s.scope == k.scope {
				subs = append(subs, s)
			}
		}
		c.mu.Unlock()
		for _, s := range subs {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				h.recheckOne(c, s)
			}()
		}
	}
	wg.Wait()
}

// recheckOne asks CanSubscribe about one existing subscription.
func (h *Hub) recheckOne(c *conn, s *subscription) {
	can := h.hookSet().CanSubscribe
	if can == nil {
		return
	}
	ctx, cancel := context.WithTimeout(h.ctx, recheckTimeout)
	defer cancel()
	_, err := can(ctx, c.ident, s.t.name)
	if err == nil {
		return
	}
	code, msg := h.errorInfo(err)
	switch code {
	case CodeUnauthorized:
		h.m.accessRevoked.Inc()
		c.closeWith(CloseRevoked, "access lost")
	case CodeInternal, CodeUnavailable:
		c.endSubscription(s, CodeInsufficientState, "Your access could not be checked; subscribe again.")
	default:
		if c.endSubscription(s, code, msg) {
			h.m.accessRevoked.Inc()
		}
	}
}

// endSubscription removes s (no push follows) and tells the client why. It
// reports false when s was gone already.
func (c *conn) endSubscription(s *subscription, code, message string) bool {
	if !c.dropSubscription(s, false) {
		return false
	}
	c.enqueue(marshalFrame(UnsubscribedFrame{Type: FrameUnsubscribed, Topic: s.t.name, Code: code, Message: message}))
	return true
}

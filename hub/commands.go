package hub

import (
	"context"
	"sort"
)

// handle runs one decoded command in the reader goroutine.
func (c *conn) handle(ctx context.Context, cmd *Command) {
	if cmd.Err != nil {
		c.sendError(cmd.ID, cmd.Err.Code, cmd.Err.Message)
		return
	}
	switch cmd.Type {
	case CmdSubscribe:
		c.subscribe(ctx, cmd)
	case CmdUnsubscribe:
		c.unsubscribe(ctx, cmd)
	case CmdPublish:
		c.publish(ctx, cmd)
	case CmdPresence:
		c.presence(ctx, cmd)
	case CmdPing:
		c.enqueue(marshalFrame(AckFrame{Type: FrameAck, ID: cmd.ID}))
	}
}

func (c *conn) subscribe(ctx context.Context, cmd *Command) {
	h := c.h
	can := h.hookSet().CanSubscribe
	if can == nil {
		c.sendError(cmd.ID, CodeForbidden, "Subscriptions are not allowed.")
		return
	}
	gen := h.rechecks.gen.Load()
	opts, err := can(ctx, c.ident, cmd.Topic)
	if err != nil {
		c.sendErr(cmd.ID, err)
		return
	}
	c.mu.Lock()
	old, dup := c.subs[cmd.Topic]
	c.mu.Unlock()
	if dup && old.kicked.Load() {
		// The server ended it (insufficient state) and the client resubscribes
		// before the asynchronous clean-up ran: finish that clean-up now.
		c.dropSubscription(old, true)
		dup = false
	}
	c.mu.Lock()
	n := len(c.subs)
	c.mu.Unlock()
	switch {
	case dup:
		c.sendError(cmd.ID, CodeInvalid, "Already subscribed to this topic.")
		return
	case n >= h.cfg.MaxSubscriptions:
		c.sendError(cmd.ID, CodeLimitExceeded, "Too many subscriptions on this connection.")
		return
	}
	// One deadline for every broker call of the command, so a client hears
	// back within BrokerTimeout even while the broker is unreachable.
	bctx, cancel := h.brokerCtx(ctx)
	defer cancel()
	t, err := h.acquireTopic(bctx, cmd.Topic)
	if err != nil {
		c.sendErr(cmd.ID, wrapUnavailable(err))
		return
	}
	s := &subscription{c: c, t: t, presence: opts.Presence && !cmd.Quiet, scope: opts.Scope}
	t.add(s) // buffers live publications until activate
	c.mu.Lock()
	if c.subs == nil {
		c.subs = make(map[string]*subscription, 1)
	}
	c.subs[cmd.Topic] = s
	c.mu.Unlock()
	h.m.subscriptions.Inc()

	fail := func(err error) {
		// Answer first: the clean-up calls the broker too, which may be down.
		c.sendErr(cmd.ID, wrapUnavailable(err))
		c.dropSubscription(s, false)
	}
	var users []PresenceUser
	if s.presence {
		if err := h.broker.AddPresence(bctx, cmd.Topic, c.clientInfo(h.cfg.NodeID)); err != nil {
			h.m.brokerErrors.WithLabelValues("presence").Inc()
			fail(err)
			return
		}
		infos, err := h.broker.Presence(bctx, cmd.Topic)
		if err != nil {
			h.m.brokerErrors.WithLabelValues("presence").Inc()
			fail(err)
			return
		}
		users = aggregatePresence(infos)
	}
	ack := func(top Position, recovered bool) []byte {
		a := AckFrame{Type: FrameAck, ID: cmd.ID, Topic: cmd.Topic, Epoch: top.Epoch, Offset: &top.Offset, Presence: users}
		if cmd.Since != nil {
			a.Recovered = &recovered
		}
		return marshalFrame(a)
	}
	recovered, ok := t.activateRecent(s, cmd.Since, h.cfg.HistoryTTL, ack)
	if !ok {
		res, err := h.broker.History(bctx, cmd.Topic, HistoryOptions{Since: cmd.Since, Limit: h.cfg.HistorySize})
		if err != nil {
			h.m.brokerErrors.WithLabelValues("history").Inc()
			fail(err)
			return
		}
		recovered, ok = t.activate(s, res, cmd.Since, func(recovered bool) []byte { return ack(res.Top, recovered) })
		if !ok {
			c.dropSubscription(s, false)
			c.sendError(cmd.ID, CodeInsufficientState, "The topic's stream changed while subscribing; subscribe again.")
			return
		}
	}
	if h.rechecks.gen.Load() != gen {
		// Access changed somewhere while this was decided: a re-check that
		// ran meanwhile may have missed the new subscription.
		h.rechecks.add(recheckKey{userID: c.ident.UserID, scope: s.scope})
	}
	if cmd.Since != nil {
		result := "failure"
		if recovered {
			result = "success"
		}
		h.m.recoveries.WithLabelValues(result).Inc()
	}
}

func (c *conn) unsubscribe(_ context.Context, cmd *Command) {
	c.mu.Lock()
	s := c.subs[cmd.Topic]
	c.mu.Unlock()
	if s == nil {
		c.sendError(cmd.ID, CodeNotSubscribed, "Not subscribed to this topic.")
		return
	}
	c.dropSubscription(s, false)
	c.enqueue(marshalFrame(AckFrame{Type: FrameAck, ID: cmd.ID, Topic: cmd.Topic}))
}

// dropSubscription removes s from its topic and the connection, removes its
// presence entry and releases the topic; it reports false when s was not the
// connection's subscription any more. removedFromTopic is true when the
// topic already removed it (kicked for insufficient state).
func (c *conn) dropSubscription(s *subscription, removedFromTopic bool) bool {
	c.mu.Lock()
	if c.subs[s.t.name] != s {
		c.mu.Unlock()
		return false
	}
	delete(c.subs, s.t.name)
	c.mu.Unlock()
	if !removedFromTopic {
		s.t.remove(s)
	}
	h := c.h
	h.m.subscriptions.Dec()
	if s.presence {
		ctx, cancel := h.brokerCtx(context.Background())
		if err := h.broker.RemovePresence(ctx, s.t.name, c.clientInfo(h.cfg.NodeID)); err != nil {
			h.m.brokerErrors.WithLabelValues("presence").Inc()
			c.debug().Err(err).Str("topic", s.t.name).Msg("presence remove failed")
		}
		cancel()
	}
	h.releaseTopic(s.t)
	if f := h.hookSet().Unsubscribed; f != nil {
		f(c.ident, s.t.name)
	}
	return true
}

// dropSubscriptions finishes subscriptions a topic kicked out.
func (h *Hub) dropSubscriptions(list []*subscription) {
	for _, s := range list {
		s.c.dropSubscription(s, true)
	}
}

// dropAll removes every subscription of the connection (it is closing).
func (c *conn) dropAll() {
	c.mu.Lock()
	list := make([]*subscription, 0, len(c.subs))
	for _, s := range c.subs {
		list = append(list, s)
	}
	c.mu.Unlock()
	for _, s := range list {
		c.dropSubscription(s, false)
	}
}

func (c *conn) publish(ctx context.Context, cmd *Command) {
	h := c.h
	onPublish := h.hookSet().OnPublish
	if onPublish == nil {
		c.sendError(cmd.ID, CodeForbidden, "Publishing is not allowed.")
		return
	}
	res, err := onPublish(ctx, PublishRequest{Identity: c.ident, Topic: cmd.Topic, Key: cmd.Key, Data: cmd.Data})
	if err != nil {
		c.sendErr(cmd.ID, err)
		return
	}
	ack := AckFrame{Type: FrameAck, ID: cmd.ID, Topic: cmd.Topic, Result: res.Result}
	if p := res.Position; p != nil {
		ack.Epoch, ack.Offset = p.Epoch, &p.Offset
	}
	if data := res.Data; data != nil {
		opts := PublishOptions{}
		if cmd.Key != "" {
			// Keys are scoped by user so one user cannot suppress another's publication.
			opts.IdempotencyKey = c.ident.UserID + "\x00" + cmd.Key
		}
		pos, err := h.PublishWith(ctx, cmd.Topic, data, opts)
		if err != nil {
			c.sendErr(cmd.ID, wrapUnavailable(err))
			return
		}
		ack.Epoch, ack.Offset = pos.Epoch, &pos.Offset
	}
	c.enqueue(marshalFrame(ack))
}

func (c *conn) presence(ctx context.Context, cmd *Command) {
	c.mu.Lock()
	s := c.subs[cmd.Topic]
	c.mu.Unlock()
	if s == nil || !s.presence {
		c.sendError(cmd.ID, CodeNotSubscribed, "Subscribe with presence to this topic first.")
		return
	}
	bctx, cancel := c.h.brokerCtx(ctx)
	defer cancel()
	infos, err := c.h.broker.Presence(bctx, cmd.Topic)
	if err != nil {
		c.h.m.brokerErrors.WithLabelValues("presence").Inc()
		c.sendErr(cmd.ID, wrapUnavailable(err))
		return
	}
	c.enqueue(marshalFrame(AckFrame{Type: FrameAck, ID: cmd.ID, Topic: cmd.Topic, Presence: aggregatePresence(infos)}))
}

// aggregatePresence groups entries by user, counting connections, sorted by user id.
func aggregatePresence(infos []ClientInfo) []PresenceUser {
	idx := make(map[string]int, len(infos))
	out := make([]PresenceUser, 0, len(infos))
	for _, in := range infos {
		if i, ok := idx[in.UserID]; ok {
			out[i].Connections++
			continue
		}
		idx[in.UserID] = len(out)
		out = append(out, PresenceUser{ID: in.UserID, Name: in.Name, Connections: 1})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/rooms"
	"github.com/lyceumhq/lyceum/signaling"
)

// startHub builds the broker (Redis when configured, in-process otherwise)
// and the hub, without hooks yet (the policy that enforces who may do what
// needs the services, which need the relay, which needs the hub: see wire).
// The hub and broker are shut down through n.shutdowns (sockets first,
// then the broker).
func (n *node) startHub() (*hub.Hub, error) {
	cfg := hub.Config{NodeID: n.cfg.NodeID, AdmitRate: n.cfg.WSAdmitRate}.WithDefaults()
	if u, err := url.Parse(n.cfg.PublicURL); err == nil && u.Host != "" {
		cfg.OriginPatterns = []string{u.Host}
	}
	var broker interface {
		hub.Broker
		Close() error
	}
	if n.rdb != nil {
		broker = redisbroker.New(n.rdb, redisbroker.Config{
			Prefix:      n.cfg.RedisPrefix + "hub:",
			NodeID:      n.cfg.NodeID,
			HistorySize: cfg.HistorySize,
			HistoryTTL:  cfg.HistoryTTL,
			PresenceTTL: cfg.PresenceTTL,
		}, n.log.With().Str("component", "redisbroker").Logger())
	} else {
		broker = hub.NewMemoryBroker(hub.MemoryBrokerConfig{HistorySize: cfg.HistorySize, HistoryTTL: cfg.HistoryTTL})
	}
	n.shutdowns = append(n.shutdowns, func(context.Context) { broker.Close() })
	h, err := hub.New(cfg, broker, n.log.With().Str("component", "hub").Logger(), n.reg)
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	n.shutdowns = append(n.shutdowns, func(ctx context.Context) {
		if err := h.Shutdown(ctx); err != nil {
			n.log.Warn().Err(err).Msg("live connections did not close in time")
		}
	})
	return h, nil
}

// startRelay starts the relay that announces stored changes over h (and
// re-announces what other nodes left in the outbox) until shutdown.
func (n *node) startRelay(ctx context.Context, h *hub.Hub) *rooms.Relay {
	relay := rooms.NewRelay(h, n.db, rooms.RelayConfig{}, n.log)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		relay.Run(ctx)
	}()
	n.shutdowns = append(n.shutdowns, func(context.Context) { cancel(); <-done })
	return relay
}

// startVideo starts the live video layer (its SFU on the configured ICE
// settings); it closes before the hub at shutdown.
func (n *node) startVideo(h *hub.Hub, policy *rooms.Policy, live rooms.LiveNotifier) (*rooms.Video, error) {
	v, err := rooms.NewVideo(rooms.VideoParams{Hub: h, Policy: policy, Store: n.db, NodeID: n.cfg.NodeID,
		Signaling: signaling.Config{ICE: n.cfg.Video.ICE, MaxParticipants: n.cfg.Video.MaxParticipants,
			MaxPublishers: n.cfg.Video.MaxPublishers},
		Live: live, Log: n.log.With().Str("component", "video").Logger()})
	if err != nil {
		return nil, fmt.Errorf("live video: %w", err)
	}
	n.shutdowns = append(n.shutdowns, func(ctx context.Context) {
		if err := v.Close(ctx); err != nil {
			n.log.Warn().Err(err).Msg("live video sessions did not close in time")
		}
	})
	return v, nil
}

package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/redisbroker"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/rooms"
)

// startLive builds the broker (Redis when configured, in-process otherwise),
// the hub that enforces the rooms policy over courses, and the live layer,
// and connects pub (the courses' publisher) to the hub. The hub and broker
// are shut down through n.shutdowns (sockets first, then the broker).
func (n *node) startLive(courses *course.Service, pub *rooms.Publisher) (*rooms.Live, error) {
	cfg := hub.Config{NodeID: n.cfg.NodeID}.WithDefaults()
	if u, err := url.Parse(n.cfg.PublicURL); err == nil && u.Host != "" {
		cfg.OriginPatterns = []string{u.Host}
	}
	policy := rooms.NewPolicy(courses, n.db, n.log.With().Str("component", "rooms").Logger())
	cfg.Hooks = policy.Hooks()

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
	pub.SetHub(h)
	n.shutdowns = append(n.shutdowns, func(ctx context.Context) {
		if err := h.Shutdown(ctx); err != nil {
			n.log.Warn().Err(err).Msg("live connections did not close in time")
		}
	})
	return rooms.NewLive(h, n.log.With().Str("component", "rooms").Logger()), nil
}

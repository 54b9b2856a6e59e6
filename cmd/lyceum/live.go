package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

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
	cfg := hub.Config{NodeID: n.cfg.NodeID, AdmitRate: n.cfg.WSAdmitRate}
	if u, err := url.Parse(n.cfg.PublicURL); err == nil && u.Host != "" {
		cfg.OriginPatterns = []string{u.Host}
	}
	h, stop, err := newHub(cfg, n.cfg, n.rdb, n.log, n.reg)
	if err != nil {
		return nil, err
	}
	n.shutdowns = append(n.shutdowns, func(ctx context.Context) {
		if err := stop(ctx); err != nil {
			n.log.Warn().Err(err).Msg("live connections did not close in time")
		}
	})
	return h, nil
}

// newHub builds a hub on the configured broker: Redis's when rdb is set
// (every node, and an operator command announcing a change, share its
// topics and control messages under the configured prefix), an in-process
// one otherwise. stop closes the hub's sockets, then the broker.
func newHub(cfg hub.Config, app *Config, rdb *redis.Client, log zerolog.Logger, reg prometheus.Registerer) (
	h *hub.Hub, stop func(context.Context) error, err error) {
	cfg = cfg.WithDefaults()
	var broker interface {
		hub.Broker
		Close() error
	}
	if rdb != nil {
		broker = redisbroker.New(rdb, redisbroker.Config{
			Prefix:      app.RedisPrefix + "hub:",
			NodeID:      cfg.NodeID,
			HistorySize: cfg.HistorySize,
			HistoryTTL:  cfg.HistoryTTL,
			PresenceTTL: cfg.PresenceTTL,
		}, log.With().Str("component", "redisbroker").Logger())
	} else {
		broker = hub.NewMemoryBroker(hub.MemoryBrokerConfig{HistorySize: cfg.HistorySize, HistoryTTL: cfg.HistoryTTL})
	}
	if h, err = hub.New(cfg, broker, log.With().Str("component", "hub").Logger(), reg); err != nil {
		broker.Close()
		return nil, nil, fmt.Errorf("hub: %w", err)
	}
	return h, func(ctx context.Context) error {
		err := h.Shutdown(ctx)
		broker.Close()
		return err
	}, nil
}

// startRelay starts the relay that announces stored changes over h (and
// re-announces what other nodes left in the outbox) until shutdown.
func (n *node) startRelay(ctx context.Context, h *hub.Hub) *rooms.Relay {
	relay := rooms.NewRelay(h, n.db, rooms.RelayConfig{}, n.log)
	n.background(ctx, relay.Run)
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

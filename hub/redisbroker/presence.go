package redisbroker

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyceumhq/lyceum/hub"
)

// Presence lives in a hash per topic (client id -> entry) and a sorted set
// of expiry times; nodes refresh their entries every PresenceTTL/3 (the
// hub's presence loop), and any node's sweep removes a dead node's entries
// after PresenceTTL, publishing leave events for them.

// AddPresence implements hub.Broker.
func (b *Broker) AddPresence(ctx context.Context, topic string, info hub.ClientInfo) error {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	data, _ := json.Marshal(info)
	expires := time.Now().Add(b.cfg.PresenceTTL).UnixMilli()
	err := presenceAddScript.Run(ctx, b.rdb, []string{b.presKey(topic), b.presExp(topic)},
		info.ClientID, data, expires, (2 * b.cfg.PresenceTTL).Milliseconds(), b.channel(topic)).Err()
	if err != nil {
		return unavailable("presence add", err)
	}
	return nil
}

// RemovePresence implements hub.Broker.
func (b *Broker) RemovePresence(ctx context.Context, topic string, info hub.ClientInfo) error {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	err := presenceRemoveScript.Run(ctx, b.rdb, []string{b.presKey(topic), b.presExp(topic)},
		info.ClientID, b.channel(topic)).Err()
	if err != nil {
		return unavailable("presence remove", err)
	}
	return nil
}

// RefreshPresence implements hub.Broker.
func (b *Broker) RefreshPresence(ctx context.Context, topic string, infos []hub.ClientInfo) error {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	expires := float64(time.Now().Add(b.cfg.PresenceTTL).UnixMilli())
	pipe := b.rdb.Pipeline()
	for _, info := range infos {
		data, _ := json.Marshal(info)
		pipe.HSet(ctx, b.presKey(topic), info.ClientID, data)
		pipe.ZAdd(ctx, b.presExp(topic), redisZ(expires, info.ClientID))
	}
	pipe.PExpire(ctx, b.presKey(topic), 2*b.cfg.PresenceTTL)
	pipe.PExpire(ctx, b.presExp(topic), 2*b.cfg.PresenceTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable("presence refresh", err)
	}
	_, err := b.Presence(ctx, topic) // sweeps dead nodes' entries
	return err
}

// Presence implements hub.Broker.
func (b *Broker) Presence(ctx context.Context, topic string) ([]hub.ClientInfo, error) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	vals, err := presenceSweepScript.Run(ctx, b.rdb, []string{b.presKey(topic), b.presExp(topic)},
		time.Now().UnixMilli(), b.channel(topic)).StringSlice()
	if err != nil {
		return nil, unavailable("presence", err)
	}
	out := make([]hub.ClientInfo, 0, len(vals))
	for _, v := range vals {
		var info hub.ClientInfo
		if json.Unmarshal([]byte(v), &info) == nil {
			out = append(out, info)
		}
	}
	return out, nil
}

func redisZ(score float64, member string) redis.Z { return redis.Z{Score: score, Member: member} }

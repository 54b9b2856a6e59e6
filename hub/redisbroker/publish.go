package redisbroker

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyceumhq/lyceum/hub"
)

// A publish has a short deadline (hub.DefaultPublishTimeout); when it
// passes, the hub answers "unavailable". Three things make that answer
// true, so that a publish the caller gave up on is never made later:
//
//   - The client honours contexts (redis.Options.ContextTimeoutEnabled, see
//     New): otherwise a read waits ReadTimeout (5 s) whatever the deadline,
//     and pool waits and dials are the only calls bounded by the context.
//   - go-redis never retries the publish command (onceCmd). It would retry
//     after a read timeout or a broken connection, when the first attempt
//     may have run: a second publication, or one after the caller gave up.
//   - The script refuses to run after the deadline, read on Redis's clock
//     (see clock), so a request delayed in the network or in a stalled Redis
//     does nothing when it finally arrives. Its deadline is
//     publishReplyMargin before the caller's, leaving the answer time to
//     come back.
//
// One case stays ambiguous, as with any request over a network: Redis ran
// the script but its answer was lost (the connection broke, or it arrived
// after the caller's deadline). The caller hears "unavailable" for a
// publication that exists; a retry with the same idempotency key returns
// it instead of publishing twice.
const publishReplyMargin = 50 * time.Millisecond

// Periods of the measurement of Redis's clock (see clock).
const (
	clockSyncPeriod  = time.Minute
	clockRetryPeriod = time.Second // while Redis does not answer
)

// Publish implements hub.Broker; see above for what its deadline means.
func (b *Broker) Publish(ctx context.Context, topic string, data []byte, opts hub.PublishOptions) (hub.Position, error) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	deadline, _ := ctx.Deadline() // callCtx always sets one
	idemKey, idemTTL := b.metaKey(topic), "0"
	if opts.IdempotencyKey != "" {
		idemKey = b.idemKey(topic, opts.IdempotencyKey)
		ttl := opts.IdempotencyTTL
		if ttl <= 0 {
			ttl = hub.DefaultIdempotencyTTL
		}
		idemTTL = strconv.FormatInt(ttl.Milliseconds(), 10)
	}
	res, err := b.evalOnce(ctx, publishScript, publishSource,
		[]string{b.metaKey(topic), b.streamKey(topic), idemKey},
		data, b.cfg.HistorySize, b.cfg.HistoryTTL.Milliseconds(), b.cfg.MetaTTL.Milliseconds(),
		hub.NewEpoch(), b.channel(topic), time.Now().UnixMilli(), idemTTL,
		b.clock.redisMillis(deadline.Add(-publishReplyMargin))).Slice()
	if err != nil {
		return hub.Position{}, unavailable("publish", err)
	}
	if len(res) != 2 {
		return hub.Position{}, fmt.Errorf("redisbroker: publish: unexpected reply %v", res)
	}
	epoch, _ := res[0].(string)
	off, _ := res[1].(int64)
	return hub.Position{Epoch: epoch, Offset: uint64(off)}, nil
}

// onceCmd is a command go-redis must not retry: a failed attempt may have
// run in Redis.
type onceCmd struct{ *redis.Cmd }

// NoRetry implements redis.Cmder.
func (onceCmd) NoRetry() bool { return true }

// evalOnce runs script (whose source is src) at most once: EVALSHA, then
// EVAL only when Redis answered NOSCRIPT (it does not have the script,
// e.g. after a restart, so nothing ran).
func (b *Broker) evalOnce(ctx context.Context, script *redis.Script, src string, keys []string, args ...any) *redis.Cmd {
	cmd := evalCmd(ctx, "evalsha", script.Hash(), keys, args)
	_ = b.rdb.Process(ctx, onceCmd{cmd})
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd = evalCmd(ctx, "eval", src, keys, args)
		_ = b.rdb.Process(ctx, onceCmd{cmd})
	}
	return cmd
}

// evalCmd builds "<name> <script> <numkeys> <keys...> <args...>".
func evalCmd(ctx context.Context, name, script string, keys []string, args []any) *redis.Cmd {
	all := make([]any, 0, 3+len(keys)+len(args))
	all = append(all, name, script, len(keys))
	for _, k := range keys {
		all = append(all, k)
	}
	cmd := redis.NewCmd(ctx, append(all, args...)...)
	cmd.SetFirstKeyPos(3)
	return cmd
}

// clock converts this node's times to Redis's clock, so the publish
// script compares its deadline with the time Redis runs it at. Without a
// measurement (Redis unreachable since the start) the clocks are taken as
// equal.
type clock struct {
	offset atomic.Int64 // Redis's clock minus this node's, in microseconds
}

// redisMillis returns t on Redis's clock, in Unix milliseconds.
func (c *clock) redisMillis(t time.Time) int64 {
	return (t.UnixMicro() + c.offset.Load()) / 1000
}

// syncClock measures the offset with TIME. Redis read its clock at some
// moment of the round trip; taking the end of it as that moment errs
// towards an earlier deadline in Redis's clock, never a later one.
func (b *Broker) syncClock(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, DefaultCallTimeout)
	defer cancel()
	redisNow, err := b.rdb.Time(ctx).Result()
	if err != nil {
		return err
	}
	b.clock.offset.Store(redisNow.UnixMicro() - time.Now().UnixMicro())
	return nil
}

// clockLoop keeps the offset current until ctx ends.
func (b *Broker) clockLoop(ctx context.Context) {
	for {
		wait := clockSyncPeriod
		if err := b.syncClock(ctx); err != nil {
			wait = clockRetryPeriod
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

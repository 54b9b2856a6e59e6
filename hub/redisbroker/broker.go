// Package redisbroker implements hub.Broker over Redis (go-redis/v9) so
// several Lyceum nodes share topics: one Lua script per publish (next
// offset, XADD to a capped stream holding the history window, PUBLISH),
// one pub/sub connection per node read by a goroutine that never stalls
// (it hands messages to per-topic ordered workers), reconnect detection
// with gap recovery from the stream, and presence with expiry.
package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
)

// Defaults for Config.
const (
	DefaultPrefix         = "lyceum:hub:"
	DefaultMetaTTL        = 24 * time.Hour  // a topic's epoch and counter live this long after its last publish
	DefaultHealthInterval = 5 * time.Second // pub/sub idle time before a health ping
	DefaultShards         = 16              // ordered delivery workers (topics hash onto them)
	DefaultCallTimeout    = 2 * time.Second // cap on a single Redis call made without a caller deadline
	reconnectBackoff      = 200 * time.Millisecond
)

// Config tunes a Broker. HistorySize, HistoryTTL and PresenceTTL should
// equal the hub's.
type Config struct {
	Prefix         string        // key and channel prefix (DefaultPrefix)
	NodeID         string        // for logs
	HistorySize    int           // hub.DefaultHistorySize
	HistoryTTL     time.Duration // hub.DefaultHistoryTTL
	PresenceTTL    time.Duration // hub.DefaultPresenceTTL
	MetaTTL        time.Duration // DefaultMetaTTL
	HealthInterval time.Duration // DefaultHealthInterval
	Shards         int           // DefaultShards
	// MaxHistoryReads bounds the history reads (a subscribe's recovery) in
	// flight at once; <= 0: half the client's connection pool (at least 1).
	// A reconnect storm resubscribes thousands of clients at once: unbounded,
	// their reads took every pooled connection and publishes waited behind
	// them past their deadline (docs/benchmarks.md, issue 13).
	MaxHistoryReads int
}

// Broker is a hub.Broker over Redis.
type Broker struct {
	cfg    Config
	rdb    redis.UniversalClient
	log    zerolog.Logger
	ctlKey string

	handler hub.BrokerHandler // set once by Start
	ps      *redis.PubSub     // set once by Start
	shards  []*shard
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	clock clock // Redis's clock, for the publish deadline (see publish.go)

	mu       sync.Mutex // guards channels
	channels map[string]*chanState

	historySlots chan struct{} // one value per history read in flight (Config.MaxHistoryReads)
}

var _ hub.Broker = (*Broker)(nil)

// chanState tracks one subscribed pub/sub channel.
type chanState struct {
	topic     string
	confirmed bool          // the subscription confirmation arrived
	ready     chan struct{} // closed on the first confirmation
}

// New returns a Broker over rdb (the caller owns rdb and closes it after Close).
// rdb must be created with ContextTimeoutEnabled: the broker's calls must
// end by their context's deadline (a publish's is short, see publish.go);
// without it a call to a stalled Redis waits for ReadTimeout, and New logs a
// warning.
func New(rdb redis.UniversalClient, cfg Config, log zerolog.Logger) *Broker {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.HistorySize <= 0 {
		cfg.HistorySize = hub.DefaultHistorySize
	}
	if cfg.HistoryTTL <= 0 {
		cfg.HistoryTTL = hub.DefaultHistoryTTL
	}
	if cfg.PresenceTTL <= 0 {
		cfg.PresenceTTL = hub.DefaultPresenceTTL
	}
	if cfg.MetaTTL <= 0 {
		cfg.MetaTTL = DefaultMetaTTL
	}
	if cfg.HealthInterval <= 0 {
		cfg.HealthInterval = DefaultHealthInterval
	}
	if cfg.Shards <= 0 {
		cfg.Shards = DefaultShards
	}
	if cfg.MaxHistoryReads <= 0 {
		cfg.MaxHistoryReads = max(1, poolSize(rdb)/2)
	}
	b := &Broker{cfg: cfg, rdb: rdb, log: log.With().Str("component", "redisbroker").Str("node", cfg.NodeID).Logger(),
		ctlKey: cfg.Prefix + "ctl", channels: make(map[string]*chanState),
		historySlots: make(chan struct{}, cfg.MaxHistoryReads)}
	if !honoursContexts(rdb) {
		b.log.Warn().Msg("the Redis client ignores context deadlines (ContextTimeoutEnabled is off): " +
			"publishes may answer late while Redis is unreachable")
	}
	return b
}

// poolSize is rdb's connection pool size (10 for clients of unknown kind,
// go-redis's default per CPU).
func poolSize(rdb redis.UniversalClient) int {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().PoolSize
	case *redis.ClusterClient:
		return c.Options().PoolSize
	}
	return 10
}

// honoursContexts reports whether rdb bounds its network I/O by the
// context's deadline (clients of unknown kind are assumed to).
func honoursContexts(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	}
	return true
}

func (b *Broker) metaKey(topic string) string   { return b.cfg.Prefix + "m:{" + topic + "}" }
func (b *Broker) streamKey(topic string) string { return b.cfg.Prefix + "s:{" + topic + "}" }
func (b *Broker) idemKey(topic, key string) string {
	return b.cfg.Prefix + "i:{" + topic + "}:" + key
}
func (b *Broker) presKey(topic string) string { return b.cfg.Prefix + "p:{" + topic + "}" }
func (b *Broker) presExp(topic string) string { return b.cfg.Prefix + "pe:{" + topic + "}" }
func (b *Broker) channel(topic string) string { return b.cfg.Prefix + "c:" + topic }

// unavailable wraps a Redis failure so the hub reports "unavailable".
func unavailable(op string, err error) error {
	return fmt.Errorf("redisbroker: %s: %w: %w", op, hub.ErrUnavailable, err)
}

// Start implements hub.Broker: it opens the pub/sub connection (lazily; Redis
// may be down now and come back later) and starts the reader and workers.
func (b *Broker) Start(ctx context.Context, h hub.BrokerHandler) error {
	if b.handler != nil {
		return errors.New("redisbroker: already started")
	}
	b.handler = h
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	b.shards = make([]*shard, b.cfg.Shards)
	for i := range b.shards {
		b.shards[i] = newShard(b)
		b.wg.Add(1)
		go func() { defer b.wg.Done(); b.shards[i].run(ctx) }()
	}
	b.ps = b.rdb.Subscribe(ctx) // no channels yet: no network call
	b.mu.Lock()
	b.channels[b.ctlKey] = &chanState{ready: make(chan struct{})}
	b.mu.Unlock()
	if err := b.ps.Subscribe(ctx, b.ctlKey); err != nil {
		b.log.Warn().Err(err).Msg("control channel subscribe failed; will retry on reconnect")
	}
	b.wg.Add(2)
	go func() { defer b.wg.Done(); b.readLoop(ctx) }()
	go func() { defer b.wg.Done(); b.clockLoop(ctx) }()
	return nil
}

// Close implements hub.Broker.
func (b *Broker) Close() error {
	if b.cancel == nil {
		return nil
	}
	b.cancel()
	err := b.ps.Close()
	b.wg.Wait()
	return err
}

// callCtx caps ctx at DefaultCallTimeout when it has no deadline, so no
// call hangs while Redis is unreachable.
func (b *Broker) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultCallTimeout)
}

// Subscribe implements hub.Broker: it returns once Redis confirmed the
// subscription, so every later publication is delivered.
func (b *Broker) Subscribe(ctx context.Context, topic string) error {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	ch := b.channel(topic)
	b.mu.Lock()
	st := b.channels[ch]
	if st == nil {
		st = &chanState{topic: topic, ready: make(chan struct{})}
		b.channels[ch] = st
	}
	b.mu.Unlock()
	if err := b.ps.Subscribe(ctx, ch); err != nil {
		b.forget(ch, st)
		_ = b.ps.Unsubscribe(context.WithoutCancel(ctx), ch) // drop it from go-redis's resubscribe set
		return unavailable("subscribe", err)
	}
	select {
	case <-st.ready:
		return nil
	case <-ctx.Done():
		b.forget(ch, st)
		_ = b.ps.Unsubscribe(context.WithoutCancel(ctx), ch)
		return unavailable("subscribe", ctx.Err())
	}
}

func (b *Broker) forget(ch string, st *chanState) {
	b.mu.Lock()
	if b.channels[ch] == st {
		delete(b.channels, ch)
	}
	b.mu.Unlock()
}

// Unsubscribe implements hub.Broker.
func (b *Broker) Unsubscribe(ctx context.Context, topic string) error {
	ch := b.channel(topic)
	b.mu.Lock()
	delete(b.channels, ch)
	b.mu.Unlock()
	b.shardFor(topic).forget(topic)
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	if err := b.ps.Unsubscribe(ctx, ch); err != nil {
		return unavailable("unsubscribe", err)
	}
	return nil
}

// History implements hub.Broker.
func (b *Broker) History(ctx context.Context, topic string, opts hub.HistoryOptions) (hub.HistoryResult, error) {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	var since uint64
	limit := 0
	if opts.Since != nil && opts.Limit > 0 {
		since, limit = opts.Since.Offset, opts.Limit
	}
	epoch, top, entries, err := b.history(ctx, topic, since, limit)
	if err != nil {
		return hub.HistoryResult{}, err
	}
	res := hub.HistoryResult{Top: hub.Position{Epoch: epoch, Offset: top}}
	if opts.Since == nil || opts.Since.Epoch != epoch || limit == 0 {
		return res, nil
	}
	res.Publications = b.window(epoch, top, entries)
	return res, nil
}

// history runs historyScript and parses the entries.
func (b *Broker) history(ctx context.Context, topic string, since uint64, limit int) (string, uint64, []redis.XMessage, error) {
	select {
	case b.historySlots <- struct{}{}:
		defer func() { <-b.historySlots }()
	case <-ctx.Done():
		return "", 0, nil, unavailable("history", ctx.Err())
	}
	raw, err := historyScript.Run(ctx, b.rdb, []string{b.metaKey(topic), b.streamKey(topic)},
		hub.NewEpoch(), since, limit, b.cfg.MetaTTL.Milliseconds()).Slice()
	if err != nil {
		return "", 0, nil, unavailable("history", err)
	}
	if len(raw) != 3 {
		return "", 0, nil, fmt.Errorf("redisbroker: history: unexpected reply %v", raw)
	}
	epoch, _ := raw[0].(string)
	topStr, _ := raw[1].(string)
	top, _ := strconv.ParseUint(topStr, 10, 64)
	list, _ := raw[2].([]any)
	entries := make([]redis.XMessage, 0, len(list))
	for _, e := range list {
		pair, _ := e.([]any)
		if len(pair) != 2 {
			continue
		}
		id, _ := pair[0].(string)
		fields, _ := pair[1].([]any)
		vals := make(map[string]any, len(fields)/2)
		for i := 0; i+1 < len(fields); i += 2 {
			k, _ := fields[i].(string)
			vals[k] = fields[i+1]
		}
		entries = append(entries, redis.XMessage{ID: id, Values: vals})
	}
	return epoch, top, entries, nil
}

// window converts stream entries to publications, dropping those outside
// the history window (count and age), so recovery is decided exactly.
func (b *Broker) window(epoch string, top uint64, entries []redis.XMessage) []hub.Publication {
	minOffset := uint64(1)
	if top > uint64(b.cfg.HistorySize) {
		minOffset = top - uint64(b.cfg.HistorySize) + 1
	}
	oldest := time.Now().Add(-b.cfg.HistoryTTL).UnixMilli()
	pubs := make([]hub.Publication, 0, len(entries))
	for _, e := range entries {
		off, _, _ := cutUint(e.ID, '-')
		at, _ := strconv.ParseInt(fmt.Sprint(e.Values["t"]), 10, 64)
		data, _ := e.Values["d"].(string)
		if off < minOffset || at < oldest {
			continue
		}
		pubs = append(pubs, hub.Publication{Epoch: epoch, Offset: off, Data: []byte(data)})
	}
	return pubs
}

// cutUint parses the unsigned number before sep in s.
func cutUint(s string, sep byte) (uint64, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			n, err := strconv.ParseUint(s[:i], 10, 64)
			return n, s[i+1:], err == nil
		}
	}
	return 0, "", false
}

// PublishControl implements hub.Broker.
func (b *Broker) PublishControl(ctx context.Context, data []byte) error {
	ctx, cancel := b.callCtx(ctx)
	defer cancel()
	if err := b.rdb.Publish(ctx, b.ctlKey, append([]byte{'x'}, data...)).Err(); err != nil {
		return unavailable("control", err)
	}
	return nil
}

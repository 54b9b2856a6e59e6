package hub

import (
	"context"
	"errors"
	"sync"
	"time"
)

// MemoryBrokerConfig tunes a MemoryBroker; zero fields take the hub defaults.
type MemoryBrokerConfig struct {
	HistorySize int              // publications kept per topic (DefaultHistorySize)
	HistoryTTL  time.Duration    // age of the oldest kept publication (DefaultHistoryTTL)
	Now         func() time.Time // clock; time.Now when nil
}

// MemoryBroker is the in-process Broker: one node, history in memory.
//
// A topic's state is forgotten (evicted) once nothing can need it any
// more: no subscribed node, no presence entry, and no publication younger
// than HistoryTTL. The next use starts the topic afresh with a new epoch,
// so a client recovering from before the eviction gets recovered: false,
// as it would from a history that had aged out.
type MemoryBroker struct {
	cfg MemoryBrokerConfig

	mu      sync.Mutex // guards handler, stop, topics, idem
	handler BrokerHandler
	stop    context.CancelFunc // ends the sweeper started by Start
	topics  map[string]*memTopic
	idem    map[string]idemEntry
}

var _ Broker = (*MemoryBroker)(nil)

type memTopic struct {
	mu       sync.Mutex // guards every field; held while delivering so order equals offset order
	evicted  bool       // removed from MemoryBroker.topics: look the name up again
	subs     int        // Subscribe calls not yet matched by Unsubscribe
	epoch    string
	offset   uint64
	hist     []memEntry // oldest first, at most 2*HistorySize before compaction
	presence map[string]ClientInfo
}

// Bounds (and fraction of HistoryTTL) of the period at which a
// MemoryBroker sweeps unused topics.
const (
	minMemorySweepPeriod = time.Second
	maxMemorySweepPeriod = time.Minute
)

type memEntry struct {
	pub Publication
	at  time.Time
}

type idemEntry struct {
	pos     Position
	expires time.Time
}

// maxIdemEntries bounds the idempotency map; expired keys are swept beyond it.
const maxIdemEntries = 100_000

// NewMemoryBroker returns an in-process broker.
func NewMemoryBroker(cfg MemoryBrokerConfig) *MemoryBroker {
	if cfg.HistorySize <= 0 {
		cfg.HistorySize = DefaultHistorySize
	}
	if cfg.HistoryTTL <= 0 {
		cfg.HistoryTTL = DefaultHistoryTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryBroker{cfg: cfg, topics: make(map[string]*memTopic), idem: make(map[string]idemEntry)}
}

// Start implements Broker.
func (b *MemoryBroker) Start(ctx context.Context, h BrokerHandler) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.handler != nil {
		return errors.New("hub: memory broker already started")
	}
	b.handler = h
	ctx, b.stop = context.WithCancel(ctx)
	go b.sweeper(ctx)
	return nil
}

// lockTopic returns the topic's state, created when missing, locked.
func (b *MemoryBroker) lockTopic(name string) (*memTopic, BrokerHandler) {
	for {
		b.mu.Lock()
		t := b.topics[name]
		if t == nil {
			t = &memTopic{epoch: NewEpoch()}
			b.topics[name] = t
		}
		h := b.handler
		b.mu.Unlock()
		t.mu.Lock()
		if !t.evicted {
			return t, h
		}
		t.mu.Unlock() // evicted meanwhile: a fresh state is (or will be) in the map
	}
}

// unusedLocked reports whether t (locked) can be evicted at now.
func (b *MemoryBroker) unusedLocked(t *memTopic, now time.Time) bool {
	if t.subs > 0 || len(t.presence) > 0 {
		return false
	}
	return len(t.hist) == 0 || t.hist[len(t.hist)-1].at.Before(now.Add(-b.cfg.HistoryTTL))
}

// evictLocked forgets t (locked; b.mu held). Nothing waits for a topic's
// mu while holding b.mu (sweep only TryLocks), so b.mu may be taken with a
// topic locked.
func (b *MemoryBroker) evictLocked(name string, t *memTopic) {
	t.evicted = true
	t.hist, t.presence = nil, nil
	delete(b.topics, name)
}

// sweep evicts every unused topic and returns how many it evicted.
func (b *MemoryBroker) sweep() int {
	now := b.cfg.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for name, t := range b.topics {
		if !t.mu.TryLock() {
			continue // in use right now
		}
		if b.unusedLocked(t, now) {
			b.evictLocked(name, t)
			n++
		}
		t.mu.Unlock()
	}
	return n
}

func (b *MemoryBroker) sweeper(ctx context.Context) {
	period := min(max(b.cfg.HistoryTTL/4, minMemorySweepPeriod), maxMemorySweepPeriod)
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			b.sweep()
		}
	}
}

// Topics returns how many topics the broker holds state for.
func (b *MemoryBroker) Topics() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.topics)
}

// Publish implements Broker.
func (b *MemoryBroker) Publish(ctx context.Context, topic string, data []byte, opts PublishOptions) (Position, error) {
	if err := ctx.Err(); err != nil {
		return Position{}, err
	}
	now := b.cfg.Now()
	if opts.IdempotencyKey != "" {
		if pos, ok := b.seen(topic+"\x00"+opts.IdempotencyKey, now); ok {
			return pos, nil
		}
	}
	t, h := b.lockTopic(topic)
	t.offset++
	pub := Publication{Epoch: t.epoch, Offset: t.offset, Data: data}
	t.hist = append(t.hist, memEntry{pub: pub, at: now})
	if len(t.hist) >= 2*b.cfg.HistorySize {
		t.hist = append(t.hist[:0:0], t.hist[len(t.hist)-b.cfg.HistorySize:]...)
	}
	if h != nil {
		h.HandlePublication(topic, pub)
	}
	t.mu.Unlock()
	pos := Position{Epoch: pub.Epoch, Offset: pub.Offset}
	if opts.IdempotencyKey != "" {
		ttl := opts.IdempotencyTTL
		if ttl <= 0 {
			ttl = DefaultIdempotencyTTL
		}
		b.remember(topic+"\x00"+opts.IdempotencyKey, pos, now.Add(ttl), now)
	}
	return pos, nil
}

func (b *MemoryBroker) seen(key string, now time.Time) (Position, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.idem[key]
	if !ok || now.After(e.expires) {
		return Position{}, false
	}
	return e.pos, true
}

func (b *MemoryBroker) remember(key string, pos Position, expires, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.idem) >= maxIdemEntries {
		for k, e := range b.idem {
			if now.After(e.expires) {
				delete(b.idem, k)
			}
		}
	}
	b.idem[key] = idemEntry{pos: pos, expires: expires}
}

// Subscribe implements Broker; in one process every topic is always
// delivered, the subscription only keeps the topic's state.
func (b *MemoryBroker) Subscribe(ctx context.Context, topic string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, _ := b.lockTopic(topic)
	t.subs++
	t.mu.Unlock()
	return nil
}

// Unsubscribe implements Broker.
func (b *MemoryBroker) Unsubscribe(_ context.Context, topic string) error {
	b.mu.Lock()
	t := b.topics[topic]
	b.mu.Unlock()
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.evicted {
		return nil
	}
	if t.subs > 0 {
		t.subs--
	}
	if b.unusedLocked(t, b.cfg.Now()) {
		b.mu.Lock()
		b.evictLocked(topic, t)
		b.mu.Unlock()
	}
	return nil
}

// History implements Broker.
func (b *MemoryBroker) History(ctx context.Context, topic string, opts HistoryOptions) (HistoryResult, error) {
	if err := ctx.Err(); err != nil {
		return HistoryResult{}, err
	}
	t, _ := b.lockTopic(topic)
	defer t.mu.Unlock()
	res := HistoryResult{Top: Position{Epoch: t.epoch, Offset: t.offset}}
	if opts.Since == nil || opts.Since.Epoch != t.epoch || opts.Limit <= 0 {
		return res, nil
	}
	oldest := b.cfg.Now().Add(-b.cfg.HistoryTTL)
	minOffset := uint64(1)
	if t.offset > uint64(b.cfg.HistorySize) {
		minOffset = t.offset - uint64(b.cfg.HistorySize) + 1
	}
	for _, e := range t.hist {
		if e.pub.Offset <= opts.Since.Offset || e.pub.Offset < minOffset || e.at.Before(oldest) {
			continue
		}
		res.Publications = append(res.Publications, e.pub)
		if len(res.Publications) >= opts.Limit {
			break
		}
	}
	return res, nil
}

// AddPresence implements Broker.
func (b *MemoryBroker) AddPresence(ctx context.Context, topic string, info ClientInfo) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, h := b.lockTopic(topic)
	defer t.mu.Unlock()
	if t.presence == nil {
		t.presence = make(map[string]ClientInfo)
	}
	t.presence[info.ClientID] = info
	if h != nil {
		h.HandleJoin(topic, info)
	}
	return nil
}

// RemovePresence implements Broker.
func (b *MemoryBroker) RemovePresence(_ context.Context, topic string, info ClientInfo) error {
	b.mu.Lock()
	t, h := b.topics[topic], b.handler
	b.mu.Unlock()
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.presence[info.ClientID]; !ok || t.evicted {
		return nil
	}
	delete(t.presence, info.ClientID)
	if h != nil {
		h.HandleLeave(topic, info)
	}
	return nil
}

// RefreshPresence implements Broker; entries in one process never go stale.
func (b *MemoryBroker) RefreshPresence(context.Context, string, []ClientInfo) error { return nil }

// Presence implements Broker.
func (b *MemoryBroker) Presence(ctx context.Context, topic string) ([]ClientInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	t := b.topics[topic]
	b.mu.Unlock()
	if t == nil {
		return []ClientInfo{}, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]ClientInfo, 0, len(t.presence))
	for _, info := range t.presence {
		out = append(out, info)
	}
	return out, nil
}

// PublishControl implements Broker.
func (b *MemoryBroker) PublishControl(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	h := b.handler
	b.mu.Unlock()
	if h != nil {
		h.HandleControl(data)
	}
	return nil
}

// Close implements Broker.
func (b *MemoryBroker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop != nil {
		b.stop()
	}
	return nil
}

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
type MemoryBroker struct {
	cfg MemoryBrokerConfig

	mu      sync.Mutex // guards handler, topics, idem
	handler BrokerHandler
	topics  map[string]*memTopic
	idem    map[string]idemEntry
}

var _ Broker = (*MemoryBroker)(nil)

type memTopic struct {
	mu       sync.Mutex // guards every field; held while delivering so order equals offset order
	epoch    string
	offset   uint64
	hist     []memEntry // oldest first, at most 2*HistorySize before compaction
	presence map[string]ClientInfo
}

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
func (b *MemoryBroker) Start(_ context.Context, h BrokerHandler) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.handler != nil {
		return errors.New("hub: memory broker already started")
	}
	b.handler = h
	return nil
}

func (b *MemoryBroker) topic(name string) (*memTopic, BrokerHandler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[name]
	if t == nil {
		t = &memTopic{epoch: NewEpoch()}
		b.topics[name] = t
	}
	return t, b.handler
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
	t, h := b.topic(topic)
	t.mu.Lock()
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

// Subscribe implements Broker; in one process every topic is always delivered.
func (b *MemoryBroker) Subscribe(ctx context.Context, _ string) error { return ctx.Err() }

// Unsubscribe implements Broker.
func (b *MemoryBroker) Unsubscribe(context.Context, string) error { return nil }

// History implements Broker.
func (b *MemoryBroker) History(ctx context.Context, topic string, opts HistoryOptions) (HistoryResult, error) {
	if err := ctx.Err(); err != nil {
		return HistoryResult{}, err
	}
	t, _ := b.topic(topic)
	t.mu.Lock()
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
	t, h := b.topic(topic)
	t.mu.Lock()
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
	t, h := b.topic(topic)
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.presence[info.ClientID]; !ok {
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
	t, _ := b.topic(topic)
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
func (b *MemoryBroker) Close() error { return nil }

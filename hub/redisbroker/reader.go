package redisbroker

import (
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyceumhq/lyceum/hub"
)

// readLoop is the node's only pub/sub reader. It never blocks on delivery:
// messages go to the topic's shard queue (unbounded, ordered). A
// subscription confirmation for a channel that was already confirmed means
// go-redis reconnected and resubscribed silently: the topic is re-checked
// against its stream (resync) so a gap is filled or reported.
func (b *Broker) readLoop(ctx context.Context) {
	for ctx.Err() == nil {
		msg, err := b.ps.ReceiveTimeout(ctx, b.cfg.HealthInterval)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Idle: ping so a dead connection is noticed (the next receive reconnects).
				_ = b.ps.Ping(ctx)
				continue
			}
			b.log.Warn().Err(err).Msg("pub/sub receive failed; reconnecting")
			select {
			case <-ctx.Done():
				return
			case <-time.After(reconnectBackoff):
			}
			continue
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.confirmed(m.Channel)
			}
		case *redis.Message:
			b.dispatch(m.Channel, m.Payload)
		}
	}
}

func (b *Broker) confirmed(ch string) {
	b.mu.Lock()
	st := b.channels[ch]
	if st == nil {
		b.mu.Unlock()
		return
	}
	first := !st.confirmed
	if first {
		st.confirmed = true
		close(st.ready)
	}
	b.mu.Unlock()
	if !first && st.topic != "" {
		b.log.Info().Str("topic", st.topic).Msg("pub/sub resubscribed after reconnect; re-checking position")
		b.shardFor(st.topic).push(item{kind: itemResync, topic: st.topic})
	}
}

func (b *Broker) dispatch(ch, payload string) {
	if ch == b.ctlKey {
		if len(payload) > 1 && payload[0] == 'x' {
			b.handler.HandleControl([]byte(payload[1:]))
		}
		return
	}
	topic, ok := strings.CutPrefix(ch, b.cfg.Prefix+"c:")
	if !ok || payload == "" {
		return
	}
	b.shardFor(topic).push(item{kind: itemMessage, topic: topic, payload: payload})
}

var shardSeed = maphash.MakeSeed()

func (b *Broker) shardFor(topic string) *shard {
	return b.shards[maphash.String(shardSeed, topic)%uint64(len(b.shards))]
}

type itemKind int

const (
	itemMessage itemKind = iota
	itemResync
	itemForget
)

type item struct {
	kind    itemKind
	topic   string
	payload string
}

// shard delivers the topics hashing to it, in order, from one goroutine.
type shard struct {
	b      *Broker
	notify chan struct{}

	mu    sync.Mutex // guards queue
	queue []item

	last map[string]hub.Position // owned by run: last position delivered per topic
}

func newShard(b *Broker) *shard {
	return &shard{b: b, notify: make(chan struct{}, 1), last: make(map[string]hub.Position)}
}

func (s *shard) push(it item) {
	s.mu.Lock()
	s.queue = append(s.queue, it)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *shard) forget(topic string) { s.push(item{kind: itemForget, topic: topic}) }

func (s *shard) run(ctx context.Context) {
	var batch []item
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.notify:
		}
		s.mu.Lock()
		batch, s.queue = s.queue, batch[:0]
		s.mu.Unlock()
		for _, it := range batch {
			s.handle(ctx, it)
		}
		clear(batch)
	}
}

func (s *shard) handle(ctx context.Context, it item) {
	h := s.b.handler
	switch it.kind {
	case itemForget:
		delete(s.last, it.topic)
	case itemResync:
		if last, ok := s.last[it.topic]; ok {
			s.fill(ctx, it.topic, last, 0)
		}
	case itemMessage:
		switch it.payload[0] {
		case 'p':
			pub, ok := parsePublication(it.payload[1:])
			if !ok {
				return
			}
			last, known := s.last[it.topic]
			if known && pub.Epoch == last.Epoch {
				if pub.Offset <= last.Offset {
					return // already delivered (by a resync)
				}
				if pub.Offset > last.Offset+1 {
					last = s.fill(ctx, it.topic, last, pub.Offset-1)
				}
			}
			s.last[it.topic] = hub.Position{Epoch: pub.Epoch, Offset: pub.Offset}
			h.HandlePublication(it.topic, pub)
		case 'j', 'l':
			var info hub.ClientInfo
			if json.Unmarshal([]byte(it.payload[1:]), &info) != nil {
				return
			}
			if it.payload[0] == 'j' {
				h.HandleJoin(it.topic, info)
			} else {
				h.HandleLeave(it.topic, info)
			}
		}
	}
}

// fill delivers the publications after last (up to upTo, 0 = all) from the
// stream, in order, stopping at the first missing one (the hub then sees
// the gap and makes its subscribers recover). It returns the new last.
func (s *shard) fill(ctx context.Context, topic string, last hub.Position, upTo uint64) hub.Position {
	cctx, cancel := context.WithTimeout(ctx, DefaultCallTimeout)
	defer cancel()
	epoch, top, entries, err := s.b.history(cctx, topic, last.Offset, s.b.cfg.HistorySize)
	if err != nil {
		s.b.log.Warn().Err(err).Str("topic", topic).Msg("gap recovery from the stream failed")
		return last
	}
	if epoch != last.Epoch {
		return last // history was lost; the next publication shows the new epoch
	}
	for _, pub := range s.b.window(epoch, top, entries) {
		if upTo > 0 && pub.Offset > upTo {
			break
		}
		if pub.Offset != last.Offset+1 {
			break
		}
		s.b.handler.HandlePublication(topic, pub)
		last.Offset = pub.Offset
		s.last[topic] = last
	}
	return last
}

// parsePublication parses "<epoch>:<offset>:<data>".
func parsePublication(s string) (hub.Publication, bool) {
	epoch, rest, ok := strings.Cut(s, ":")
	if !ok {
		return hub.Publication{}, false
	}
	off, data, ok := cutUint(rest, ':')
	if !ok {
		return hub.Publication{}, false
	}
	return hub.Publication{Epoch: epoch, Offset: off, Data: []byte(data)}, true
}

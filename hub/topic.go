package hub

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// topic is a topic with local subscribers on this node.
type topic struct {
	name string

	refs int // guarded by Hub.mu: local subscriptions holding the topic
	// brokerSubscribed is guarded by the topic name's stripe lock in Hub.
	brokerSubscribed bool

	mu     sync.Mutex // guards the fields below; held while queueing to subscribers
	subs   []*subscription
	known  bool   // epoch and last are set
	epoch  string // epoch of the last publication seen
	last   uint64 // offset of the last publication seen
	recent recentPubs
}

// subscription ties a connection to a topic.
type subscription struct {
	c        *conn
	t        *topic
	presence bool
	scope    string // SubscribeOptions.Scope: what Hub.Recheck matches
	// guarded by t.mu:
	index  int       // position in t.subs, -1 when removed
	live   bool      // false while recovering: publications go to buffer
	buffer []pending // publications seen while recovering
	// The subscription was activated at (epoch, after): a broker that
	// delivers asynchronously may still bring publications up to after,
	// which the subscriber already got from the history or never needed.
	epoch string
	after uint64
	// kicked is set (under t.mu) when the topic removed a live subscription
	// for insufficient state; the connection finishes the removal.
	kicked atomic.Bool
}

type pending struct {
	epoch  string
	offset uint64
	frame  []byte
}

func newTopic(name string, recent int) *topic {
	return &topic{name: name, recent: recentPubs{max: max(0, recent)}}
}

// add registers s in recovering (buffering) mode.
func (t *topic) add(s *subscription) {
	t.mu.Lock()
	s.index = len(t.subs)
	t.subs = append(t.subs, s)
	t.mu.Unlock()
}

// remove unregisters s; it reports false when s was already removed.
func (t *topic) remove(s *subscription) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.removeLocked(s)
}

func (t *topic) removeLocked(s *subscription) bool {
	i := s.index
	if i < 0 {
		return false
	}
	last := len(t.subs) - 1
	t.subs[i] = t.subs[last]
	t.subs[i].index = i
	t.subs[last] = nil
	t.subs = t.subs[:last]
	s.index = -1
	s.buffer = nil
	return true
}

// deliver queues pub to every live subscriber (the frame is encoded once)
// and buffers it for recovering ones; the connections that had no writer
// running are written to by a goroutine per chunkSize of them. A
// publication that does not follow the last one seen (gap or new epoch: the
// broker lost continuity) removes every live subscriber, telling it to
// resubscribe; those are returned.
// now is when the node got pub (kept in the recent window).
func (t *topic) deliver(pub Publication, now time.Time) (kicked []*subscription, queued int) {
	frame := encodePush(t.name, pub)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.known {
		if pub.Epoch == t.epoch && pub.Offset <= t.last {
			return nil, 0 // duplicate
		}
		if pub.Epoch != t.epoch || pub.Offset != t.last+1 {
			kicked = t.kickLiveLocked()
		}
	}
	if !t.known || pub.Epoch != t.epoch || pub.Offset != t.last+1 {
		t.recent.reset() // what it holds no longer ends right before pub
	}
	t.recent.add(recentPub{offset: pub.Offset, at: now.UnixNano(), frame: frame})
	t.known, t.epoch, t.last = true, pub.Epoch, pub.Offset
	var chunk []*conn // connections whose writer must start: see writeChunk
	per := writerChunk
	if len(t.subs) > writerChunk { // runtime.GOMAXPROCS takes the scheduler's lock: only where it matters
		per = chunkSize(len(t.subs), runtime.GOMAXPROCS(0))
	}
	for _, s := range t.subs {
		if !s.live {
			s.buffer = append(s.buffer, pending{epoch: pub.Epoch, offset: pub.Offset, frame: frame})
			continue
		}
		if pub.Offset <= s.after && pub.Epoch == s.epoch {
			continue
		}
		ok, start := s.c.push(frame)
		if ok {
			queued++
		}
		if start {
			if chunk == nil {
				chunk = make([]*conn, 0, min(per, len(t.subs)))
			}
			if chunk = append(chunk, s.c); len(chunk) == per {
				go writeChunk(chunk)
				chunk = nil
			}
		}
	}
	if chunk != nil {
		go writeChunk(chunk)
	}
	return kicked, queued
}

// kickLiveLocked removes every live subscriber and queues it an
// "unsubscribed: insufficient_state" frame.
func (t *topic) kickLiveLocked() []*subscription {
	var kicked []*subscription
	frame := marshalFrame(UnsubscribedFrame{Type: FrameUnsubscribed, Topic: t.name, Code: CodeInsufficientState,
		Message: "The stream lost continuity; resubscribe with your last position."})
	for i := 0; i < len(t.subs); {
		s := t.subs[i]
		if !s.live {
			i++
			continue
		}
		t.removeLocked(s)
		s.kicked.Store(true)
		s.c.enqueue(frame)
		kicked = append(kicked, s)
	}
	return kicked
}

// deliverPresence queues a join/leave frame to live presence subscribers
// other than the connection the event is about.
func (t *topic) deliverPresence(frame []byte, client string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.subs {
		if s.live && s.presence && s.c.id != client {
			s.c.enqueue(frame)
		}
	}
}

// presenceInfos lists the presence entries of this node's subscribers.
func (t *topic) presenceInfos(node string) []ClientInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []ClientInfo
	for _, s := range t.subs {
		if s.presence {
			out = append(out, s.c.clientInfo(node))
		}
	}
	return out
}

// activate finishes a subscription: under the topic lock it queues the ack
// (built by ack from the decided result), the recovered publications, then
// the publications buffered meanwhile, and switches s to live. Recovery
// also needs the ack and the recovered publications to fit in the send
// queue at once (see enqueueAll); otherwise it fails. It returns
// false (and queues nothing) when the buffered stream does not continue the
// history without a gap, in which case the caller drops s.
func (t *topic) activate(s *subscription, res HistoryResult, since *Position, ack func(recovered bool) []byte) (recovered, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.index < 0 {
		return false, false
	}
	top := res.Top
	if !t.known {
		t.known, t.epoch, t.last = true, top.Epoch, top.Offset
	}
	recovered = since != nil && recoverable(*since, res)
	// The publications buffered meanwhile must continue the stream right
	// after top (those up to top are in the history or were never needed).
	next := top.Offset + 1
	for _, p := range s.buffer {
		switch {
		case p.epoch != top.Epoch:
			return false, false
		case p.offset < next:
		case p.offset == next:
			next++
		default:
			return false, false
		}
	}
	if recovered && !s.c.enqueueAll(replay(t.name, ack(true), res.Publications)) {
		// The missed publications do not fit in the send queue now: queueing
		// them would close the connection as a slow consumer, and the client
		// would reconnect into the same replay. It reloads instead.
		recovered = false
	}
	if !recovered {
		s.c.enqueue(ack(false))
	}
	next = top.Offset + 1
	for _, p := range s.buffer {
		if p.offset == next {
			s.c.enqueue(p.frame)
			next++
		}
	}
	s.goLiveLocked(top.Epoch, next-1)
	return recovered, true
}

// goLiveLocked switches s to live after (epoch, after): later publications
// up to after are not queued to it (see deliver), and its buffer is done.
// The topic's lock is held.
func (s *subscription) goLiveLocked(epoch string, after uint64) {
	s.epoch, s.after = epoch, after
	s.buffer = nil
	s.live = true
}

// replay returns the ack followed by the push frames of pubs.
func replay(topic string, ack []byte, pubs []Publication) [][]byte {
	frames := make([][]byte, 0, 1+len(pubs))
	frames = append(frames, ack)
	for _, p := range pubs {
		frames = append(frames, encodePush(topic, p))
	}
	return frames
}

// recoverable reports whether res holds exactly the publications after since.
func recoverable(since Position, res HistoryResult) bool {
	top := res.Top
	if since.Epoch != top.Epoch || since.Offset > top.Offset {
		return false
	}
	if since.Offset == top.Offset {
		return true
	}
	pubs := res.Publications
	if len(pubs) == 0 || pubs[0].Offset != since.Offset+1 || pubs[len(pubs)-1].Offset != top.Offset {
		return false
	}
	for i := 1; i < len(pubs); i++ {
		if pubs[i].Offset != pubs[i-1].Offset+1 {
			return false
		}
	}
	return true
}

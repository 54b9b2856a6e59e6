package hub

import "time"

// The node's own recent window of a topic (see topic.activateRecent):
// the last publications it delivered, so a subscribe that only needs those
// (a client back after a short absence, or a fresh one needing just the
// position) is answered without a broker history read. In a reconnect storm
// that read was a round trip to Redis per subscribe, on a pool shared with
// publishing.
const recentMaxFrame = 8 << 10 // a larger push frame is not kept (the window restarts after it)

// recentPub is one publication of the window: its offset, when this node
// delivered it (UnixNano) and its push frame.
type recentPub struct {
	offset uint64
	at     int64
	frame  []byte
}

// recentPubs holds, oldest first, publications with consecutive offsets
// ending at the topic's last: a slice up to max, then a ring over it.
type recentPubs struct {
	max  int // Config.RecentPublications; 0 keeps nothing
	buf  []recentPub
	head int // index of the oldest once the ring is full
}

func (r *recentPubs) reset() {
	clear(r.buf) // let the frames go
	r.buf, r.head = r.buf[:0], 0
}

func (r *recentPubs) add(p recentPub) {
	if len(p.frame) > recentMaxFrame {
		r.reset()
		return
	}
	if len(r.buf) < r.max {
		r.buf = append(r.buf, p)
		return
	}
	if r.max == 0 {
		return
	}
	r.buf[r.head] = p
	r.head = (r.head + 1) % r.max
}

func (r *recentPubs) len() int { return len(r.buf) }

// at returns the i-th oldest publication.
func (r *recentPubs) at(i int) recentPub { return r.buf[(r.head+i)%len(r.buf)] }

// activateRecent finishes subscription s from the node's own view of the
// topic instead of a broker history read, when that view answers exactly
// what the read would: the topic's stream has been followed here without a
// gap (known), and either no position was asked (the subscriber starts at
// the last publication seen), or since is in the current epoch no further
// than the last publication seen, with every publication after it still in
// the window and younger than maxAge (the history's own age limit). Under
// the topic lock, like activate, it queues the ack (and the replay) and
// switches s to live; publications buffered meanwhile are at or before the
// last one seen, so they are in the replay or not needed. It reports false
// (doing nothing) when the broker must answer.
func (t *topic) activateRecent(s *subscription, since *Position, maxAge time.Duration, ack func(top Position, recovered bool) []byte) (recovered, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.index < 0 || !t.known {
		return false, false
	}
	top := Position{Epoch: t.epoch, Offset: t.last}
	var frames [][]byte
	if since != nil {
		if since.Epoch != t.epoch || since.Offset > t.last {
			return false, false
		}
		missed := int(t.last - since.Offset)
		if missed > t.recent.len() {
			return false, false
		}
		first := t.recent.len() - missed
		if missed > 0 && t.recent.at(first).at < time.Now().Add(-maxAge).UnixNano() {
			return false, false // older than the history keeps: let the broker say
		}
		frames = make([][]byte, 0, 1+missed)
		frames = append(frames, ack(top, true))
		for i := first; i < t.recent.len(); i++ {
			frames = append(frames, t.recent.at(i).frame)
		}
		recovered = s.c.enqueueAll(frames)
		if !recovered { // too much for the send queue now: the client reloads (see activate)
			s.c.enqueue(ack(top, false))
		}
	} else {
		s.c.enqueue(ack(top, false))
	}
	s.goLiveLocked(top.Epoch, top.Offset)
	return recovered, true
}

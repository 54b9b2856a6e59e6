package hub

import "sync"

// sendQueue is a connection's bounded outgoing queue. Publishers push
// without blocking; the connection's writer takes everything queued at once
// and coalesces it into as few WebSocket writes as it can.
type sendQueue struct {
	maxFrames int
	maxBytes  int
	notify    chan struct{} // capacity 1: "there is something to write"

	mu     sync.Mutex // guards frames, bytes, closed
	frames [][]byte
	bytes  int
	closed bool
}

// queueShrinkCap: a drained queue whose backing array grew past this many
// frames is released, so a burst does not pin memory on an idle connection.
const queueShrinkCap = 64

func newSendQueue(maxFrames, maxBytes int) *sendQueue {
	return &sendQueue{maxFrames: maxFrames, maxBytes: maxBytes, notify: make(chan struct{}, 1)}
}

// push appends f. It reports ok=false when the queue is closed, and
// full=true (closing the queue) when f would pass either bound.
func (q *sendQueue) push(f []byte) (ok, full bool) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false, false
	}
	if len(q.frames) >= q.maxFrames || q.bytes+len(f) > q.maxBytes {
		q.closed = true
		q.frames, q.bytes = nil, 0
		q.mu.Unlock()
		return false, true
	}
	q.frames = append(q.frames, f)
	q.bytes += len(f)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
	return true, false
}

// take returns every queued frame and empties the queue, which continues
// in spare (a drained slice the writer hands back, or nil).
func (q *sendQueue) take(spare [][]byte) [][]byte {
	q.mu.Lock()
	out := q.frames
	q.frames = spare[:0]
	q.bytes = 0
	q.mu.Unlock()
	return out
}

// recycle prepares a written batch for reuse as the next spare.
func recycle(batch [][]byte) [][]byte {
	clear(batch)
	if cap(batch) > queueShrinkCap {
		return nil
	}
	return batch[:0]
}

// close drops queued frames and refuses new ones.
func (q *sendQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.frames, q.bytes = nil, 0
	q.mu.Unlock()
}

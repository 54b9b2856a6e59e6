package hub

import "sync"

// sendQueue is a connection's bounded outgoing queue. Publishers push
// without blocking; the connection's writer takes everything queued at once
// and coalesces it into as few WebSocket writes as it can.
//
// The writer goroutine runs only while the connection is busy: push and
// close report when it must be started (running goes false -> true under
// mu). When the queue runs dry the writer parks on wake instead of exiting,
// so a connection that receives a steady stream (e.g. 100 publications a
// second) keeps one writer with its grown stack rather than starting a
// goroutine, and growing its stack, for every frame. The hub retires writers
// parked for longer than writerLinger (see retireIdle); an idle connection
// therefore has no writer goroutine and no wake channel, and at most one
// writer runs per connection.
type sendQueue struct {
	maxFrames int
	maxBytes  int

	mu       sync.Mutex // guards every field below
	frames   [][]byte
	bytes    int
	closed   bool
	running  bool          // a writer goroutine is running (or being started)
	parked   bool          // the running writer waits on wake for frames
	retire   bool          // the parked writer was told to exit
	parkedAt uint32        // the hub's linger tick when the writer parked
	wake     chan struct{} // capacity 1; exists while a writer has parked and not exited
}

// queueShrinkCap: a drained queue whose backing array grew past this many
// frames is released, so a burst does not pin memory on an idle connection.
const queueShrinkCap = 64

func newSendQueue(maxFrames, maxBytes int) *sendQueue {
	return &sendQueue{maxFrames: maxFrames, maxBytes: maxBytes}
}

// push appends f. It reports ok=false when the queue is closed, full=true
// when f would pass either bound (f is dropped; the caller closes the
// queue through the connection, which records the close code first), and
// start=true when the caller must start the writer (it was not running).
// A parked writer is woken.
func (q *sendQueue) push(f []byte) (ok, full, start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false, false, false
	}
	if len(q.frames) >= q.maxFrames || q.bytes+len(f) > q.maxBytes {
		return false, true, false
	}
	q.frames = append(q.frames, f)
	q.bytes += len(f)
	return true, false, q.startLocked()
}

// startLocked reports whether the caller must start a writer, and wakes a
// parked one.
func (q *sendQueue) startLocked() bool {
	if !q.running {
		q.running = true
		return true
	}
	q.wakeLocked()
	return false
}

// wakeLocked ends the writer's wait, if it waits. At most one token is in
// wake: the writer parks only after take set parked, and every wake-up
// clears it.
func (q *sendQueue) wakeLocked() {
	if q.parked {
		q.parked = false
		q.wake <- struct{}{}
	}
}

// take returns every queued frame and empties the queue, which continues
// in spare (a drained slice the writer hands back, or nil). closed reports
// that the queue was closed (the writer must perform the close handshake
// and exit). With nothing queued it returns a nil batch and either the
// channel the writer must wait on before calling take again, tagged with
// tick (the hub's linger tick), or, when the writer was retired, nil: the
// writer must exit (the next push starts a new one).
func (q *sendQueue) take(spare [][]byte, tick uint32) (batch [][]byte, closed bool, wait <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil, true, nil
	}
	if len(q.frames) == 0 {
		if cap(q.frames) > queueShrinkCap {
			q.frames = nil
		}
		if q.retire {
			q.running, q.retire, q.wake = false, false, nil
			return nil, false, nil
		}
		if q.wake == nil {
			q.wake = make(chan struct{}, 1)
		}
		q.parked, q.parkedAt = true, tick
		return nil, false, q.wake
	}
	q.retire = false
	out := q.frames
	q.frames = spare[:0]
	q.bytes = 0
	return out, false, nil
}

// retireIdle tells a writer that has been parked since before tick-1 to
// exit, so it parks between writerLinger and twice that. It reports whether
// it did.
func (q *sendQueue) retireIdle(tick uint32) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.parked || tick-q.parkedAt < 2 {
		return false
	}
	q.retire = true
	q.wakeLocked()
	return true
}

// recycle prepares a written batch for reuse as the next spare.
func recycle(batch [][]byte) [][]byte {
	clear(batch)
	if cap(batch) > queueShrinkCap {
		return nil
	}
	return batch[:0]
}

// close drops queued frames and refuses new ones. It reports whether the
// caller must start the writer (to perform the close handshake); a parked
// writer is woken to do it.
func (q *sendQueue) close() (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.frames, q.bytes = nil, 0
	return q.startLocked()
}

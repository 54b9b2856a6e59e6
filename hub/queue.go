package hub

import "sync"

// sendQueue is a connection's bounded outgoing queue. Publishers push
// without blocking; the connection's writer takes everything queued at once
// and coalesces it into as few WebSocket writes as it can.
//
// The writer goroutine runs only while there is something to write: push
// and close report when it must be started (running goes false -> true
// under mu), and take reports when it must exit (queue empty: running goes
// back to false). An idle connection therefore has no writer goroutine, and
// at most one writer runs per connection.
type sendQueue struct {
	maxFrames int
	maxBytes  int

	mu      sync.Mutex // guards every field below
	frames  [][]byte
	bytes   int
	closed  bool
	running bool // a writer goroutine is running (or being started)
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

// pushAll appends every frame of fs, or none when together they would pass
// a bound (or the queue is closed): ok reports which. start is as for push.
func (q *sendQueue) pushAll(fs [][]byte) (ok, start bool) {
	n := 0
	for _, f := range fs {
		n += len(f)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.frames)+len(fs) > q.maxFrames || q.bytes+n > q.maxBytes {
		return false, false
	}
	q.frames = append(q.frames, fs...)
	q.bytes += n
	return true, q.startLocked()
}

func (q *sendQueue) startLocked() bool {
	if q.running {
		return false
	}
	q.running = true
	return true
}

// take returns every queued frame and empties the queue, which continues
// in spare (a drained slice the writer hands back, or nil). With nothing
// queued it returns nil and, unless the queue is closed, marks the writer
// stopped: the caller must exit. closed reports that the queue was closed
// (the writer must perform the close handshake and exit).
func (q *sendQueue) take(spare [][]byte) (batch [][]byte, closed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil, true
	}
	if len(q.frames) == 0 {
		q.running = false
		if cap(q.frames) > queueShrinkCap {
			q.frames = nil
		}
		return nil, false
	}
	out := q.frames
	q.frames = spare[:0]
	q.bytes = 0
	return out, false
}

// putBack returns batch, taken by the running writer and not written, to
// the front of the queue (before anything pushed since), unless the queue
// was closed meanwhile (then it is dropped, as close drops the rest).
func (q *sendQueue) putBack(batch [][]byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	n := 0
	for _, f := range batch {
		n += len(f)
	}
	q.frames = append(batch, q.frames...)
	q.bytes += n
}

// writing reports whether a writer is running.
func (q *sendQueue) writing() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.running
}

// hold takes the writer's place when no writer runs (and the queue is
// open), so that the caller can write something of its own (a ping) with
// nothing of the queue's going out before or during it; pushes meanwhile
// only queue. It reports false when a writer runs or the queue is closed.
func (q *sendQueue) hold() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running || q.closed {
		return false
	}
	q.running = true
	return true
}

// release ends a hold. It reports whether the caller must start the writer
// (frames were queued meanwhile, or the queue was closed), which then takes
// the place over.
func (q *sendQueue) release() (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.frames) > 0 {
		return true
	}
	q.running = false
	return false
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
// caller must start the writer (to perform the close handshake).
func (q *sendQueue) close() (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.frames, q.bytes = nil, 0
	return q.startLocked()
}

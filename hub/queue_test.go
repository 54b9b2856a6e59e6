package hub

import (
	"testing"
	"time"
)

// TestQueueWriterParksAndRetires follows one writer through its life: it
// is started by the first push, parks when the queue runs dry, is woken by
// the next push without a new start, and exits only after two linger ticks.
func TestQueueWriterParksAndRetires(t *testing.T) {
	q := newSendQueue(8, 1<<10)
	if _, _, start := q.push([]byte("a")); !start {
		t.Fatal("the first push must start a writer")
	}
	batch, closed, wait := q.take(nil, 1)
	if len(batch) != 1 || closed || wait != nil {
		t.Fatalf("take = %q, %v, %v; want one frame", batch, closed, wait)
	}
	batch, _, wait = q.take(recycle(batch), 1)
	if batch != nil || wait == nil {
		t.Fatalf("an empty queue must park the writer (batch %q, wait %v)", batch, wait)
	}
	if _, _, start := q.push([]byte("b")); start {
		t.Fatal("a push to a parked writer must wake it, not start another")
	}
	select {
	case <-wait:
	case <-time.After(time.Second):
		t.Fatal("the parked writer was not woken")
	}
	if batch, _, _ = q.take(nil, 1); len(batch) != 1 || string(batch[0]) != "b" {
		t.Fatalf("after wake-up take = %q, want [b]", batch)
	}
	_, _, wait = q.take(nil, 5) // parks at tick 5
	if q.retireIdle(6) {
		t.Fatal("retired a writer parked for less than two ticks")
	}
	if !q.retireIdle(7) {
		t.Fatal("a writer parked for two ticks must be retired")
	}
	<-wait
	if batch, closed, wait = q.take(nil, 7); batch != nil || closed || wait != nil {
		t.Fatalf("a retired writer must exit (batch %q, closed %v, wait %v)", batch, closed, wait)
	}
	if _, _, start := q.push([]byte("c")); !start {
		t.Fatal("after the writer exited the next push must start a new one")
	}
}

// TestQueueRetireLosesNoFrame: a frame pushed between the retire signal and
// the writer's next take is written, and the writer stays.
func TestQueueRetireLosesNoFrame(t *testing.T) {
	q, wait := parkedQueue()
	q.retireIdle(2)
	<-wait
	if _, _, start := q.push([]byte("b")); start {
		t.Fatal("the writer is still running: no new start")
	}
	if batch, _, _ := q.take(nil, 2); len(batch) != 1 {
		t.Fatalf("take = %q, want the frame pushed after the retire signal", batch)
	}
	if _, _, wait := q.take(nil, 2); wait == nil {
		t.Fatal("the writer that found work must park again, not exit")
	}
}

// TestQueueCloseWakesParkedWriter: closing wakes the parked writer, which
// then sees the close (and performs the handshake).
func TestQueueCloseWakesParkedWriter(t *testing.T) {
	q, wait := parkedQueue()
	if q.close() {
		t.Fatal("close must wake the running writer, not start another")
	}
	<-wait
	if _, closed, _ := q.take(nil, 0); !closed {
		t.Fatal("the woken writer must see the close")
	}
}

// TestQueueFullDoesNotClose: a push past the bound reports full and leaves
// closing (with its code) to the connection.
func TestQueueFullDoesNotClose(t *testing.T) {
	q := newSendQueue(1, 1<<10)
	q.push([]byte("a"))
	if ok, full, _ := q.push([]byte("b")); ok || !full {
		t.Fatalf("push = ok %v, full %v; want full", ok, full)
	}
	if q.closed {
		t.Fatal("push closed the queue itself")
	}
}

// parkedQueue returns a queue whose writer wrote one frame and parked at
// tick 0, and the channel it waits on.
func parkedQueue() (*sendQueue, <-chan struct{}) {
	q := newSendQueue(8, 1<<10)
	q.push([]byte("a"))
	q.take(nil, 0)
	_, _, wait := q.take(nil, 0)
	return q, wait
}

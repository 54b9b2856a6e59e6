package hub

import "testing"

// TestQueueFullDoesNotClose: a push past the bound reports full and leaves
// closing (with its code) to the connection, so the writer never performs
// the close handshake before the code is recorded.
func TestQueueFullDoesNotClose(t *testing.T) {
	q := newSendQueue(1, 1<<10)
	if _, _, start := q.push([]byte("a")); !start {
		t.Fatal("the first push must start a writer")
	}
	if ok, full, start := q.push([]byte("b")); ok || !full || start {
		t.Fatalf("push = ok %v, full %v, start %v; want full only", ok, full, start)
	}
	if batch, closed := q.take(nil); closed || len(batch) != 1 {
		t.Fatalf("take = %q, closed %v; want the first frame, queue open", batch, closed)
	}
	if q.close() {
		t.Fatal("close must not start a second writer while one runs")
	}
	if _, closed := q.take(nil); !closed {
		t.Fatal("the running writer must see the close")
	}
}

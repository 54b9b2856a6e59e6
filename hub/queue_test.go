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

// TestQueuePushAllIsAllOrNothing: frames that do not all fit (by count or
// by bytes) are refused together, leaving the queue as it was and open.
func TestQueuePushAllIsAllOrNothing(t *testing.T) {
	tests := []struct {
		name   string
		frames [][]byte
		ok     bool
	}{
		{"frames that fit are queued", [][]byte{[]byte("bb"), []byte("cc")}, true},
		{"one frame too many is refused", [][]byte{[]byte("b"), []byte("c"), []byte("d")}, false},
		{"one byte too many is refused", [][]byte{[]byte("bbbb"), []byte("cccc")}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := newSendQueue(3, 8)
			q.push([]byte("a"))
			ok, start := q.pushAll(tc.frames)
			if ok != tc.ok || start {
				t.Fatalf("pushAll = ok %v, start %v; want ok %v and no second writer", ok, start, tc.ok)
			}
			want := 1
			if tc.ok {
				want += len(tc.frames)
			}
			if batch, closed := q.take(nil); closed || len(batch) != want {
				t.Fatalf("take = %q, closed %v; want %d frames, queue open", batch, closed, want)
			}
		})
	}
}

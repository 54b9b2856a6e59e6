package hub

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// numberedFrame is an unmasked text frame of n payload bytes starting with
// its number, so a reader can tell frames apart and check their order.
func numberedFrame(i, n int) []byte {
	f := serverFrame(n)
	copy(f[len(f)-n:], fmt.Sprintf("%08d", i))
	return f
}

// readFrames reads count server frames from r and checks each is whole,
// carries n payload bytes and its number, in order.
func readFrames(t *testing.T, r io.Reader, count, n int) {
	t.Helper()
	br := bufio.NewReader(r)
	for i := range count {
		want := numberedFrame(i, n)
		got := make([]byte, len(want))
		if _, err := io.ReadFull(br, got); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("frame %d: got header % x and payload %q..., want % x %q...", i, got[:4], got[4:12], want[:4], want[4:12])
		}
	}
}

// TestTryWriteMessageOwesWhatTheSocketDidNotTake: writes that must not
// wait fill a socket whose reader stopped; the frame the socket took only
// part of is owed, no later try writes anything until it is paid, and a
// reader that comes back finds every frame whole and in order, the owed
// bytes first, then frames from both writing paths.
func TestTryWriteMessageOwesWhatTheSocketDidNotTake(t *testing.T) {
	server, client := tcpPair(t)
	_ = server.SetWriteBuffer(16 << 10)
	pool := &sync.Pool{New: func() any { b := make([]byte, 0, corkCopyMax); return &b }}
	w := &corkWriter{conn: server, bufs: pool}
	const size = 3000
	i := 0
	for ; ; i++ {
		if i > 10_000 {
			t.Fatal("the socket never filled")
		}
		tried, owing, err := w.tryWriteMessage(numberedFrame(i, size))
		if err != nil || !tried {
			t.Fatalf("frame %d: tried %v, err %v", i, tried, err)
		}
		if owing {
			break
		}
	}
	if tried, _, _ := w.tryWriteMessage(numberedFrame(i+1, size)); tried {
		t.Fatal("a frame was written while bytes were owed")
	}
	// coder/websocket's path and writeMessage pay what is owed first.
	bw := bufio.NewWriterSize(w, connWriteBufSize)
	done := make(chan error, 1)
	go func() {
		frame := numberedFrame(i+1, size)
		if _, err := bw.Write(frame[:4]); err != nil {
			done <- err
			return
		}
		if _, err := bw.Write(frame[4:]); err != nil {
			done <- err
			return
		}
		if err := bw.Flush(); err != nil {
			done <- err
			return
		}
		done <- w.writeMessage(numberedFrame(i+2, size))
	}()
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	readFrames(t, client, i+3, size)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if tried, owing, err := w.tryWriteMessage(numberedFrame(i+3, size)); !tried || owing || err != nil {
		t.Fatalf("after the reader caught up: tried %v owing %v err %v", tried, owing, err)
	}
	want := numberedFrame(i+3, size)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(client, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("last frame: %v, equal %v", err, bytes.Equal(got, want))
	}
}

// TestTryWriteMessageLeavesAHalfWrittenFrameAlone: while coder/websocket
// is in the middle of a frame (its header and payload start held back),
// a try writes nothing, and flushOwed has nothing to do.
func TestTryWriteMessageLeavesAHalfWrittenFrameAlone(t *testing.T) {
	server, client := tcpPair(t)
	w := &corkWriter{conn: server}
	frame := serverFrame(300)
	if _, err := w.Write(frame[:10]); err != nil {
		t.Fatal(err)
	}
	if tried, _, _ := w.tryWriteMessage(numberedFrame(1, 50)); tried {
		t.Fatal("a frame was written into the middle of another")
	}
	if err := w.flushOwed(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(frame[10:]); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(frame))
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(client, got); err != nil || !bytes.Equal(got, frame) {
		t.Fatalf("read %v, equal %v", err, bytes.Equal(got, frame))
	}
}

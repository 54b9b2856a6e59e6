package hub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server *net.TCPConn, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { _ = s.Close(); _ = client.Close() })
	return s.(*net.TCPConn), client
}

// serverFrame builds an unmasked text frame carrying n payload bytes.
func serverFrame(n int) []byte {
	var f []byte
	switch {
	case n < 126:
		f = []byte{0x81, byte(n)}
	case n <= 0xffff:
		f = []byte{0x81, 126, 0, 0}
		binary.BigEndian.PutUint16(f[2:], uint16(n))
	default:
		f = []byte{0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(f[2:], uint64(n))
	}
	for i := range n {
		f = append(f, byte('a'+i%26))
	}
	return f
}

func TestCorkWriterDeliversEveryFrameWhole(t *testing.T) {
	server, client := tcpPair(t)
	// As coder/websocket uses it: header and payload through a small
	// bufio.Writer, flushed at the end of each frame.
	pool := &sync.Pool{New: func() any { b := make([]byte, 0, corkCopyMax); return &b }}
	bw := bufio.NewWriterSize(&corkWriter{conn: server, bufs: pool}, connWriteBufSize)
	for _, n := range []int{0, 1, 13, 14, 15, 16, 17, 100, 125, 126, 300, 4096, corkCopyMax - 4, corkCopyMax, 65535, 65536, 200_000} {
		frame := serverFrame(n)
		hl := len(frame) - n
		if _, err := bw.Write(frame[:hl]); err != nil {
			t.Fatal(err)
		}
		if _, err := bw.Write(frame[hl:]); err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- bw.Flush() }()
		// Every byte of the frame must arrive now: nothing may be held back
		// once the frame is complete.
		got := make([]byte, len(frame))
		_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(client, got); err != nil {
			t.Fatalf("payload %d: read: %v", n, err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, frame) {
			t.Fatalf("payload %d: bytes differ", n)
		}
	}
}

func TestCorkWriterWritesThroughWhenHeaderIsSplit(t *testing.T) {
	server, client := tcpPair(t)
	w := &corkWriter{conn: server}
	frame := serverFrame(300)
	// A lone first byte cannot be parsed: the writer stops holding back.
	for _, part := range [][]byte{frame[:1], frame[1:10], frame[10:]} {
		if _, err := w.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]byte, len(frame))
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(client, got); err != nil || !bytes.Equal(got, frame) {
		t.Fatalf("read %v, bytes equal %v", err, bytes.Equal(got, frame))
	}
	if !w.desync {
		t.Fatal("writer did not notice the split header")
	}
}

package hub

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"
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

// TestWriteMessageInterleavesWithControlFrames: data frames written
// straight through the corkWriter while coder/websocket writes pings on the
// same connection arrive whole and in order at a coder/websocket client,
// and none is written after the close frame.
func TestWriteMessageInterleavesWithControlFrames(t *testing.T) {
	const messages, pings = 2000, 100
	message := func(i int) []byte {
		p := []byte(fmt.Sprintf("message %d %s", i, strings.Repeat("x", i%300)))
		return append(appendTextHeader(nil, len(p)), p...)
	}
	accepted := make(chan *websocket.Conn, 1)
	var hj *smallBufHijacker
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj = &smallBufHijacker{ResponseWriter: w, bufs: &sync.Pool{New: func() any { b := make([]byte, 0, corkCopyMax); return &b }}}
		ws, err := websocket.Accept(hj, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		// The first frame carries the 101 response the hijacker held back
		// (the hub's hello does that); the dial completes with it.
		if err := hj.cork.writeMessage(message(0)); err != nil {
			t.Error(err)
		}
		accepted <- ws
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseNow()
	ws := <-accepted
	if hj.cork == nil {
		t.Fatal("a TCP connection must get a corkWriter")
	}
	go func() { _, _, _ = ws.Read(ctx) }() // processes the pongs

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 1; i < messages; i++ {
			if err := hj.cork.writeMessage(message(i)); err != nil {
				t.Errorf("writeMessage %d: %v", i, err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range pings {
			if err := ws.Ping(ctx); err != nil {
				t.Errorf("ping: %v", err)
				return
			}
		}
	}()
	readDone := make(chan error, 1)
	go func() {
		for i := range messages {
			_, msg, err := client.Read(ctx)
			if err != nil {
				readDone <- fmt.Errorf("read %d: %w", i, err)
				return
			}
			if want := fmt.Sprintf("message %d ", i); !strings.HasPrefix(string(msg), want) || len(msg) != len(want)+i%300 {
				readDone <- fmt.Errorf("message %d arrived as %.40q (%d bytes)", i, msg, len(msg))
				return
			}
		}
		readDone <- nil
		for { // keep answering pings, then the close
			if _, _, err := client.Read(ctx); err != nil {
				return
			}
		}
	}()
	wg.Wait()
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	_ = ws.Close(websocket.StatusNormalClosure, "")
	if err := hj.cork.writeMessage(appendTextHeader(nil, 0)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("writeMessage after close = %v, want net.ErrClosed", err)
	}
}

func TestCloseFrameFitsAControlFrame(t *testing.T) {
	f := closeFrame(4008, "slow consumer: send queue full")
	if want := "\x88\x20\x0f\xa8slow consumer: send queue full"; string(f) != want {
		t.Errorf("closeFrame = %q, want %q", f, want)
	}
	// A long reason is cut to 123 bytes, and not inside a character.
	long := closeFrame(1000, strings.Repeat("é", 100))
	if n := int(long[1]); n != len(long)-2 || n > 125 || !utf8.Valid(long[4:]) {
		t.Errorf("long reason: payload %d bytes (frame %d), valid UTF-8 %v", n, len(long), utf8.Valid(long[4:]))
	}
}

// TestUpgradeResponseGoesOutWithTheHello: through a real hub, a client's
// first read holds the 101 response and the hello frame. Two writes close
// together can also arrive in one read, so this checks the contents;
// TestHijackerHoldsThe101UntilTheFirstFrame checks there is no separate
// write of the 101.
func TestUpgradeResponseGoesOutWithTheHello(t *testing.T) {
	h, err := New(Config{}, NewMemoryBroker(MemoryBrokerConfig{}), zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler(func(*http.Request) (Identity, error) { return Identity{UserID: "u"}, nil }))
	defer srv.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
	}()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := "GET / HTTP/1.1\r\nHost: " + strings.TrimPrefix(srv.URL, "http://") + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + Subprotocol + "\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 8<<10)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	got := string(buf[:n])
	for _, want := range []string{"HTTP/1.1 101 Switching Protocols\r\n", "Sec-Websocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
		"Sec-Websocket-Protocol: " + Subprotocol + "\r\n", "\r\n\r\n\x81", `"type":"hello"`} {
		if !strings.Contains(got, want) {
			t.Fatalf("first read (%d bytes) has no %q:\n%q", n, want, got)
		}
	}
}

// TestHijackerHoldsThe101UntilTheFirstFrame: the 101 response does not go
// out at Hijack (net/http would flush it there, a write of its own); it
// leaves with the connection's first frame, in the same write.
func TestHijackerHoldsThe101UntilTheFirstFrame(t *testing.T) {
	proceed := make(chan struct{})
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		hj := &smallBufHijacker{ResponseWriter: w, bufs: &sync.Pool{New: func() any { b := make([]byte, 0, corkCopyMax); return &b }}}
		ws, err := websocket.Accept(hj, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer ws.CloseNow()
		<-proceed
		p := []byte(`{"type":"hello"}`)
		if err := hj.cork.writeMessage(append(appendTextHeader(nil, len(p)), p...)); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := "GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	// Nothing may arrive before the first frame is written (the old path
	// flushed the 101 at Hijack, well within this bound).
	buf := make([]byte, 8<<10)
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read before the first frame: %d bytes %q, err %v; want nothing yet", n, buf[:n], err)
	}
	close(proceed)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(io.LimitReader(c, int64(len("HTTP/1.1 101"))))
	if err != nil || string(got) != "HTTP/1.1 101" {
		t.Fatalf("after the first frame: %q, %v", got, err)
	}
	<-done
}

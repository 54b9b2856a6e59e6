package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// serverFrame is an unmasked frame as a server sends it (masked: as a
// client would, which the scanner also accepts).
func serverFrame(fin bool, op byte, payload []byte, masked bool) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	mbit := byte(0)
	if masked {
		mbit = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, mbit|byte(n))
	case n <= 0xffff:
		b = append(b, mbit|126, byte(n>>8), byte(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, mbit|127), uint64(n))
	}
	p := bytes.Clone(payload)
	if masked {
		key := []byte{1, 2, 3, 4}
		b = append(b, key...)
		unmask(p, key)
	}
	return append(b, p...)
}

// pushLine is a push of the tool's payload with seq in proto's encoding.
func pushLine(proto target, topic string, seq uint64, sentNS int64) []byte {
	payload := appendPayload(nil, seq, sentNS)
	if proto == targetCentrifugo {
		return []byte(`{"push":{"channel":"` + topic + `","pub":{"data":` + string(payload) + `}}}`)
	}
	return []byte(`{"type":"push","topic":"` + topic + `","epoch":"ep","offset":` + strconv.FormatUint(seq+100, 10) +
		`,"data":` + string(payload) + `}`)
}

// testPollSub is a pollSub on one end of a pipe; what it writes (pongs) is
// collected from the other end.
func testPollSub(t testing.TB, proto target, topic string) (*pollSub, func() []byte) {
	t.Helper()
	a, b := net.Pipe()
	var mu sync.Mutex
	var written []byte
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		for {
			n, err := b.Read(buf)
			mu.Lock()
			written = append(written, buf[:n]...)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { a.Close(); b.Close(); <-done })
	s := &subState{topic: topic, tracker: NewSeqTracker(1)}
	ps := &pollSub{proto: proto, s: s, ws: &wsConn{nc: a, readMax: clientReadMax}, cnt: &counters{}, push: pushPrefixOf(proto, topic)}
	return ps, func() []byte { mu.Lock(); defer mu.Unlock(); return bytes.Clone(written) }
}

// feed hands stream to ps in pieces of chunk bytes (as reads would) and
// returns the latencies recorded.
func feed(t *testing.T, ps *pollSub, stream []byte, chunk int) ([]time.Duration, error) {
	t.Helper()
	var lat []time.Duration
	for len(stream) > 0 {
		k := min(chunk, len(stream))
		ps.buf = append(ps.buf, stream[:k]...)
		stream = stream[k:]
		var err error
		if lat, err = ps.consume(time.Now().UnixNano(), lat); err != nil {
			return lat, err
		}
	}
	return lat, nil
}

func TestPollSubScansSplitFrames(t *testing.T) {
	const topic = "load_fanout-x"
	sent := time.Now().Add(-5 * time.Millisecond).UnixNano()
	for _, proto := range []target{targetLyceum, targetCentrifugo} {
		t.Run(proto.String(), func(t *testing.T) {
			nl := []byte{'\n'}
			var stream []byte
			// A coalesced message of three pushes.
			stream = append(stream, serverFrame(true, opText, bytes.Join([][]byte{
				pushLine(proto, topic, 1, sent), pushLine(proto, topic, 2, sent), pushLine(proto, topic, 3, sent)}, nl), false)...)
			// A ping between messages (answered with a pong).
			stream = append(stream, serverFrame(true, opPing, []byte("hi"), false)...)
			// A push fragmented over two frames, the second masked.
			p4 := pushLine(proto, topic, 4, sent)
			stream = append(stream, serverFrame(false, opText, p4[:30], false)...)
			stream = append(stream, serverFrame(true, opContinuation, p4[30:], true)...)
			// A push, another topic's push and a frame that is not a push.
			other := []byte(`{"type":"join","topic":"` + topic + `","client":"c"}`)
			if proto == targetCentrifugo {
				other = []byte(`{}`) // Centrifugo's ping: answered with {}
			}
			stream = append(stream, serverFrame(true, opText, bytes.Join([][]byte{
				pushLine(proto, topic, 5, sent), pushLine(proto, "elsewhere", 6, sent), other}, nl), false)...)
			// A push in a 16-bit length frame, spaced otherwise than the fast
			// path expects (the slow path must still count it).
			big := bytes.Replace(pushLine(proto, topic, 6, sent), []byte(`{"seq":`), []byte(`{ "seq":`), 1)
			big = append(big[:len(big)-1], bytes.Repeat([]byte(" "), 300)...)
			big = append(big, '}')
			stream = append(stream, serverFrame(true, opText, big, false)...)

			for _, chunk := range []int{1, 2, 3, 7, 64, 200, len(stream)} {
				ps, written := testPollSub(t, proto, topic)
				lat, err := feed(t, ps, stream, chunk)
				if err != nil {
					t.Fatalf("chunk %d: %v", chunk, err)
				}
				tr := ps.s.tracker
				if len(lat) != 6 || tr.Received() != 6 || tr.Gaps(6) != 0 || tr.Duplicates != 0 || tr.OutOfOrder != 0 {
					t.Fatalf("chunk %d: %d latencies, tracker %+v", chunk, len(lat), tr)
				}
				for _, d := range lat {
					if d < 5*time.Millisecond || d > time.Minute {
						t.Fatalf("chunk %d: latency %v", chunk, d)
					}
				}
				if len(ps.buf) != 0 || len(ps.msg) != 0 || ps.msgs != 4 {
					t.Errorf("chunk %d: %d bytes left, %d in a message, %d messages", chunk, len(ps.buf), len(ps.msg), ps.msgs)
				}
				if proto == targetLyceum && (ps.s.epoch != "ep" || ps.s.offset != 106 || ps.cnt.presence.Load() != 1) {
					t.Errorf("chunk %d: epoch %q offset %d presence %d", chunk, ps.s.epoch, ps.s.offset, ps.cnt.presence.Load())
				}
				if ps.other != 2 || ps.cnt.errors.Load() != 0 {
					t.Errorf("chunk %d: %d pushes on the slow path (want 2), %d errors", chunk, ps.other, ps.cnt.errors.Load())
				}
				// The pong (masked "hi": 2+4+2 bytes) and, for Centrifugo, the {} answer.
				want := 8
				if proto == targetCentrifugo {
					want += 2 + 4 + 2
				}
				deadline := time.Now().Add(5 * time.Second)
				for len(written()) < want && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				if w := written(); len(w) != want || w[0] != 0x80|opPong {
					t.Errorf("chunk %d: wrote % x, want a pong first (%d bytes in all)", chunk, w, want)
				}
			}
		})
	}
}

func TestPollSubEndsOnCloseAndOversizedFrames(t *testing.T) {
	ps, _ := testPollSub(t, targetLyceum, "load:a")
	closeFrame := serverFrame(true, opClose, append(binary.BigEndian.AppendUint16(nil, 4008), "slow"...), false)
	_, err := feed(t, ps, closeFrame, 1)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4008 || ce.Reason != "slow" {
		t.Errorf("close frame: %v", err)
	}
	ps, _ = testPollSub(t, targetLyceum, "load:a")
	huge := binary.BigEndian.AppendUint64([]byte{0x81, 127}, clientReadMax+1)
	if _, err := feed(t, ps, huge, len(huge)); err == nil {
		t.Error("a frame larger than the limit was accepted")
	}
}

func TestPollSubReadGrowsForLargeFrames(t *testing.T) {
	// read() needs a socket: a TCP pair on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ps, _ := testPollSub(t, targetLyceum, "load:a")
	raw, _ := cl.(*net.TCPConn).SyscallConn()
	_ = raw.Control(func(fd uintptr) { ps.fd = int(fd) })
	ps.buf = make([]byte, 0, 64)
	line := pushLine(targetLyceum, "load:a", 1, time.Now().UnixNano())
	frame := serverFrame(true, opText, line, false)
	if _, err := srv.Write(frame); err != nil {
		t.Fatal(err)
	}
	var lat []time.Duration
	deadline := time.Now().Add(5 * time.Second)
	for len(lat) == 0 && time.Now().Before(deadline) {
		if err := ps.read(); err != nil {
			t.Fatal(err)
		}
		if lat, err = ps.consume(time.Now().UnixNano(), lat); err != nil {
			t.Fatal(err)
		}
	}
	if len(lat) != 1 || cap(ps.buf) < len(frame) {
		t.Fatalf("%d deliveries, buffer %d bytes for a %d-byte frame", len(lat), cap(ps.buf), len(frame))
	}
	srv.Close()
	for err == nil && time.Now().Before(deadline) {
		err = ps.read()
	}
	if !errors.Is(err, io.EOF) {
		t.Errorf("read after the peer closed: %v, want EOF", err)
	}
}

// BenchmarkPushScan is the user-space cost of one delivery in the tool:
// the poller's scan of a frame holding one push (consume) against the
// goroutine reader's generic parse and accounting (parsePush, handlePush).
func BenchmarkPushScan(b *testing.B) {
	const topic = "load:fanout-bench"
	sent := time.Now().UnixNano()
	for _, proto := range []target{targetLyceum, targetCentrifugo} {
		frame := serverFrame(true, opText, pushLine(proto, topic, 1, sent), false)
		b.Run(proto.String()+"/poll", func(b *testing.B) {
			ps, _ := testPollSub(b, proto, topic)
			lat := make([]time.Duration, 0, 1)
			b.ReportAllocs()
			for b.Loop() {
				ps.buf = append(ps.buf[:0], frame...) // seq 1 again: a duplicate, accounted the same way
				var err error
				if lat, err = ps.consume(sent, lat[:0]); err != nil || len(lat) != 1 {
					b.Fatal(err, len(lat))
				}
			}
		})
		b.Run(proto.String()+"/generic", func(b *testing.B) {
			s := &subState{topic: topic, tracker: NewSeqTracker(1)}
			cl := &client{proto: proto, subs: map[string]*subState{topic: s}}
			line := frame[2:] // a payload under 126 bytes has a 2-byte header
			if len(frame) > 127 {
				line = frame[4:]
			}
			b.ReportAllocs()
			for b.Loop() {
				p, ok := cl.parsePush(line)
				if !ok || !cl.handlePush(p) || !p.ok {
					b.Fatal("not a push")
				}
			}
		})
	}
}

package hub_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// These benchmarks run the whole write path over real loopback WebSocket
// connections: the hub's queues and writers, coder/websocket, the kernel.
// The clients are raw sockets (hand-written handshake, no client library,
// no JSON decoding) so that they cost as little as possible in the same
// process.

// benchPayload is a ~200-byte JSON payload like the load tool's.
var benchPayload = json.RawMessage(`{"seq":123456,"sent_ns":1764379200123456789,"text":"` +
	strings.Repeat("lorem ipsum ", 12) + `"}`)

// rawDial opens a WebSocket connection to node as user with a hand-written
// handshake and returns the socket and a reader positioned after the
// HTTP response (nil when bufSize is 0: the response is then read byte by
// byte and later bytes are left unread in the socket). The caller closes
// the socket.
func rawDial(tb testing.TB, node *hubtest.Node, user string, bufSize int) (net.Conn, *bufio.Reader) {
	tb.Helper()
	u, err := url.Parse(node.URL)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	_, err = fmt.Fprintf(c, "GET %s?user=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n\r\n",
		u.Path+"/", user, u.Host, hub.Subprotocol)
	if err != nil {
		tb.Fatalf("handshake: %v", err)
	}
	var r io.Reader = c
	var br *bufio.Reader
	if bufSize > 0 {
		br = bufio.NewReaderSize(c, bufSize)
		r = br
	}
	var head []byte
	var b [1]byte
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			tb.Fatalf("handshake response: %v", err)
		}
		head = append(head, b[0])
	}
	if !bytes.HasPrefix(head, []byte("HTTP/1.1 101")) {
		tb.Fatalf("handshake: %q", head)
	}
	return c, br
}

// rawSend writes msg as one masked text frame (mask key 0: the payload is
// sent as is).
func rawSend(tb testing.TB, c net.Conn, msg string) {
	tb.Helper()
	if len(msg) >= 126 {
		tb.Fatalf("rawSend: message too long")
	}
	frame := append([]byte{0x81, 0x80 | byte(len(msg)), 0, 0, 0, 0}, msg...)
	if _, err := c.Write(frame); err != nil {
		tb.Fatalf("write: %v", err)
	}
}

// rawReadLoop reads server messages until the socket closes, counting
// messages and frames (newline-separated lines) into the given counters.
func rawReadLoop(br *bufio.Reader, messages *atomic.Int64, frames *counter) {
	var hdr [8]byte
	var buf []byte
	for {
		if _, err := io.ReadFull(br, hdr[:2]); err != nil {
			return
		}
		text := hdr[0]&0x0f == 1 // not a ping or close
		n := int(hdr[1] & 0x7f)
		switch n {
		case 126:
			if _, err := io.ReadFull(br, hdr[:2]); err != nil {
				return
			}
			n = int(binary.BigEndian.Uint16(hdr[:2]))
		case 127:
			if _, err := io.ReadFull(br, hdr[:8]); err != nil {
				return
			}
			n = int(binary.BigEndian.Uint64(hdr[:8]))
		}
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		if _, err := io.ReadFull(br, buf[:n]); err != nil {
			return
		}
		if !text {
			continue
		}
		messages.Add(1)
		frames.add(int64(bytes.Count(buf[:n], []byte{'\n'}) + 1))
	}
}

// BenchmarkFanoutLoopback publishes on one topic with N subscribers over
// loopback. "lockstep" waits until every subscriber got a publication
// before the next one (nothing can coalesce: the worst case of a low
// rate); "burst" publishes burstWindow at a time (frames coalesce). Reported:
// ns/delivery (server and clients together, one process), msgs/delivery
// (WebSocket messages, i.e. write syscalls, per delivered frame) and
// cpu-ns/delivery (CPU time of the whole process, server and clients, per
// delivery: steadier than wall time on a busy machine).
func BenchmarkFanoutLoopback(b *testing.B) {
	for _, n := range []int{100, 1000} {
		for _, mode := range []string{"lockstep", "burst"} {
			b.Run(fmt.Sprintf("subscribers=%d/%s", n, mode), func(b *testing.B) {
				benchFanout(b, n, mode)
			})
		}
	}
}

// burstWindow is how many publications the burst mode sends before it
// waits for their delivery.
const burstWindow = 256

// benchFanout publishes to n subscribers; mode is lockstep, burst or
// overlap (see BenchmarkFanoutOverlap).
func benchFanout(b *testing.B, n int, mode string) {
	node := hubtest.NewNode(b, hub.Config{}, hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	const topic = "bench:fanout"
	var messages atomic.Int64
	frames := newCounter()
	for i := range n {
		c, br := rawDial(b, node, fmt.Sprintf("u%d", i), 64<<10)
		b.Cleanup(func() { _ = c.Close() })
		rawSend(b, c, `{"type":"subscribe","id":1,"topic":"`+topic+`"}`)
		go rawReadLoop(br, &messages, frames)
	}
	frames.wait(b, int64(2*n)) // hello + subscribe ack each
	messages.Store(0)
	frames.n.Store(0)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var published int64
	for b.Loop() {
		if _, err := node.Hub.Publish(ctx, topic, benchPayload); err != nil {
			b.Fatal(err)
		}
		published++
		// Burst: wait every burstWindow publications so that no queue
		// passes its bound (1,024 frames) and subscribers are not dropped
		// as slow consumers on a busy machine.
		switch {
		case mode == "overlap":
			frames.wait(b, published*int64(n)-int64(n/2))
		case mode == "lockstep" || published%burstWindow == 0:
			frames.wait(b, published*int64(n))
		}
	}
	frames.wait(b, published*int64(n))
	b.StopTimer()
	deliveries := float64(published) * float64(n)
	b.ReportMetric(float64(cpuTime()-cpu0)/deliveries, "cpu-ns/delivery")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/deliveries, "ns/delivery")
	b.ReportMetric(float64(messages.Load())/deliveries, "msgs/delivery")
}

// rawReadMessage reads one server message from c without buffering.
func rawReadMessage(tb testing.TB, c net.Conn) []byte {
	tb.Helper()
	var hdr [8]byte
	if _, err := io.ReadFull(c, hdr[:2]); err != nil {
		tb.Fatalf("read: %v", err)
	}
	n := int(hdr[1] & 0x7f)
	if n == 126 {
		if _, err := io.ReadFull(c, hdr[:2]); err != nil {
			tb.Fatalf("read: %v", err)
		}
		n = int(binary.BigEndian.Uint16(hdr[:2]))
	} else if n == 127 {
		tb.Fatalf("read: message too long")
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(c, msg); err != nil {
		tb.Fatalf("read: %v", err)
	}
	return msg
}

// counter counts received frames; wait blocks until it reaches a target.
type counter struct {
	n       atomic.Int64
	target  atomic.Int64
	reached chan struct{}
}

func newCounter() *counter { return &counter{reached: make(chan struct{}, 1)} }

func (c *counter) add(k int64) {
	if v := c.n.Add(k); v >= c.target.Load() {
		select {
		case c.reached <- struct{}{}:
		default:
		}
	}
}

func (c *counter) wait(tb testing.TB, want int64) {
	c.target.Store(want)
	timeout := time.NewTimer(hubtest.WaitTimeout)
	defer timeout.Stop()
	for c.n.Load() < want {
		select {
		case <-c.reached:
		case <-timeout.C:
			tb.Fatalf("waited for %d frames, got %d", want, c.n.Load())
		}
	}
}

// BenchmarkIdleConnMemory opens 2,000 idle connections, each subscribed to
// a topic of its own, and reports the server's Go memory per connection
// (heap in use + goroutine stacks, after a GC) and goroutines per
// connection. The clients are raw sockets that read nothing; their
// net.Conn (~300 bytes each) is included in the heap figure.
func BenchmarkIdleConnMemory(b *testing.B) {
	const n = 2000
	for b.Loop() {
		node := hubtest.NewNode(b, hub.Config{}, hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
		before := memNow()
		g0 := runtime.NumGoroutine()
		conns := make([]net.Conn, 0, n)
		b.Cleanup(func() {
			for _, c := range conns {
				_ = c.Close()
			}
		})
		for i := range n {
			c, _ := rawDial(b, node, fmt.Sprintf("u%d", i), 0)
			conns = append(conns, c)
			rawSend(b, c, fmt.Sprintf(`{"type":"subscribe","id":1,"topic":"idle:%d"}`, i))
			// Read the hello and the ack (unbuffered), so the subscription is in place.
			for got := 0; got < 2; {
				msg := rawReadMessage(b, c)
				got += bytes.Count(msg, []byte{'\n'}) + 1
			}
		}
		// Settle before measuring (writers run on demand and exit after
		// their last write): a benchmark's measurement, not an ordering wait.
		time.Sleep(100 * time.Millisecond)
		after := memNow()
		b.ReportMetric(float64(after.heap-before.heap)/n, "heap-B/conn")
		b.ReportMetric(float64(after.stack-before.stack)/n, "stack-B/conn")
		b.ReportMetric(float64(after.heap+after.stack-before.heap-before.stack)/n, "B/conn")
		b.ReportMetric(float64(runtime.NumGoroutine()-g0)/n, "goroutines/conn")
	}
}

// cpuTime returns the CPU time (user + system, ns) this process used so far.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

type memFigures struct{ heap, stack uint64 }

func memNow() memFigures {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memFigures{heap: ms.HeapInuse, stack: ms.StackInuse}
}

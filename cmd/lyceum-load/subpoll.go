package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// The fan-out's subscribers are read by pollers rather than by a goroutine
// each. At 100,000 deliveries a second on one core, a reader goroutine per
// connection cost, per WebSocket message, two read system calls (the
// message, then EAGAIN before parking), a park and a wake-up through Go's
// network poller; the tool used 88–96 % of its core in the quiet
// comparison, so the tail it measured may have been partly its own. A
// poller is one goroutine waiting in epoll_wait (level-triggered) on its
// share of the sockets: each wake-up reads every ready socket once into
// that subscriber's buffer and scans the frames and push lines in place
// (only the fields the tool needs, no JSON decoding, no allocation), then
// records the wake-up's latencies and counts under one lock each.
//
// A subscriber connects, says hello and subscribes synchronously (its own
// goroutine during the dial), then hands its socket to a poller. Pings are
// answered from the poller (a small write).

// Poller sizes.
const (
	pollReadSize = 16 << 10 // initial read buffer per subscriber (grows for larger frames)
	pollEvents   = 256      // epoll events taken per wake-up
	pollWakeFd   = -1       // the event data of a poller's wake-up pipe
)

// pollSub is one subscriber connection read by a poller.
type pollSub struct {
	idx   int
	proto target
	s     *subState
	ws    *wsConn // the handshake, writes (pongs) and the socket
	cnt   *counters
	fd    int
	push  []byte // a push line of s.topic up to its first varying field (pushPrefixOf)
	buf   []byte // bytes read and not parsed yet (a partial frame)
	msg   []byte // a fragmented message being assembled
	dead  bool   // the connection ended (owned by the poller)
	msgs  uint64 // WebSocket messages consumed since the caller last took them
	other uint64 // pushes outside the fast path's layout (tests)
}

// pushPrefixOf is the constant start of a push line on topic: Lyceum's
// {"type":"push","topic":"T","epoch":" (then epoch, offset, data) and
// Centrifugo's {"push":{"channel":"T","pub":{"data":{"seq": (the tool's
// payload). The tool's topics need no JSON escaping.
func pushPrefixOf(proto target, topic string) []byte {
	if proto == targetCentrifugo {
		return []byte(`{"push":{"channel":"` + topic + `","pub":{"data":{"seq":`)
	}
	return []byte(`{"type":"push","topic":"` + topic + `","epoch":"`)
}

// cutLit cuts lit off the start of b.
func cutLit(b []byte, lit string) ([]byte, bool) {
	if len(b) < len(lit) || string(b[:len(lit)]) != lit {
		return b, false
	}
	return b[len(lit):], true
}

// leadingUint reads the decimal number at the start of b.
func leadingUint(b []byte) (v uint64, rest []byte, ok bool) {
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		v = v*10 + uint64(b[n]-'0')
		n++
	}
	return v, b[n:], n > 0
}

// scanPush reads a push line's fields after p.push: for Lyceum
// `EPOCH","offset":N,"data":{"seq":S,"sent_ns":T...`, for Centrifugo
// `S,"sent_ns":T...` (no history: no offset). ok is false when the line
// does not have that layout (the slow path then handles it).
func (p *pollSub) scanPush(b []byte) (epoch []byte, offset, seq uint64, sentNS int64, ok bool) {
	if p.proto == targetLyceum {
		i := bytes.IndexByte(b, '"')
		if i < 0 {
			return nil, 0, 0, 0, false
		}
		epoch = b[:i]
		if b, ok = cutLit(b[i+1:], `,"offset":`); !ok {
			return nil, 0, 0, 0, false
		}
		if offset, b, ok = leadingUint(b); !ok {
			return nil, 0, 0, 0, false
		}
		if b, ok = cutLit(b, `,"data":{"seq":`); !ok {
			return nil, 0, 0, 0, false
		}
	}
	if seq, b, ok = leadingUint(b); !ok {
		return nil, 0, 0, 0, false
	}
	if b, ok = cutLit(b, `,"sent_ns":`); !ok {
		return nil, 0, 0, 0, false
	}
	sent, _, ok := leadingUint(b)
	return epoch, offset, seq, int64(sent), ok
}

// track accounts one push of the tool's payload (s.mu held).
func (p *pollSub) track(epoch []byte, offset, seq uint64) {
	s := p.s
	s.pushes++
	if p.proto == targetLyceum {
		if string(epoch) != s.epoch {
			s.epoch = string(epoch)
		}
		s.offset = offset
		if offset > 0 && offset <= s.recoverTo {
			s.recovered++
		}
	}
	if s.tracker != nil {
		s.tracker.Add(seq)
	}
}

// line handles one line of a message (s.mu held) and appends the latency
// of a delivery of the tool's payload to lat.
func (p *pollSub) line(line []byte, now int64, lat []time.Duration) []time.Duration {
	if rest, ok := bytes.CutPrefix(line, p.push); ok {
		if epoch, offset, seq, sent, ok := p.scanPush(rest); ok {
			p.track(epoch, offset, seq)
			return append(lat, time.Duration(now-sent))
		}
	}
	// The slow path: anything else (rare after the subscribe).
	if p.proto == targetCentrifugo && cfPing(line) {
		_ = p.ws.Write(context.Background(), line) // pong: an empty command
		return lat
	}
	var pu push
	var isPush bool
	if p.proto == targetCentrifugo {
		pu, isPush = parseCentrifugoPush(line)
	} else {
		pu, isPush = parsePush(line)
	}
	if isPush {
		p.other++
		if string(pu.topic) == p.s.topic && pu.ok {
			p.track(pu.epoch, pu.offset, pu.seq)
			lat = append(lat, time.Duration(now-pu.sentNS))
		}
		return lat
	}
	f, err := decodeFrame(p.proto, line)
	switch {
	case err != nil, f.Type == "error", f.Type == "unsubscribed":
		p.cnt.errors.Add(1)
	case f.Type == "join", f.Type == "leave":
		p.cnt.presence.Add(1)
	}
	return lat
}

// lines handles a message's newline-delimited lines (s.mu held).
func (p *pollSub) lines(msg []byte, now int64, lat []time.Duration) []time.Duration {
	p.msgs++
	for len(msg) > 0 {
		i := bytes.IndexByte(msg, '\n')
		if i < 0 {
			return p.line(msg, now, lat)
		}
		if i > 0 {
			lat = p.line(msg[:i], now, lat)
		}
		msg = msg[i+1:]
	}
	return lat
}

// nextFrame splits the frame at the start of b: its header fields, its
// payload (unmasked in place) and its total size, or size 0 when b does
// not hold the whole frame yet. A frame longer than readMax is an error.
func nextFrame(b []byte, readMax int) (fin bool, op byte, payload []byte, size int, err error) {
	if len(b) < 2 {
		return false, 0, nil, 0, nil
	}
	fin, op, n, hl, masked := frameHeader(b)
	if len(b) < hl {
		return false, 0, nil, 0, nil
	}
	if n > uint64(readMax) {
		return false, 0, nil, 0, fmt.Errorf("frame of %d bytes is larger than %d", n, readMax)
	}
	if uint64(len(b)-hl) < n {
		return false, 0, nil, 0, nil
	}
	payload = b[hl : hl+int(n)]
	if masked {
		unmask(payload, b[hl-4:hl])
	}
	return fin, op, payload, hl + int(n), nil
}

// consume handles every whole frame in p.buf and keeps the rest (a partial
// frame) at its start. It appends the deliveries' latencies to lat; an
// error (a close frame, a protocol error) ends the connection.
func (p *pollSub) consume(now int64, lat []time.Duration) ([]time.Duration, error) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	b := p.buf
	off := 0
	defer func() { p.buf = p.buf[:copy(p.buf, b[off:])] }()
	for {
		fin, op, payload, size, err := nextFrame(b[off:], clientReadMax)
		if err != nil {
			return lat, err
		}
		if size == 0 {
			return lat, nil
		}
		off += size
		switch op {
		case opText, opBinary, opContinuation:
			if fin && len(p.msg) == 0 {
				lat = p.lines(payload, now, lat)
				continue
			}
			if len(p.msg)+len(payload) > clientReadMax {
				return lat, fmt.Errorf("message larger than %d bytes", clientReadMax)
			}
			p.msg = append(p.msg, payload...)
			if fin {
				lat = p.lines(p.msg, now, lat)
				p.msg = p.msg[:0]
			}
		case opPing:
			if err := p.ws.writeFrame(opPong, payload); err != nil {
				return lat, err
			}
		case opPong:
		case opClose:
			ce := websocket.CloseError{Code: websocket.StatusNoStatusRcvd}
			if len(payload) >= 2 {
				ce.Code = websocket.StatusCode(binary.BigEndian.Uint16(payload))
				ce.Reason = string(payload[2:])
			}
			p.ws.writeClose(ce.Code, "")
			return lat, ce
		default:
			return lat, fmt.Errorf("unknown opcode %d", op)
		}
	}
}

// read reads what the socket has (one system call) after the unparsed
// bytes, growing the buffer when a frame does not fit in it.
func (p *pollSub) read() error {
	if len(p.buf) == cap(p.buf) {
		p.buf = append(p.buf, make([]byte, cap(p.buf))...)[:len(p.buf)]
	}
	for {
		n, err := syscall.Read(p.fd, p.buf[len(p.buf):cap(p.buf)])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return nil
		case err != nil:
			return err
		case n == 0:
			return io.EOF
		}
		p.buf = p.buf[:len(p.buf)+n]
		return nil
	}
}

// pollGroup is the pollers of one run and the subscribers they read.
type pollGroup struct {
	pollers []*poller
	subs    []atomic.Pointer[pollSub] // by subscriber index
	rec     *atomic.Pointer[Recorder]
	cnt     *counters
	wg      sync.WaitGroup
}

// poller is one goroutine's epoll instance; wake ends its wait.
type poller struct {
	epfd  int
	wakeR int
	wakeW int
}

// newPollGroup starts workers pollers for up to n subscribers.
func newPollGroup(n, workers int, rec *atomic.Pointer[Recorder], cnt *counters) (*pollGroup, error) {
	g := &pollGroup{subs: make([]atomic.Pointer[pollSub], n), rec: rec, cnt: cnt}
	for i := range max(workers, 1) {
		pl, err := newPoller()
		if err != nil {
			g.close()
			return nil, err
		}
		g.pollers = append(g.pollers, pl)
		g.wg.Add(1)
		go g.run(pl, i)
	}
	return g, nil
}

func newPoller() (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create: %w", err)
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("pipe: %w", err)
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: pollWakeFd}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, fmt.Errorf("epoll_ctl: %w", err)
	}
	return &poller{epfd: epfd, wakeR: p[0], wakeW: p[1]}, nil
}

// run is a poller's loop: wait, read each ready socket once, handle its
// frames; record the wake-up's latencies and counts at once.
func (g *pollGroup) run(pl *poller, shard int) {
	defer g.wg.Done()
	events := make([]syscall.EpollEvent, pollEvents)
	lat := make([]time.Duration, 0, 4096)
	for {
		n, err := syscall.EpollWait(pl.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return
		}
		lat = lat[:0]
		var msgs uint64
		for _, ev := range events[:n] {
			if ev.Fd == pollWakeFd {
				return
			}
			ps := g.subs[ev.Fd].Load()
			if ps == nil || ps.dead {
				continue
			}
			err := ps.read()
			if err == nil {
				lat, err = ps.consume(time.Now().UnixNano(), lat)
				msgs += ps.msgs
				ps.msgs = 0
			}
			if err != nil {
				ps.dead = true
				_ = syscall.EpollCtl(pl.epfd, syscall.EPOLL_CTL_DEL, ps.fd, nil)
				g.cnt.disconnected(err)
			}
		}
		g.account(shard, lat, msgs)
	}
}

// account adds one wake-up's deliveries (their latencies) and messages.
func (g *pollGroup) account(shard int, lat []time.Duration, msgs uint64) {
	g.cnt.messages.Add(msgs)
	if len(lat) == 0 {
		return
	}
	g.cnt.delivered.Add(uint64(len(lat)))
	if g.rec != nil {
		if r := g.rec.Load(); r != nil {
			r.RecordBatch(shard, lat)
		}
	}
}

// add hands ps (subscribed, its buffered bytes handled) to its poller.
func (g *pollGroup) add(ps *pollSub) error {
	g.subs[ps.idx].Store(ps)
	pl := g.pollers[ps.idx%len(g.pollers)]
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(ps.idx)}
	if err := syscall.EpollCtl(pl.epfd, syscall.EPOLL_CTL_ADD, ps.fd, &ev); err != nil {
		g.subs[ps.idx].Store(nil)
		return fmt.Errorf("epoll_ctl: %w", err)
	}
	return nil
}

// close stops the pollers, then closes every subscriber (not counted as
// disconnects) and the pollers' descriptors.
func (g *pollGroup) close() {
	for _, pl := range g.pollers {
		_, _ = syscall.Write(pl.wakeW, []byte{1})
	}
	g.wg.Wait()
	for i := range g.subs {
		if ps := g.subs[i].Load(); ps != nil {
			_ = ps.ws.CloseNow()
		}
	}
	for _, pl := range g.pollers {
		syscall.Close(pl.epfd)
		syscall.Close(pl.wakeR)
		syscall.Close(pl.wakeW)
	}
}

// dial connects subscriber idx to url, says hello, subscribes it to
// s.topic and hands it to a poller.
func (g *pollGroup) dial(ctx context.Context, c *common, url string, idx int, s *subState) error {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	ws, err := dial(ctx, url, c.header)
	if err != nil {
		return err
	}
	ps, err := subscribeSync(ctx, ws, c.target, idx, s, g.cnt)
	if err == nil {
		err = g.add(ps)
	}
	if err != nil {
		_ = ws.CloseNow()
	}
	return err
}

// subscribeSync does a subscriber's hello and subscribe on ws itself
// (nothing else reads it yet) and returns it ready for a poller, with the
// bytes read past the subscribe's answer already handled.
func subscribeSync(ctx context.Context, ws *wsConn, proto target, idx int, s *subState, cnt *counters) (*pollSub, error) {
	tcp, ok := ws.nc.(*net.TCPConn)
	if sc, isStamp := ws.nc.(*stampConn); isStamp {
		tcp, ok = sc.TCPConn, true // the poller reads the socket itself
	}
	if !ok {
		return nil, errors.New("the fan-out's subscribers need a plain ws:// connection (no TLS)")
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.nc.SetDeadline(dl)
	}
	ps := &pollSub{idx: idx, proto: proto, s: s, ws: ws, cnt: cnt, push: pushPrefixOf(proto, s.topic)}
	var pending []byte
	next := func() (frame, error) {
		for {
			if len(pending) == 0 {
				msg, err := ws.ReadMessage()
				if err != nil {
					return frame{}, err
				}
				pending = msg
			}
			var line []byte
			line, pending, _ = bytes.Cut(pending, []byte{'\n'})
			switch {
			case len(line) == 0:
			case proto == targetCentrifugo && cfPing(line):
				if err := ws.Write(ctx, line); err != nil {
					return frame{}, err
				}
			default:
				return decodeFrame(proto, line)
			}
		}
	}
	if proto == targetCentrifugo {
		if err := ws.Write(ctx, cfConnectCommand); err != nil {
			return nil, fmt.Errorf("connect command: %w", err)
		}
	}
	f, err := next()
	if err != nil {
		return nil, fmt.Errorf("no hello: %w", err)
	}
	if f.Type != "hello" {
		return nil, fmt.Errorf("first frame is %q, want hello", f.Type)
	}
	const subID = cfConnectID + 1
	cmd := map[string]any{"type": "subscribe", "id": uint64(subID), "topic": s.topic}
	if since := s.since(); since != nil {
		cmd["since"] = since
	}
	b, err := encodeCommand(proto, cmd)
	if err != nil {
		return nil, err
	}
	if err := ws.Write(ctx, b); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	for {
		if f, err = next(); err != nil {
			return nil, fmt.Errorf("subscribe: %w", err)
		}
		if f.ID == subID && (f.Type == "ack" || f.Type == "error") {
			break
		}
	}
	if f.Type == "error" {
		return nil, fmt.Errorf("subscribe: %s (%s)", f.Message, f.Code)
	}
	s.mu.Lock()
	if f.Offset != nil && (s.epoch == "" || s.epoch != f.Epoch) {
		s.epoch, s.offset = f.Epoch, *f.Offset
	}
	s.mu.Unlock()
	_ = ws.nc.SetDeadline(time.Time{})
	raw, err := tcp.SyscallConn()
	if err != nil {
		return nil, err
	}
	if err := raw.Control(func(fd uintptr) { ps.fd = int(fd) }); err != nil {
		return nil, err
	}
	// What followed the answer: the rest of its message, then the bytes
	// the handshake's reader buffered.
	now := time.Now().UnixNano()
	s.mu.Lock()
	lat := ps.lines(pending, now, nil)
	s.mu.Unlock()
	n := ws.br.Buffered()
	early, _ := ws.br.Peek(n)
	ps.buf = append(make([]byte, 0, max(pollReadSize, 2*n)), early...)
	lat, err = ps.consume(now, lat)
	if err != nil {
		return nil, err
	}
	ps.msgs = 0
	cnt.delivered.Add(uint64(len(lat)))
	return ps, nil
}

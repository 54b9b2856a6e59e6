package hub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"syscall"
)

// Buffer sizes (bytes) of an upgraded connection. net/http hands a hijacked
// connection a 4 KiB reader and a 4 KiB writer, which coder/websocket keeps
// for the connection's life: 8 KiB of an idle connection's memory. The hub
// swaps them for small ones.
const (
	// connReadBufSize buffers incoming frames (client commands are small;
	// larger payloads are read straight into the message buffer).
	connReadBufSize = 256
	// connWriteBufSize holds a frame header (at most 14 bytes) and the start
	// of a payload; the corkWriter below turns what it flushes plus the rest
	// of the payload into one writev system call.
	connWriteBufSize = 16
	// corkCopyMax: a held-back frame up to this size (bytes) is sent with
	// one write of a pooled copy, larger ones with writev (which costs ~30 %
	// more than write per call on loopback, less than copying a big frame).
	corkCopyMax = 8 << 10
	// corkOwedKeep: a connection keeps an owed-bytes buffer up to this
	// capacity once written; larger ones are released.
	corkOwedKeep = 512
)

// smallBufHijacker wraps the upgrade's ResponseWriter so that
// coder/websocket gets small bufio buffers over the hijacked TCP
// connection, and holds the 101 Switching Protocols response back: net/http
// would flush it with a system call of its own at Hijack, and the hello
// frame follows a moment later with another; on a TCP connection the
// corkWriter sends the response with the hello instead (one write fewer
// per connect: 150 against 175–178 µs of CPU per connect in `lyceum-load
// idle -n 4000`, docs/benchmarks.md, which counts in a reconnect storm).
// Connections that are not plain TCP (e.g. TLS) keep net/http's buffers
// (the writev below needs a socket) and get the response at Hijack.
type smallBufHijacker struct {
	http.ResponseWriter
	bufs    *sync.Pool  // *[]byte of capacity corkCopyMax, shared by the hub's connections
	cork    *corkWriter // set by Hijack for a TCP connection: the hub writes data frames through it
	upgrade bool        // WriteHeader(101) was held back
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *smallBufHijacker) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader holds 101 back for Hijack (see smallBufHijacker).
func (w *smallBufHijacker) WriteHeader(code int) {
	if code == http.StatusSwitchingProtocols {
		w.upgrade = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Hijack implements http.Hijacker.
func (w *smallBufHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	var head []byte
	if w.upgrade {
		head = upgradeResponse(w.ResponseWriter.Header())
	}
	keep := func() (net.Conn, *bufio.ReadWriter, error) { // net/http's buffers, the response sent now
		if head != nil {
			if _, err := brw.Writer.Write(head); err == nil {
				err = brw.Writer.Flush()
			}
			if err != nil {
				_ = nc.Close()
				return nil, nil, err
			}
		}
		return nc, brw, nil
	}
	tcp, ok := nc.(*net.TCPConn)
	if !ok {
		return keep()
	}
	// Bytes the client sent after the request and net/http already read
	// must come first; the new reader holds them buffered, where
	// coder/websocket looks for them.
	n := brw.Reader.Buffered()
	early, _ := brw.Reader.Peek(n)
	r := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(early)), nc), max(connReadBufSize, n))
	if n > 0 {
		if _, err := r.Peek(n); err != nil {
			return keep() // cannot happen (the bytes are in memory)
		}
	}
	w.cork = &corkWriter{conn: tcp, bufs: w.bufs, head: head}
	wr := bufio.NewWriterSize(w.cork, connWriteBufSize)
	return nc, bufio.NewReadWriter(r, wr), nil
}

// upgradeResponse is the 101 response with header (coder/websocket's
// Upgrade, Connection, Sec-WebSocket-Accept and -Protocol, and what the
// middleware set).
func upgradeResponse(header http.Header) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	_ = header.Write(&b) // a bytes.Buffer does not fail
	b.WriteString("\r\n")
	return b.Bytes()
}

// corkWriter sits under coder/websocket's (small) bufio.Writer. A frame
// larger than that buffer reaches it in two pieces: the buffered header and
// payload start, then the rest of the payload. It holds back the first
// piece and sends both with one system call (write of a pooled copy, or
// writev for large frames), as with a buffer of the message's size, without
// keeping such a buffer per connection.
//
// It tracks frame boundaries by parsing each frame header; it only ever
// delays bytes while the current frame is incomplete (coder/websocket
// always writes a frame to its end and flushes it), and it never reorders
// them. Should a header ever arrive split, it stops holding anything back.
//
// The hub's writer sends its data frames straight through writeMessage,
// between coder/websocket's frames (which are then only control frames:
// ping, pong, close): coder/websocket's message writer costs more CPU per
// message than the system call's own user-space share (two channel-based
// locks, a message writer reset, a copy through bufio), about a seventh of
// the server's CPU in the 1,000-subscriber fan-out profile. mu serializes
// the two sources of frames.
type corkWriter struct {
	mu        sync.Mutex // held for a whole Write or writeMessage, system call included
	conn      *net.TCPConn
	bufs      *sync.Pool // *[]byte copy buffers (nil: always writev)
	remain    int64      // bytes of the current frame not yet seen
	desync    bool       // lost track of frame boundaries: write everything through
	closeSent bool       // a close frame went through: no data frame may follow
	shut      bool       // the hub wrote the close frame and shut the sending side: later writes are dropped
	head      []byte     // the upgrade's 101 response, sent with the first bytes written (then nil)
	pend      [connWriteBufSize]byte
	npend     int
	iov       [3][]byte
	buffers   net.Buffers

	// Writes that must not wait (see tryWriteMessage), all under mu:
	rc    syscall.RawConn    // conn's, made on the first try
	tryFn func(uintptr) bool // w.writeFD, made once
	tryP  []byte             // what writeFD writes
	tryN  int                // ... and what it wrote
	tryE  error              // ... or its error
	owed  []byte             // the unwritten end of a frame tryWriteMessage began: goes before anything else
}

// Opcodes of the WebSocket control frames the hub writes itself.
const (
	opClose = 0x8
	opPing  = 0x9
)

// Write implements io.Writer.
func (w *corkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.shut {
		// coder/websocket answering the peer's close frame (or a ping)
		// after the hub's own close frame: nothing may follow it.
		return len(p), nil
	}
	if !w.desync {
		for rest := p; len(rest) > 0; {
			if w.remain == 0 {
				size, ok := wsFrameSize(rest)
				if !ok {
					w.desync = true
					return w.send(p)
				}
				if rest[0]&0x0f == opClose {
					w.closeSent = true
				}
				w.remain = size
			}
			k := min(int64(len(rest)), w.remain)
			w.remain -= k
			rest = rest[k:]
		}
		if w.remain > 0 && w.npend+len(p) <= len(w.pend) {
			w.npend += copy(w.pend[w.npend:], p)
			return len(p), nil
		}
	}
	return w.send(p)
}

// writeMessage writes msg, one complete unmasked WebSocket frame, with one
// system call, after any frame coder/websocket is in the middle of writing
// (it finishes a frame within one call of its own, so the wait is short).
// It fails with net.ErrClosed once a close frame was sent.
func (w *corkWriter) writeMessage(msg []byte) error {
	w.mu.Lock()
	for w.remain > 0 && !w.desync {
		w.mu.Unlock()
		runtime.Gosched()
		w.mu.Lock()
	}
	defer w.mu.Unlock()
	if w.desync || w.closeSent {
		return net.ErrClosed
	}
	_, err := w.send(msg)
	return err
}

// tryWriteMessage writes msg, one complete unmasked WebSocket frame, if it
// can without waiting: the writer is free (no frame of coder/websocket's
// half written, nothing owed) and the socket takes at least part of it now.
// It reports tried=false when it wrote nothing and msg is still the
// caller's to write. With tried=true msg is taken: what the socket did not
// take now is owed, and goes out first with the next write of any kind
// (flushOwed, writeMessage, coder/websocket's frames); owing reports that.
// It never blocks, so a fan-out can write to many connections from one
// goroutine (see conn.writeNow) without one slow socket holding the rest.
func (w *corkWriter) tryWriteMessage(msg []byte) (tried, owing bool, err error) {
	if !canTryWrite || !w.mu.TryLock() {
		return false, false, nil
	}
	defer w.mu.Unlock()
	if w.remain > 0 || w.desync || w.closeSent || w.head != nil || w.npend > 0 || len(w.owed) > 0 {
		return false, false, nil
	}
	if w.rc == nil {
		rc, err := w.conn.SyscallConn()
		if err != nil {
			return false, false, nil
		}
		w.rc, w.tryFn = rc, w.writeFD
	}
	w.tryP, w.tryN, w.tryE = msg, 0, nil
	if err := w.rc.Write(w.tryFn); err != nil {
		w.tryP = nil
		return false, false, nil // closed: let the blocking path report it
	}
	n, werr := w.tryN, w.tryE
	w.tryP, w.tryE = nil, nil
	switch {
	case werr == syscall.EAGAIN:
		n = 0
	case werr != nil:
		return true, false, werr
	}
	if n == len(msg) {
		return true, false, nil
	}
	w.owed = append(w.owed[:0], msg[n:]...)
	return true, true, nil
}

// flushOwed writes what tryWriteMessage left owed, waiting for the socket.
func (w *corkWriter) flushOwed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeOwed()
}

// writeOwed writes what tryWriteMessage left owed, if anything.
func (w *corkWriter) writeOwed() error {
	if len(w.owed) == 0 {
		return nil
	}
	if _, err := w.conn.Write(w.owed); err != nil {
		return err
	}
	w.owed = w.owed[:0]
	if cap(w.owed) > corkOwedKeep {
		w.owed = nil
	}
	return nil
}

// writeClose writes frame, a close frame, after any frame coder/websocket
// is in the middle of writing, then shuts the sending side of the
// connection (the FIN follows the close frame); every later write is
// dropped. It fails with net.ErrClosed once a close frame was sent.
func (w *corkWriter) writeClose(frame []byte) error {
	w.mu.Lock()
	for w.remain > 0 && !w.desync {
		w.mu.Unlock()
		runtime.Gosched()
		w.mu.Lock()
	}
	defer w.mu.Unlock()
	if w.closeSent || w.shut {
		return net.ErrClosed
	}
	w.closeSent, w.shut = true, true
	if _, err := w.send(frame); err != nil {
		return err
	}
	return w.conn.CloseWrite()
}

// appendTextHeader appends the header of an unmasked, final text frame
// carrying n payload bytes.
func appendTextHeader(dst []byte, n int) []byte {
	switch {
	case n < 126:
		return append(dst, 0x81, byte(n))
	case n <= 0xffff:
		return append(dst, 0x81, 126, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 0x81, 127), uint64(n))
	}
}

// send writes what tryWriteMessage left owed, the upgrade's response (the
// first time), the held-back bytes and p.
func (w *corkWriter) send(p []byte) (int, error) {
	if err := w.writeOwed(); err != nil {
		return 0, err
	}
	if w.npend == 0 && w.head == nil {
		return w.conn.Write(p)
	}
	if n := len(w.head) + w.npend + len(p); n <= corkCopyMax && w.bufs != nil {
		bp := w.bufs.Get().(*[]byte)
		buf := append(append(append((*bp)[:0], w.head...), w.pend[:w.npend]...), p...)
		w.head, w.npend = nil, 0
		_, err := w.conn.Write(buf)
		*bp = buf[:0]
		w.bufs.Put(bp)
		if err != nil {
			return 0, err
		}
		return len(p), nil
	}
	w.iov[0], w.iov[1], w.iov[2] = w.head, w.pend[:w.npend], p
	w.buffers = w.iov[:]
	w.head, w.npend = nil, 0
	_, err := w.buffers.WriteTo(w.conn)
	w.iov[0], w.iov[1], w.iov[2] = nil, nil, nil
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// wsFrameSize returns the total size (header and payload) of the WebSocket
// frame starting at p, or false when p does not hold its whole header.
func wsFrameSize(p []byte) (int64, bool) {
	if len(p) < 2 {
		return 0, false
	}
	n, hl := int64(p[1]&0x7f), 2
	switch n {
	case 126:
		if len(p) < 4 {
			return 0, false
		}
		n, hl = int64(binary.BigEndian.Uint16(p[2:4])), 4
	case 127:
		if len(p) < 10 {
			return 0, false
		}
		n, hl = int64(binary.BigEndian.Uint64(p[2:10])&(1<<63-1)), 10
	}
	if p[1]&0x80 != 0 { // masked (client frames only)
		hl += 4
	}
	return int64(hl) + n, true
}

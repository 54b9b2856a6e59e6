package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wsConn is the load tool's WebSocket client (RFC 6455, text messages, no
// extensions). The tool reads up to a few hundred thousand messages a
// second on one core, and a general-purpose client spends a good part of
// that core on per-message bookkeeping (locks taken through channels,
// a reader object per message); a load generator that saturates its own
// core measures itself, not the server. This one reads frames straight from
// a bufio.Reader into a reused buffer. It answers pings, echoes the server's
// close frame and reports it as a websocket.CloseError, so callers use
// websocket.CloseStatus as with coder/websocket.
//
// One goroutine reads (ReadMessage); Write and Close may be called from
// others.
type wsConn struct {
	nc      net.Conn
	br      *bufio.Reader
	readMax int
	buf     []byte // the last message read (reused)

	wmu  sync.Mutex // serializes writes (frames must not interleave)
	wbuf []byte
}

// wsGUID is the RFC 6455 key suffix.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// WebSocket opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// dialWS opens a WebSocket connection to rawURL (ws://, or wss:// for a
// node serving TLS itself) sending header with the upgrade request. On an HTTP
// answer other than 101 it returns the response (body closed) and an error.
func dialWS(ctx context.Context, rawURL string, header http.Header, readMax int) (*wsConn, *http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, err
	}
	var nc net.Conn
	switch u.Scheme {
	case "ws":
		nc, err = new(net.Dialer).DialContext(ctx, "tcp", u.Host)
		if tcp, ok := nc.(*net.TCPConn); ok && err == nil {
			if sc, serr := newStampConn(tcp); serr == nil {
				nc = sc // reads also return the kernel's receive time once enabled (enableRxStamps)
			}
		}
	case "wss": // a node serving TLS itself (LYCEUM_TLS_CERT)
		nc, err = (&tls.Dialer{Config: &tls.Config{ServerName: u.Hostname()}}).DialContext(ctx, "tcp", u.Host)
	default:
		return nil, nil, fmt.Errorf("unsupported scheme %q (want ws or wss)", u.Scheme)
	}
	if err != nil {
		return nil, nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	var key [16]byte
	_, _ = rand.Read(key[:])
	k := base64.StdEncoding.EncodeToString(key[:])
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	for name, vs := range header {
		req.Header[name] = vs
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", k)
	if err := req.Write(nc); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("upgrade request: %w", err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("upgrade response: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body.Close()
		nc.Close()
		return nil, resp, fmt.Errorf("expected HTTP 101, got %s", resp.Status)
	}
	sum := sha1.Sum([]byte(k + wsGUID))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		nc.Close()
		return nil, resp, errors.New("invalid WebSocket upgrade response")
	}
	_ = nc.SetDeadline(time.Time{})
	return &wsConn{nc: nc, br: br, readMax: readMax}, resp, nil
}

// enableRxStamps makes rxStamp return the kernel's receive time of what
// ReadMessage returns (see stampConn); only for ws:// connections on Linux.
func (c *wsConn) enableRxStamps() error {
	sc, ok := c.nc.(*stampConn)
	if !ok {
		return errors.New("kernel receive times need a plain TCP connection (ws://)")
	}
	return sc.enableStamps()
}

// rxStamp is the kernel's receive time (Unix ns) of the data the last read
// brought: for the message ReadMessage just returned, its arrival or a
// little after it (when several messages came in one read, the last one's).
// 0 unless enableRxStamps was called.
func (c *wsConn) rxStamp() int64 {
	if sc, ok := c.nc.(*stampConn); ok {
		return sc.stamp()
	}
	return 0
}

// ReadMessage returns the next text or binary message; the slice is valid
// until the next call. Pings are answered; a close frame is echoed and
// returned as a websocket.CloseError.
func (c *wsConn) ReadMessage() ([]byte, error) {
	c.buf = c.buf[:0]
	for {
		fin, op, n, mask, err := c.readHeader()
		if err != nil {
			return nil, err
		}
		switch op {
		case opText, opBinary, opContinuation:
			if uint64(len(c.buf))+n > uint64(c.readMax) {
				c.writeClose(websocket.StatusMessageTooBig, "")
				c.nc.Close()
				return nil, fmt.Errorf("message larger than %d bytes", c.readMax)
			}
			// The payload goes straight into the message buffer (one copy).
			start := len(c.buf)
			c.buf = slices.Grow(c.buf, int(n))[:start+int(n)]
			if _, err := io.ReadFull(c.br, c.buf[start:]); err != nil {
				return nil, err
			}
			unmask(c.buf[start:], mask)
			if fin {
				return c.buf, nil
			}
		case opPing, opPong, opClose:
			if n > 125 {
				c.nc.Close()
				return nil, fmt.Errorf("control frame of %d bytes", n)
			}
			var b [125]byte
			payload := b[:n]
			if _, err := io.ReadFull(c.br, payload); err != nil {
				return nil, err
			}
			unmask(payload, mask)
			switch op {
			case opPing:
				if err := c.writeFrame(opPong, payload); err != nil {
					return nil, err
				}
			case opClose:
				ce := websocket.CloseError{Code: websocket.StatusNoStatusRcvd}
				if len(payload) >= 2 {
					ce.Code = websocket.StatusCode(binary.BigEndian.Uint16(payload))
					ce.Reason = string(payload[2:])
				}
				c.writeClose(ce.Code, "")
				c.nc.Close()
				return nil, ce
			}
		default:
			c.nc.Close()
			return nil, fmt.Errorf("unknown opcode %d", op)
		}
	}
}

// readHeader reads one frame header: fin, opcode, payload length and the
// masking key (nil when the frame is not masked, as a server's must not be).
func (c *wsConn) readHeader() (fin bool, op byte, n uint64, mask []byte, err error) {
	h, err := c.br.Peek(2)
	if err != nil {
		return false, 0, 0, nil, err
	}
	_, _, _, hl, _ := frameHeader(h)
	if h, err = c.br.Peek(hl); err != nil {
		return false, 0, 0, nil, err
	}
	fin, op, n, hl, masked := frameHeader(h)
	if masked {
		mask = append([]byte(nil), h[hl-4:hl]...)
	}
	_, _ = c.br.Discard(hl)
	if n > uint64(c.readMax) {
		c.writeClose(websocket.StatusMessageTooBig, "")
		c.nc.Close()
		return false, 0, 0, nil, fmt.Errorf("frame of %d bytes is larger than %d", n, c.readMax)
	}
	return fin, op, n, mask, nil
}

// frameHeader reads the frame header at the start of b (at least 2 bytes):
// fin, opcode, whether the payload is masked and the header's length hl
// (masking key included); the payload length n only once len(b) >= hl.
func frameHeader(b []byte) (fin bool, op byte, n uint64, hl int, masked bool) {
	fin, op = b[0]&0x80 != 0, b[0]&0x0f
	masked = b[1]&0x80 != 0
	n, hl = uint64(b[1]&0x7f), 2
	switch n {
	case 126:
		hl = 4
	case 127:
		hl = 10
	}
	if masked {
		hl += 4
	}
	if len(b) < hl {
		return fin, op, 0, hl, masked
	}
	switch n {
	case 126:
		n = uint64(binary.BigEndian.Uint16(b[2:4]))
	case 127:
		n = binary.BigEndian.Uint64(b[2:10])
	}
	return fin, op, n, hl, masked
}

// unmask applies a masking key (no-op for nil).
func unmask(b, mask []byte) {
	if mask == nil {
		return
	}
	for i := range b {
		b[i] ^= mask[i%4]
	}
}

// Write sends msg as one text message within ctx's deadline.
func (c *wsConn) Write(ctx context.Context, msg []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.nc.SetWriteDeadline(dl)
		defer c.nc.SetWriteDeadline(time.Time{})
	}
	return c.writeFrameLocked(opText, msg)
}

func (c *wsConn) writeFrame(op byte, payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	defer c.nc.SetWriteDeadline(time.Time{})
	return c.writeFrameLocked(op, payload)
}

// writeFrameLocked writes one masked frame (clients must mask).
func (c *wsConn) writeFrameLocked(op byte, payload []byte) error {
	b := append(c.wbuf[:0], 0x80|op)
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	b = append(b, mask[:]...)
	start := len(b)
	b = append(b, payload...)
	for i := range b[start:] {
		b[start+i] ^= mask[i%4]
	}
	c.wbuf = b
	_, err := c.nc.Write(b)
	return err
}

// writeClose sends a close frame with code (best effort); 1005 (no status)
// is sent as an empty close frame.
func (c *wsConn) writeClose(code websocket.StatusCode, reason string) {
	var p []byte
	if code != websocket.StatusNoStatusRcvd {
		p = append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
	}
	_ = c.writeFrame(opClose, p)
}

// Close sends a close frame with code and closes the connection without
// waiting for the answer.
func (c *wsConn) Close(code websocket.StatusCode, reason string) {
	c.writeClose(code, reason)
	_ = c.nc.Close()
}

// CloseNow closes the connection without a close frame.
func (c *wsConn) CloseNow() error { return c.nc.Close() }

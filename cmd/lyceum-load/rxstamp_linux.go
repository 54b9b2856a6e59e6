//go:build linux

package main

import (
	"encoding/binary"
	"io"
	"net"
	"syscall"
)

// stampConn is a TCP connection whose reads also return the kernel's
// receive time of the data (SO_TIMESTAMPNS) once enableStamps was called.
//
// Why: the tool's latency is "received" minus "sent"; taken with time.Now
// after the read, "received" includes the time the reading goroutine waited
// for the tool's own core, and in a reconnect storm the tool's core is busy
// with thousands of dials and recoveries at once: the figure then measures
// the tool as much as the server. The kernel stamps a loopback packet when
// the server's write passes it to the receiving socket, so the stamp
// excludes everything that happens in the tool.
//
// One goroutine reads; stamp is that goroutine's to call.
type stampConn struct {
	*net.TCPConn
	raw  syscall.RawConn
	oob  []byte
	last int64 // the kernel's receive time (Unix ns) of the last read's data; 0 if none
}

// newStampConn wraps c; stamps are off until enableStamps.
func newStampConn(c *net.TCPConn) (net.Conn, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	return &stampConn{TCPConn: c, raw: raw, oob: make([]byte, syscall.CmsgSpace(16))}, nil
}

// enableStamps asks the kernel for a receive time with every read.
func (c *stampConn) enableStamps() error {
	var serr error
	if err := c.raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
	}); err != nil {
		return err
	}
	return serr
}

// stamp is the kernel's receive time of the data the last read returned
// (for TCP: of the last segment in it), 0 before enableStamps.
func (c *stampConn) stamp() int64 { return c.last }

// Read reads with recvmsg(2) to receive the time stamp beside the data;
// deadlines and closing work as for the TCP connection.
func (c *stampConn) Read(p []byte) (int, error) {
	var (
		n    int
		rerr error
	)
	err := c.raw.Read(func(fd uintptr) bool {
		var oobn int
		for {
			n, oobn, _, _, rerr = syscall.Recvmsg(int(fd), p, c.oob, 0)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			return false // wait until readable
		}
		if rerr == nil {
			c.last = parseStamp(c.oob[:oobn])
		}
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: rerr}
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return n, nil
}

// parseStamp returns the SCM_TIMESTAMPNS time (Unix ns) in oob, or 0.
func parseStamp(oob []byte) int64 {
	if len(oob) == 0 {
		return 0
	}
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return sec*1e9 + nsec
		}
	}
	return 0
}

//go:build !linux

package main

import (
	"errors"
	"net"
)

// stampConn is the plain TCP connection where the kernel's receive time
// stamps are not read (see rxstamp_linux.go).
type stampConn struct{ *net.TCPConn }

// newStampConn wraps c.
func newStampConn(c *net.TCPConn) (net.Conn, error) { return &stampConn{TCPConn: c}, nil }

// enableStamps reports that kernel receive times are not available here.
func (c *stampConn) enableStamps() error {
	return errors.New("kernel receive time stamps are read on Linux only")
}

// stamp is always 0 here.
func (c *stampConn) stamp() int64 { return 0 }

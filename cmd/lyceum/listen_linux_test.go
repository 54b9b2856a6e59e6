package main

import (
	"context"
	"net"
	"syscall"
	"testing"
)

// The public listener's connections have no TCP keep-alive probes (the hub's
// pings and the HTTP idle timeout cover what they would), so accepting one
// costs one setsockopt (TCP_NODELAY), not five.
func TestPublicConnectionsGoWithoutKeepAlive(t *testing.T) {
	ln, err := listenPublic(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var keepAlive, noDelay int
	var optErr error
	if err := raw.Control(func(fd uintptr) {
		keepAlive, optErr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
		if optErr == nil {
			noDelay, optErr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if optErr != nil {
		t.Fatal(optErr)
	}
	if keepAlive != 0 {
		t.Errorf("SO_KEEPALIVE = %d on an accepted connection, want 0", keepAlive)
	}
	if noDelay == 0 {
		t.Error("TCP_NODELAY is off on an accepted connection; Go's default (on) should stay")
	}
}

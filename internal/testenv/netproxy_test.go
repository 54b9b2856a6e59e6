package testenv

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer answers every line with the same line, until the test ends.
func echoServer(t *testing.T) string {
	addr, _ := recordingEchoServer(t)
	return addr
}

// recordingEchoServer is echoServer that also hands every line it got to
// the returned channel.
func recordingEchoServer(t *testing.T) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	got := make(chan string, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					got <- line
					if _, err := io.WriteString(c, line); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), got
}

// roundTrip sends line on c and reads it back within wait; it returns what
// came back and the read error.
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, line string, wait time.Duration) (string, error) {
	t.Helper()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	return r.ReadString('\n')
}

func dialProxy(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, bufio.NewReader(c)
}

func TestProxy(t *testing.T) {
	const wait = 2 * time.Second
	t.Run("forwards both ways", func(t *testing.T) {
		p := NewProxy(t, echoServer(t))
		c, r := dialProxy(t, p)
		if got, err := roundTrip(t, c, r, "hi", wait); err != nil || got != "hi\n" {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("cut closes open connections and resets new ones until restored", func(t *testing.T) {
		p := NewProxy(t, echoServer(t))
		c, r := dialProxy(t, p)
		p.Cut()
		if _, err := roundTrip(t, c, r, "lost", wait); err == nil || isTimeout(err) {
			t.Fatalf("open connection after Cut: err %v, want it closed", err)
		}
		if c2, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil { // the reset may come before or after the dial returns
			defer c2.Close()
			if _, err := roundTrip(t, c2, bufio.NewReader(c2), "refused", wait); err == nil || isTimeout(err) {
				t.Fatalf("new connection during Cut: err %v, want it reset", err)
			}
		}
		p.Restore()
		c3, r3 := dialProxy(t, p)
		if got, err := roundTrip(t, c3, r3, "back", wait); err != nil || got != "back\n" {
			t.Fatalf("after Restore: got %q, %v", got, err)
		}
	})
	t.Run("stall holds bytes and delivers them on restore", func(t *testing.T) {
		p := NewProxy(t, echoServer(t))
		c, r := dialProxy(t, p)
		p.Stall()
		if _, err := roundTrip(t, c, r, "held", 200*time.Millisecond); !isTimeout(err) {
			t.Fatalf("during Stall: err %v, want a timeout", err)
		}
		c2, r2 := dialProxy(t, p) // accepted but held too
		if _, err := roundTrip(t, c2, r2, "new", 200*time.Millisecond); !isTimeout(err) {
			t.Fatalf("new connection during Stall: err %v, want a timeout", err)
		}
		p.Restore()
		_ = c.SetReadDeadline(time.Now().Add(wait))
		if got, err := r.ReadString('\n'); err != nil || got != "held\n" {
			t.Fatalf("after Restore: got %q, %v, want the held line", got, err)
		}
		_ = c2.SetReadDeadline(time.Now().Add(wait))
		if got, err := r2.ReadString('\n'); err != nil || got != "new\n" {
			t.Fatalf("new connection after Restore: got %q, %v", got, err)
		}
	})
	t.Run("stall replies lets requests through and holds the answers", func(t *testing.T) {
		addr, got := recordingEchoServer(t)
		p := NewProxy(t, addr)
		c, r := dialProxy(t, p)
		p.StallReplies()
		if _, err := roundTrip(t, c, r, "ran", 200*time.Millisecond); !isTimeout(err) {
			t.Fatalf("during StallReplies: err %v, want a timeout", err)
		}
		select {
		case line := <-got:
			if line != "ran\n" {
				t.Fatalf("service got %q", line)
			}
		case <-time.After(wait):
			t.Fatal("the request did not reach the service")
		}
		p.Restore()
		_ = c.SetReadDeadline(time.Now().Add(wait))
		if line, err := r.ReadString('\n'); err != nil || line != "ran\n" {
			t.Fatalf("after Restore: got %q, %v, want the held answer", line, err)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

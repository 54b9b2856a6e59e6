package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsTestServer runs handle for each upgraded connection (coder/websocket on
// the server side, so the tool's client is checked against an independent
// implementation).
func wsTestServer(t *testing.T, handle func(ctx context.Context, ws *websocket.Conn)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		handle(r.Context(), ws)
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dialTest(t *testing.T, url string, readMax int) *wsConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := dialWS(ctx, url, http.Header{"Authorization": {"Bearer secret"}}, readMax)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

func TestWSConnEchoPingAndClose(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 70_000) // 64-bit length header, larger than the read buffer
	url := wsTestServer(t, func(ctx context.Context, ws *websocket.Conn) {
		ws.SetReadLimit(1 << 20)
		for range 3 {
			typ, msg, err := ws.Read(ctx)
			if err != nil {
				return
			}
			_ = ws.Write(ctx, typ, msg)
		}
		// A message, then a ping: the client answers the ping while it reads
		// on after the message (written first, so that it cannot come after
		// the close frame below).
		if err := ws.Write(ctx, websocket.MessageText, []byte("after ping")); err != nil {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		go func() { _, _, _ = ws.Read(ctx) }() // pongs are processed by a reader
		if err := ws.Ping(pctx); err != nil {
			_ = ws.Close(websocket.StatusInternalError, "no pong")
			return
		}
		_ = ws.Close(4008, "slow consumer")
	})
	c := dialTest(t, url, 1<<20)
	for _, msg := range [][]byte{[]byte("hello"), bytes.Repeat([]byte("m"), 300), big} {
		if err := c.Write(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		got, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("echo of %d bytes came back as %d bytes", len(msg), len(got))
		}
	}
	if got, err := c.ReadMessage(); err != nil || string(got) != "after ping" {
		t.Fatalf("ReadMessage = %q, %v", got, err)
	}
	_, err := c.ReadMessage()
	if code := websocket.CloseStatus(err); code != 4008 {
		t.Fatalf("close status = %d (%v), want 4008 (the ping was answered)", code, err)
	}
}

func TestWSConnRefusesOversizedMessage(t *testing.T) {
	url := wsTestServer(t, func(ctx context.Context, ws *websocket.Conn) {
		_ = ws.Write(ctx, websocket.MessageText, bytes.Repeat([]byte("y"), 2048))
		_, _, _ = ws.Read(ctx)
	})
	c := dialTest(t, url, 1024)
	if _, err := c.ReadMessage(); err == nil || !strings.Contains(err.Error(), "larger than 1024") {
		t.Fatalf("ReadMessage error = %v, want a size error", err)
	}
}

func TestWSConnReportsHTTPRefusal(t *testing.T) {
	url := wsTestServer(t, func(context.Context, *websocket.Conn) {})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := dialWS(ctx, url, nil, 1024)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial without a token: resp %v, err %v; want HTTP 401", resp, err)
	}
}

func TestWSConnKernelReceiveTime(t *testing.T) {
	written := make(chan struct{})
	url := wsTestServer(t, func(ctx context.Context, ws *websocket.Conn) {
		for {
			if _, _, err := ws.Read(ctx); err != nil { // "go"
				return
			}
			if err := ws.Write(ctx, websocket.MessageText, []byte("a")); err != nil {
				return
			}
			written <- struct{}{} // on loopback the bytes are in the client's socket now
		}
	})
	c := dialTest(t, url, 1024)
	if c.rxStamp() != 0 {
		t.Fatal("a receive time before enableRxStamps")
	}
	if err := c.enableRxStamps(); err != nil {
		t.Fatalf("enableRxStamps: %v", err)
	}
	// The kernel turns receive time stamps on for the whole system a moment
	// after the first socket asks (a deferred static key): the first
	// packets may come without one (rxStamp 0, the caller's own clock is
	// used then). Exchange until one comes, a bounded number of times.
	for i := range 200 {
		before := time.Now().UnixNano()
		if err := c.Write(context.Background(), []byte("go")); err != nil {
			t.Fatalf("write: %v", err)
		}
		<-written
		arrived := time.Now().UnixNano() // the message waits unread from here on
		msg, err := c.ReadMessage()
		if err != nil || string(msg) != "a" {
			t.Fatalf("read: %q, %v", msg, err)
		}
		ts := c.rxStamp()
		if ts == 0 {
			continue
		}
		if ts < before || ts > arrived {
			t.Fatalf("receive time %d not between the request (%d) and the server's write returning (%d): it must be the arrival, not the read",
				ts, before, arrived)
		}
		t.Logf("a receive time from exchange %d on", i+1)
		return
	}
	t.Fatal("no kernel receive time in 200 exchanges")
}

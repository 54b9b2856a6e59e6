package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRequestLogAndMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	e := newEnv(t, func(p *Params, _ store.Store) {
		p.Metrics = m
		p.Logger = zerolog.New(&logs)
	})
	admin := e.setup(t)
	e.do(t, admin, "GET", "/api/v1/me", nil, "X-Request-ID", "req-42").want(t, 200)
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "req-42") {
			line = l
		}
	}
	for _, want := range []string{`"method":"GET"`, `"route":"GET /api/v1/me"`, `"status":200`, `"duration":`, `"user_id":1`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %s", line, want)
		}
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var meCount float64
	var histograms int
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch f.GetName() {
			case "lyceum_http_requests_total":
				if labels["route"] == "GET /api/v1/me" && labels["method"] == "GET" && labels["status"] == "200" {
					meCount = m.GetCounter().GetValue()
				}
			case "lyceum_http_request_duration_seconds":
				histograms++
			}
		}
	}
	if meCount != 1 || histograms == 0 {
		t.Fatalf("requests_total for /me = %v (want 1), histogram series = %d", meCount, histograms)
	}
	t.Run("registering twice is an error", func(t *testing.T) {
		if _, err := NewMetrics(reg); err == nil {
			t.Fatal("second registration succeeded")
		}
	})
}

func TestWebSocketUpgradePassesTheChain(t *testing.T) {
	var e *tenv
	ws := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := e.api.Authenticate(r)
		if err != nil {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		_ = c.Write(r.Context(), websocket.MessageText, []byte("hello "+u.Username))
		_ = c.Close(websocket.StatusNormalClosure, "")
	})
	e = newEnv(t, func(p *Params, _ store.Store) { p.WS = ws })
	admin := e.setup(t)
	srv := httptest.NewServer(e.api.Handler())
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v1/ws"

	t.Run("anonymous upgrades are refused", func(t *testing.T) {
		_, r, err := websocket.Dial(t.Context(), url, nil)
		if err == nil || r == nil || r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("Dial = %v, %v", r, err)
		}
	})
	t.Run("signed-in users are upgraded", func(t *testing.T) {
		h := http.Header{}
		h.Set("Cookie", SessionCookie+"="+admin.cookie)
		c, _, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		defer c.CloseNow()
		_, msg, err := c.Read(t.Context())
		if err != nil || string(msg) != "hello admin" {
			t.Fatalf("Read = %q, %v", msg, err)
		}
	})
}

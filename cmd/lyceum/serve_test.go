package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// redisURL returns LYCEUM_TEST_REDIS_URL after checking that Redis answers,
// and skips when it is unset (see testenv).
func redisURL(t *testing.T) string {
	t.Helper()
	u := testenv.Lookup(t, "LYCEUM_TEST_REDIS_URL")
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL is set but Redis is unreachable: %v", err)
	}
	return u
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func checkReady(t *testing.T, n *testNode, want ...string) {
	t.Helper()
	code, body := get(t, "http://"+n.adminLn.Addr().String()+"/readyz")
	var r struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || code != 200 || !r.Ready {
		t.Fatalf("readyz: %d %s", code, body)
	}
	for _, w := range want {
		if r.Checks[w] != "ok" {
			t.Errorf("readyz has no ok %s check: %s", w, body)
		}
	}
}

func TestServeEmbedded(t *testing.T) {
	n := startTestNode(t, nil)
	checkReady(t, n, "database")
	if code, body := get(t, "http://"+n.adminLn.Addr().String()+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, body := get(t, n.url+"/api/v1/site"); code != 200 || !strings.Contains(body, `"setup_needed":true`) {
		t.Errorf("site: %d %s", code, body)
	}
	_, metrics := get(t, "http://"+n.adminLn.Addr().String()+"/metrics")
	for _, m := range []string{"go_goroutines", "go_sql_max_open_connections", "lyceum_http_requests_total"} {
		if !strings.Contains(metrics, m) {
			t.Errorf("metrics lack %s", m)
		}
	}
	if !strings.Contains(n.setupLink(t), n.url+"/setup?token=") {
		t.Errorf("setup link %q does not start with the public URL %s", n.setupLink(t), n.url)
	}
}

func TestServePostgresAndRedis(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	rURL := redisURL(t)
	n := startTestNode(t, map[string]string{"LYCEUM_DATABASE_URL": dbURL, "LYCEUM_REDIS_URL": rURL})
	checkReady(t, n, "database", "redis")
	if code, _ := get(t, n.url+"/api/v1/site"); code != 200 {
		t.Errorf("site: %d", code)
	}
}

func TestServeFailsClearlyOnUnreachableServices(t *testing.T) {
	cases := map[string]map[string]string{
		"LYCEUM_DATABASE_URL": {"LYCEUM_DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"},
		"LYCEUM_REDIS_URL":    {"LYCEUM_REDIS_URL": "redis://127.0.0.1:1/0"},
	}
	for name, vars := range cases {
		t.Run(name, func(t *testing.T) {
			vars["LYCEUM_DATA_DIR"] = t.TempDir()
			vars["LYCEUM_ADDR"] = "127.0.0.1:0"
			vars["LYCEUM_ADMIN_ADDR"] = "off"
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, io.Discard, env(vars))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("got %v, want an error naming %s", err, name)
			}
		})
	}
}

// gauge reads a gauge from the node's metrics registry.
func gauge(t *testing.T, n *testNode, name string) float64 {
	t.Helper()
	families, err := n.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// eventually polls cond (real I/O, so no fake clock) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestGracefulShutdownFinishesInFlightRequests stops the node while a
// request is being served (the server is reading its body): new
// connections are refused at once, yet the request, finished only after
// that, completes with its real answer, and then the node stops.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	n := startTestNode(t, nil)
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", n.url+"/api/v1/auth/login", pr)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	pw.Write([]byte(`{"login":"nobody",`))
	eventually(t, "the server is serving the request", func() bool {
		return gauge(t, n, "lyceum_http_requests_in_flight") == 1
	})
	stopped := make(chan struct{})
	go func() { n.stop(); close(stopped) }()
	eventually(t, "the node refuses new connections (shutdown began)", func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(n.url, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case <-stopped:
		t.Fatal("the node stopped with a request in flight")
	default:
	}
	pw.Write([]byte(`"password":"wrong password"}`))
	pw.Close()
	if code := <-done; code != http.StatusUnauthorized {
		t.Errorf("in-flight request ended with %d, want 401", code)
	}
	<-stopped
	if _, err := http.Get(n.url + "/api/v1/site"); err == nil {
		t.Error("the stopped node still accepts requests")
	}
}

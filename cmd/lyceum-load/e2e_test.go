package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

const testToken = "lyc_test"

// newTestServer serves a real hub (in-process broker, every topic allowed,
// publishes echoed) at /api/v1/ws behind a bearer check, plus a few HTTP
// routes the modes use.
func newTestServer(t *testing.T) string {
	t.Helper()
	h, err := hub.New(hub.Config{
		RateLimit: 5000, RateBurst: 10000,
		Hooks: hub.Hooks{CanSubscribe: hubtest.AllowAll, OnPublish: hubtest.EchoPublish},
	}, hub.NewMemoryBroker(hub.MemoryBrokerConfig{}), zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	authed := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+testToken }
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/ws", h.Handler(func(r *http.Request) (hub.Identity, error) {
		if !authed(r) {
			return hub.Identity{}, hub.Errorf("unauthorized", "no token")
		}
		return hub.Identity{UserID: "1", Name: "load"}, nil
	}))
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		if !authed(r) {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"id":1}`))
	})
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Login, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != "secret-pw" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"user":{}}`))
	})
	mux.HandleFunc("POST /api/v1/me/tokens", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer admin" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"token":"` + testToken + `"}`))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("process_resident_memory_bytes 1e+07\ngo_goroutines 3\n"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
		srv.Close()
	})
	return srv.URL
}

// runTool runs the tool and returns its JSON line.
func runTool(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("lyceum-load %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out.String())
	}
	t.Logf("%s", out.String())
	return m
}

// num reads a number at a dotted path of m.
func num(t *testing.T, m map[string]any, path string) float64 {
	t.Helper()
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[k]
		case []any:
			i, _ := strconv.Atoi(k)
			cur = c[i]
		}
	}
	f, ok := cur.(float64)
	if !ok {
		t.Fatalf("%s = %v, not a number", path, cur)
	}
	return f
}

func TestModesEndToEnd(t *testing.T) {
	testenv.SkipShort(t, "end-to-end load runs")
	base := newTestServer(t)
	common := []string{"-url", base, "-token", testToken, "-quiet"}

	t.Run("fanout delivers everything once", func(t *testing.T) {
		m := runTool(t, append([]string{"fanout", "-n", "20", "-rate", "50", "-duration", "1s"}, common...)...)
		if got := num(t, m, "steps.0.deliveries.delivered"); got < 20 || got != num(t, m, "steps.0.deliveries.expected") {
			t.Errorf("delivered %v of %v", got, num(t, m, "steps.0.deliveries.expected"))
		}
		for _, k := range []string{"gaps", "duplicates", "out_of_order"} {
			if num(t, m, "steps.0.deliveries."+k) != 0 {
				t.Errorf("%s = %v", k, num(t, m, "steps.0.deliveries."+k))
			}
		}
		if num(t, m, "steps.0.latency.count") == 0 || num(t, m, "steps.0.disconnects") != 0 {
			t.Errorf("no latency samples or disconnects: %v", m["steps"])
		}
	})
	t.Run("ramp reports the best passing rate", func(t *testing.T) {
		m := runTool(t, append([]string{"fanout", "-n", "10", "-ramp", "20,40", "-step", "500ms"}, common...)...)
		if num(t, m, "best_rate") != 40 || len(m["steps"].([]any)) != 2 {
			t.Errorf("ramp result %v", m)
		}
	})
	t.Run("rooms delivers everything on every topic", func(t *testing.T) {
		m := runTool(t, append([]string{"rooms", "-topics", "10", "-subs", "3", "-publishers", "2", "-rate", "5", "-duration", "1s"}, common...)...)
		if num(t, m, "deliveries.gaps") != 0 || num(t, m, "deliveries.subscriptions") != 30 ||
			num(t, m, "deliveries.delivered") != num(t, m, "deliveries.expected") || num(t, m, "deliveries.expected") < 30 { // at least one publication per subscription; the rate is best effort on a loaded machine
			t.Errorf("rooms result %v", m["deliveries"])
		}
	})
	t.Run("idle holds connections and reads memory", func(t *testing.T) {
		m := runTool(t, append([]string{"idle", "-n", "20", "-hold", "200ms", "-metrics", base + "/metrics",
			"-server-pid", strconv.Itoa(os.Getpid())}, common...)...)
		if num(t, m, "connect.connections") != 20 || num(t, m, "memory_after.rss_bytes") != 1e7 ||
			num(t, m, "memory_after.proc_rss_bytes") <= 0 {
			t.Errorf("idle result %v", m)
		}
	})
	t.Run("reconnect recovers without gaps", func(t *testing.T) {
		m := runTool(t, append([]string{"reconnect", "-n", "20", "-rate", "100", "-before", "500ms", "-offline", "100ms", "-after", "500ms"}, common...)...)
		if num(t, m, "recovered") != 20 || num(t, m, "not_recovered") != 0 || num(t, m, "deliveries.gaps") != 0 ||
			num(t, m, "deliveries.duplicates") != 0 || num(t, m, "recovered_pushes") == 0 ||
			num(t, m, "deliveries_recovered.gaps") != 0 {
			t.Errorf("reconnect result %v", m)
		}
	})
	t.Run("http GET counts statuses", func(t *testing.T) {
		m := runTool(t, append([]string{"http", "-c", "4", "-duration", "300ms"}, common...)...)
		if num(t, m, "ok") == 0 || num(t, m, "ok") != num(t, m, "requests") {
			t.Errorf("http result %v", m)
		}
	})
	t.Run("http login posts credentials", func(t *testing.T) {
		m := runTool(t, "http", "-url", base, "-quiet", "-c", "2", "-duration", "200ms", "-login", "ada", "-password", "secret-pw")
		if num(t, m, "ok") == 0 || m["path"] != "/api/v1/auth/login" {
			t.Errorf("login result %v", m)
		}
	})
	t.Run("admin token creates a fresh token", func(t *testing.T) {
		m := runTool(t, "http", "-url", base, "-quiet", "-c", "1", "-duration", "100ms", "-admin-token", "admin")
		if num(t, m, "ok") == 0 {
			t.Errorf("result %v", m)
		}
	})
}

func TestRefusesNonLoopbackTargets(t *testing.T) {
	for _, args := range [][]string{
		{"fanout", "-url", "http://192.0.2.1:8080", "-token", "x"},
		{"fanout", "-url", "http://127.0.0.1:8080", "-pub-url", "http://example.com", "-token", "x"},
		{"idle", "-url", "http://127.0.0.1:8080", "-metrics", "http://10.1.1.1:9090/metrics", "-token", "x"},
		{"http", "-url", "http://lyceum.school.example", "-token", "x"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "loopback") && !strings.Contains(err.Error(), "allowed") {
			t.Errorf("%v: err = %v, want a refusal", args, err)
		}
	}
}

func TestRefusesUnboundedRuns(t *testing.T) {
	for _, args := range [][]string{
		{"fanout", "-n", "50000", "-token", "x"},
		{"fanout", "-duration", "2h", "-token", "x"},
		{"fanout", "-rate", "1e6", "-token", "x"},
		{"rooms", "-topics", "5000", "-subs", "10", "-token", "x"},
		{"http", "-c", "100000", "-token", "x"},
		{"nosuchmode"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestTokenFromCLIRunsTheLyceumBinary(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	bin := filepath.Join(dir, "lyceum")
	// A stand-in binary: "user token" fails until "user create" ran.
	script := `#!/bin/sh
echo "$@" >> ` + log + `
case "$2" in
create) touch ` + dir + `/created; echo "created user 1";;
token) if [ -f ` + dir + `/created ]; then echo lyc_fromcli; else echo "no such user" >&2; exit 1; fi;;
esac
`
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tok, err := tokenFromCLI(context.Background(), bin, "/tmp/data", "")
	if err != nil || tok != "lyc_fromcli" {
		t.Fatalf("tokenFromCLI = %q, %v", tok, err)
	}
	calls, _ := os.ReadFile(log)
	if !strings.Contains(string(calls), "user create -email lyceum-load@example.invalid") || !strings.Contains(string(calls), "-admin") ||
		!strings.Contains(string(calls), "-data /tmp/data") {
		t.Fatalf("calls:\n%s", calls)
	}
}

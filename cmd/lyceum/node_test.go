package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/web/app"
)

// syncBuffer is a goroutine-safe log sink tests can search.
type syncBuffer struct {
	mu  sync.Mutex
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

// testNode is a running node for a test, with its log.
type testNode struct {
	*node
	url  string
	logs *syncBuffer
	stop func() // shuts the node down gracefully and waits
}

// startTestNode starts a node on a free loopback port with a fresh data
// directory. vars override the configuration environment.
func startTestNode(t *testing.T, vars map[string]string) *testNode {
	t.Helper()
	env := map[string]string{
		"LYCEUM_ADDR":       "127.0.0.1:0",
		"LYCEUM_ADMIN_ADDR": "127.0.0.1:0",
		"LYCEUM_DATA_DIR":   t.TempDir(),
		"LYCEUM_NODE_ID":    "test",
		"LYCEUM_LOG_LEVEL":  "debug",
	}
	for k, v := range vars {
		env[k] = v
	}
	if env["LYCEUM_REDIS_URL"] != "" && env["LYCEUM_REDIS_PREFIX"] == "" {
		// Tests share one Redis and their databases restart ids at 1: keep
		// each test's topics apart. Nodes of one test share a database URL
		// and so a prefix.
		sum := sha256.Sum256([]byte(env["LYCEUM_DATABASE_URL"] + t.Name()))
		env["LYCEUM_REDIS_PREFIX"] = fmt.Sprintf("lyceumtest:%x:", sum[:8])
	}
	cfg, err := load(t, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL == "" {
		// A copy of a database migrated once per test process (about 0.6 s
		// a node under -race, some 70 nodes a run); the node still runs
		// Migrate at start, which finds nothing to do.
		storetest.SeedSQLite(t, filepath.Join(cfg.DataDir, "lyceum.db"))
	}
	// Test accounts need no real cost: it is hundreds of milliseconds per
	// sign-in under -race (internal/auth tests the default cost).
	cfg.passwordHash = auth.CheapHashParams()
	cfg.app = sharedApp()
	// The collector's percent belongs to the process, and a test process
	// runs many nodes: theirs would undo each other's (gcrelax_test.go
	// tests the relaxer).
	cfg.GCCrowdHeadroom = 0
	logs := &syncBuffer{}
	log := zerolog.New(io.MultiWriter(logs, zerolog.NewTestWriter(t))).With().Timestamp().Str("node", cfg.NodeID).Logger()
	ctx, cancel := context.WithCancel(context.Background())
	n, err := startNode(ctx, cfg, log, logs)
	if err != nil {
		cancel()
		t.Fatalf("starting node: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- n.wait(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("node stopped with error: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("node did not stop within 30s")
			}
		})
	}
	t.Cleanup(stop)
	// The public URL must match the real port for the Origin checks.
	tn := &testNode{node: n, url: "http://" + n.addr(), logs: logs, stop: stop}
	loadAPIDoc(t, tn.url)
	return tn
}

var setupLinkRE = regexp.MustCompile(`https?://[^\s"]+/setup\?token=[A-Za-z0-9_-]+`)

// setupLink finds the one-time setup link in the node's log.
func (n *testNode) setupLink(t *testing.T) string {
	t.Helper()
	m := setupLinkRE.FindString(n.logs.String())
	if m == "" {
		t.Fatalf("no setup link in the log:\n%s", n.logs.String())
	}
	return m
}

// sharedApp is the browser app's handler shared by the package's test
// nodes: it is read-only, and building it takes ~0.5 s under -race.
var sharedApp = sync.OnceValue(app.Handler)

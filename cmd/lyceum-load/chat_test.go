package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/testenv"
)

// Budgets of the end-to-end chat test.
const (
	lyceumBuildTimeout = 8 * time.Minute // go build ./cmd/lyceum: minutes on a fresh machine with a cold cache (SQLite is large) while other packages build too
	nodeStartTimeout   = 20 * time.Second
	nodeStopTimeout    = 10 * time.Second
)

// buildLyceum builds the server binary into a temporary directory.
func buildLyceum(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "the go command is not on PATH (needed to build the lyceum server)")
	}
	bin := filepath.Join(t.TempDir(), "lyceum")
	ctx, cancel := context.WithTimeout(context.Background(), lyceumBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/lyceumhq/lyceum/cmd/lyceum")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/lyceum: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startLyceum creates an administrator and a token with the operator
// commands, then serves a fresh SQLite node; it returns the base URL and
// the token. The node is stopped when the test ends; env adds KEY=VALUE
// settings to the node's environment.
func startLyceum(t *testing.T, bin string, env ...string) (string, string) {
	t.Helper()
	data := t.TempDir()
	cli := func(stdin string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), nodeStartTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(args, "-data", data)...)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "LYCEUM_LOG_LEVEL=warn")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("lyceum %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return lastLine(out.String())
	}
	cli("admin-password-1\n", "user", "create", "-email", "boss@example.invalid", "-username", "boss", "-name", "Boss",
		"-admin", "-password-stdin")
	token := cli("", "user", "token", "-login", "boss", "-token-name", "chat-test", "-days", "1")

	addr := freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve", "-addr", addr, "-admin-addr", "off", "-data", data)
	cmd.Env = append(append(os.Environ(), "LYCEUM_LOG_LEVEL=warn"), env...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(nodeStopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(nodeStartTimeout)
	for {
		resp, err := http.Get(base + "/api/v1/site")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, token
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("the server exited: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer within %v: %v\n%s", nodeStartTimeout, err, logs.String())
		}
	}
}

func TestChatAgainstARealNode(t *testing.T) {
	testenv.SkipShort(t, "the chat mode end-to-end test builds and runs a real lyceum node")
	base, token := startLyceum(t, buildLyceum(t))

	m := runTool(t, "chat", "-url", base, "-token", token, "-quiet", "-rooms", "2", "-members", "3",
		"-interval", "500ms", "-duration", "2s", "-drain", "5s")
	if m["ok"] != true {
		t.Errorf("ok = %v, want true", m["ok"])
	}
	sent := num(t, m, "sent")
	if sent < 2*3 || num(t, m, "acked") != sent || num(t, m, "stored") != sent {
		t.Errorf("sent %v, acked %v, stored %v: want every message acked and stored", sent, num(t, m, "acked"), num(t, m, "stored"))
	}
	// Every message reaches the two other members of its room.
	if got := num(t, m, "delivered"); got != 2*sent {
		t.Errorf("delivered %v, want %v", got, 2*sent)
	}
	for _, k := range []string{"lost", "duplicated", "unexpected", "acked_not_stored", "stored_twice", "disconnects", "failed"} {
		if v := num(t, m, k); v != 0 {
			t.Errorf("%s = %v, want 0", k, v)
		}
	}
	if num(t, m, "latency.count") != num(t, m, "delivered") || num(t, m, "ack_latency.count") != sent {
		t.Errorf("latency samples %v / ack samples %v", num(t, m, "latency.count"), num(t, m, "ack_latency.count"))
	}
	if len(m["per_room"].([]any)) != 2 {
		t.Errorf("per_room = %v", m["per_room"])
	}

	t.Run("the course and accounts are deleted afterwards", func(t *testing.T) {
		a := newAPIClient(base, token)
		var courses struct {
			Total int `json:"total"`
		}
		if _, err := a.call(context.Background(), http.MethodGet, "/api/v1/courses", nil, &courses, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		var users struct {
			Total int `json:"total"`
		}
		if _, err := a.call(context.Background(), http.MethodGet, "/api/v1/admin/users", nil, &users, http.StatusOK); err != nil {
			t.Fatal(err)
		}
		if courses.Total != 0 || users.Total != 1 {
			t.Errorf("%d courses and %d users left, want 0 and 1", courses.Total, users.Total)
		}
	})
}

func TestChatBodyRoundTrips(t *testing.T) {
	b := chatBody(7, 3, 12, 1234567890123)
	member, sent, ok := parseChatBody(b)
	if !ok || member != 7 || sent != 1234567890123 {
		t.Fatalf("parseChatBody(%q) = %d, %d, %v", b, member, sent, ok)
	}
	for _, other := range []string{"hello", chatBodyPrefix + "m=x", ""} {
		if _, _, ok := parseChatBody(other); ok {
			t.Errorf("parseChatBody(%q) accepted", other)
		}
	}
	if k := chatKey("deadbeef", 999, 499, 6000); len(k) > 64 {
		t.Errorf("key %q is longer than 64 characters", k)
	}
}

func TestChatRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"chat", "-token", "x", "-urls", "http://127.0.0.1:1,http://192.0.2.1:2"},
		{"chat", "-token", "x", "-rooms", "0"},
		{"chat", "-token", "x", "-rooms", "500", "-members", "1000"},
		{"chat", "-token", "x", "-interval", "1ms"},
		{"chat", "-token", "x", "-duration", "2h"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

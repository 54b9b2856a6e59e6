package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// What `lyceum serve` tells the person who started it: the setup link, or
// with -demo the demo accounts, as plain lines of their own on standard
// output whatever the log format.

// serveStartTimeout bounds how long a test waits for a node to be ready.
const serveStartTimeout = 60 * time.Second

// serveUntilReady runs `lyceum serve args...` until its log says it is
// ready, stops it, and returns what it wrote to stdout and stderr.
func serveUntilReady(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string) {
	t.Helper()
	env0 := map[string]string{"LYCEUM_ADDR": "127.0.0.1:0", "LYCEUM_ADMIN_ADDR": "off", "LYCEUM_DATA_DIR": t.TempDir()}
	for k, v := range vars {
		env0[k] = v
	}
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), &out, &errOut, env(env0))
	}()
	deadline := time.Now().Add(serveStartTimeout)
	for !strings.Contains(errOut.String(), "lyceum is ready") {
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v\n%s", err, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve was not ready within %v:\n%s", serveStartTimeout, errOut.String())
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s")
	}
	return out.String(), errOut.String()
}

var plainSetupLine = regexp.MustCompile(`(?m)^setup link: http://127\.0\.0\.1:[0-9]+/setup\?token=[A-Za-z0-9_-]+$`)

func TestServePrintsTheSetupLinkOnALineOfItsOwn(t *testing.T) {
	for _, format := range []string{"json", "console"} {
		t.Run(format+" logs", func(t *testing.T) {
			stdout, stderr := serveUntilReady(t, map[string]string{"LYCEUM_LOG_FORMAT": format})
			if !plainSetupLine.MatchString(stdout) {
				t.Errorf("stdout has no line 'setup link: URL':\n%s", stdout)
			}
			if format != "json" {
				return
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("a log line on stderr is not JSON: %q", line)
				}
			}
			if !strings.Contains(stderr, `"setup_url":"http://127.0.0.1:`) {
				t.Errorf("the JSON log lost its setup_url field:\n%s", stderr)
			}
		})
	}
}

func TestServeDemoPrintsTheDemoAccountsInsteadOfASetupLink(t *testing.T) {
	stdout, stderr := serveUntilReady(t, map[string]string{"LYCEUM_LOG_FORMAT": "json"}, "-demo")
	for _, want := range []string{"demo-admin", "demo-instructor", "demo-learner1", `password "lyceum-demo"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout+stderr, "/setup?token=") {
		t.Errorf("a demo site prints a setup link although the demo created its administrator:\n%s\n%s", stdout, stderr)
	}
}

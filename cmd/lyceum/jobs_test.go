package main

import (
	"strings"
	"testing"
)

func TestNodeRunsTheJobRunnerUntilShutdown(t *testing.T) {
	n := startTestNode(t, nil)
	if running := gauge(t, n, "lyceum_jobs_running"); running != 0 {
		t.Errorf("lyceum_jobs_running = %v on an idle node, want 0", running)
	}
	if !strings.Contains(n.logs.String(), `"worker":"test-`) {
		t.Errorf("no job runner started with a worker named after the node:\n%s", n.logs.String())
	}
	n.stop()
	if logs := n.logs.String(); strings.Contains(logs, `"message":"job runner"`) {
		t.Errorf("the job runner failed:\n%s", logs)
	}
}

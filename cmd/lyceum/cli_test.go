package main

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"
)

// runCLI runs the lyceum command with args against dataDir and returns its output.
func runCLI(t *testing.T, dataDir, stdin string, args ...string) (string, string, error) {
	t.Helper()
	return runCLIWith(t, map[string]string{"LYCEUM_DATA_DIR": dataDir}, stdin, args...)
}

// runCLIWith runs the lyceum command with args in the environment vars
// (logging warnings and errors only) and returns its output.
func runCLIWith(t *testing.T, vars map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	vars = maps.Clone(vars)
	vars["LYCEUM_LOG_LEVEL"] = "warn"
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, env(vars))
	return out.String(), errOut.String(), err
}

func TestCLIUserLifecycle(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, dir, "a long password\n", "user", "create", "-email", "ops@school.example",
		"-username", "ops", "-name", "Ops", "-admin", "-password-stdin")
	if err != nil || !strings.Contains(out, "created user 1 ops") || !strings.Contains(out, "(admin)") {
		t.Fatalf("create: %q %v", out, err)
	}
	if _, _, err := runCLI(t, dir, "short\n", "user", "create", "-email", "b@school.example",
		"-username", "bee", "-name", "B", "-password-stdin"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("a short password was accepted: %v", err)
	}
	if _, _, err := runCLI(t, dir, "another long one\n", "user", "create", "-email", "OPS@school.example",
		"-username", "ops2", "-name", "Dup", "-password-stdin"); err == nil || !strings.Contains(err.Error(), "email") {
		t.Errorf("a duplicate email was accepted: %v", err)
	}
	if out, _, err = runCLI(t, dir, "", "user", "set-admin", "-login", "ops", "-off"); err == nil {
		t.Errorf("the last administrator was demoted: %q", out)
	}
	// Without Redis the command cannot reach a running server: it says when they see the change.
	if out, _, err = runCLI(t, dir, "new password 123\n", "user", "set-password", "-login", "ops@school.example", "-password-stdin"); err != nil ||
		!strings.Contains(out, "running servers see this within 30 s") {
		t.Errorf("set-password: %q %v", out, err)
	}
	out, _, err = runCLI(t, dir, "", "user", "token", "-login", "ops", "-token-name", "load")
	if err != nil || !strings.HasPrefix(out, "lyc_") {
		t.Errorf("token: %q %v", out, err)
	}
	if _, _, err = runCLI(t, dir, "", "user", "set-admin", "-login", "nobody"); err == nil {
		t.Error("set-admin of an unknown user succeeded")
	}
}

func TestCLIMigrateStatus(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, dir, "", "migrate", "status")
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status before apply: %q %v", out, err)
	}
	if out, _, err = runCLI(t, dir, "", "migrate", "apply"); err != nil || strings.Contains(out, "pending") || !strings.Contains(out, "applied") {
		t.Fatalf("apply: %q %v", out, err)
	}
}

func TestCLIErrors(t *testing.T) {
	cases := [][]string{{"bogus"}, {"migrate", "sideways"}, {"user"}, {"user", "fly"}, {"serve", "-addr", "nope"}}
	for _, args := range cases {
		if _, _, err := runCLI(t, t.TempDir(), "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if out, _, err := runCLI(t, t.TempDir(), "", "version"); err != nil || !strings.HasPrefix(out, "lyceum ") {
		t.Errorf("version: %q %v", out, err)
	}
}

package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/lyceumhq/lyceum/"

// TestImportRules keeps the four floors of docs/architecture.md true: every
// import points down, the domain imports nothing of ours, and backends are
// wired only by the composition root.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	backends := []string{"internal/store/postgres", "internal/store/sqlite", "hub/redisbroker"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				if pkg == "internal/lms" && strings.Contains(imp, ".") {
					t.Errorf("%s imports %s: the domain uses the standard library only", pkg, imp)
				}
				if msg := signalingExternal(pkg, imp); msg != "" {
					t.Errorf("%s imports %s: %s", pkg, imp, msg)
				}
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			if msg := violates(pkg, dep, backends); msg != "" {
				t.Errorf("%s imports %s: %s", pkg, dep, msg)
			}
		}
	}
}

// signalingExternal returns why pkg may not import the outside module imp,
// or "": signaling (and its test support) is built on pion and zerolog and
// the standard library only, so rooms can wire it to any transport.
func signalingExternal(pkg, imp string) string {
	if pkg != "signaling" && !strings.HasPrefix(pkg, "signaling/") {
		return ""
	}
	first, _, _ := strings.Cut(imp, "/")
	if !strings.Contains(first, ".") || strings.HasPrefix(imp, "github.com/pion/") || strings.HasPrefix(imp, "github.com/rs/zerolog") {
		return ""
	}
	return "signaling uses pion, zerolog and the standard library only"
}

// violates returns why pkg may not import dep, or "".
func violates(pkg, dep string, backends []string) string {
	under := func(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }
	for _, b := range backends {
		if under(dep, b) && !under(pkg, "cmd/lyceum") && !under(pkg, "internal/store/storetest") && !under(pkg, b) {
			return "backends are wired only by cmd/lyceum (and test support)"
		}
	}
	switch {
	case under(dep, "cmd"):
		return "nothing imports a command"
	case under(pkg, "internal/lms"):
		return "the domain imports nothing of ours"
	case under(pkg, "internal") && (under(dep, "web") || under(dep, "rooms") || under(dep, "hub") || under(dep, "signaling")):
		return "internal is the ground floor"
	case under(pkg, "hub") && !under(dep, "hub"):
		return "hub is transport only"
	case pkg == "hub" && under(dep, "hub/"):
		return "hub never imports its subpackages"
	case under(pkg, "signaling") && !under(dep, "signaling"):
		return "signaling talks outward through callbacks"
	case under(pkg, "rooms") && under(dep, "web"):
		return "rooms is below web"
	}
	return ""
}

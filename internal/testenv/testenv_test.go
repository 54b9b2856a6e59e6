package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissingSkipsOrFails runs a child test with the variable unset, once
// without and once with EnvRequire: the first must skip, the second fail.
func TestMissingSkipsOrFails(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") != "" {
		Lookup(t, "TESTENV_UNSET_SERVICE_URL")
		return
	}
	for _, c := range []struct {
		require string
		want    string
	}{{"", "--- SKIP"}, {"1", "--- FAIL"}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingSkipsOrFails$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", EnvRequire+"="+c.require, "TESTENV_UNSET_SERVICE_URL=")
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), c.want) {
			t.Errorf("with %s=%q the child test printed:\n%s\nwant %q", EnvRequire, c.require, out, c.want)
		}
	}
}

package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// growFDTable sizes the process's descriptor table (FDSize in
// /proc/self/status) at once, opens nothing that stays open and closes no
// descriptor in use. It runs in a process of its own: in this package's
// process the test nodes started before it have sized the table already,
// and the size check could not fail.
func TestGrowFDTableSizesTheTableAtOnce(t *testing.T) {
	if os.Getenv("LYCEUM_TEST_FDTABLE_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGrowFDTableSizesTheTableAtOnce$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LYCEUM_TEST_FDTABLE_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("in a fresh process: %v\n%s", err, out)
		}
		return
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	want := int(min(lim.Cur, 4096))
	if size := fdTableSizeNow(t); size >= want {
		t.Fatalf("FDSize %d before growFDTable: a fresh process should start smaller than %d", size, want)
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before := openFDs(t)
	got, err := growFDTable(4096)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("sized for %d, want %d", got, want)
	}
	if size := fdTableSizeNow(t); size < want {
		t.Fatalf("FDSize %d after growFDTable(%d)", size, want)
	}
	if after := openFDs(t); after != before {
		t.Fatalf("%d descriptors open after, %d before", after, before)
	}
	if _, err := f.Stat(); err != nil {
		t.Fatalf("a descriptor in use was touched: %v", err)
	}
}

func fdTableSizeNow(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "FDSize:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no FDSize in /proc/self/status")
	return 0
}

func openFDs(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

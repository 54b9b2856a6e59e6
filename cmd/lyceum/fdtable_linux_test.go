package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// growFDTable sizes the process's descriptor table (FDSize in
// /proc/self/status) at once, opens nothing that stays open and closes no
// descriptor in use.
func TestGrowFDTableSizesTheTableAtOnce(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	want := int(min(lim.Cur, 4096))
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

package main

import (
	"bufio"
	"strings"
	"testing"
)

func TestCoreTimesBusyShare(t *testing.T) {
	read := func(s string) coreTimes {
		t.Helper()
		ct, ok := parseCoreTimes(bufio.NewScanner(strings.NewReader(s)))
		if !ok {
			t.Fatalf("not parsed: %q", s)
		}
		return ct
	}
	before := read("cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 5 0 5 40 0 0 0 0 0 0\ncpu1 5 0 5 40 0 0 0 0 0 0\nintr 1\n")
	after := read("cpu  60 0 30 110 0 0 0 0 0 0\ncpu0 45 0 15 40 0 0 0 0 0 0\ncpu1 15 0 15 60 10 0 0 0 0 0\nintr 2\n")
	got := after.busySince(before)
	if len(got) != 2 || got[0] != 1 || got[1] != 0.4 {
		t.Fatalf("busy shares %v, want [1 0.4]", got)
	}
	if _, ok := parseCoreTimes(bufio.NewScanner(strings.NewReader("intr 1\n"))); ok {
		t.Fatal("a reading without cores parsed")
	}
}

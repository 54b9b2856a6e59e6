package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/lyceumhq/lyceum/internal/testenv"
)

// TestLiveQuizAgainstARealNode runs the livequiz mode small against a real
// node: members and guests, every acknowledged answer stored exactly once
// and the results pushed to every player.
func TestLiveQuizAgainstARealNode(t *testing.T) {
	testenv.SkipShort(t, "the livequiz mode end-to-end test builds and runs a real lyceum node")
	base, token := startLyceum(t, buildLyceum(t))
	for _, guests := range []bool{false, true} {
		args := []string{"livequiz", "-url", base, "-token", token, "-quiet", "-players", "6", "-burst", "500ms"}
		if guests {
			args = append(args, "-guests")
		}
		m := runTool(t, args...)
		if m["ok"] != true {
			t.Errorf("guests %v: ok = %v, want true (%v)", guests, m["ok"], m["first_error"])
		}
		if num(t, m, "acked") != 6 || num(t, m, "stored") != 6 {
			t.Errorf("guests %v: acked %v, stored %v, want 6 and 6", guests, num(t, m, "acked"), num(t, m, "stored"))
		}
		for _, k := range []string{"lost", "twice", "results_missing"} {
			if v := num(t, m, k); v != 0 {
				t.Errorf("guests %v: %s = %v, want 0", guests, k, v)
			}
		}
		if num(t, m, "ack_latency.count") != 6 || num(t, m, "results_latency.count") != 6 {
			t.Errorf("guests %v: ack samples %v, results samples %v", guests, num(t, m, "ack_latency.count"), num(t, m, "results_latency.count"))
		}
	}
}

func TestLiveQuizRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"livequiz", "-token", "x", "-urls", "http://127.0.0.1:1,http://192.0.2.1:2"},
		{"livequiz", "-token", "x", "-players", "0"},
		{"livequiz", "-token", "x", "-players", "100000"},
		{"livequiz", "-token", "x", "-burst", "2h"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

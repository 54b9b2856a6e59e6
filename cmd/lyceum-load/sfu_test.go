package main

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/testenv"
)

// The sfu mode against a real node: a pion publisher and three pion
// subscribers meet in a room's live session over the node's WebSocket, and
// media flows through its SFU on loopback.
func TestSFUAgainstARealNode(t *testing.T) {
	testenv.SkipShort(t, "the sfu mode end-to-end test builds and runs a real lyceum node")
	base, token := startLyceum(t, buildLyceum(t), "LYCEUM_ICE_LOOPBACK=true")
	m := runTool(t, "sfu", "-url", base, "-token", token, "-quiet", "-subscribers", "3", "-duration", "2s",
		"-join-timeout", "60s")
	if num(t, m, "subscribers") != 3 || num(t, m, "tracks") != 6 {
		t.Errorf("subscribers %v, tracks %v: want 3 subscribers each receiving video and audio", m["subscribers"], m["tracks"])
	}
	if num(t, m, "packets") < 3*2*50 { // 2 s of audio alone is 100 packets per subscriber
		t.Errorf("%v packets received, want at least 300", m["packets"])
	}
}

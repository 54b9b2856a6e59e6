package hub_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// TestKeepaliveKeepsAnAnsweringPeer: a client that answers every ping
// stays connected over many ping intervals, and still gets its pushes.
func TestKeepaliveKeepsAnAnsweringPeer(t *testing.T) {
	n := hubtest.NewNode(t, hub.Config{PingInterval: 20 * time.Millisecond, PingTimeout: 300 * time.Millisecond},
		hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	c := hubtest.Dial(t, n, "alive") // reads, so its library answers pings
	c.Subscribe("course:keepalive", nil)
	time.Sleep(time.Second) // the scenario: 50 ping intervals, three ping timeouts
	hubtest.Publish(t, n, "course:keepalive", 1, 1)
	c.Pushes("course:keepalive", 1)
	if got := hub.Connections(n.Hub); got != 1 {
		t.Fatalf("%d connections, want the answering one", got)
	}
}

// TestKeepaliveEndsASilentPeer: a client that reads but never answers gets
// a ping (an 8-byte payload, written by the hub itself), and its connection
// ends PingTimeout later.
func TestKeepaliveEndsASilentPeer(t *testing.T) {
	const pingTimeout = 300 * time.Millisecond
	n := hubtest.NewNode(t, hub.Config{PingInterval: 20 * time.Millisecond, PingTimeout: pingTimeout},
		hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	conn, br := rawDial(t, n, "silent", 4096)
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(hubtest.WaitTimeout))
	var ping []byte
	var pingAt time.Time
	for ping == nil {
		var hdr [2]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			t.Fatalf("no ping: %v", err)
		}
		size := int(hdr[1] & 0x7f)
		if size == 126 { // the hello and acks are longer than 125 bytes
			var ext [2]byte
			if _, err := io.ReadFull(br, ext[:]); err != nil {
				t.Fatalf("frame: %v", err)
			}
			size = int(binary.BigEndian.Uint16(ext[:]))
		}
		payload := make([]byte, size)
		if _, err := io.ReadFull(br, payload); err != nil {
			t.Fatalf("frame: %v", err)
		}
		if hdr[0] == 0x89 {
			ping, pingAt = payload, time.Now()
		}
	}
	if len(ping) != 8 || binary.BigEndian.Uint64(ping) == 0 {
		t.Fatalf("ping payload % x, want the hub's 8-byte sequence number", ping)
	}
	// The hub ends the connection: end of stream or a reset, not our deadline.
	if _, err := io.Copy(io.Discard, br); err != nil && bytes.Contains([]byte(err.Error()), []byte("timeout")) {
		t.Fatalf("the silent connection was not ended: %v", err)
	}
	if waited := time.Since(pingAt); waited < pingTimeout-50*time.Millisecond {
		t.Fatalf("ended %v after the ping, before PingTimeout (%v)", waited, pingTimeout)
	}
	pollUntil(t, "the hub to drop the silent connection", func() bool { return hub.Connections(n.Hub) == 0 })
}

package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// TestFanoutFinishesWritesASocketCouldNotTake: the fan-out writes to a
// subscriber that stopped reading until its socket is full; the writes it
// could not finish at once are handed to the connection's writer, the
// other subscriber gets everything meanwhile, and the stalled one, reading
// again, finds every publication once, whole and in order.
func TestFanoutFinishesWritesASocketCouldNotTake(t *testing.T) {
	node := hubtest.NewNode(t, hub.Config{SendQueueMessages: 10_000, SendQueueBytes: 16 << 20},
		hub.NewMemoryBroker(hub.MemoryBrokerConfig{}))
	const topic, count = "room:full", 2000
	stalled, _ := rawDial(t, node, "stalled", 0)
	t.Cleanup(func() { _ = stalled.Close() })
	rawReadMessage(t, stalled) // hello
	rawSend(t, stalled, `{"type":"subscribe","id":1,"topic":"`+topic+`"}`)
	rawReadMessage(t, stalled) // ack
	reader, br := rawDial(t, node, "reader", 64<<10)
	t.Cleanup(func() { _ = reader.Close() })
	rawSend(t, reader, `{"type":"subscribe","id":1,"topic":"`+topic+`"}`)
	var messages atomic.Int64
	frames := newCounter()
	go rawReadLoop(br, &messages, frames)
	frames.wait(t, 2) // hello and ack

	filler := strings.Repeat("x", 3000)
	for i := range count {
		data := json.RawMessage(fmt.Sprintf(`{"i":%d,"fill":"%s"}`, i, filler))
		if _, err := node.Hub.Publish(context.Background(), topic, data); err != nil {
			t.Fatal(err)
		}
		// One at a time, so that the stalled connection's writes are the
		// fan-out's (a writer goroutine already running would take them).
		frames.wait(t, int64(2+i+1))
	}
	if n := hub.WritesHandedOff(node.Hub); n == 0 {
		t.Fatal("no write was handed off: the stalled socket never filled")
	}

	_ = stalled.SetReadDeadline(time.Now().Add(hubtest.WaitTimeout))
	next := 0
	for next < count {
		msg := rawReadMessage(t, stalled)
		for _, line := range bytes.Split(msg, []byte{'\n'}) {
			var push struct {
				Type string `json:"type"`
				Data struct {
					I int `json:"i"`
				} `json:"data"`
			}
			err := json.Unmarshal(line, &push)
			if err == nil && push.Type == "join" {
				continue // the other subscriber's presence
			}
			if err != nil || push.Type != "push" {
				t.Fatalf("after %d publications: %q is not a push (%v)", next, line[:min(len(line), 60)], err)
			}
			if push.Data.I != next {
				t.Fatalf("got publication %d, want %d", push.Data.I, next)
			}
			next++
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// operatorToken creates an administrator through the CLI against the
// configured database and returns a personal API token for it.
func operatorToken(t *testing.T, vars map[string]string) string {
	t.Helper()
	ctx := context.Background()
	vars["LYCEUM_LOG_LEVEL"] = "warn"
	var out strings.Builder
	err := run(ctx, []string{"user", "create", "-email", "ops@school.example", "-username", "ops", "-name", "Ops",
		"-admin", "-password-stdin"}, strings.NewReader("operator password\n"), &out, &out, env(vars))
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "token", "-login", "ops"}, strings.NewReader(""), &out, &out, env(vars)); err != nil {
		t.Fatalf("user token: %v", err)
	}
	return strings.TrimSpace(out.String())
}

func wsURL(n *testNode) string { return "ws" + strings.TrimPrefix(n.url, "http") + "/api/v1/ws" }

// TestMultiNode runs three nodes sharing PostgreSQL (accounts) and Redis
// (fan-out) in one process, with clients spread across them: every client
// receives every publication once and in one order, presence agrees on
// every node, and stopping one node loses nothing for the clients of the
// other two.
func TestMultiNode(t *testing.T) {
	vars := map[string]string{"LYCEUM_DATABASE_URL": storetest.PostgresURL(t), "LYCEUM_REDIS_URL": redisURL(t)}
	token := operatorToken(t, map[string]string{"LYCEUM_DATABASE_URL": vars["LYCEUM_DATABASE_URL"], "LYCEUM_DATA_DIR": t.TempDir()})
	header := http.Header{"Authorization": {"Bearer " + token}}

	var nodes []*testNode
	for i := range 3 {
		v := map[string]string{"LYCEUM_NODE_ID": fmt.Sprintf("node%d", i+1)}
		for k, x := range vars {
			v[k] = x
		}
		nodes = append(nodes, startTestNode(t, v))
	}
	topic := fmt.Sprintf("load:presence-multinode-%d", time.Now().UnixNano())
	const perNode = 3
	var clients [][]*hubtest.Client
	for _, n := range nodes {
		var cs []*hubtest.Client
		for range perNode {
			c := hubtest.DialHeader(t, wsURL(n), header, true)
			c.Subscribe(topic, nil)
			cs = append(cs, c)
		}
		clients = append(clients, cs)
	}

	// Presence: every node sees the one user with all connections.
	waitPresence := func(c *hubtest.Client, want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			id := c.Command(hub.Command{Type: hub.CmdPresence, Topic: topic})
			f, _ := c.Reply(id)
			got := 0
			for _, u := range f.Presence {
				got += u.Connections
			}
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("presence on a node shows %d connections, want %d: %+v", got, want, f.Presence)
			}
			time.Sleep(100 * time.Millisecond) // polling real I/O: presence converges through Redis
		}
	}
	for _, cs := range clients {
		waitPresence(cs[0], 3*perNode)
	}
	for _, cs := range clients { // drop the join frames and presence answers read so far
		for _, c := range cs {
			drain(c)
		}
	}

	publisher := hubtest.DialHeader(t, wsURL(nodes[0]), header, true)
	publish := func(from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			id := publisher.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Key: fmt.Sprint("k", i),
				Data: json.RawMessage(fmt.Sprintf(`{"seq":%d}`, i))})
			if f, _ := publisher.Reply(id); f.Type != hub.FrameAck {
				t.Fatalf("publish %d: %+v", i, f)
			}
		}
	}
	const half = 100
	publish(1, half)
	for _, cs := range clients {
		for _, c := range cs {
			pushes := c.Pushes(topic, half)
			hubtest.CheckSequence(t, pushes, pushes[0].Epoch, 1)
		}
	}

	nodes[2].stop() // the third node goes away; the others must not notice
	for _, c := range clients[2] {
		if code := c.Closed(); code != 1001 {
			t.Errorf("a client of the stopped node was closed with %d, want 1001 (going away)", code)
		}
	}
	publish(half+1, half)
	for _, cs := range clients[:2] {
		for _, c := range cs {
			pushes := c.Pushes(topic, half)
			hubtest.CheckSequence(t, pushes, pushes[0].Epoch, half+1)
		}
	}
	for _, cs := range clients[:2] {
		waitPresence(cs[0], 2*perNode)
	}
}

// drain discards the frames already received.
func drain(c *hubtest.Client) {
	for {
		select {
		case <-c.Frames:
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}

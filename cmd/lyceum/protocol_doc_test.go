package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// docs/protocol.md is checked by a test: every example fenced as
// ```json client NAME``` is sent to a real node over a real WebSocket and
// must be accepted, and every example fenced as ```json server NAME``` must
// have the shape of the frame the node really sends in that situation
// (protocol_flow_test.go drives the situations). This file holds the
// machinery: reading the examples, comparing shapes, a raw frame client.

// protocolDocPath is the protocol reference, relative to this package.
const protocolDocPath = "../../docs/protocol.md"

// docFence opens a checked example: ```json client NAME or ```json server NAME.
var docFence = regexp.MustCompile("^```json (client|server) ([a-z0-9-]+)\\s*$")

// docExample is one checked example of docs/protocol.md.
type docExample struct {
	side, name string
	line       int            // where its fence opens
	value      map[string]any // the frame
}

// docExamples reads the checked examples of the protocol reference, keyed
// "client NAME" and "server NAME". Each fence holds exactly one JSON object.
func docExamples(t *testing.T) map[string]docExample {
	t.Helper()
	f, err := os.Open(protocolDocPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]docExample{}
	var cur *docExample
	var body strings.Builder
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil:
			if m := docFence.FindStringSubmatch(line); m != nil {
				cur = &docExample{side: m[1], name: m[2], line: n}
				body.Reset()
			}
		case strings.TrimSpace(line) == "```":
			dec := json.NewDecoder(strings.NewReader(body.String()))
			dec.UseNumber()
			if err := dec.Decode(&cur.value); err != nil {
				t.Fatalf("%s:%d: example %q is not a JSON object: %v", protocolDocPath, cur.line, cur.name, err)
			}
			if dec.More() {
				t.Fatalf("%s:%d: example %q holds more than one frame (one per fence)", protocolDocPath, cur.line, cur.name)
			}
			key := cur.side + " " + cur.name
			if prev, dup := out[key]; dup {
				t.Fatalf("%s:%d: example %q already given at line %d", protocolDocPath, cur.line, key, prev.line)
			}
			out[key] = *cur
			cur = nil
		default:
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: example %q is not closed", protocolDocPath, cur.line, cur.name)
	}
	return out
}

// discriminators are keys whose values must match exactly, not only in
// kind: they say what a frame or an event is.
var discriminators = []string{"type", "kind", "code"}

// shapeDiff lists how got differs in shape from want: the same keys,
// recursively, holding the same kinds of JSON values; strings under
// discriminators must be equal. Every element of an array must have the
// shape of the documented first element; an empty documented array must
// be empty.
func shapeDiff(want, got any, at string) []string {
	if kind(want) != kind(got) {
		return []string{fmt.Sprintf("%s: documented %s %v, got %s %v", at, kind(want), want, kind(got), got)}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: documented, not sent", at, k))
				continue
			}
			if slices.Contains(discriminators, k) && kind(wv) == "string" && wv != gv {
				out = append(out, fmt.Sprintf("%s.%s: documented %q, got %q", at, k, wv, gv))
				continue
			}
			out = append(out, shapeDiff(wv, gv, at+"."+k)...)
		}
		for k, gv := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: sent (%s %v), not documented", at, k, kind(gv), gv))
			}
		}
	case []any:
		g := got.([]any)
		if len(w) == 0 && len(g) > 0 {
			return []string{fmt.Sprintf("%s: documented empty, got %d elements", at, len(g))}
		}
		if len(w) > 0 && len(g) == 0 {
			return []string{fmt.Sprintf("%s: documented with elements, got none", at)}
		}
		for i, gv := range g {
			out = append(out, shapeDiff(w[0], gv, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	slices.Sort(out)
	return out
}

// kind names the JSON kind of a decoded value.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// frame is a decoded server frame.
type frame = map[string]any

// wireClient speaks the protocol over a real WebSocket and keeps every
// frame as sent (decoded into maps, numbers kept as json.Number).
type wireClient struct {
	t       *testing.T
	ws      *websocket.Conn
	frames  chan frame
	backlog []frame // frames read but not taken yet, in order
	hello   frame
	nextID  int64
	userID  int64 // the signed-in user
}

// dialWire opens a socket on node n with a fresh API token of login.
func dialWire(t *testing.T, n *testNode, login, password string) *wireClient {
	t.Helper()
	api := newAPIClient(t, n.url)
	loginAPI(api, login, password)
	var tok struct{ Token string }
	api.call("POST", "/me/tokens", map[string]string{"name": "protocol test"}, &tok)
	var me struct{ ID int64 }
	api.call("GET", "/me", nil, &me)
	// Dialled without hubtest's reader: this client keeps the frames raw.
	ws := hubtest.DialHeader(t, wsURL(n), http.Header{"Authorization": {"Bearer " + tok.Token}}, false).WS
	c := &wireClient{t: t, ws: ws, frames: make(chan frame, 1024), userID: me.ID}
	go c.read()
	c.hello = c.take("the hello frame", func(f frame) bool { return f["type"] == hub.FrameHello })
	return c
}

// read splits every message into its frames until the socket ends.
func (c *wireClient) read() {
	defer close(c.frames)
	for {
		_, msg, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		for _, line := range bytes.Split(msg, []byte{'\n'}) {
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.UseNumber()
			var f frame
			if err := dec.Decode(&f); err != nil {
				c.t.Errorf("a frame that is not a JSON object: %q: %v", line, err)
				continue
			}
			c.frames <- f
		}
	}
}

// send writes cmd with the next id, which it returns.
func (c *wireClient) send(cmd frame) int64 {
	c.t.Helper()
	c.nextID++
	cmd["id"] = c.nextID
	b, err := json.Marshal(cmd)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hubtest.WaitTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	return c.nextID
}

// take returns the first frame, kept or new, that match accepts, keeping
// the others for later takes. It fails the test after hubtest.WaitTimeout
// or when the socket ends.
func (c *wireClient) take(what string, match func(frame) bool) frame {
	c.t.Helper()
	for i, f := range c.backlog {
		if match(f) {
			c.backlog = slices.Delete(c.backlog, i, i+1)
			return f
		}
	}
	deadline := time.After(hubtest.WaitTimeout)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				c.t.Fatalf("the connection ended while waiting for %s", what)
			}
			if match(f) {
				return f
			}
			c.backlog = append(c.backlog, f)
		case <-deadline:
			c.t.Fatalf("no %s within %v (other frames: %v)", what, hubtest.WaitTimeout, c.backlog)
		}
	}
}

// reply waits for the ack or error answering id.
func (c *wireClient) reply(id int64) frame {
	c.t.Helper()
	return c.take(fmt.Sprintf("answer to command %d", id), func(f frame) bool {
		n, ok := f["id"].(json.Number)
		return ok && n.String() == fmt.Sprint(id) && (f["type"] == hub.FrameAck || f["type"] == hub.FrameError)
	})
}

// push waits for a push on topic whose data has the given kind (or, for
// typing indicators and personal notices, type).
func (c *wireClient) push(topic, kind string) frame {
	c.t.Helper()
	return c.take(fmt.Sprintf("push %q on %s", kind, topic), func(f frame) bool {
		d, _ := f["data"].(map[string]any)
		return f["type"] == hub.FramePush && f["topic"] == topic && d != nil && (d["kind"] == kind || d["type"] == kind)
	})
}

// event waits for a frame of type typ on topic (join, leave, unsubscribed).
func (c *wireClient) event(typ, topic string) frame {
	c.t.Helper()
	return c.take(typ+" on "+topic, func(f frame) bool { return f["type"] == typ && f["topic"] == topic })
}

// position reads the epoch and offset of an ack or push.
func position(t *testing.T, f frame) (string, int64) {
	t.Helper()
	epoch, _ := f["epoch"].(string)
	n, ok := f["offset"].(json.Number)
	if !ok {
		t.Fatalf("no offset in %v", f)
	}
	off, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return epoch, off
}

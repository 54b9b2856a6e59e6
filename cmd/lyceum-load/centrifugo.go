package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// target is the kind of server the tool's clients speak to. The comparison
// (see compare.go) measures Lyceum side by side with Centrifugo, the
// reference Go real-time server, with the same client code: only the
// frames differ.
type target int

// The servers the tool speaks to.
const (
	targetLyceum     target = iota // docs/protocol.md
	targetCentrifugo               // Centrifugo's bidirectional JSON protocol (v2), client-side insecure mode
)

func (t target) String() string {
	if t == targetCentrifugo {
		return "centrifugo"
	}
	return "lyceum"
}

// parseTarget parses a -target flag.
func parseTarget(s string) (target, error) {
	switch s {
	case "", "lyceum":
		return targetLyceum, nil
	case "centrifugo":
		return targetCentrifugo, nil
	}
	return 0, fmt.Errorf("unknown target %q (want lyceum or centrifugo)", s)
}

// wsPath is the WebSocket endpoint of the target.
func (t target) wsPath() string {
	if t == targetCentrifugo {
		return "/connection/websocket"
	}
	return "/api/v1/ws"
}

// targetWSURL turns a base URL into the target's WebSocket endpoint URL.
func targetWSURL(t target, base string) string {
	if t == targetLyceum {
		return wsURL(base)
	}
	u, _ := url.Parse(base)
	u.Scheme = "ws"
	if strings.HasPrefix(base, "https:") {
		u.Scheme = "wss"
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + t.wsPath()
	return u.String()
}

// defaultTopic names a run's topic: Centrifugo reads a colon as its
// namespace separator, so its topics have none.
func (t target) defaultTopic(kind string) string {
	if t == targetCentrifugo {
		return "load_" + kind + "-" + runID()
	}
	return "load:" + kind + "-" + runID()
}

// cfConnectID is the id of the connect command a Centrifugo client sends
// first; its answer plays the part of Lyceum's hello frame.
const cfConnectID = 1

// cfConnectCommand is the first command on a Centrifugo connection
// (insecure mode: no token).
var cfConnectCommand = []byte(`{"id":1,"connect":{"name":"lyceum-load"}}`)

// cfPing reports whether line is Centrifugo's ping (an empty object), which
// the client answers with an empty object.
func cfPing(line []byte) bool { return bytes.Equal(line, []byte("{}")) }

var cfPushPrefix = []byte(`{"push":{"channel":"`)

// parsePush extracts a push of the client's protocol.
func (c *client) parsePush(line []byte) (push, bool) {
	if c.proto == targetCentrifugo {
		return parseCentrifugoPush(line)
	}
	return parsePush(line)
}

// parseCentrifugoPush extracts a publication push:
// {"push":{"channel":"T","pub":{"data":{...},"offset":N}}} (offset only
// with history). Other pushes are reported as not pushes of the tool.
func parseCentrifugoPush(line []byte) (push, bool) {
	if !bytes.HasPrefix(line, cfPushPrefix) {
		return push{}, false
	}
	rest := line[len(cfPushPrefix)-1:]
	topic, rest, ok := stringField(rest, `"`)
	if !ok {
		return push{}, false
	}
	p := push{topic: topic}
	i := bytes.Index(rest, []byte(`"pub":{"data":`))
	if i < 0 {
		return p, true // join, leave, unsubscribe...: not a publication
	}
	data := rest[i:]
	seq, after, ok1 := uintField(data, `"seq":`)
	sent, after, ok2 := uintField(after, `"sent_ns":`)
	p.seq, p.sentNS, p.ok = seq, int64(sent), ok1 && ok2
	if j := bytes.LastIndex(after, []byte(`"offset":`)); j >= 0 {
		p.offset, _, _ = uintField(after[j:], `"offset":`)
	}
	return p, true
}

// cfReply is a Centrifugo reply to a command.
type cfReply struct {
	ID      uint64          `json:"id"`
	Connect json.RawMessage `json:"connect"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// decodeFrame decodes a non-push line of the client's protocol into the
// tool's frame: a Centrifugo connect answer is the hello, any other reply
// an ack or an error.
func (c *client) decodeFrame(line []byte) (frame, error) { return decodeFrame(c.proto, line) }

// decodeFrame decodes a non-push line of proto (see the method).
func decodeFrame(proto target, line []byte) (frame, error) {
	var f frame
	if proto == targetLyceum {
		err := json.Unmarshal(line, &f)
		return f, err
	}
	var r cfReply
	if err := json.Unmarshal(line, &r); err != nil {
		return f, err
	}
	f.ID = r.ID
	switch {
	case r.Error != nil:
		f.Type, f.Code, f.Message = "error", strconv.Itoa(r.Error.Code), r.Error.Message
	case r.ID == cfConnectID && r.Connect != nil:
		f.Type = "hello"
	case r.ID == 0:
		f.Type = "push" // another push (counted nowhere)
	default:
		f.Type = "ack"
	}
	return f, nil
}

// encodeCommand encodes a command of the tool ({"type":..,"id":..,"topic":..})
// in the client's protocol. Centrifugo gets subscribe only (the publisher
// encodes its own publications, see appendPublish).
func (c *client) encodeCommand(cmd map[string]any) ([]byte, error) {
	return encodeCommand(c.proto, cmd)
}

// encodeCommand encodes a command of the tool in proto (see the method).
func encodeCommand(proto target, cmd map[string]any) ([]byte, error) {
	if proto == targetLyceum {
		return json.Marshal(cmd)
	}
	switch cmd["type"] {
	case "subscribe":
		return json.Marshal(map[string]any{"id": cmd["id"], "subscribe": map[string]any{"channel": cmd["topic"]}})
	}
	return nil, fmt.Errorf("command %v is not supported on centrifugo", cmd["type"])
}

// appendPublish appends one publish command carrying the tool's payload.
func appendPublish(buf []byte, proto target, id uint64, topic string, seq uint64, sentNS int64) []byte {
	if proto == targetCentrifugo {
		buf = append(buf, `{"id":`...)
		buf = strconv.AppendUint(buf, id, 10)
		buf = append(buf, `,"publish":{"channel":"`...)
		buf = append(buf, topic...)
		buf = append(buf, `","data":`...)
		buf = appendPayload(buf, seq, sentNS)
		return append(buf, '}', '}')
	}
	buf = append(buf, `{"type":"publish","id":`...)
	buf = strconv.AppendUint(buf, id, 10)
	buf = append(buf, `,"topic":"`...)
	buf = append(buf, topic...)
	buf = append(buf, `","data":`...)
	buf = appendPayload(buf, seq, sentNS)
	return append(buf, '}')
}

// centrifugoConfig is the configuration file the comparison gives
// Centrifugo v6: client-side insecure mode (no token, any client may
// subscribe and publish: benchmark only), logs at error level, the memory
// engine, or the Redis engine when redisURL is set (prefix separates runs).
func centrifugoConfig(port int, redisURL, prefix string) ([]byte, error) {
	cfg := map[string]any{
		"http_server": map[string]any{"address": "127.0.0.1", "port": port},
		"client":      map[string]any{"insecure": true, "allowed_origins": []string{"*"}},
		"log":         map[string]any{"level": "error"},
	}
	if redisURL != "" {
		cfg["engine"] = map[string]any{"type": "redis", "redis": map[string]any{"address": []string{redisURL}, "prefix": prefix}}
	}
	return json.MarshalIndent(cfg, "", "  ")
}

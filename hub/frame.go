package hub

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// ProtocolVersion is the wire protocol version sent in the hello frame.
const ProtocolVersion = 1

// Subprotocol is the WebSocket subprotocol name the hub offers.
const Subprotocol = "lyceum.v1"

// Limits of the frame format.
const (
	MaxTopicBytes = 128 // bytes in a topic name
	MaxKeyBytes   = 128 // bytes in an idempotency key
)

// Client command types (the "type" field of a client frame).
const (
	CmdSubscribe   = "subscribe"
	CmdUnsubscribe = "unsubscribe"
	CmdPublish     = "publish"
	CmdPresence    = "presence"
	CmdPing        = "ping"
)

// Command is one decoded client frame.
type Command struct {
	Type  string    `json:"type"`
	ID    uint64    `json:"id"`
	Topic string    `json:"topic,omitempty"`
	Since *Position `json:"since,omitempty"` // subscribe: last position seen, to recover from
	// Quiet (subscribe) follows the topic's publications without joining
	// its presence: the connection is not announced and gets no presence
	// list or join/leave events (e.g. a list page watching many rooms).
	Quiet bool            `json:"quiet,omitempty"`
	Key   string          `json:"key,omitempty"`  // publish: idempotency key
	Data  json.RawMessage `json:"data,omitempty"` // publish: payload (any JSON value)
	// Err is set, instead of the fields above being trustworthy, when this
	// line could not be decoded or validated; ID is kept when it was readable.
	Err *Error `json:"-"`
}

// DecodeCommands splits one client WebSocket message into its commands: one
// JSON object per line (newline-delimited; blank lines are skipped). It
// never panics; its allocations are bounded by a small multiple of
// len(msg), and it refuses messages with more than maxCommands commands.
// Per-line problems are reported in Command.Err.
func DecodeCommands(msg []byte, maxCommands int) ([]Command, *Error) {
	if !utf8.Valid(msg) {
		return nil, Errorf(CodeInvalid, "message is not valid UTF-8")
	}
	n := 0
	for rest := msg; len(rest) > 0; {
		line, tail, _ := bytes.Cut(rest, []byte{'\n'})
		rest = tail
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	if n == 0 {
		return nil, Errorf(CodeInvalid, "empty message")
	}
	if n > maxCommands {
		return nil, Errorf(CodeLimitExceeded, "at most %d commands per message", maxCommands)
	}
	cmds := make([]Command, 0, n)
	for rest := msg; len(rest) > 0; {
		line, tail, _ := bytes.Cut(rest, []byte{'\n'})
		rest = tail
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		cmds = append(cmds, decodeCommand(line))
	}
	return cmds, nil
}

func decodeCommand(line []byte) Command {
	var c Command
	if line[0] != '{' {
		return Command{Err: Errorf(CodeInvalid, "a command must be a JSON object")}
	}
	if err := json.Unmarshal(line, &c); err != nil {
		var idOnly struct {
			ID uint64 `json:"id"`
		}
		_ = json.Unmarshal(line, &idOnly)
		return Command{ID: idOnly.ID, Err: Errorf(CodeInvalid, "malformed command")}
	}
	if err := c.validate(); err != nil {
		return Command{ID: c.ID, Type: c.Type, Err: err}
	}
	return c
}

func (c *Command) validate() *Error {
	switch c.Type {
	case CmdSubscribe, CmdUnsubscribe, CmdPresence:
		if !ValidTopic(c.Topic) {
			return Errorf(CodeInvalid, "invalid topic")
		}
		if c.Since != nil && !validEpoch(c.Since.Epoch) {
			return Errorf(CodeInvalid, "invalid since.epoch")
		}
	case CmdPublish:
		if !ValidTopic(c.Topic) {
			return Errorf(CodeInvalid, "invalid topic")
		}
		if len(c.Key) > MaxKeyBytes {
			return Errorf(CodeInvalid, "key longer than %d bytes", MaxKeyBytes)
		}
		if len(c.Data) == 0 {
			return Errorf(CodeInvalid, "publish needs data")
		}
		var buf bytes.Buffer
		buf.Grow(len(c.Data))
		if err := json.Compact(&buf, c.Data); err != nil {
			return Errorf(CodeInvalid, "data is not valid JSON")
		}
		c.Data = buf.Bytes()
	case CmdPing:
	default:
		return Errorf(CodeInvalid, "unknown command type")
	}
	if c.ID == 0 {
		return Errorf(CodeInvalid, "a command needs an id >= 1")
	}
	return nil
}

// ValidTopic reports whether s is a legal topic: 1..MaxTopicBytes bytes of
// ASCII letters, digits and the characters : _ - . @ / =.
func ValidTopic(s string) bool {
	if len(s) == 0 || len(s) > MaxTopicBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !topicByte(s[i]) {
			return false
		}
	}
	return true
}

func topicByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	switch b {
	case ':', '_', '-', '.', '@', '/', '=':
		return true
	}
	return false
}

func validEpoch(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !topicByte(s[i]) {
			return false
		}
	}
	return true
}

// Server frame types (the "type" field of a server frame).
const (
	FrameHello        = "hello"
	FrameAck          = "ack"
	FrameError        = "error"
	FramePush         = "push"
	FrameJoin         = "join"
	FrameLeave        = "leave"
	FrameUnsubscribed = "unsubscribed"
)

// AppendPush appends the push frame for pub on topic to dst. This is the
// hot path: it is built by hand and done once per publication.
func AppendPush(dst []byte, topic string, pub Publication) []byte {
	dst = append(dst, `{"type":"push","topic":`...)
	dst = appendString(dst, topic)
	dst = append(dst, `,"epoch":`...)
	dst = appendString(dst, pub.Epoch)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendUint(dst, pub.Offset, 10)
	dst = append(dst, `,"data":`...)
	dst = append(dst, pub.Data...)
	return append(dst, '}')
}

// encodePush returns the push frame for pub in a new exact-size slice.
func encodePush(topic string, pub Publication) []byte {
	n := len(`{"type":"push","topic":,"epoch":,"offset":,"data":}`) + len(topic) + len(pub.Epoch) + 4 + 20 + len(pub.Data)
	return AppendPush(make([]byte, 0, n), topic, pub)
}

// appendString appends s as a JSON string; topics and epochs are plain
// ASCII, so the fast path copies; anything else goes through encoding/json.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !topicByte(s[i]) {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// HelloFrame is the first frame on every connection.
type HelloFrame struct {
	Type           string      `json:"type"`
	Version        int         `json:"version"`
	Time           time.Time   `json:"time"`
	Node           string      `json:"node"`
	Client         string      `json:"client"`
	PingIntervalMS int64       `json:"ping_interval_ms"`
	Limits         HelloLimits `json:"limits"`
}

// HelloLimits tells the client the connection's limits.
type HelloLimits struct {
	MaxMessageBytes  int64   `json:"max_message_bytes"`
	MaxCommands      int     `json:"max_commands"`
	MaxSubscriptions int     `json:"max_subscriptions"`
	RatePerSecond    float64 `json:"rate_per_second"`
	RateBurst        int     `json:"rate_burst"`
}

// AckFrame answers a command that succeeded.
type AckFrame struct {
	Type      string         `json:"type"`
	ID        uint64         `json:"id"`
	Topic     string         `json:"topic,omitempty"`
	Epoch     string         `json:"epoch,omitempty"`
	Offset    *uint64        `json:"offset,omitempty"`
	Recovered *bool          `json:"recovered,omitempty"`
	Presence  []PresenceUser `json:"presence,omitempty"`
	// Result is what a publish hook returned for the client (PublishResult).
	Result json.RawMessage `json:"result,omitempty"`
}

// ErrorFrame answers a command that failed (ID 0 when it could not be read).
type ErrorFrame struct {
	Type    string `json:"type"`
	ID      uint64 `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// PresenceFrame is a join or leave event on a topic.
type PresenceFrame struct {
	Type   string       `json:"type"`
	Topic  string       `json:"topic"`
	Client string       `json:"client"`
	User   PresenceUser `json:"user"`
}

// PresenceUser is one user in a presence list (Connections counts the
// user's connections subscribed with presence; 0 in join/leave events).
type PresenceUser struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Connections int    `json:"connections,omitempty"`
}

// UnsubscribedFrame tells the client the server ended a subscription.
type UnsubscribedFrame struct {
	Type    string `json:"type"`
	Topic   string `json:"topic"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func marshalFrame(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // only plain structs of strings and numbers are marshalled
		panic("hub: marshal frame: " + err.Error())
	}
	return b
}

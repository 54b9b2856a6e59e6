package hub

import (
	"context"
	"time"
)

// Position is a place in a topic's history: the history's epoch and the
// offset of the last publication (0 before the first one).
type Position struct {
	Epoch  string `json:"epoch"`
	Offset uint64 `json:"offset"`
}

// Publication is one message on a topic with its place in the history.
type Publication struct {
	Epoch  string
	Offset uint64
	Data   []byte // compact JSON
}

// ClientInfo is one connection's presence entry on a topic.
type ClientInfo struct {
	ClientID string `json:"c"`
	UserID   string `json:"u"`
	Name     string `json:"n"`
	NodeID   string `json:"node"`
}

// PublishOptions tune one Broker.Publish.
type PublishOptions struct {
	// IdempotencyKey, when set, makes a repeated publish with the same key
	// (within IdempotencyTTL) return the first publication's position
	// instead of publishing again.
	IdempotencyKey string
	IdempotencyTTL time.Duration
}

// HistoryOptions select what Broker.History returns.
type HistoryOptions struct {
	// Since, when non-nil, asks for the publications after it (in order, at
	// most Limit). Publications older than the window are simply missing;
	// the caller compares offsets to decide whether it recovered.
	Since *Position
	Limit int
}

// HistoryResult is the answer of Broker.History.
type HistoryResult struct {
	Publications []Publication
	// Top is the topic's current position. A broker creates the topic's
	// epoch when it has none yet, so Top.Epoch is never empty.
	Top Position
}

// BrokerHandler receives what a Broker delivers to this node. Calls for one
// topic arrive in order and never concurrently; implementations must not
// block (the hub only enqueues).
type BrokerHandler interface {
	// HandlePublication delivers a publication on a topic this node subscribed to.
	HandlePublication(topic string, pub Publication)
	// HandleJoin and HandleLeave deliver presence changes on subscribed topics.
	HandleJoin(topic string, info ClientInfo)
	HandleLeave(topic string, info ClientInfo)
	// HandleControl delivers a node-wide control message (see PublishControl).
	HandleControl(data []byte)
}

// Broker is the seam between hub nodes: it numbers publications per topic,
// keeps the bounded history, carries publications, presence and control
// messages to every node. MemoryBroker is the in-process implementation;
// hub/redisbroker is the one for several nodes.
//
// Every method that talks to the network takes a context and must fail fast
// (wrapping ErrUnavailable) when the backend is down, and return by the
// context's deadline.
type Broker interface {
	// Start registers the handler and starts delivery. It is called once by New.
	Start(ctx context.Context, h BrokerHandler) error
	// Publish appends data to topic's history and delivers it to every
	// subscribed node, returning its position. Publications on one topic are
	// delivered in offset order, without gaps, to every node.
	//
	// It returns by ctx's deadline, and a publication it did not confirm is
	// never made later: not by a retry, nor by a request that reaches the
	// backend after the deadline. One case stays ambiguous: when the backend
	// made the publication but its answer was lost (the connection broke),
	// Publish fails, and the publication exists; a retry with the same
	// IdempotencyKey then returns it instead of publishing again.
	Publish(ctx context.Context, topic string, data []byte, opts PublishOptions) (Position, error)
	// Subscribe makes this node receive topic's publications and presence
	// events; when it returns, every later publication will be delivered.
	Subscribe(ctx context.Context, topic string) error
	// Unsubscribe stops delivery of topic to this node.
	Unsubscribe(ctx context.Context, topic string) error
	// History returns the topic's current position and, when asked, the
	// publications after a position that are still in the window.
	History(ctx context.Context, topic string, opts HistoryOptions) (HistoryResult, error)
	// AddPresence and RemovePresence announce a connection joining or
	// leaving topic's presence (emitting join/leave events to every node).
	AddPresence(ctx context.Context, topic string, info ClientInfo) error
	RemovePresence(ctx context.Context, topic string, info ClientInfo) error
	// RefreshPresence keeps this node's entries on topic alive (brokers with
	// expiry drop entries not refreshed within the presence TTL) and expires
	// stale entries of dead nodes, emitting leave events for them.
	RefreshPresence(ctx context.Context, topic string, infos []ClientInfo) error
	// Presence lists the live entries on topic.
	Presence(ctx context.Context, topic string) ([]ClientInfo, error)
	// PublishControl delivers data to HandleControl on every node, this one included.
	PublishControl(ctx context.Context, data []byte) error
	// Close stops delivery and releases resources.
	Close() error
}

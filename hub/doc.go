// Package hub is Lyceum's real-time fan-out layer, transport only: it owns
// WebSocket connections (one reader and one writer goroutine each, a bounded
// send queue, write deadlines, keepalive, read and rate limits), topics with
// per-topic offsets and epochs, history-based recovery, presence, and the
// Broker seam between nodes with its in-process implementation.
//
// The hub knows topics and frames, never users, courses or rooms: whether a
// connection may subscribe or publish is decided by hooks the caller installs
// (see Hooks). The wire protocol is described in docs/protocol.md.
package hub

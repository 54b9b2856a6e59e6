// Package hub is Lyceum's real-time fan-out layer, transport only: it owns
// WebSocket connections (a reader goroutine each, and a writer that runs only
// while frames are queued, so an idle connection costs one goroutine; a
// bounded send queue, write deadlines enforced by one watchdog, keepalive,
// read and rate limits), topics with per-topic offsets and epochs,
// history-based recovery, presence, access re-checks (Recheck), and the
// Broker seam between nodes with its in-process implementation.
//
// The hub knows topics and frames, never users, courses or rooms: whether a
// connection may subscribe or publish is decided by hooks the caller
// installs (see Hooks and SetHooks), which may tag subscriptions with a
// scope that Recheck matches. The wire protocol is described in
// docs/protocol.md.
package hub

package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Identity is who a connection belongs to. The hub treats it as opaque: it
// only uses UserID and Name for presence and SessionID for Disconnect.
type Identity struct {
	UserID    string // stable id of the user (presence groups connections by it)
	Name      string // display name shown in presence
	SessionID string // the login session or API token the socket was opened with
	// RateLimit and RateBurst, when positive, replace Config.RateLimit and
	// Config.RateBurst for this connection (e.g. for trusted publishers).
	RateLimit float64
	RateBurst int
	// Data is for the caller (e.g. the user's role); the hub never reads it.
	Data any
}

// SubscribeOptions is what CanSubscribe grants for one subscription.
type SubscribeOptions struct {
	// Presence announces this connection in the topic's presence and sends
	// it the topic's join and leave events.
	Presence bool
	// Scope tags the subscription with what its access depends on (opaque
	// to the hub, e.g. "course:7"): Hub.Recheck re-checks the subscriptions
	// of a scope when access in it changes.
	Scope string
}

// PublishRequest is a client's publish command as handed to OnPublish.
type PublishRequest struct {
	Identity Identity
	Topic    string
	// Key is the client-supplied idempotency key ("" when none). Hooks that
	// store something should use it to avoid storing a retry twice.
	Key  string
	Data json.RawMessage // compact, valid JSON
}

// PublishResult is what OnPublish decided about a client publication.
type PublishResult struct {
	// Data is published on the request's topic (possibly rewritten, e.g.
	// with the sender as the server knows them); nil publishes nothing (the
	// hook stored and published by itself, or there is nothing to publish).
	Data json.RawMessage
	// Position, when Data is nil, is where the hook's own publication landed
	// on the topic; the ack carries it. Nil when it has none (e.g. the
	// publication is queued for later: see Result).
	Position *Position
	// Result goes into the ack as "result" (e.g. the stored message with its
	// id), so the client reconciles without waiting for its own push.
	Result json.RawMessage
}

// Hooks let the caller (rooms, the API) decide what a connection may do. The
// hub only enforces the answers. Nil hooks refuse: without CanSubscribe no
// subscription is allowed, without OnPublish clients cannot publish.
type Hooks struct {
	// CanSubscribe reports whether id may subscribe to topic. Hub.Recheck
	// calls it again for existing subscriptions when access changes.
	CanSubscribe func(ctx context.Context, id Identity, topic string) (SubscribeOptions, error)
	// OnPublish validates (and may store) a client publication before
	// fan-out, and returns what to publish and what the ack carries, or an
	// error for the client.
	OnPublish func(ctx context.Context, req PublishRequest) (PublishResult, error)
	// ErrorInfo maps a hook error to a stable code and a message safe to show
	// (e.g. lms.ErrorCode and lms.ErrorMessage). When nil, *Error values keep
	// their code and anything else becomes "internal".
	ErrorInfo func(err error) (code, message string)
	// Unsubscribed, when set, is told that a subscription of this node
	// ended, whatever the reason (unsubscribe, access lost at a re-check,
	// the connection closed), e.g. to end what the subscription stood for.
	// It runs on the hub's goroutines and must return quickly.
	Unsubscribed func(id Identity, topic string)
	// Control, when set, receives the application messages any node sent
	// with Hub.SendControl (this node's own included). It runs on the
	// broker's delivery goroutine and must not block.
	Control func(data json.RawMessage)
	// Invalidated, when set, is told of every Disconnect (userID,
	// sessionID, "") and Recheck (userID, "", scope) on the node that asks,
	// before it returns, and on every node that receives it, before that
	// node closes or re-checks anything: e.g. to drop what it cached about
	// the user, so that a client closed for a revocation, or a re-check,
	// never passes on stale state. It must not block.
	Invalidated func(userID, sessionID, scope string)
}

// Error codes the hub itself sends in error frames.
const (
	CodeInvalid       = "invalid"
	CodeForbidden     = "forbidden"
	CodeRateLimited   = "rate_limited"
	CodeTooLarge      = "too_large"
	CodeUnavailable   = "unavailable"
	CodeInternal      = "internal"
	CodeLimitExceeded = "limit_exceeded"
	CodeNotSubscribed = "not_subscribed"
	// CodeInsufficientState tells a subscriber its topic lost continuity on
	// this node; it must resubscribe with its last position.
	CodeInsufficientState = "insufficient_state"
)

// Error is an error with a stable code for error frames.
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("hub: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrUnavailable is wrapped by errors returned when the broker cannot be
// reached (publishes fail fast with it while Redis is down).
var ErrUnavailable = errors.New("hub: broker unavailable")

// SetHooks installs the hooks that decide what connections may do,
// replacing Config.Hooks. It lets the caller build the hub first and the
// policy (which may publish through the hub) afterwards; call it before the
// hub serves connections.
func (h *Hub) SetHooks(hk Hooks) { h.hooks.Store(&hk) }

// hookSet returns the hooks in force.
func (h *Hub) hookSet() *Hooks { return h.hooks.Load() }

// errorInfo maps err to (code, message) for an error frame.
func (h *Hub) errorInfo(err error) (string, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, e.Message
	}
	if errors.Is(err, ErrUnavailable) {
		return CodeUnavailable, "The real-time service is temporarily unavailable."
	}
	if f := h.hookSet().ErrorInfo; f != nil {
		return f(err)
	}
	return CodeInternal, "An internal error occurred."
}

// wrapUnavailable marks a broker failure as ErrUnavailable (unless it
// already carries a code) so the client sees "unavailable", not "internal".
func wrapUnavailable(err error) error {
	var e *Error
	if errors.As(err, &e) || errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

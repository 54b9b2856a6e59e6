package lms

import "context"

// The context carries what the transport learned about a request: the
// signed-in user (for the transport's own use: services take the acting
// user as an explicit argument, see docs/architecture.md), where the
// request comes from, the session or API token it authenticated with, and
// a request id for logs. Every context helper of Lyceum is in this file.

// ctxKey is the context key of the value of type T (one value per type).
type ctxKey[T any] struct{}

func with[T any](ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, ctxKey[T]{}, v)
}

func from[T any](ctx context.Context) T {
	v, _ := ctx.Value(ctxKey[T]{}).(T)
	return v
}

// requestID is the type of the request id in a context.
type requestID string

// WithUser returns a context carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context { return with(ctx, u) }

// UserFrom returns the signed-in user, or nil for an anonymous caller.
func UserFrom(ctx context.Context) *User { return from[*User](ctx) }

// WithRequestID returns a context carrying a request id for logs.
func WithRequestID(ctx context.Context, id string) context.Context { return with(ctx, requestID(id)) }

// RequestIDFrom returns the request id, or "".
func RequestIDFrom(ctx context.Context) string { return string(from[requestID](ctx)) }

// Client describes where a call comes from; IP and UserAgent are recorded
// in sessions and audit entries.
type Client struct {
	IP        string
	UserAgent string
	// Device is the device token the browser presented (its device cookie),
	// "" for none; only Login reads it.
	Device string
}

// WithClient returns a context carrying c.
func WithClient(ctx context.Context, c Client) context.Context { return with(ctx, c) }

// ClientFrom returns the Client in ctx (zero if none).
func ClientFrom(ctx context.Context) Client { return from[Client](ctx) }

// WithSession returns a context carrying the session the caller signed in
// with (used to keep it when revoking the others).
func WithSession(ctx context.Context, sess *Session) context.Context { return with(ctx, sess) }

// SessionFrom returns the caller's session, or nil (anonymous or API token).
func SessionFrom(ctx context.Context) *Session { return from[*Session](ctx) }

// WithAPIToken returns a context carrying the API token the caller
// authenticated with.
func WithAPIToken(ctx context.Context, t *APIToken) context.Context { return with(ctx, t) }

// APITokenFrom returns the caller's API token, or nil (anonymous or session).
func APITokenFrom(ctx context.Context) *APIToken { return from[*APIToken](ctx) }

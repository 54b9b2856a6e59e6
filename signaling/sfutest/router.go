// Package sfutest provides pion participants for signaling.Server: an
// in-process Router that delivers the server's messages, and Clients
// that publish synthetic VP8 and Opus media and count what they receive
// (packets, loss, latency). The signaling tests and the load generator's
// sfu mode use it; every network address is 127.0.0.1.
package sfutest

import (
	"context"
	"errors"
	"sync"

	"github.com/lyceumhq/lyceum/signaling"
)

// inboxSize is the messages a client queues before the router's Send
// waits (up to the server's send timeout).
const inboxSize = 1024

// Server is what clients talk to: a *signaling.Server in the same
// process, or an adapter that carries joins and messages to a remote one
// (whose messages come back through Router.Send).
type Server interface {
	Join(ctx context.Context, p signaling.JoinParams) error
	Handle(ctx context.Context, sessionID, participantID string, raw []byte) error
}

var _ Server = (*signaling.Server)(nil)

// Router connects a Server to Clients. Use Router.Send as the server's
// Config.Send (or call it for every message an adapter receives), then
// SetServer.
type Router struct {
	mu      sync.Mutex // guards clients and srv
	clients map[[2]string]*Client
	srv     Server
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{clients: make(map[[2]string]*Client)} }

// SetServer sets the server clients send to.
func (r *Router) SetServer(s Server) {
	r.mu.Lock()
	r.srv = s
	r.mu.Unlock()
}

func (r *Router) server() Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.srv
}

// errNoClient is returned by Send for a participant without a client.
var errNoClient = errors.New("sfutest: no client for this participant")

// Send implements signaling.SendFunc: it queues msg for the client.
func (r *Router) Send(ctx context.Context, sessionID, participantID string, msg signaling.Message) error {
	r.mu.Lock()
	c := r.clients[[2]string{sessionID, participantID}]
	r.mu.Unlock()
	if c == nil {
		return errNoClient
	}
	select {
	case c.inbox <- msg:
		return nil
	case <-c.done:
		return errNoClient
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Router) add(c *Client) {
	r.mu.Lock()
	r.clients[[2]string{c.Session, c.ID}] = c
	r.mu.Unlock()
}

func (r *Router) remove(c *Client) {
	r.mu.Lock()
	if r.clients[[2]string{c.Session, c.ID}] == c {
		delete(r.clients, [2]string{c.Session, c.ID})
	}
	r.mu.Unlock()
}

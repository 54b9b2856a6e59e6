package rooms

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// eventTimeout bounds the live announcement of an account change.
const eventTimeout = 3 * time.Second

// Command budget of a site administrator's connection (commands per second
// and burst); everyone else has the hub's default.
const (
	adminRateLimit = 5000.0
	adminRateBurst = 10000
)

// Live connects the hub to the product: it serves the WebSocket endpoint
// and implements auth.Events.
type Live struct {
	hub *hub.Hub
	log zerolog.Logger
}

var _ auth.Events = (*Live)(nil)

// NewLive returns the live layer over h.
func NewLive(h *hub.Hub, log zerolog.Logger) *Live {
	return &Live{hub: h, log: log}
}

// Hub returns the hub (for server-side publishing).
func (l *Live) Hub() *hub.Hub { return l.hub }

// sessionKey and tokenKey name a connection's credential in Identity.SessionID.
func sessionKey(id int64) string { return "s:" + strconv.FormatInt(id, 10) }
func tokenKey(id int64) string   { return "t:" + strconv.FormatInt(id, 10) }

// identity is the hub identity of a connection of u (without its session).
func identity(u *lms.User) hub.Identity {
	id := hub.Identity{UserID: strconv.FormatInt(u.ID, 10), Name: u.Name,
		Data: caller{userID: u.ID, admin: u.IsAdmin(), user: u}}
	if u.IsAdmin() { // operators drive load tests and announcements: a wider command budget
		id.RateLimit, id.RateBurst = adminRateLimit, adminRateBurst
	}
	return id
}

// ServeHTTP upgrades a signed-in request (the API's authentication
// middleware has put the user and session or token into its context).
func (l *Live) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := lms.UserFrom(r.Context())
	if u == nil {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	id := identity(u)
	if s := lms.SessionFrom(r.Context()); s != nil {
		id.SessionID = sessionKey(s.ID)
	} else if t := lms.APITokenFrom(r.Context()); t != nil {
		id.SessionID = tokenKey(t.ID)
	}
	l.hub.ServeWS(w, r, id)
}

// notice is a push on a personal topic.
type notice struct {
	Type      string    `json:"type"`
	SessionID int64     `json:"session_id,omitempty"`
	User      *lms.User `json:"user,omitempty"`
}

func (l *Live) notify(ctx context.Context, userID int64, n notice) {
	data, err := json.Marshal(n)
	if err == nil {
		_, err = l.hub.Publish(ctx, UserTopic(userID), data)
	}
	if err != nil {
		l.log.Warn().Err(err).Int64("user_id", userID).Str("notice", n.Type).Msg("live notice not sent")
	}
}

// SessionsRevoked closes the sockets of the revoked sessions on every node
// (nil ids: all of the user's) and tells the user's other pages.
func (l *Live) SessionsRevoked(ctx context.Context, userID int64, ids []int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
	defer cancel()
	uid := strconv.FormatInt(userID, 10)
	if ids == nil {
		if err := l.hub.Disconnect(ctx, uid, "", hub.CloseRevoked, "signed out"); err != nil {
			l.log.Warn().Err(err).Int64("user_id", userID).Msg("disconnecting a user")
		}
		return
	}
	for _, id := range ids {
		if err := l.hub.Disconnect(ctx, uid, sessionKey(id), hub.CloseRevoked, "session revoked"); err != nil {
			l.log.Warn().Err(err).Int64("user_id", userID).Msg("disconnecting a session")
		}
		l.notify(ctx, userID, notice{Type: "session_revoked", SessionID: id})
	}
}

// TokenRevoked closes the sockets opened with the token.
func (l *Live) TokenRevoked(ctx context.Context, userID, tokenID int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
	defer cancel()
	if err := l.hub.Disconnect(ctx, strconv.FormatInt(userID, 10), tokenKey(tokenID), hub.CloseRevoked, "token revoked"); err != nil {
		l.log.Warn().Err(err).Int64("user_id", userID).Msg("disconnecting a token")
	}
}

// UserChanged tells the user's pages to refresh who they are (role, name)
// and re-checks every subscription of theirs on every node (an
// administrator who was demoted loses what only administrators follow).
func (l *Live) UserChanged(ctx context.Context, u *lms.User) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
	defer cancel()
	if err := l.hub.Recheck(ctx, strconv.FormatInt(u.ID, 10), ""); err != nil {
		l.log.Warn().Err(err).Int64("user_id", u.ID).Msg("re-checking a changed user's subscriptions")
	}
	l.notify(ctx, u.ID, notice{Type: "user_changed", User: u})
}

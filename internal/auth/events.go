package auth

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Events hears about account changes that live connections must follow:
// revoked sessions and tokens must close their sockets, and a changed user
// (role, name, disabled) must refresh their pages. The live layer (rooms)
// implements it; auth calls it after the change is committed. Calls must
// not block for long: they run on the request's goroutine.
type Events interface {
	// SessionsRevoked reports that sessions of a user ended; nil ids means
	// every session and token of the user.
	SessionsRevoked(ctx context.Context, userID int64, sessionIDs []int64)
	// TokenRevoked reports that an API token was revoked.
	TokenRevoked(ctx context.Context, userID, tokenID int64)
	// UserChanged reports the user's new state (deleted users are reported
	// through SessionsRevoked with nil ids).
	UserChanged(ctx context.Context, u *lms.User)
}

// noEvents is the Events used when Params.Events is nil.
type noEvents struct{}

func (noEvents) SessionsRevoked(context.Context, int64, []int64) {}
func (noEvents) TokenRevoked(context.Context, int64, int64)      {}
func (noEvents) UserChanged(context.Context, *lms.User)          {}

// forgetting drops a Cache's entries on this node before passing an
// announcement on (other nodes drop theirs when it reaches them).
type forgetting struct {
	c    *Cache
	next Events
}

func (f forgetting) SessionsRevoked(ctx context.Context, userID int64, sessionIDs []int64) {
	if sessionIDs == nil {
		f.c.Forget(userID)
	}
	for _, id := range sessionIDs {
		f.c.ForgetSession(userID, id)
	}
	f.next.SessionsRevoked(ctx, userID, sessionIDs)
}

func (f forgetting) TokenRevoked(ctx context.Context, userID, tokenID int64) {
	f.c.ForgetToken(userID, tokenID)
	f.next.TokenRevoked(ctx, userID, tokenID)
}

func (f forgetting) UserChanged(ctx context.Context, u *lms.User) {
	f.c.ForgetAccount(u.ID)
	f.next.UserChanged(ctx, u)
}

package auth

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// AuthenticateTokenCached is AuthenticateToken through the service's
// Cache (Params.Cache; without one it is AuthenticateToken): a token and
// account seen in the last DefaultCacheTTL cost no database read, unless
// a revocation or change announced since dropped them. The WebSocket
// upgrade uses it; a socket opened with a revoked token is closed by the
// same announcement that drops the token from every node's cache.
func (s *Service) AuthenticateTokenCached(ctx context.Context, bearer string) (*lms.User, *lms.APIToken, error) {
	return s.authenticateToken(ctx, bearer, s.cache)
}

// AuthenticateSessionCached is AuthenticateSession through the service's
// Cache, as AuthenticateTokenCached is for tokens.
func (s *Service) AuthenticateSessionCached(ctx context.Context, token string) (*lms.User, *lms.Session, error) {
	return s.authenticateSession(ctx, token, s.cache)
}

// apiTokenByHash reads an API token through c (nil: the store).
func (s *Service) apiTokenByHash(ctx context.Context, hash []byte, c *Cache) (*lms.APIToken, error) {
	if c == nil {
		return s.store.APITokenByHash(ctx, hash)
	}
	e, err := c.credential(ctx, hash, credToken, func(ctx context.Context) (credEntry, error) {
		t, err := s.store.APITokenByHash(ctx, hash)
		if err != nil {
			return credEntry{}, err
		}
		return credEntry{kind: credToken, userID: t.UserID, token: t}, nil
	})
	return e.token, err
}

// sessionByHash reads a session through c (nil: the store).
func (s *Service) sessionByHash(ctx context.Context, hash []byte, c *Cache) (*lms.Session, error) {
	if c == nil {
		return s.store.SessionByTokenHash(ctx, hash)
	}
	e, err := c.credential(ctx, hash, credSession, func(ctx context.Context) (credEntry, error) {
		sess, err := s.store.SessionByTokenHash(ctx, hash)
		if err != nil {
			return credEntry{}, err
		}
		return credEntry{kind: credSession, userID: sess.UserID, session: sess}, nil
	})
	return e.session, err
}

// userByID reads an account through c (nil: the store).
func (s *Service) userByID(ctx context.Context, id int64, c *Cache) (*lms.User, error) {
	if c == nil {
		return s.store.UserByID(ctx, id)
	}
	return c.UserByID(ctx, id)
}

// touchDue reports whether a credential last used at last should have its
// last-use time written now: once per touchInterval, and through c once
// per cached entry (so the hits of a busy minute write once).
func touchDue(c *Cache, hash []byte, last, now time.Time) bool {
	if c == nil {
		return now.Sub(last) >= touchInterval
	}
	return c.claimTouch(hash, last, now)
}

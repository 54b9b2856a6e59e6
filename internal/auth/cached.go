package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// AuthenticateTokenCached is AuthenticateToken through the service's
// Cache (Params.Cache; without one it is AuthenticateToken): a token and
// account seen in the last DefaultCacheTTL cost no database read, unless
// a revocation or change announced since dropped them. The WebSocket
// upgrade uses it; a socket opened with a revoked token is closed by the
// same announcement that drops the token here.
func (s *Service) AuthenticateTokenCached(ctx context.Context, bearer string) (*lms.User, *lms.APIToken, error) {
	if s.cache == nil {
		return s.AuthenticateToken(ctx, bearer)
	}
	bad := lms.Errorf(lms.EUNAUTHORIZED, "Invalid or expired API token.")
	if !strings.HasPrefix(bearer, APITokenPrefix) || len(bearer) > apiTokenBearerMaxLen {
		return nil, nil, bad
	}
	hash := HashToken(bearer)
	e, err := s.cache.credential(ctx, hash, credToken, func(ctx context.Context) (credEntry, error) {
		t, err := s.store.APITokenByHash(ctx, hash)
		if err != nil {
			return credEntry{}, err
		}
		return credEntry{kind: credToken, userID: t.UserID, token: t}, nil
	})
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: token lookup: %w", err)
	}
	t := e.token
	now := s.now().UTC()
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return nil, nil, bad
	}
	u, err := s.cache.UserByID(ctx, t.UserID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: token user: %w", err)
	}
	if u.Disabled {
		return nil, nil, bad
	}
	if s.cache.claimTouch(hash, t.LastUsedAt, now) {
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			return nil, nil, fmt.Errorf("auth: touch token: %w", err)
		}
		t.LastUsedAt = now
	}
	return u, t, nil
}

// AuthenticateSessionCached is AuthenticateSession through the service's
// Cache, as AuthenticateTokenCached is for tokens. A session that looks
// expired is checked (and deleted) by AuthenticateSession itself.
func (s *Service) AuthenticateSessionCached(ctx context.Context, token string) (*lms.User, *lms.Session, error) {
	if s.cache == nil {
		return s.AuthenticateSession(ctx, token)
	}
	if token == "" || len(token) > 2*tokenBytes {
		return nil, nil, errInvalidSession()
	}
	hash := HashToken(token)
	e, err := s.cache.credential(ctx, hash, credSession, func(ctx context.Context) (credEntry, error) {
		sess, err := s.store.SessionByTokenHash(ctx, hash)
		if err != nil {
			return credEntry{}, err
		}
		return credEntry{kind: credSession, userID: sess.UserID, session: sess}, nil
	})
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errInvalidSession()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session lookup: %w", err)
	}
	sess := e.session
	now := s.now().UTC()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.idleTTL {
		s.cache.ForgetSession(sess.UserID, sess.ID)
		return s.AuthenticateSession(ctx, token)
	}
	u, err := s.cache.UserByID(ctx, sess.UserID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errInvalidSession()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session user: %w", err)
	}
	if u.Disabled {
		return nil, nil, errInvalidSession()
	}
	if s.cache.claimTouch(hash, sess.LastSeenAt, now) {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, nil, fmt.Errorf("auth: touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return u, sess, nil
}

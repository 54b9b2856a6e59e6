package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// API token rules.
const (
	APITokenPrefix       = "lyc_"
	apiTokenShownChars   = 12   // characters of the token kept as its recognisable Prefix
	MaxAPITokenTTLDays   = 3650 // expires_in_days may be at most this
	maxAPITokensPerUser  = 100
	apiTokenBearerMaxLen = 128
)

// CreateAPIToken creates a personal access token for the caller. ttl <= 0
// means it never expires. The token is returned once and stored only as a
// hash.
func (s *Service) CreateAPIToken(ctx context.Context, actor *lms.User, name string, ttl time.Duration) (string, *lms.APIToken, error) {
	me, err := RequireUser(actor)
	if err != nil {
		return "", nil, err
	}
	name, err = CleanName("name", name)
	if err != nil {
		return "", nil, err
	}
	if ttl > MaxAPITokenTTLDays*24*time.Hour {
		return "", nil, lms.FieldError("expires_in_days", "Tokens may live at most %d days.", MaxAPITokenTTLDays)
	}
	existing, err := s.store.ListAPITokens(ctx, me.ID, lms.Page{Limit: maxAPITokensPerUser})
	if err != nil {
		return "", nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	if len(existing) >= maxAPITokensPerUser {
		return "", nil, lms.Errorf(lms.ECONFLICT, "You have too many API tokens; revoke some first.")
	}
	token := APITokenPrefix + randomToken()
	now := s.now().UTC()
	t := &lms.APIToken{
		UserID:    me.ID,
		Name:      name,
		Prefix:    token[:apiTokenShownChars],
		TokenHash: HashToken(token),
		CreatedAt: now,
	}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditTokenCreate, fmt.Sprintf("token:%d", t.ID), name)
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// ListAPITokens returns a page of the caller's tokens, newest first.
func (s *Service) ListAPITokens(ctx context.Context, actor *lms.User, p lms.Page) ([]*lms.APIToken, error) {
	me, err := RequireUser(actor)
	if err != nil {
		return nil, err
	}
	return s.store.ListAPITokens(ctx, me.ID, p)
}

// RevokeAPIToken deletes one of the caller's tokens (ENOTFOUND if not theirs).
func (s *Service) RevokeAPIToken(ctx context.Context, actor *lms.User, id int64) (err error) {
	me, err := RequireUser(actor)
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			s.events.TokenRevoked(ctx, me.ID, id)
		}
	}()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteAPIToken(ctx, me.ID, id); err != nil {
			if lms.IsCode(err, lms.ENOTFOUND) {
				return lms.Errorf(lms.ENOTFOUND, "API token not found.")
			}
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditTokenRevoke, fmt.Sprintf("token:%d", id), "")
	})
}

// AuthenticateToken returns the user and token of a bearer API token.
// Unknown, expired or malformed tokens and disabled users give
// EUNAUTHORIZED. LastUsedAt is written at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, bearer string) (*lms.User, *lms.APIToken, error) {
	return s.authenticateToken(ctx, bearer, nil)
}

// authenticateToken is AuthenticateToken reading through c (nil: the store).
func (s *Service) authenticateToken(ctx context.Context, bearer string, c *Cache) (*lms.User, *lms.APIToken, error) {
	bad := lms.Errorf(lms.EUNAUTHORIZED, "Invalid or expired API token.")
	if !strings.HasPrefix(bearer, APITokenPrefix) || len(bearer) > apiTokenBearerMaxLen {
		return nil, nil, bad
	}
	hash := HashToken(bearer)
	t, err := s.apiTokenByHash(ctx, hash, c)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: token lookup: %w", err)
	}
	now := s.now().UTC()
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return nil, nil, bad
	}
	u, err := s.userByID(ctx, t.UserID, c)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: token user: %w", err)
	}
	if u.Disabled {
		return nil, nil, bad
	}
	if touchDue(c, hash, t.LastUsedAt, now) {
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			return nil, nil, fmt.Errorf("auth: touch token: %w", err)
		}
		t.LastUsedAt = now
	}
	return u, t, nil
}

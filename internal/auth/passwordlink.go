package auth

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Password links are one-time "set your password" links for accounts
// created without a password (the user import). Like the setup token, a
// link is a named value (one per user, so issuing a new link replaces the
// old one) holding the token's hash, consumed atomically by DeleteValueIf.
const (
	PasswordLinkTTL       = 14 * 24 * time.Hour // a link works this long after it was issued
	passwordLinkKeyPrefix = "password_link:"    // + user id; value "<hex sha-256 of token>.<expires unix ms>"
)

// IssuePasswordLink creates a one-time link token for the user (replacing
// any earlier one) through st, which may be the caller's transaction. The
// token is "<user id>.<random>"; the web app's page is /set-password/<token>.
func (s *Service) IssuePasswordLink(ctx context.Context, st store.Settings, userID int64) (string, error) {
	token := strconv.FormatInt(userID, 10) + "." + randomToken()
	v := hex.EncodeToString(HashToken(token)) + "." + strconv.FormatInt(s.now().Add(PasswordLinkTTL).UnixMilli(), 10)
	if err := st.PutValue(ctx, passwordLinkKeyPrefix+strconv.FormatInt(userID, 10), v); err != nil {
		return "", fmt.Errorf("auth: store password link: %w", err)
	}
	return token, nil
}

// errBadPasswordLink answers unknown, used, expired and malformed links alike.
func errBadPasswordLink() error {
	return lms.Errorf(lms.ENOTFOUND, "This link is unknown, expired or already used. Ask an administrator for a new one.")
}

// passwordLink checks token and returns its user and stored value.
func (s *Service) passwordLink(ctx context.Context, st Store, token string) (*lms.User, string, time.Time, error) {
	idText, _, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || len(token) > 2*tokenBytes+len(idText)+1 {
		return nil, "", time.Time{}, errBadPasswordLink()
	}
	v, err := st.GetValue(ctx, passwordLinkKeyPrefix+idText)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, "", time.Time{}, errBadPasswordLink()
	}
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("auth: password link: %w", err)
	}
	hash, expText, _ := strings.Cut(v, ".")
	exp, err := strconv.ParseInt(expText, 10, 64)
	expires := time.UnixMilli(exp).UTC()
	if err != nil || hash != hex.EncodeToString(HashToken(token)) || !s.now().Before(expires) {
		return nil, "", time.Time{}, errBadPasswordLink()
	}
	u, err := st.UserByID(ctx, id)
	if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && u.Disabled) {
		return nil, "", time.Time{}, errBadPasswordLink()
	}
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("auth: password link user: %w", err)
	}
	return u, v, expires, nil
}

// LookupPasswordLink returns the account of a valid link and when the link
// expires (ENOTFOUND for unknown, used or expired links).
func (s *Service) LookupPasswordLink(ctx context.Context, token string) (*lms.User, time.Time, error) {
	u, _, exp, err := s.passwordLink(ctx, s.store, token)
	return u, exp, err
}

// UsePasswordLink sets the password of the link's account, uses the link
// up (of concurrent uses one wins) and signs the user in. It returns the
// user and the session token.
func (s *Service) UsePasswordLink(ctx context.Context, token, password string) (*lms.User, string, error) {
	if err := ValidatePassword("password", password); err != nil {
		return nil, "", err
	}
	if _, _, _, err := s.passwordLink(ctx, s.store, token); err != nil {
		return nil, "", err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	var (
		out  *lms.User
		sess string
	)
	err = s.store.InTx(ctx, func(tx Store) error {
		u, v, _, err := s.passwordLink(ctx, tx, token)
		if err != nil {
			return err
		}
		if ok, err := tx.DeleteValueIf(ctx, passwordLinkKeyPrefix+strconv.FormatInt(u.ID, 10), v); err != nil {
			return fmt.Errorf("auth: use password link: %w", err)
		} else if !ok {
			return errBadPasswordLink()
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(ctx, u); err != nil {
			return fmt.Errorf("auth: use password link: %w", err)
		}
		if err := tx.TouchLogin(ctx, u.ID, s.now().UTC()); err != nil {
			return fmt.Errorf("auth: touch login: %w", err)
		}
		if err := s.audit(ctx, tx, u, lms.AuditPasswordChange, userTarget(u.ID), "set with a one-time link"); err != nil {
			return err
		}
		out = u
		sess, _, err = s.newSession(ctx, tx, u)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, sess, nil
}

// Audit appends an audit entry by the caller in ctx through st (the
// caller's transaction), for services built on this one (the user import).
func (s *Service) Audit(ctx context.Context, actor *lms.User, st store.Audit, action, target, detail string) error {
	return s.audit(ctx, st, actor, action, target, detail)
}

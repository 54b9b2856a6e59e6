package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

var errBadLogin = lms.Errorf(lms.EUNAUTHORIZED, "Invalid login or password.")

func errInvalidSession() error {
	return lms.Errorf(lms.EUNAUTHORIZED, "Your session has expired. Please sign in again.")
}

// Login checks a login name (email or username) and password and starts a
// session. Unknown users, wrong passwords and disabled users get the same
// EUNAUTHORIZED answer after the same amount of hashing work. Failures are
// counted in the shared store per account name and per client IP, or, when
// the client presents a valid device token of the account (Client.Device),
// per device only; past a limit the answer is ERATELIMIT with a growing
// RetryAfterSeconds on every node. Every attempt is audited. It returns
// the user and the session token.
func (s *Service) Login(ctx context.Context, login, password string) (*lms.User, string, error) {
	c := lms.ClientFrom(ctx)
	login = strings.TrimSpace(login)
	now := s.now()
	var u *lms.User
	if len(login) > MaxEmailBytes || len(password) > MaxPasswordBytes {
		// Not worth a lookup, but still fail like any wrong password.
		login, password = truncate(login, MaxEmailBytes), truncate(password, MaxPasswordBytes)
	} else if found, err := s.store.UserByLogin(ctx, login); err == nil {
		u = found
	} else if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, "", fmt.Errorf("auth: login lookup: %w", err)
	}
	keys, err := s.loginKeys(ctx, c, login, u, now)
	if err != nil {
		return nil, "", err
	}
	anon := &lms.User{Username: login}
	target := ""
	if u != nil {
		target = userTarget(u.ID)
	}
	if wait, err := s.throttle.retryAfter(ctx, now, keys.all()...); err != nil {
		return nil, "", err
	} else if wait > 0 {
		s.log.Info().Str("ip", c.IP).Dur("retry_after", wait).Msg("login rate limited")
		if err := s.audit(ctx, s.store, anon, lms.AuditLoginFailed, target, "rate limited"); err != nil {
			return nil, "", err
		}
		return nil, "", &lms.Error{Code: lms.ERATELIMIT, Message: "Too many failed sign-in attempts. Please try again later.",
			RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
	}
	// Accounts without a password (imported, link not used yet) cost the
	// same hashing work as any other and never match.
	usable := u != nil && !u.Disabled && u.PasswordHash != ""
	hash := s.dummyHash
	if usable {
		hash = u.PasswordHash
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil && !errors.Is(err, errBadHash) {
		return nil, "", err
	}
	if !ok || !usable {
		if err := s.loginFailed(ctx, now, keys); err != nil {
			return nil, "", err
		}
		if err := s.audit(ctx, s.store, anon, lms.AuditLoginFailed, target, ""); err != nil {
			return nil, "", err
		}
		return nil, "", errBadLogin
	}
	// A trusted device's success forgets the device's failures only: the
	// account's count (perhaps someone else guessing) stays.
	if err := s.throttle.reset(ctx, keys.first()); err != nil {
		return nil, "", err
	}
	var token string
	err = s.store.InTx(ctx, func(tx Store) error {
		var err error
		if token, _, err = s.newSession(ctx, tx, u); err != nil {
			return err
		}
		if err := tx.TouchLogin(ctx, u.ID, now.UTC()); err != nil {
			return fmt.Errorf("auth: touch login: %w", err)
		}
		return s.audit(ctx, tx, u, lms.AuditLogin, userTarget(u.ID), keys.detail())
	})
	if err != nil {
		return nil, "", err
	}
	u.LastLoginAt = now.UTC()
	return u, token, nil
}

// loginKeys are the throttle keys one sign-in attempt is counted under:
// the device's when the client presented a valid device token of the
// account, else the account name's and the client IP's.
type loginKeys struct {
	device       string // "dev:<id>" or ""
	account, ip  string
	accountLimit int
	ipLimit      int
	deviceLimit  int
}

func (s *Service) loginKeys(ctx context.Context, c lms.Client, login string, u *lms.User, now time.Time) (loginKeys, error) {
	k := loginKeys{account: "acct:" + strings.ToLower(login), ip: "ip:" + c.IP}
	if u == nil || c.Device == "" {
		return k, nil
	}
	dev, err := s.trustedDevice(ctx, c.Device, u.ID, now)
	if err != nil {
		return k, err
	}
	if dev != "" {
		k.device = "dev:" + dev
	}
	return k, nil
}

// all returns the keys whose blocks refuse the attempt.
func (k loginKeys) all() []string {
	if k.device != "" {
		return []string{k.device}
	}
	return []string{k.account, k.ip}
}

// first returns the key a success resets: the device's or the account's.
func (k loginKeys) first() string { return k.all()[0] }

// detail is the audit detail of a success.
func (k loginKeys) detail() string {
	if k.device != "" {
		return "trusted device"
	}
	return ""
}

// loginFailed counts a failed attempt under its keys.
func (s *Service) loginFailed(ctx context.Context, now time.Time, k loginKeys) error {
	p := s.throttle.p
	if k.device != "" {
		return s.throttle.fail(ctx, now, k.device, p.DeviceFailures)
	}
	if err := s.throttle.fail(ctx, now, k.account, p.AccountFailures); err != nil {
		return err
	}
	return s.throttle.fail(ctx, now, k.ip, p.IPFailures)
}

// Logout revokes the session with the given token (a no-op for unknown
// tokens).
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	sess, err := s.store.SessionByTokenHash(ctx, HashToken(token))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteSession(ctx, sess.UserID, sess.ID); err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return fmt.Errorf("auth: logout: %w", err)
		}
		return s.audit(ctx, tx, &lms.User{ID: sess.UserID}, lms.AuditLogout, fmt.Sprintf("session:%d", sess.ID), "")
	})
	if err == nil {
		s.events.SessionsRevoked(ctx, sess.UserID, []int64{sess.ID})
	}
	return err
}

// AuthenticateSession returns the user and session of a session token.
// Expired (idle or absolute) sessions, unknown tokens and disabled users
// give EUNAUTHORIZED. LastSeenAt is written at most once a minute.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*lms.User, *lms.Session, error) {
	return s.authenticateSession(ctx, token, nil)
}

// authenticateSession is AuthenticateSession reading through c (nil: the
// store). A cached session that looks expired is checked (and deleted)
// against the store.
func (s *Service) authenticateSession(ctx context.Context, token string, c *Cache) (*lms.User, *lms.Session, error) {
	if token == "" || len(token) > 2*tokenBytes {
		return nil, nil, errInvalidSession()
	}
	hash := HashToken(token)
	sess, err := s.sessionByHash(ctx, hash, c)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errInvalidSession()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session lookup: %w", err)
	}
	now := s.now().UTC()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.idleTTL {
		if c != nil {
			c.ForgetSession(sess.UserID, sess.ID)
			return s.authenticateSession(ctx, token, nil)
		}
		if err := s.store.DeleteSession(ctx, sess.UserID, sess.ID); err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			s.log.Warn().Err(err).Int64("session_id", sess.ID).Msg("deleting expired session")
		}
		return nil, nil, errInvalidSession()
	}
	u, err := s.userByID(ctx, sess.UserID, c)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, errInvalidSession()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session user: %w", err)
	}
	if u.Disabled {
		return nil, nil, errInvalidSession()
	}
	if touchDue(c, hash, sess.LastSeenAt, now) {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, nil, fmt.Errorf("auth: touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return u, sess, nil
}

// ListSessions returns a page of the caller's sessions, newest first.
func (s *Service) ListSessions(ctx context.Context, actor *lms.User, p lms.Page) ([]*lms.Session, error) {
	me, err := RequireUser(actor)
	if err != nil {
		return nil, err
	}
	return s.store.ListSessions(ctx, me.ID, p)
}

// RevokeSession ends one of the caller's sessions (ENOTFOUND if not theirs).
func (s *Service) RevokeSession(ctx context.Context, actor *lms.User, id int64) (err error) {
	me, err := RequireUser(actor)
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			s.events.SessionsRevoked(ctx, me.ID, []int64{id})
		}
	}()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteSession(ctx, me.ID, id); err != nil {
			if lms.IsCode(err, lms.ENOTFOUND) {
				return lms.Errorf(lms.ENOTFOUND, "Session not found.")
			}
			return fmt.Errorf("auth: revoke session: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditLogout, fmt.Sprintf("session:%d", id), "revoked")
	})
}

// ChangePassword checks the caller's current password, sets the new one and
// revokes all the caller's other sessions (all of them when the caller used
// an API token).
func (s *Service) ChangePassword(ctx context.Context, actor *lms.User, current, next string) error {
	me, err := RequireUser(actor)
	if err != nil {
		return err
	}
	if err := ValidatePassword("new_password", next); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, me.ID)
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	ok, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil && !errors.Is(err, errBadHash) {
		return err
	}
	if !ok {
		return lms.FieldError("current_password", "The current password is not correct.")
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	var keep int64
	if sess := lms.SessionFrom(ctx); sess != nil {
		keep = sess.ID
	}
	var revoked []int64
	defer func() {
		if len(revoked) > 0 {
			s.events.SessionsRevoked(ctx, me.ID, revoked)
		}
	}()
	return s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.UserByID(ctx, me.ID)
		if err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(ctx, u); err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		ids, err := tx.DeleteUserSessions(ctx, me.ID, keep)
		if err != nil {
			return fmt.Errorf("auth: revoke sessions: %w", err)
		}
		revoked = ids
		return s.audit(ctx, tx, actor, lms.AuditPasswordChange, userTarget(me.ID),
			fmt.Sprintf("%d other sessions revoked", len(revoked)))
	})
}

// PruneSessions deletes expired sessions and returns how many; cmd runs it
// periodically.
func (s *Service) PruneSessions(ctx context.Context) (int, error) {
	now := s.now().UTC()
	return s.store.DeleteExpiredSessions(ctx, now, now.Add(-s.idleTTL))
}

// setPassword hashes pw; used by account creation paths.
func (s *Service) setPassword(ctx context.Context, u *lms.User, pw string) error {
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	return nil
}

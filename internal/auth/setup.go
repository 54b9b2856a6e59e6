package auth

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// setupTokenKey names the stored hash of the one-time setup token.
const setupTokenKey = "setup_token_hash"

// Invitation rules.
const (
	DefaultInviteTTL = 7 * 24 * time.Hour
	MaxInviteTTL     = 90 * 24 * time.Hour
)

// SetupNeeded reports whether the site has no users yet.
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("auth: count users: %w", err)
	}
	return n == 0, nil
}

// EnsureSetupToken creates a fresh one-time setup token when the site has no
// users (replacing any earlier one) and returns it with needed = true, so
// the caller can show the setup link. With users it returns "", false.
func (s *Service) EnsureSetupToken(ctx context.Context) (token string, needed bool, err error) {
	if needed, err = s.SetupNeeded(ctx); err != nil || !needed {
		return "", false, err
	}
	token = randomToken()
	if err := s.store.PutValue(ctx, setupTokenKey, hex.EncodeToString(HashToken(token))); err != nil {
		return "", false, fmt.Errorf("auth: store setup token: %w", err)
	}
	return token, true, nil
}

// Setup creates the first administrator with the one-time setup token and
// signs them in. A wrong or used token, or a site that already has users,
// gives EFORBIDDEN. The token is consumed atomically (at most one caller wins).
func (s *Service) Setup(ctx context.Context, token string, nu NewUser) (*lms.User, string, error) {
	forbidden := lms.Errorf(lms.EFORBIDDEN, "The setup link is invalid or has already been used.")
	nu.Role = lms.SiteAdmin
	u, err := nu.clean()
	if err != nil {
		return nil, "", err
	}
	if token == "" || len(token) > 2*tokenBytes {
		return nil, "", forbidden
	}
	if needed, err := s.SetupNeeded(ctx); err != nil {
		return nil, "", err
	} else if !needed {
		return nil, "", forbidden
	}
	if err := s.setPassword(ctx, u, nu.Password); err != nil {
		return nil, "", err
	}
	var sessToken string
	err = s.store.InTx(ctx, func(tx Store) error {
		ok, err := tx.DeleteValueIf(ctx, setupTokenKey, hex.EncodeToString(HashToken(token)))
		if err != nil {
			return fmt.Errorf("auth: consume setup token: %w", err)
		}
		if !ok {
			return forbidden
		}
		if n, err := tx.CountUsers(ctx); err != nil {
			return fmt.Errorf("auth: count users: %w", err)
		} else if n > 0 {
			return forbidden
		}
		sessToken, err = s.createAndSignIn(ctx, tx, u, lms.AuditSetup, "", "first administrator")
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, sessToken, nil
}

// createAndSignIn creates u inside tx, audits action by u (on target, or on
// u itself when target is ""), and starts a session; it returns the
// session token.
func (s *Service) createAndSignIn(ctx context.Context, tx Store, u *lms.User, action, target, detail string) (string, error) {
	if err := s.createUser(ctx, tx, u); err != nil {
		return "", err
	}
	if target == "" {
		target = userTarget(u.ID)
	} else if detail == "" {
		detail = userTarget(u.ID)
	}
	if err := s.audit(ctx, tx, u, action, target, detail); err != nil {
		return "", err
	}
	token, _, err := s.newSession(ctx, tx, u)
	return token, err
}

// createUser inserts u, naming the taken field on conflicts.
func (s *Service) createUser(ctx context.Context, st Store, u *lms.User) error {
	if _, err := st.UserByLogin(ctx, u.Email); err == nil {
		return &lms.Error{Code: lms.ECONFLICT, Field: "email", Message: "This email address is already registered."}
	}
	if _, err := st.UserByLogin(ctx, u.Username); err == nil {
		return &lms.Error{Code: lms.ECONFLICT, Field: "username", Message: "This username is already taken."}
	}
	if err := st.CreateUser(ctx, u); err != nil {
		if lms.IsCode(err, lms.ECONFLICT) {
			return lms.Errorf(lms.ECONFLICT, "This email address or username is already taken.")
		}
		return fmt.Errorf("auth: create user: %w", err)
	}
	return nil
}

// Signup creates an ordinary account when the sign-up policy allows it and
// signs the new user in. Closed sign-up or a disallowed email domain give
// EFORBIDDEN.
func (s *Service) Signup(ctx context.Context, nu NewUser) (*lms.User, string, error) {
	nu.Role = lms.SiteUser
	u, err := nu.clean()
	if err != nil {
		return nil, "", err
	}
	set, err := s.store.GetSettings(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("auth: settings: %w", err)
	}
	if set.SignupPolicy != lms.SignupOpen {
		return nil, "", lms.Errorf(lms.EFORBIDDEN, "Sign-up is closed on this site. Ask an administrator for an invitation.")
	}
	if set.SignupDomain != "" && emailDomain(u.Email) != set.SignupDomain {
		return nil, "", &lms.Error{Code: lms.EFORBIDDEN, Field: "email",
			Message: fmt.Sprintf("Only email addresses at %s may sign up.", set.SignupDomain)}
	}
	if needed, err := s.SetupNeeded(ctx); err != nil {
		return nil, "", err
	} else if needed {
		return nil, "", lms.Errorf(lms.EFORBIDDEN, "The site has not been set up yet.")
	}
	if err := s.setPassword(ctx, u, nu.Password); err != nil {
		return nil, "", err
	}
	var token string
	err = s.store.InTx(ctx, func(tx Store) error {
		token, err = s.createAndSignIn(ctx, tx, u, lms.AuditSignup, "", "")
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// CreateInvite lets an administrator invite email with role; ttl <= 0 means
// DefaultInviteTTL. It returns the token (shown once, in the invitation URL).
func (s *Service) CreateInvite(ctx context.Context, actor *lms.User, email string, role lms.SiteRole, ttl time.Duration) (string, *lms.Invite, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return "", nil, err
	}
	email, err := CleanEmail(email)
	if err != nil {
		return "", nil, err
	}
	if role == "" {
		role = lms.SiteUser
	}
	if !role.Valid() {
		return "", nil, lms.FieldError("role", "The role must be admin or user.")
	}
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	if ttl > MaxInviteTTL {
		return "", nil, lms.FieldError("expires_in_hours", "Invitations may be valid for at most %d hours.", int(MaxInviteTTL.Hours()))
	}
	if _, err := s.store.UserByLogin(ctx, email); err == nil {
		return "", nil, &lms.Error{Code: lms.ECONFLICT, Field: "email", Message: "This email address is already registered."}
	}
	token := randomToken()
	now := s.now().UTC()
	inv := &lms.Invite{Email: email, Role: role, TokenHash: HashToken(token), CreatedBy: actor.ID,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateInvite(ctx, inv); err != nil {
			return fmt.Errorf("auth: create invite: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditInviteCreate, fmt.Sprintf("invite:%d", inv.ID), email+" as "+string(role))
	})
	if err != nil {
		return "", nil, err
	}
	return token, inv, nil
}

// ListInvites returns a page of the invitations, newest first
// (administrators only).
func (s *Service) ListInvites(ctx context.Context, actor *lms.User, p lms.Page) ([]*lms.Invite, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.ListInvites(ctx, p)
}

// RevokeInvite deletes an invitation (administrators only).
func (s *Service) RevokeInvite(ctx context.Context, actor *lms.User, id int64) error {
	if _, err := RequireAdmin(actor); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteInvite(ctx, id); err != nil {
			if lms.IsCode(err, lms.ENOTFOUND) {
				return lms.Errorf(lms.ENOTFOUND, "Invitation not found.")
			}
			return fmt.Errorf("auth: revoke invite: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditInviteRevoke, fmt.Sprintf("invite:%d", id), "")
	})
}

// LookupInvite returns the open invitation for token; unknown, expired and
// used invitations are ENOTFOUND.
func (s *Service) LookupInvite(ctx context.Context, token string) (*lms.Invite, error) {
	return s.lookupInvite(ctx, s.store, token)
}

func (s *Service) lookupInvite(ctx context.Context, st Store, token string) (*lms.Invite, error) {
	notFound := lms.Errorf(lms.ENOTFOUND, "This invitation is unknown, expired or already used.")
	if token == "" || len(token) > 2*tokenBytes {
		return nil, notFound
	}
	inv, err := st.InviteByHash(ctx, HashToken(token))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: invite lookup: %w", err)
	}
	if !inv.AcceptedAt.IsZero() || !s.now().Before(inv.ExpiresAt) {
		return nil, notFound
	}
	return inv, nil
}

// AcceptInvite creates the invited account (email and role from the
// invitation; Email and Role of nu are ignored) and signs it in.
func (s *Service) AcceptInvite(ctx context.Context, token string, nu NewUser) (*lms.User, string, error) {
	inv, err := s.LookupInvite(ctx, token)
	if err != nil {
		return nil, "", err
	}
	nu.Email, nu.Role = inv.Email, inv.Role
	u, err := nu.clean()
	if err != nil {
		return nil, "", err
	}
	if err := s.setPassword(ctx, u, nu.Password); err != nil {
		return nil, "", err
	}
	var sessToken string
	err = s.store.InTx(ctx, func(tx Store) error {
		inv, err := s.lookupInvite(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := tx.AcceptInvite(ctx, inv.ID, s.now().UTC()); err != nil {
			if lms.IsCode(err, lms.ECONFLICT) || lms.IsCode(err, lms.ENOTFOUND) {
				return lms.Errorf(lms.ENOTFOUND, "This invitation is unknown, expired or already used.")
			}
			return fmt.Errorf("auth: accept invite: %w", err)
		}
		sessToken, err = s.createAndSignIn(ctx, tx, u, lms.AuditInviteAccept, fmt.Sprintf("invite:%d", inv.ID), "")
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, sessToken, nil
}

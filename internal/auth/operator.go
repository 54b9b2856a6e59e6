package auth

import (
	"context"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Operator is the acting user of the `lyceum` command line: a site
// administrator that is not an account (ID 0). The audit log shows its
// actions under the name "operator (cli)".
func Operator() *lms.User {
	return &lms.User{ID: 0, Username: "operator (cli)", Name: "Operator", Role: lms.SiteAdmin}
}

// UserByLogin finds a user by email or username (administrators only).
func (s *Service) UserByLogin(ctx context.Context, actor *lms.User, login string) (*lms.User, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, err
	}
	u, err := s.store.UserByLogin(ctx, strings.TrimSpace(login))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, lms.Errorf(lms.ENOTFOUND, "No user with the login %q.", login)
	}
	return u, err
}

// ResetPassword sets a user's password without knowing the old one
// (administrators only, e.g. the operator's `lyceum user set-password`).
// All of the user's sessions are revoked.
func (s *Service) ResetPassword(ctx context.Context, actor *lms.User, id int64, password string) error {
	if _, err := RequireAdmin(actor); err != nil {
		return err
	}
	if err := ValidatePassword("password", password); err != nil {
		return err
	}
	err := s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.setPassword(ctx, u, password); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, u.ID, 0); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, lms.AuditPasswordChange, userTarget(u.ID), "reset by an administrator")
	})
	if err == nil {
		s.events.SessionsRevoked(ctx, id, nil)
	}
	return err
}

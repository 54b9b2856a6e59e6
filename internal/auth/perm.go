package auth

import "github.com/lyceumhq/lyceum/internal/lms"

// RequireUser returns u if it is a signed-in, enabled user, or EUNAUTHORIZED.
func RequireUser(u *lms.User) (*lms.User, error) {
	if u == nil || u.Disabled {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	return u, nil
}

// RequireAdmin returns u if it is an enabled site administrator:
// EUNAUTHORIZED for anonymous callers, EFORBIDDEN for everyone else.
func RequireAdmin(u *lms.User) (*lms.User, error) {
	u, err := RequireUser(u)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only administrators may do this.")
	}
	return u, nil
}

package auth

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// RequireUser returns the signed-in caller, or EUNAUTHORIZED.
func RequireUser(ctx context.Context) (*lms.User, error) {
	u := lms.UserFrom(ctx)
	if u == nil || u.Disabled {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	return u, nil
}

// RequireAdmin returns the caller if they are an enabled site administrator:
// EUNAUTHORIZED for anonymous callers, EFORBIDDEN for everyone else.
func RequireAdmin(ctx context.Context) (*lms.User, error) {
	u, err := RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only administrators may do this.")
	}
	return u, nil
}

// RequireCourse checks that the caller, whose role in the course is role
// ("" when not a member), may do action there (see lms.Can): EUNAUTHORIZED
// for anonymous callers, EFORBIDDEN otherwise.
func RequireCourse(ctx context.Context, role lms.CourseRole, action lms.CourseAction) (*lms.User, error) {
	u, err := RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !lms.Can(u.IsAdmin(), role, action) {
		return nil, lms.Errorf(lms.EFORBIDDEN, "You may not do this in this course.")
	}
	return u, nil
}

package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// adminLockKey is a named value every change that may remove an
// administrator writes first in its transaction: the write serialises such
// changes on every backend, so two concurrent demotions cannot both pass the
// last-admin check.
const adminLockKey = "admin_change_lock"

// User returns a user by id (any signed-in caller).
func (s *Service) User(ctx context.Context, actor *lms.User, id int64) (*lms.User, error) {
	if _, err := RequireUser(actor); err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, id)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, lms.Errorf(lms.ENOTFOUND, "User not found.")
	}
	return u, err
}

// ListUsers returns users matching f and the total count (administrators only).
func (s *Service) ListUsers(ctx context.Context, actor *lms.User, f lms.UserFilter) ([]*lms.User, int, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, 0, err
	}
	if len(f.Query) > MaxEmailBytes {
		return nil, 0, lms.FieldError("q", "The search text is too long.")
	}
	return s.store.ListUsers(ctx, f)
}

// CreateUser creates an account (administrators only).
func (s *Service) CreateUser(ctx context.Context, actor *lms.User, nu NewUser) (*lms.User, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, err
	}
	u, err := nu.clean()
	if err != nil {
		return nil, err
	}
	if err := s.setPassword(ctx, u, nu.Password); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := s.createUser(ctx, tx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, lms.AuditUserCreate, userTarget(u.ID), u.Username+" as "+string(u.Role))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserPatch changes some fields of a user; nil fields stay.
type UserPatch struct {
	Name     *string
	Role     *lms.SiteRole
	Disabled *bool
}

// UpdateUser changes a user's name, role or disabled flag (administrators
// only). The last enabled administrator cannot be demoted or disabled
// (ECONFLICT). Disabling a user revokes their sessions.
func (s *Service) UpdateUser(ctx context.Context, actor *lms.User, id int64, p UserPatch) (*lms.User, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, err
	}
	var name string
	if p.Name != nil {
		var err error
		if name, err = CleanName("name", *p.Name); err != nil {
			return nil, err
		}
	}
	if p.Role != nil && !p.Role.Valid() {
		return nil, lms.FieldError("role", "The role must be admin or user.")
	}
	var out *lms.User
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := tx.PutValue(ctx, adminLockKey, s.now().UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("auth: admin lock: %w", err)
		}
		u, err := tx.UserByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return lms.Errorf(lms.ENOTFOUND, "User not found.")
		} else if err != nil {
			return fmt.Errorf("auth: update user: %w", err)
		}
		wasAdmin := u.IsAdmin()
		var actions []string
		if p.Name != nil && name != u.Name {
			u.Name = name
			actions = append(actions, lms.AuditUserUpdate)
		}
		if p.Role != nil && *p.Role != u.Role {
			u.Role = *p.Role
			actions = append(actions, lms.AuditRoleChange)
		}
		if p.Disabled != nil && *p.Disabled != u.Disabled {
			u.Disabled = *p.Disabled
			if u.Disabled {
				actions = append(actions, lms.AuditUserDisable)
			} else {
				actions = append(actions, lms.AuditUserEnable)
			}
		}
		if wasAdmin && !u.IsAdmin() {
			if err := s.checkNotLastAdmin(ctx, tx); err != nil {
				return err
			}
		}
		if len(actions) > 0 {
			if err := tx.UpdateUser(ctx, u); err != nil {
				return fmt.Errorf("auth: update user: %w", err)
			}
		}
		if u.Disabled {
			if _, err := tx.DeleteUserSessions(ctx, u.ID, 0); err != nil {
				return fmt.Errorf("auth: revoke sessions: %w", err)
			}
		}
		for _, a := range actions {
			detail := ""
			switch a {
			case lms.AuditRoleChange:
				detail = "role " + string(u.Role)
			case lms.AuditUserUpdate:
				detail = "name"
			}
			if err := s.audit(ctx, tx, actor, a, userTarget(u.ID), detail); err != nil {
				return err
			}
		}
		out = u
		return nil
	})
	if err == nil {
		if out.Disabled {
			s.events.SessionsRevoked(ctx, out.ID, nil)
		}
		s.events.UserChanged(ctx, out)
	}
	return out, err
}

func (s *Service) checkNotLastAdmin(ctx context.Context, tx Store) error {
	n, err := tx.CountAdmins(ctx)
	if err != nil {
		return fmt.Errorf("auth: count admins: %w", err)
	}
	if n <= 1 {
		return lms.Errorf(lms.ECONFLICT, "The last administrator cannot be removed, demoted or disabled.")
	}
	return nil
}

// DeleteUser removes a user (administrators only); not yourself and not the
// last enabled administrator (ECONFLICT).
func (s *Service) DeleteUser(ctx context.Context, actor *lms.User, id int64) error {
	me, err := RequireAdmin(actor)
	if err != nil {
		return err
	}
	if me.ID == id {
		return lms.Errorf(lms.ECONFLICT, "You cannot delete your own account.")
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := tx.PutValue(ctx, adminLockKey, s.now().UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("auth: admin lock: %w", err)
		}
		u, err := tx.UserByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) {
			return lms.Errorf(lms.ENOTFOUND, "User not found.")
		} else if err != nil {
			return fmt.Errorf("auth: delete user: %w", err)
		}
		if u.IsAdmin() {
			if err := s.checkNotLastAdmin(ctx, tx); err != nil {
				return err
			}
		}
		if err := tx.DeleteUser(ctx, id); err != nil {
			return fmt.Errorf("auth: delete user: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditUserDelete, userTarget(id), u.Username)
	})
	if err == nil {
		s.events.SessionsRevoked(ctx, id, nil)
	}
	return err
}

// ProfilePatch changes the caller's own profile; nil fields stay.
type ProfilePatch struct {
	Name     *string
	Email    *string
	Username *string
}

// UpdateProfile changes the caller's name, email or username.
func (s *Service) UpdateProfile(ctx context.Context, actor *lms.User, p ProfilePatch) (*lms.User, error) {
	me, err := RequireUser(actor)
	if err != nil {
		return nil, err
	}
	var name, email, username string
	if p.Name != nil {
		if name, err = CleanName("name", *p.Name); err != nil {
			return nil, err
		}
	}
	if p.Email != nil {
		if email, err = CleanEmail(*p.Email); err != nil {
			return nil, err
		}
	}
	if p.Username != nil {
		if username, err = CleanUsername(*p.Username); err != nil {
			return nil, err
		}
	}
	var out *lms.User
	err = s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.UserByID(ctx, me.ID)
		if err != nil {
			return fmt.Errorf("auth: update profile: %w", err)
		}
		var changed []string
		if p.Name != nil && name != u.Name {
			u.Name = name
			changed = append(changed, "name")
		}
		if p.Email != nil && email != u.Email {
			if o, err := tx.UserByLogin(ctx, email); err == nil && o.ID != u.ID {
				return &lms.Error{Code: lms.ECONFLICT, Field: "email", Message: "This email address is already registered."}
			}
			u.Email = email
			changed = append(changed, "email")
		}
		if p.Username != nil && username != u.Username {
			if o, err := tx.UserByLogin(ctx, username); err == nil && o.ID != u.ID {
				return &lms.Error{Code: lms.ECONFLICT, Field: "username", Message: "This username is already taken."}
			}
			u.Username = username
			changed = append(changed, "username")
		}
		out = u
		if len(changed) == 0 {
			return nil
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			if lms.IsCode(err, lms.ECONFLICT) {
				return lms.Errorf(lms.ECONFLICT, "This email address or username is already taken.")
			}
			return fmt.Errorf("auth: update profile: %w", err)
		}
		return s.audit(ctx, tx, actor, lms.AuditUserUpdate, userTarget(u.ID), strings.Join(changed, ","))
	})
	if err == nil {
		s.events.UserChanged(ctx, out)
	}
	return out, err
}

// SetAvatar records the caller's avatar file (a path relative to the data
// directory; "" removes it) and returns the updated user.
func (s *Service) SetAvatar(ctx context.Context, actor *lms.User, path string) (*lms.User, error) {
	me, err := RequireUser(actor)
	if err != nil {
		return nil, err
	}
	var out *lms.User
	err = s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.UserByID(ctx, me.ID)
		if err != nil {
			return fmt.Errorf("auth: set avatar: %w", err)
		}
		u.AvatarPath = path
		if err := tx.UpdateUser(ctx, u); err != nil {
			return fmt.Errorf("auth: set avatar: %w", err)
		}
		out = u
		return s.audit(ctx, tx, actor, lms.AuditUserUpdate, userTarget(u.ID), "avatar")
	})
	if err == nil {
		s.events.UserChanged(ctx, out)
	}
	return out, err
}

// Settings returns the site settings (anyone).
func (s *Service) Settings(ctx context.Context) (lms.Settings, error) {
	return s.store.GetSettings(ctx)
}

// SettingsPatch changes some of the site settings; nil fields stay as
// stored.
type SettingsPatch struct {
	SiteName     *string           `json:"site_name,omitempty"`
	SignupPolicy *lms.SignupPolicy `json:"signup_policy,omitempty"`
	SignupDomain *string           `json:"signup_domain,omitempty"`
	// CourseCreators is lms.CreatorsAnyone or lms.CreatorsAdmins.
	CourseCreators *string `json:"course_creators,omitempty"`
}

// PatchSettings changes the settings p sets, reading and writing them in
// one transaction (administrators only).
func (s *Service) PatchSettings(ctx context.Context, actor *lms.User, p SettingsPatch) (lms.Settings, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return lms.Settings{}, err
	}
	var out lms.Settings
	err := s.store.InTx(ctx, func(tx Store) error {
		set, err := tx.GetSettings(ctx)
		if err != nil {
			return fmt.Errorf("auth: get settings: %w", err)
		}
		for _, f := range []struct{ dst, src *string }{{&set.SiteName, p.SiteName}, {&set.SignupDomain, p.SignupDomain},
			{&set.CourseCreators, p.CourseCreators}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if p.SignupPolicy != nil {
			set.SignupPolicy = *p.SignupPolicy
		}
		out, err = s.saveSettings(ctx, tx, actor, set)
		return err
	})
	if err != nil {
		return lms.Settings{}, err
	}
	return out, nil
}

// PutSettings validates and saves the site settings (administrators only).
func (s *Service) PutSettings(ctx context.Context, actor *lms.User, set lms.Settings) (lms.Settings, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return lms.Settings{}, err
	}
	var out lms.Settings
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		out, err = s.saveSettings(ctx, tx, actor, set)
		return err
	})
	if err != nil {
		return lms.Settings{}, err
	}
	return out, nil
}

// saveSettings validates set and saves it in tx with its audit entry.
func (s *Service) saveSettings(ctx context.Context, tx Store, actor *lms.User, set lms.Settings) (lms.Settings, error) {
	var err error
	if set.SiteName, err = CleanName("site_name", set.SiteName); err != nil {
		return lms.Settings{}, err
	}
	if !set.SignupPolicy.Valid() {
		return lms.Settings{}, lms.FieldError("signup_policy", "The sign-up policy must be closed or open.")
	}
	if set.SignupDomain, err = CleanDomain(set.SignupDomain); err != nil {
		return lms.Settings{}, err
	}
	switch set.CourseCreators {
	case "":
		set.CourseCreators = lms.CreatorsAnyone
	case lms.CreatorsAnyone, lms.CreatorsAdmins:
	default:
		return lms.Settings{}, lms.FieldError("course_creators", "Who may create courses must be anyone or admins.")
	}
	set.UpdatedAt = s.now().UTC()
	detail, _ := json.Marshal(set)
	if err := tx.PutSettings(ctx, set); err != nil {
		return lms.Settings{}, fmt.Errorf("auth: put settings: %w", err)
	}
	return set, s.audit(ctx, tx, actor, lms.AuditSettingsChange, "settings", string(detail))
}

// ListAudit returns audit entries newest first (administrators only).
func (s *Service) ListAudit(ctx context.Context, actor *lms.User, f lms.AuditFilter) ([]*lms.AuditEntry, error) {
	if _, err := RequireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.ListAudit(ctx, f)
}

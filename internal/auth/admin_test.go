package auth

import (
	"sync"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestLastAdminProtection(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	ctx := ctxAs(t, admin)
	user, demote, off := lms.SiteUser, lms.SiteUser, true

	t.Run("the only admin cannot be demoted", func(t *testing.T) {
		_, err := e.svc.UpdateUser(ctx, lms.UserFrom(ctx), admin.ID, UserPatch{Role: &demote})
		wantCode(t, err, lms.ECONFLICT)
	})
	t.Run("the only admin cannot be disabled", func(t *testing.T) {
		_, err := e.svc.UpdateUser(ctx, lms.UserFrom(ctx), admin.ID, UserPatch{Disabled: &off})
		wantCode(t, err, lms.ECONFLICT)
	})
	t.Run("nobody deletes themselves", func(t *testing.T) {
		wantCode(t, e.svc.DeleteUser(ctx, lms.UserFrom(ctx), admin.ID), lms.ECONFLICT)
	})
	second := e.addUser(t, admin, "second", lms.SiteAdmin)
	t.Run("with two admins one may be demoted", func(t *testing.T) {
		u, err := e.svc.UpdateUser(ctx, lms.UserFrom(ctx), second.ID, UserPatch{Role: &user})
		noErr(t, err)
		if u.Role != lms.SiteUser {
			t.Fatalf("role = %s", u.Role)
		}
	})
	t.Run("then the last admin is protected again", func(t *testing.T) {
		_, err := e.svc.UpdateUser(ctx, lms.UserFrom(ctx), admin.ID, UserPatch{Role: &demote})
		wantCode(t, err, lms.ECONFLICT)
	})
	t.Run("a disabled admin does not count", func(t *testing.T) {
		third := e.addUser(t, admin, "third", lms.SiteAdmin)
		_, err := e.svc.UpdateUser(ctx, lms.UserFrom(ctx), third.ID, UserPatch{Disabled: &off})
		noErr(t, err)
		_, err = e.svc.UpdateUser(ctx, lms.UserFrom(ctx), admin.ID, UserPatch{Role: &demote})
		wantCode(t, err, lms.ECONFLICT)
	})
	t.Run("other users can be deleted", func(t *testing.T) {
		noErr(t, e.svc.DeleteUser(ctx, lms.UserFrom(ctx), second.ID))
		_, err := e.st.UserByID(t.Context(), second.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, e.svc.DeleteUser(ctx, lms.UserFrom(ctx), second.ID), lms.ENOTFOUND)
	})
	acts := e.auditActions(t)
	for _, a := range []string{lms.AuditUserCreate, lms.AuditRoleChange, lms.AuditUserDisable, lms.AuditUserDelete} {
		if !contains(acts, a) {
			t.Errorf("audit has no %s: %v", a, acts)
		}
	}
}

func TestAdminMethodsCheckPermissions(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	plain := e.addUser(t, admin, "plain", lms.SiteUser)
	name := "X"
	calls := map[string]func(ctxUser *lms.User) error{
		"ListUsers": func(u *lms.User) error {
			_, _, err := e.svc.ListUsers(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), lms.UserFilter{})
			return err
		},
		"CreateUser": func(u *lms.User) error {
			_, err := e.svc.CreateUser(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), NewUser{Email: "z@example.org", Username: "zed", Name: "Z", Password: testPassword})
			return err
		},
		"UpdateUser": func(u *lms.User) error {
			_, err := e.svc.UpdateUser(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), admin.ID, UserPatch{Name: &name})
			return err
		},
		"DeleteUser": func(u *lms.User) error { return e.svc.DeleteUser(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), admin.ID) },
		"ListInvites": func(u *lms.User) error {
			_, err := e.svc.ListInvites(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), lms.Page{})
			return err
		},
		"RevokeInvite": func(u *lms.User) error { return e.svc.RevokeInvite(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), 1) },
		"PutSettings": func(u *lms.User) error {
			_, err := e.svc.PutSettings(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), lms.DefaultSettings())
			return err
		},
		"ListAudit": func(u *lms.User) error {
			_, err := e.svc.ListAudit(ctxAs(t, u), lms.UserFrom(ctxAs(t, u)), lms.AuditFilter{})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name+" refuses plain users", func(t *testing.T) { wantCode(t, call(plain), lms.EFORBIDDEN) })
		t.Run(name+" refuses anonymous callers", func(t *testing.T) { wantCode(t, call(nil), lms.EUNAUTHORIZED) })
	}
}

func TestSettingsValidation(t *testing.T) {
	e := newEnv(t, RateLimitParams{})
	admin := e.setupAdmin(t)
	for _, tc := range []struct {
		name  string
		in    lms.Settings
		field string
	}{
		{"empty site name is invalid", lms.Settings{SiteName: "  ", SignupPolicy: lms.SignupClosed}, "site_name"},
		{"unknown policy is invalid", lms.Settings{SiteName: "S", SignupPolicy: "maybe"}, "signup_policy"},
		{"bad domain is invalid", lms.Settings{SiteName: "S", SignupPolicy: lms.SignupOpen, SignupDomain: "not a domain"}, "signup_domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.PutSettings(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), tc.in)
			wantCode(t, err, lms.EINVALID)
			if le := err.(*lms.Error); le.Field != tc.field {
				t.Fatalf("field = %q, want %q", le.Field, tc.field)
			}
		})
	}
	t.Run("valid settings are saved and audited", func(t *testing.T) {
		got, err := e.svc.PutSettings(ctxAs(t, admin), lms.UserFrom(ctxAs(t, admin)), lms.Settings{SiteName: "Academy", SignupPolicy: lms.SignupOpen, SignupDomain: "@School.edu"})
		noErr(t, err)
		if got.SignupDomain != "school.edu" {
			t.Fatalf("domain = %q", got.SignupDomain)
		}
		saved, err := e.svc.Settings(t.Context())
		noErr(t, err)
		if saved.SiteName != "Academy" || saved.SignupPolicy != lms.SignupOpen {
			t.Fatalf("saved = %+v", saved)
		}
		if !contains(e.auditActions(t), lms.AuditSettingsChange) {
			t.Fatal("settings change not audited")
		}
	})
}

func TestRequireHelpers(t *testing.T) {
	admin := &lms.User{ID: 1, Role: lms.SiteAdmin}
	user := &lms.User{ID: 2, Role: lms.SiteUser}
	off := &lms.User{ID: 3, Role: lms.SiteAdmin, Disabled: true}
	for _, tc := range []struct {
		name     string
		u        *lms.User
		userCode string
		adminErr string
	}{
		{"anonymous is unauthorized", nil, lms.EUNAUTHORIZED, lms.EUNAUTHORIZED},
		{"plain user is forbidden admin things", user, "", lms.EFORBIDDEN},
		{"admin passes", admin, "", ""},
		{"disabled admin is unauthorized", off, lms.EUNAUTHORIZED, lms.EUNAUTHORIZED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RequireUser(tc.u)
			wantCode(t, err, tc.userCode)
			_, err = RequireAdmin(tc.u)
			wantCode(t, err, tc.adminErr)
		})
	}
	t.Run("course roles follow lms.Can", func(t *testing.T) {
		if lms.Can(user.IsAdmin(), lms.CourseLearner, lms.ActEditContent) ||
			!lms.Can(user.IsAdmin(), lms.CourseInstructor, lms.ActEditContent) ||
			!lms.Can(admin.IsAdmin(), "", lms.ActManageCourse) {
			t.Fatal("course permissions do not follow the table")
		}
	})
}

func TestConcurrentDemotionsKeepAnAdmin(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		first := e.setupAdmin(t)
		second := e.addUser(t, first, "second", lms.SiteAdmin)
		demote := lms.SiteUser
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		wg.Go(func() {
			_, err := e.svc.UpdateUser(ctxAs(t, first), lms.UserFrom(ctxAs(t, first)), second.ID, UserPatch{Role: &demote})
			errs <- err
		})
		wg.Go(func() {
			_, err := e.svc.UpdateUser(ctxAs(t, second), lms.UserFrom(ctxAs(t, second)), first.ID, UserPatch{Role: &demote})
			errs <- err
		})
		wg.Wait()
		close(errs)
		var ok, conflict int
		for err := range errs {
			switch lms.ErrorCode(err) {
			case "":
				ok++
			case lms.ECONFLICT:
				conflict++
			default:
				t.Errorf("UpdateUser: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("ok = %d, conflict = %d; want 1 and 1", ok, conflict)
		}
		if n, err := e.st.CountAdmins(t.Context()); err != nil || n != 1 {
			t.Fatalf("CountAdmins = %d, %v", n, err)
		}
	})
}

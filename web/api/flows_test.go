package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestKeyFlowsSQLite(t *testing.T) { keyFlows(t, newEnv(t)) }

func TestKeyFlowsPostgres(t *testing.T) { keyFlows(t, newEnvWith(t, storetest.Postgres(t))) }

// keyFlows walks setup, login, profile, tokens, admin management, invites,
// settings, audit and logout end to end.
func keyFlows(t *testing.T, e *tenv) {
	var site SiteInfo
	e.do(t, anon, "GET", "/api/v1/site", nil).want(t, 200).json(t, &site)
	if !site.SetupNeeded || site.SiteName != "Lyceum" {
		t.Fatalf("site before setup = %+v", site)
	}

	var admin client
	t.Run("setup creates the admin and signs them in", func(t *testing.T) {
		tok, _, err := e.svc.EnsureSetupToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		body := SetupRequest{Token: tok, Email: "admin@example.org", Username: "admin", Name: "Ada", Password: testPassword}
		bad := body
		bad.Token = "wrong"
		e.do(t, anon, "POST", "/api/v1/setup", bad).want(t, 403).problem(t)
		r := e.do(t, anon, "POST", "/api/v1/setup", body).want(t, 201)
		var env UserEnvelope
		r.json(t, &env)
		if env.User.Role != "admin" || env.User.Username != "admin" {
			t.Fatalf("setup user = %+v", env.User)
		}
		c := r.sessionCookie(t)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != int(e.svc.SessionAbsoluteTTL().Seconds()) {
			t.Fatalf("cookie = %+v", c)
		}
		admin = client{cookie: c.Value}
		e.do(t, anon, "POST", "/api/v1/setup", body).want(t, 403)
		e.do(t, anon, "GET", "/api/v1/site", nil).want(t, 200).json(t, &site)
		if site.SetupNeeded {
			t.Fatal("setup still needed after setup")
		}
	})
	t.Run("me answers the signed-in user", func(t *testing.T) {
		var u User
		e.do(t, admin, "GET", "/api/v1/me", nil).want(t, 200).json(t, &u)
		if u.Email != "admin@example.org" {
			t.Fatalf("me = %+v", u)
		}
		e.do(t, anon, "GET", "/api/v1/me", nil).want(t, 401).problem(t)
	})
	t.Run("login answers the same for unknown users and wrong passwords", func(t *testing.T) {
		p1 := e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: "wrong password"}).want(t, 401).problem(t)
		p2 := e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "ghost", Password: "wrong password"}).want(t, 401).problem(t)
		if p1.Detail != p2.Detail {
			t.Fatalf("details differ: %q vs %q", p1.Detail, p2.Detail)
		}
	})
	t.Run("profile changes are saved", func(t *testing.T) {
		var u User
		e.do(t, admin, "PATCH", "/api/v1/me", `{"name":"Ada L."}`).want(t, 200).json(t, &u)
		if u.Name != "Ada L." || u.Email != "admin@example.org" {
			t.Fatalf("patched = %+v", u)
		}
	})
	var plain client
	t.Run("admins create users", func(t *testing.T) {
		plain = e.addUser(t, admin, "pat")
		var list UserList
		e.do(t, admin, "GET", "/api/v1/admin/users?q=pat", nil).want(t, 200).json(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Username != "pat" {
			t.Fatalf("users = %+v", list)
		}
		e.do(t, plain, "GET", "/api/v1/admin/users", nil).want(t, 403).problem(t)
	})
	t.Run("API tokens authenticate as bearer and can be revoked", func(t *testing.T) {
		var created CreatedToken
		e.do(t, plain, "POST", "/api/v1/me/tokens", `{"name":"script","expires_in_days":30}`).want(t, 201).json(t, &created)
		if !strings.HasPrefix(created.Token, "lyc_") || created.APIToken == nil || created.APIToken.ExpiresAt.IsZero() {
			t.Fatalf("token = %+v", created)
		}
		bearer := client{bearer: created.Token}
		var u User
		e.do(t, bearer, "GET", "/api/v1/me", nil).want(t, 200).json(t, &u)
		if u.Username != "pat" {
			t.Fatalf("bearer me = %+v", u)
		}
		var list APITokenList
		e.do(t, plain, "GET", "/api/v1/me/tokens", nil).want(t, 200).json(t, &list)
		if len(list.Items) != 1 || strings.Contains(string(e.do(t, plain, "GET", "/api/v1/me/tokens", nil).Body), created.Token) {
			t.Fatalf("token list = %+v", list)
		}
		e.do(t, plain, "DELETE", "/api/v1/me/tokens/"+itoa(created.APIToken.ID), nil).want(t, 204)
		e.do(t, bearer, "GET", "/api/v1/me", nil).want(t, 401)
	})
	t.Run("sessions list marks the current one; revoking works", func(t *testing.T) {
		other := e.login(t, "pat")
		var list SessionList
		e.do(t, plain, "GET", "/api/v1/me/sessions", nil).want(t, 200).json(t, &list)
		var current, otherID int64
		for _, s := range list.Items {
			if s.Current {
				current = s.ID
			} else {
				otherID = s.ID
			}
		}
		if current == 0 || otherID == 0 {
			t.Fatalf("sessions = %+v", list)
		}
		e.do(t, plain, "DELETE", "/api/v1/me/sessions/"+itoa(otherID), nil).want(t, 204)
		e.do(t, other, "GET", "/api/v1/me", nil).want(t, 401)
	})
	t.Run("password change revokes other sessions", func(t *testing.T) {
		other := e.login(t, "pat")
		e.do(t, plain, "POST", "/api/v1/me/password", PasswordRequest{CurrentPassword: "nope nope", NewPassword: "another password"}).want(t, 400)
		e.do(t, plain, "POST", "/api/v1/me/password", PasswordRequest{CurrentPassword: testPassword, NewPassword: "another password"}).want(t, 204)
		e.do(t, plain, "GET", "/api/v1/me", nil).want(t, 200)
		e.do(t, other, "GET", "/api/v1/me", nil).want(t, 401)
	})
	t.Run("invites create accounts", func(t *testing.T) {
		var inv CreatedInvite
		e.do(t, admin, "POST", "/api/v1/admin/invites", `{"email":"guest@example.org"}`).want(t, 201).json(t, &inv)
		prefix := testPublicURL + "/invite/"
		if !strings.HasPrefix(inv.URL, prefix) {
			t.Fatalf("invite url = %q", inv.URL)
		}
		token := strings.TrimPrefix(inv.URL, prefix)
		var info InviteInfo
		e.do(t, anon, "GET", "/api/v1/invites/"+token, nil).want(t, 200).json(t, &info)
		if info.Email != "guest@example.org" || info.Role != "user" || info.SiteName == "" {
			t.Fatalf("invite info = %+v", info)
		}
		r := e.do(t, anon, "POST", "/api/v1/invites/"+token+"/accept", AcceptInviteRequest{Username: "guest", Name: "Guest", Password: testPassword}).want(t, 201)
		r.sessionCookie(t)
		e.do(t, anon, "GET", "/api/v1/invites/"+token, nil).want(t, 404).problem(t)
		var invs InviteList
		e.do(t, admin, "GET", "/api/v1/admin/invites", nil).want(t, 200).json(t, &invs)
		if len(invs.Items) != 1 || invs.Items[0].AcceptedAt.IsZero() {
			t.Fatalf("invites = %+v", invs)
		}
	})
	t.Run("settings open sign-up", func(t *testing.T) {
		e.do(t, anon, "POST", "/api/v1/auth/signup", SignupRequest{Email: "s@school.edu", Username: "stu", Name: "Stu", Password: testPassword}).want(t, 403).problem(t)
		var set SettingsBody
		e.do(t, admin, "PUT", "/api/v1/admin/settings", SettingsBody{SiteName: "Academy", SignupPolicy: "open", SignupDomain: "school.edu"}).want(t, 200).json(t, &set)
		e.do(t, admin, "GET", "/api/v1/admin/settings", nil).want(t, 200).json(t, &set)
		if set.SiteName != "Academy" || set.SignupDomain != "school.edu" {
			t.Fatalf("settings = %+v", set)
		}
		e.do(t, anon, "POST", "/api/v1/auth/signup", SignupRequest{Email: "s@other.org", Username: "stu", Name: "Stu", Password: testPassword}).want(t, 403)
		e.do(t, anon, "POST", "/api/v1/auth/signup", SignupRequest{Email: "s@school.edu", Username: "stu", Name: "Stu", Password: testPassword}).want(t, 201).sessionCookie(t)
	})
	t.Run("settings carry who may create courses", func(t *testing.T) {
		var set SettingsBody
		e.do(t, admin, "PUT", "/api/v1/admin/settings", SettingsBody{SiteName: "Academy", SignupPolicy: "open",
			SignupDomain: "school.edu", CourseCreators: "admins"}).want(t, 200).json(t, &set)
		e.do(t, admin, "GET", "/api/v1/admin/settings", nil).want(t, 200).json(t, &set)
		if set.CourseCreators != "admins" {
			t.Fatalf("GET after PUT: %+v", set)
		}
		e.do(t, admin, "PUT", "/api/v1/admin/settings", `{"site_name":"Academy","signup_policy":"open","signup_domain":"school.edu"}`).
			want(t, 200).json(t, &set)
		if set.CourseCreators != "admins" {
			t.Fatalf("a PUT without course_creators changed it: %+v", set)
		}
		e.do(t, admin, "PUT", "/api/v1/admin/settings", `{"site_name":"Academy","signup_policy":"open","course_creators":"everyone"}`).
			want(t, 400).problem(t)
		e.do(t, admin, "PUT", "/api/v1/admin/settings", SettingsBody{SiteName: "Academy", SignupPolicy: "open",
			SignupDomain: "school.edu", CourseCreators: "anyone"}).want(t, 200).json(t, &set)
	})
	t.Run("last admin cannot be demoted; others can be deleted", func(t *testing.T) {
		var me User
		e.do(t, admin, "GET", "/api/v1/me", nil).want(t, 200).json(t, &me)
		e.do(t, admin, "PATCH", "/api/v1/admin/users/"+itoa(me.ID), `{"role":"user"}`).want(t, 409).problem(t)
		e.do(t, admin, "DELETE", "/api/v1/admin/users/"+itoa(me.ID), nil).want(t, 409)
		var list UserList
		e.do(t, admin, "GET", "/api/v1/admin/users?q=guest", nil).want(t, 200).json(t, &list)
		e.do(t, admin, "PATCH", "/api/v1/admin/users/"+itoa(list.Items[0].ID), `{"disabled":true}`).want(t, 200)
		e.do(t, admin, "DELETE", "/api/v1/admin/users/"+itoa(list.Items[0].ID), nil).want(t, 204)
		e.do(t, admin, "DELETE", "/api/v1/admin/users/"+itoa(list.Items[0].ID), nil).want(t, 404)
	})
	t.Run("the audit log records it all", func(t *testing.T) {
		var list AuditList
		e.do(t, admin, "GET", "/api/v1/admin/audit?limit=200", nil).want(t, 200).json(t, &list)
		seen := map[string]bool{}
		for _, en := range list.Items {
			seen[en.Action] = true
		}
		for _, a := range []string{"site.setup", "auth.login", "auth.login_failed", "user.create", "token.create",
			"token.revoke", "auth.password_changed", "invite.create", "invite.accept", "settings.change",
			"auth.signup", "user.disable", "user.delete"} {
			if !seen[a] {
				t.Errorf("audit has no %s", a)
			}
		}
		var failed AuditList
		e.do(t, admin, "GET", "/api/v1/admin/audit?action=auth.login_failed", nil).want(t, 200).json(t, &failed)
		if len(failed.Items) != 2 {
			t.Fatalf("failed logins = %d, want 2", len(failed.Items))
		}
	})
	t.Run("logout revokes the session and clears the cookie", func(t *testing.T) {
		r := e.do(t, plain, "POST", "/api/v1/auth/logout", nil).want(t, 204)
		if c := r.sessionCookie(t); c.MaxAge >= 0 || c.Value != "" {
			t.Fatalf("logout cookie = %+v", c)
		}
		e.do(t, plain, "GET", "/api/v1/me", nil).want(t, 401)
	})
}

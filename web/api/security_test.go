package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store"
)

// concretePath fills the wildcards of a route path.
func concretePath(p string) string {
	return strings.NewReplacer("{id}", "1", "{token}", "sometoken").Replace(p)
}

func TestEveryProtectedRouteChecksPermission(t *testing.T) {
	e := newEnv(t, func(p *Params, _ store.Store) { p.WS = http.NotFoundHandler() })
	admin := e.setup(t)
	plain := e.addUser(t, admin, "plain")
	checked := 0
	for _, rt := range e.api.routes {
		if rt.Auth == authPublic {
			continue
		}
		path := concretePath(rt.Path)
		t.Run(rt.Method+" "+rt.Path+" refuses anonymous callers", func(t *testing.T) {
			p := e.do(t, anon, rt.Method, path, `{}`).want(t, http.StatusUnauthorized).problem(t)
			if p.Code != "unauthorized" {
				t.Fatalf("code = %q", p.Code)
			}
		})
		if rt.Auth == authAdmin {
			checked++
			t.Run(rt.Method+" "+rt.Path+" refuses plain users", func(t *testing.T) {
				e.do(t, plain, rt.Method, path, `{}`).want(t, http.StatusForbidden).problem(t)
			})
			t.Run(rt.Method+" "+rt.Path+" refuses invalid bearer tokens", func(t *testing.T) {
				e.do(t, client{bearer: "lyc_forged"}, rt.Method, path, `{}`).want(t, http.StatusUnauthorized)
			})
		}
	}
	if checked < 10 {
		t.Fatalf("only %d admin routes checked", checked)
	}
}

func TestBadInputIsRefusedAndNothingIsStored(t *testing.T) {
	e := newEnv(t)
	admin := e.setup(t)
	const path = "/api/v1/admin/users"
	valid := `{"email":"x@example.org","username":"xavier","name":"X","password":"` + testPassword + `"}`
	for _, tc := range []struct {
		name   string
		body   any
		ctype  string
		status int
		field  string
	}{
		{"malformed JSON is 400", `{"email":`, "", 400, ""},
		{"not an object is 400", `[1,2]`, "", 400, ""},
		{"unknown fields are 400", strings.Replace(valid, `{`, `{"admin":true,`, 1), "", 400, "admin"},
		{"trailing data is 400", valid + `{}`, "", 400, ""},
		{"trailing garbage is 400", valid + `x`, "", 400, ""},
		{"wrong field type is 400", strings.Replace(valid, `"X"`, `42`, 1), "", 400, "name"},
		{"an empty body is 400", ``, "", 400, ""},
		{"oversized body is 413", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, "", 413, ""},
		{"wrong content type is 415", valid, "text/plain", 415, ""},
		{"missing content type is 415", valid, "-", 415, ""},
		{"form encoding is 415", "email=x", "application/x-www-form-urlencoded", 415, ""},
		{"non-UTF-8 is 400", []byte("{\"email\":\"x@example.org\",\"username\":\"xavier\",\"name\":\"\xff\xfe\",\"password\":\"" + testPassword + "\"}"), "", 400, ""},
		{"empty name is 400", strings.Replace(valid, `"X"`, `""`, 1), "", 400, "name"},
		{"blank name is 400", strings.Replace(valid, `"X"`, `"   "`, 1), "", 400, "name"},
		{"10 kB name is 400", strings.Replace(valid, `"X"`, `"`+strings.Repeat("n", 10000)+`"`, 1), "", 400, "name"},
		{"10 kB email is 400", strings.Replace(valid, `x@example.org`, strings.Repeat("e", 10000)+"@example.org", 1), "", 400, "email"},
		{"bad email is 400", strings.Replace(valid, `x@example.org`, `not-an-email`, 1), "", 400, "email"},
		{"short username is 400", strings.Replace(valid, `xavier`, `xa`, 1), "", 400, "username"},
		{"username with spaces is 400", strings.Replace(valid, `xavier`, `x avier`, 1), "", 400, "username"},
		{"SQL-looking username is 400", strings.Replace(valid, `xavier`, `x'--`, 1), "", 400, "username"},
		{"short password is 400", strings.Replace(valid, testPassword, `short`, 1), "", 400, "password"},
		{"unknown role is 400", strings.Replace(valid, `{`, `{"role":"root",`, 1), "", 400, "role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.countUsers(t)
			var hdr []string
			switch tc.ctype {
			case "":
			case "-":
				hdr = []string{"Content-Type", ""}
			default:
				hdr = []string{"Content-Type", tc.ctype}
			}
			p := e.do(t, admin, "POST", path, tc.body, hdr...).want(t, tc.status).problem(t)
			if p.Field != tc.field {
				t.Fatalf("field = %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
			if p.Detail == "" || strings.Contains(p.Detail, "lyceum error") {
				t.Fatalf("unhelpful detail %q", p.Detail)
			}
			if after := e.countUsers(t); after != before {
				t.Fatalf("users %d -> %d: something was stored", before, after)
			}
		})
	}
	t.Run("SQL-looking strings are stored and returned verbatim", func(t *testing.T) {
		name := `Robert'); DROP TABLE users;-- "<script>alert(1)</script>"`
		var u User
		e.do(t, admin, "POST", path, CreateUserRequest{Email: "bobby@example.org", Username: "bobby",
			Name: name, Password: testPassword}).want(t, 201).json(t, &u)
		if u.Name != name {
			t.Fatalf("name = %q", u.Name)
		}
		var list UserList
		e.do(t, admin, "GET", path+"?q=bobby", nil).want(t, 200).json(t, &list)
		if len(list.Items) != 1 || list.Items[0].Name != name {
			t.Fatalf("list = %+v", list)
		}
		e.do(t, admin, "GET", path+"?q="+strings.ReplaceAll(`'; DROP TABLE users;--`, " ", "%20"), nil).want(t, 200)
		if e.countUsers(t) < 2 {
			t.Fatal("users vanished")
		}
	})
}

func TestCrossOriginStateChangesAreRefused(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	body := LoginRequest{Login: "admin", Password: testPassword}
	for _, tc := range []struct {
		name   string
		hdr    []string
		status int
	}{
		{"cross-site fetch is refused", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403},
		{"foreign Origin without fetch metadata is refused", []string{"Origin", "https://evil.example", "Host", "lyceum.example.org"}, 403},
		{"same-origin fetch passes", []string{"Sec-Fetch-Site", "same-origin", "Origin", testPublicURL}, 200},
		{"the public URL's origin is trusted", []string{"Origin", testPublicURL}, 200},
		{"non-browser clients pass", nil, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(t, anon, "POST", "/api/v1/auth/login", body, tc.hdr...).want(t, tc.status)
			if tc.status == 403 {
				if p := r.problem(t); p.Code != "forbidden" {
					t.Fatalf("code = %q", p.Code)
				}
			}
		})
	}
	t.Run("cross-site GET is allowed", func(t *testing.T) {
		e.do(t, anon, "GET", "/api/v1/site", nil, "Sec-Fetch-Site", "cross-site").want(t, 200)
	})
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, func(p *Params, _ store.Store) {
		p.App = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) })
	})
	for _, path := range []string{"/api/v1/site", "/api/v1/nope", "/", "/admin/users"} {
		t.Run(path+" has them", func(t *testing.T) {
			r := e.do(t, anon, "GET", path, nil)
			for k, v := range map[string]string{
				"Content-Security-Policy": contentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "same-origin",
				"X-Frame-Options":         "DENY",
			} {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Error("CSP lacks frame-ancestors")
			}
		})
	}
}

func TestRequestIDs(t *testing.T) {
	e := newEnv(t)
	t.Run("a sane incoming id is echoed", func(t *testing.T) {
		r := e.do(t, anon, "GET", "/api/v1/nope", nil, "X-Request-ID", "abc-123")
		if r.Header.Get("X-Request-ID") != "abc-123" || r.problem(t).RequestID != "abc-123" {
			t.Fatalf("request id = %q", r.Header.Get("X-Request-ID"))
		}
	})
	t.Run("an insane one is replaced", func(t *testing.T) {
		r := e.do(t, anon, "GET", "/api/v1/site", nil, "X-Request-ID", "<script>")
		if id := r.Header.Get("X-Request-ID"); id == "" || id == "<script>" {
			t.Fatalf("request id = %q", id)
		}
	})
}

func TestPanicsBecome500Problems(t *testing.T) {
	e := newEnv(t, func(p *Params, _ store.Store) {
		p.App = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") })
	})
	r := e.do(t, anon, "GET", "/some/page", nil).want(t, 500)
	if p := r.problem(t); p.Code != "internal" || strings.Contains(string(r.Body), "secret") {
		t.Fatalf("problem leaks: %s", r.Body)
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	t.Run("unknown API paths are 404 problems", func(t *testing.T) {
		e.do(t, anon, "GET", "/api/v1/nope", nil).want(t, 404).problem(t)
	})
	t.Run("wrong methods are 405 with Allow", func(t *testing.T) {
		r := e.do(t, anon, "DELETE", "/api/v1/site", nil).want(t, 405)
		r.problem(t)
		if r.Header.Get("Allow") != "GET" {
			t.Fatalf("Allow = %q", r.Header.Get("Allow"))
		}
	})
	t.Run("non-API paths without an app are 404", func(t *testing.T) {
		e.do(t, anon, "GET", "/dashboard", nil).want(t, 404)
	})
	t.Run("bad ids are 404", func(t *testing.T) {
		admin := e.setup(t)
		e.do(t, admin, "DELETE", "/api/v1/admin/users/abc", nil).want(t, 404).problem(t)
	})
}

func TestLoginRateLimitAnswers429(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	for range 5 {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: "wrong password"}).want(t, 401)
	}
	r := e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: testPassword}).want(t, 429)
	if p := r.problem(t); p.Code != "rate_limited" || r.Header.Get("Retry-After") != "30" {
		t.Fatalf("problem %+v, Retry-After %q", p, r.Header.Get("Retry-After"))
	}
}

func TestDeviceCookieGetsThroughALockout(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	r := e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: testPassword}).want(t, 200)
	var device *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == DeviceCookie {
			device = c
		}
	}
	if device == nil || device.Value == "" || device.Path != "/api/v1/auth/login" || !device.HttpOnly ||
		device.SameSite != http.SameSiteStrictMode || device.MaxAge < 300*24*3600 {
		t.Fatalf("device cookie = %+v, want a long-lived HttpOnly SameSite=Strict cookie for the login route", device)
	}
	for range 5 {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: "wrong password"}).want(t, 401)
	}
	t.Run("a browser without the cookie is locked out", func(t *testing.T) {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: testPassword}).want(t, 429)
	})
	t.Run("the browser that signed in before gets through", func(t *testing.T) {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: testPassword},
			"Cookie", DeviceCookie+"="+device.Value).want(t, 200)
	})
	t.Run("a forged cookie does not", func(t *testing.T) {
		e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: "admin", Password: testPassword},
			"Cookie", DeviceCookie+"=1.2.3.forged").want(t, 429)
	})
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t, func(p *Params, _ store.Store) { p.SecureCookies = true })
	tok, _, err := e.svc.EnsureSetupToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(t, anon, "POST", "/api/v1/setup", SetupRequest{Token: tok, Email: "a@example.org", Username: "admin",
		Name: "A", Password: testPassword}).want(t, http.StatusCreated)
	if c := r.sessionCookie(t); !c.Secure || !c.HttpOnly {
		t.Fatalf("cookie = %+v, want Secure and HttpOnly", c)
	}
}

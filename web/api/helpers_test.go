package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

const (
	testPublicURL = "https://lyceum.example.org"
	testPassword  = "correct horse battery"
)

type testClock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// tenv is an API over a real store.
type tenv struct {
	api   *API
	svc   *auth.Service
	st    store.Store
	clock *testClock
}

type envOption func(*Params, store.Store)

func newEnvWith(t testing.TB, st store.Store, opts ...envOption) *tenv {
	t.Helper()
	clock := &testClock{now: time.Now().UTC()}
	svc, err := auth.New(t.Context(), auth.Params{Store: st, Logger: zerolog.Nop(), Clock: clock.Now,
		Hash: auth.CheapHashParams()})
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	p := Params{Auth: svc, Logger: zerolog.Nop(), PublicURL: testPublicURL}
	for _, o := range opts {
		o(&p, st)
	}
	a, err := New(p)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	return &tenv{api: a, svc: svc, st: st, clock: clock}
}

func newEnv(t testing.TB, opts ...envOption) *tenv {
	t.Helper()
	return newEnvWith(t, storetest.SQLite(t), opts...)
}

// client is a caller: a session cookie, a bearer token, or nothing.
type client struct {
	cookie string
	bearer string
}

var anon = client{}

// resp is a recorded answer.
type resp struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r resp) problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.Code, r.Body)
	}
	var p Problem
	r.json(t, &p)
	if p.Status != r.Code || p.Code == "" || p.RequestID == "" || p.Type != problemTypeBase+p.Code {
		t.Fatalf("bad problem document %+v for status %d", p, r.Code)
	}
	return p
}

// do sends a request; a string or []byte body is sent as is with
// Content-Type application/json, anything else non-nil is JSON-encoded.
func (e *tenv) do(t testing.TB, c client, method, path string, body any, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequestWithContext(t.Context(), method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: c.cookie})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	rec := httptest.NewRecorder()
	e.api.Handler().ServeHTTP(rec, req)
	return resp{Code: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}
}

// want fails unless r has the status.
func (r resp) want(t testing.TB, status int) resp {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status = %d, want %d; body %s", r.Code, status, r.Body)
	}
	return r
}

// sessionCookie returns the session cookie set by r.
func (r resp) sessionCookie(t testing.TB) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", SessionCookie, r.Header)
	return nil
}

// setup runs first-run setup and returns the admin's client.
func (e *tenv) setup(t testing.TB) client {
	t.Helper()
	tok, _, err := e.svc.EnsureSetupToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(t, anon, "POST", "/api/v1/setup", SetupRequest{Token: tok, Email: "admin@example.org",
		Username: "admin", Name: "Ada", Password: testPassword}).want(t, http.StatusCreated)
	return client{cookie: r.sessionCookie(t).Value}
}

// addUser creates a plain user as admin and signs them in.
func (e *tenv) addUser(t testing.TB, admin client, username string) client {
	t.Helper()
	e.do(t, admin, "POST", "/api/v1/admin/users", CreateUserRequest{Email: username + "@example.org",
		Username: username, Name: "User " + username, Password: testPassword}).want(t, http.StatusCreated)
	return e.login(t, username)
}

func (e *tenv) login(t testing.TB, login string) client {
	t.Helper()
	r := e.do(t, anon, "POST", "/api/v1/auth/login", LoginRequest{Login: login, Password: testPassword}).want(t, http.StatusOK)
	return client{cookie: r.sessionCookie(t).Value}
}

func (e *tenv) countUsers(t testing.TB) int {
	t.Helper()
	n, err := e.st.CountUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var _ = lms.EINVALID

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TimeLike is time.Time under a test-local name.
type TimeLike = time.Time

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }

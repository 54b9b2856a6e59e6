// Package api is Lyceum's JSON HTTP API under /api/v1: one route table
// drives both the net/http.ServeMux and the OpenAPI 3.1 document, a small
// middleware chain (request id, request log, metrics, panic recovery,
// security headers, cross-origin protection, authentication) wraps every
// request, and errors become RFC 9457 problem documents. It also mounts the
// browser app and the WebSocket endpoint that cmd hands it.
package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/privacy"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/userimport"
)

// Prefix is the path prefix of every API route.
const Prefix = "/api/v1"

// SessionCookie is the name of the session cookie.
const SessionCookie = "lyceum_session"

// DeviceCookie is the name of the device cookie: a signed token naming the
// account that last signed in on this browser, sent only to the sign-in
// route, where it lets this browser through an account lockout
// (auth.Service.DeviceToken).
const DeviceCookie = "lyceum_device"

// Params are the dependencies of the API.
type Params struct {
	Auth   *auth.Service
	Logger zerolog.Logger
	// PublicURL is the site's external URL (e.g. https://lyceum.example.org);
	// its origin is trusted for state-changing requests and it prefixes
	// invitation links.
	PublicURL string
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (set it when TLS ends at a proxy).
	SecureCookies bool
	// App serves the browser app for every non-API path (nil: 404).
	App http.Handler
	// WS serves GET /api/v1/ws for signed-in users (nil: not mounted).
	WS http.Handler
	// Metrics records request metrics (nil: unregistered metrics).
	Metrics *Metrics
	// Courses serves the course routes (courses, people, content, uploads,
	// progress, discussion, rooms, notifications); nil: not mounted, and
	// GET /me/courses answers an empty list.
	Courses *course.Services
	// MaxUploadBytes bounds an upload request's body (zero:
	// DefaultMaxUploadBytes); the per-type limits are course.UploadParams'.
	MaxUploadBytes int64
	// UserImport serves POST /admin/users/import (nil: not mounted).
	UserImport *userimport.Service
	// Assess serves the question bank, quiz and attempt routes (nil: not
	// mounted; they also need Courses).
	Assess *assess.Service
	// Assign and Grades serve the assignment and gradebook routes (both
	// needed; nil: not mounted).
	Assign *assign.Service
	Grades *grades.Service
	// Calendar serves the calendar, course event and calendar feed routes
	// (nil: not mounted).
	Calendar *calendar.Service
	// Privacy serves the data export, deletion request and anonymise
	// routes (nil: not mounted).
	Privacy *privacy.Service
	// Reports serves the reports routes (nil: not mounted).
	Reports *reports.Service
	// Unsubscribe checks the links in emails that turn a kind of email
	// off; nil: no unsubscribe routes (needs Courses).
	Unsubscribe *mail.Links
	// Mail answers the administrators' email page; nil: no such routes.
	Mail *mail.Admin
	// ClientIPHeader, when set (e.g. "X-Forwarded-For" or "X-Real-IP"), is
	// trusted for the client address: set it only behind a proxy that
	// overwrites it. For X-Forwarded-For the last entry is used.
	ClientIPHeader string
	// LiveQuiz serves the live quiz routes (nil: not mounted; they also
	// need Courses). QuizGuestWS serves a guest player's WebSocket (nil:
	// GET /live-quiz/ws not mounted).
	LiveQuiz    *livequiz.Service
	QuizGuestWS func(w http.ResponseWriter, r *http.Request, p *lms.GamePlayer)
}

// API is the HTTP face of Lyceum.
type API struct {
	auth      *auth.Service
	log       zerolog.Logger
	publicURL string
	secure    bool
	app       http.Handler
	ws        http.Handler
	metrics   *Metrics
	ipHeader  string
	courses   *course.Services
	imports   *userimport.Service
	assess    *assess.Service
	assign    *assign.Service
	grades    *grades.Service
	quiz      *livequiz.Service
	quizWS    func(w http.ResponseWriter, r *http.Request, p *lms.GamePlayer)
	pins      pinLimiter // guest joins by PIN, per client address
	calendar  *calendar.Service
	privacy   *privacy.Service
	reports   *reports.Service
	unsub     *mail.Links
	mail      *mail.Admin
	maxUpload int64

	routes  []route
	mux     *http.ServeMux // API routes only
	openapi []byte         // the generated document
	handler http.Handler   // the whole chain
}

// New builds the API and its handler chain.
func New(p Params) (*API, error) {
	if p.Auth == nil {
		return nil, errors.New("api: Params.Auth is required")
	}
	a := &API{
		auth:      p.Auth,
		log:       p.Logger,
		publicURL: strings.TrimRight(p.PublicURL, "/"),
		secure:    p.SecureCookies,
		app:       p.App,
		ws:        p.WS,
		metrics:   p.Metrics,
		ipHeader:  p.ClientIPHeader,
		courses:   p.Courses,
		imports:   p.UserImport,
		assess:    p.Assess,
		assign:    p.Assign,
		grades:    p.Grades,
		quiz:      p.LiveQuiz,
		quizWS:    p.QuizGuestWS,
		calendar:  p.Calendar,
		privacy:   p.Privacy,
		reports:   p.Reports,
		unsub:     p.Unsubscribe,
		mail:      p.Mail,
		maxUpload: p.MaxUploadBytes,
		mux:       http.NewServeMux(),
	}
	if a.maxUpload <= 0 {
		a.maxUpload = DefaultMaxUploadBytes
	}
	if a.metrics == nil {
		a.metrics, _ = NewMetrics(nil)
	}
	a.routes = a.routeTable()
	for _, rt := range a.routes {
		a.mux.Handle(rt.Method+" "+rt.Path, a.wrap(rt))
	}
	doc, err := a.openAPIDocument()
	if err != nil {
		return nil, fmt.Errorf("api: openapi: %w", err)
	}
	a.openapi = doc

	cop := http.NewCrossOriginProtection()
	if a.publicURL != "" {
		u, err := url.Parse(a.publicURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("api: invalid PublicURL %q", p.PublicURL)
		}
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("api: trusted origin: %w", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, lms.Errorf(lms.EFORBIDDEN, "Cross-origin requests are not allowed."))
	}))

	var h http.Handler = http.HandlerFunc(a.dispatch)
	h = cop.Handler(h)
	h = a.securityHeaders(h)
	h = a.recoverPanics(h)
	h = a.observe(h)
	h = a.requestID(h)
	a.handler = h
	return a, nil
}

// Handler returns the handler for the whole site (API, WebSocket and app).
func (a *API) Handler() http.Handler { return a.handler }

// ServeHTTP serves the whole site.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// dispatch sends /api/ paths to the API mux and the rest to the app.
func (a *API) dispatch(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
		infoFrom(r.Context()).route = "app"
		if a.app == nil {
			a.writeError(w, r, lms.Errorf(lms.ENOTFOUND, "Page not found."))
			return
		}
		a.app.ServeHTTP(w, r)
		return
	}
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.notMatched(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// notMatched answers 405 (with Allow) when another method would match, else 404.
func (a *API) notMatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		a.writeErrorStatus(w, r, http.StatusMethodNotAllowed,
			lms.Errorf(lms.EUNSUPPORTED, "Method %s is not allowed here.", r.Method))
		return
	}
	a.writeError(w, r, lms.Errorf(lms.ENOTFOUND, "No such API endpoint."))
}

// Authenticate returns the signed-in user of r (session cookie or bearer
// token), or an EUNAUTHORIZED error. Requests that passed through the API's
// handler chain reuse the result already computed for them.
func (a *API) Authenticate(r *http.Request) (*lms.User, error) {
	if u := lms.UserFrom(r.Context()); u != nil {
		return u, nil
	}
	u, _, _, err := a.authenticate(r, false)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in.")
	}
	return u, nil
}

// authenticate checks the bearer token or session cookie of r. It returns a
// nil user (and nil error) for anonymous requests, and an EUNAUTHORIZED error
// for presented but invalid bearer tokens. Invalid cookies count as anonymous.
// cached reads through the auth service's cache (see route.CachedAuth).
func (a *API) authenticate(r *http.Request, cached bool) (*lms.User, *lms.Session, *lms.APIToken, error) {
	authToken, authSession := a.auth.AuthenticateToken, a.auth.AuthenticateSession
	if cached {
		authToken, authSession = a.auth.AuthenticateTokenCached, a.auth.AuthenticateSessionCached
	}
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, nil, nil, lms.Errorf(lms.EUNAUTHORIZED, "Use Authorization: Bearer <token>.")
		}
		u, t, err := authToken(ctx, strings.TrimSpace(tok))
		return u, nil, t, err
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil, nil, nil
	}
	u, sess, err := authSession(ctx, c.Value)
	if lms.IsCode(err, lms.EUNAUTHORIZED) {
		return nil, nil, nil, nil
	}
	return u, sess, nil, err
}

// withCaller puts the user and their session or API token into ctx.
func withCaller(ctx context.Context, u *lms.User, sess *lms.Session, tok *lms.APIToken) context.Context {
	if tok != nil {
		ctx = lms.WithAPIToken(ctx, tok)
	}
	if u != nil {
		ctx = lms.WithUser(ctx, u)
	}
	if sess != nil {
		ctx = lms.WithSession(ctx, sess)
	}
	return ctx
}

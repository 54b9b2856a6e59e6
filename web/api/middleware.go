package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Security headers sent with every response.
const (
	contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	maxRequestIDLen = 64
)

// reqInfo collects what the request log line and metrics need; the route
// wrapper fills it in. Only the request's goroutine touches it.
type reqInfo struct {
	route  string
	userID int64
}

type infoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status code.
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and coder/websocket reach the
// underlying writer (Flush, Hijack, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack records 101 for a WebSocket upgrade: the hub holds the status
// line back and sends it itself after hijacking (hub.smallBufHijacker), so
// no WriteHeader(101) reaches this recorder.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err == nil && s.status == 0 {
		s.status = http.StatusSwitchingProtocols
	}
	return c, brw, err
}

// requestID takes a sane incoming X-Request-ID or makes one, echoes it, and
// puts it and the client's address into the context.
func (a *API) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		ctx := lms.WithRequestID(r.Context(), id)
		ctx = lms.WithClient(ctx, lms.Client{IP: a.clientIP(r), UserAgent: r.UserAgent()})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// clientIP returns the caller's address: the trusted header when
// configured, else the connection's remote address.
func (a *API) clientIP(r *http.Request) string {
	if a.ipHeader != "" {
		if v := r.Header.Get(a.ipHeader); v != "" {
			if i := strings.LastIndexByte(v, ','); i >= 0 {
				v = v[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(v)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// observe writes one log line and the metrics per request.
func (a *API) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{}
		rec := &statusRecorder{ResponseWriter: w}
		a.metrics.inFlight.Inc()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
		a.metrics.inFlight.Dec()
		d := time.Since(start)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		route := info.route
		if route == "" {
			route = "unmatched"
		}
		a.metrics.observe(route, r.Method, status, d)
		ev := a.log.Info()
		if status >= http.StatusInternalServerError {
			ev = a.log.Warn()
		}
		ev.Str("method", r.Method).Str("route", route).Int("status", status).Dur("duration", d).
			Str("request_id", lms.RequestIDFrom(r.Context())).Int64("user_id", info.userID).Msg("http request")
	})
}

// recoverPanics turns a handler panic into a logged 500 problem.
func (a *API) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			a.log.Error().Str("request_id", lms.RequestIDFrom(r.Context())).Interface("panic", v).
				Bytes("stack", debug.Stack()).Msg("handler panic")
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				return // too late for a problem document
			}
			a.writeErrorStatus(w, r, http.StatusInternalServerError, lms.Errorf(lms.EINTERNAL, "An internal error occurred."))
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the strict CSP and friends on every response.
func (a *API) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// wrap is the per-route handler: authentication, the route's access level,
// and error mapping.
func (a *API) wrap(rt route) http.Handler {
	routeName := rt.Method + " " + rt.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		info.route = routeName
		u, sess, tok, err := a.authenticate(r, rt.CachedAuth)
		if err != nil && (rt.Auth != authPublic || !lms.IsCode(err, lms.EUNAUTHORIZED)) {
			a.writeError(w, r, err)
			return
		}
		if u != nil {
			info.userID = u.ID
		}
		switch {
		case rt.Auth != authPublic && u == nil:
			a.writeError(w, r, lms.Errorf(lms.EUNAUTHORIZED, "Please sign in."))
			return
		case rt.Auth == authAdmin && !u.IsAdmin():
			a.writeError(w, r, lms.Errorf(lms.EFORBIDDEN, "Only administrators may do this."))
			return
		}
		r = r.WithContext(withCaller(r.Context(), u, sess, tok))
		if err := rt.Handler(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

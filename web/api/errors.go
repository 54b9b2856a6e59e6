package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// problemTypeBase prefixes the problem "type" URI; the code follows.
const problemTypeBase = "https://lyceum.dev/problems/"

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id"`
}

// statusOf maps an lms error code to its HTTP status: the one place this
// mapping lives.
func statusOf(code string) int {
	switch code {
	case lms.EINVALID:
		return http.StatusBadRequest
	case lms.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case lms.EFORBIDDEN:
		return http.StatusForbidden
	case lms.ENOTFOUND:
		return http.StatusNotFound
	case lms.ECONFLICT:
		return http.StatusConflict
	case lms.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case lms.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	case lms.ERATELIMIT:
		return http.StatusTooManyRequests
	case lms.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// statusClientClosedRequest is logged when the client cancelled the request.
const statusClientClosedRequest = 499

// writeError writes err as a problem document with the status its code maps to.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	a.writeErrorStatus(w, r, statusOf(lms.ErrorCode(err)), err)
}

// writeErrorStatus writes err as a problem document with the given status.
// Internal errors are logged with the request id and shown generically.
func (a *API) writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, err error) {
	reqID := lms.RequestIDFrom(r.Context())
	code := lms.ErrorCode(err)
	if code == lms.EINTERNAL && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client went away (or timed out) mid-request: nothing failed on
		// our side, and nobody reads the answer. 499 as in nginx's logs.
		a.log.Debug().Err(err).Str("request_id", reqID).Str("path", r.URL.Path).Msg("client gone")
		w.WriteHeader(statusClientClosedRequest)
		return
	}
	if code == lms.EINTERNAL {
		a.log.Error().Err(err).Str("request_id", reqID).Str("path", r.URL.Path).Msg("internal error")
	}
	p := Problem{
		Type:      problemTypeBase + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    lms.ErrorMessage(err),
		Code:      code,
		RequestID: reqID,
	}
	var le *lms.Error
	if errors.As(err, &le) {
		p.Field = le.Field
		if le.RetryAfterSeconds > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(le.RetryAfterSeconds))
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

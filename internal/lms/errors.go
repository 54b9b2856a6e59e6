package lms

import (
	"errors"
	"fmt"
)

// Error codes are stable, machine-readable strings. Transports map each code
// once (HTTP status in web/api, close code or error frame in hub/rooms).
const (
	EINVALID      = "invalid"      // the input is malformed or violates a rule
	EUNAUTHORIZED = "unauthorized" // no valid credentials were presented
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	ENOTFOUND     = "not_found"    // the thing does not exist (or is hidden from the caller)
	ECONFLICT     = "conflict"     // the thing exists already or was changed concurrently
	ERATELIMIT    = "rate_limited" // too many attempts; try again later
	ETOOLARGE     = "too_large"    // the body, file or field is larger than allowed
	EUNSUPPORTED  = "unsupported"  // wrong content type or an unsupported operation
	EUNAVAILABLE  = "unavailable"  // a dependency (database, broker) is not reachable
	EINTERNAL     = "internal"     // anything else; details are logged, never shown
)

// Error is a user-visible condition with a stable code. Message is safe to
// show to the caller. Field optionally names the offending input field.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfterSeconds, when positive, tells rate-limited callers when to retry.
	RetryAfterSeconds int
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("lyceum error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("lyceum error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID *Error that names the offending field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-visible message of err: the *Error's message,
// or a generic text for internal errors (their details must not leak).
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "An internal error occurred."
	}
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

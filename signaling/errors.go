package signaling

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error code. The values are those of
// internal/lms and the hub, so a transport maps them in the same place.
type Code string

// Error codes used by this package.
const (
	CodeInvalid       Code = "invalid"        // malformed message, SDP or candidate
	CodeForbidden     Code = "forbidden"      // not allowed (e.g. publishing without permission)
	CodeNotFound      Code = "not_found"      // unknown session, participant or track
	CodeConflict      Code = "conflict"       // wrong negotiation state (e.g. an answer without an offer)
	CodeTooLarge      Code = "too_large"      // message larger than Config.MaxMessageBytes
	CodeRateLimited   Code = "rate_limited"   // more messages than Config.RateLimit allows
	CodeLimitExceeded Code = "limit_exceeded" // a session, participant, publisher or track limit
	CodeUnavailable   Code = "unavailable"    // the server or session is closing
	CodeInternal      Code = "internal"       // anything else; details are logged, never sent
)

// Error is a condition the client may be told about: Message is safe to show.
type Error struct {
	Code    Code
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("signaling: %s: %s", e.Code, e.Message) }

// errorf returns an *Error with a formatted message.
func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return CodeInternal
	}
}

// ErrorMessage returns the message of an error for the client: the *Error's
// message, or a generic text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorFrame returns the "error" message for err, for transports that report
// Handle's errors on the signaling channel. id is the failed message's id.
func ErrorFrame(id int64, err error) Message {
	return Message{Type: TypeError, ID: id, Code: ErrorCode(err), Message: ErrorMessage(err)}
}

// Sentinel errors returned by Server methods.
var (
	errClosed          = errorf(CodeUnavailable, "the live session server is closed")
	errSessionEnded    = errorf(CodeUnavailable, "the live session has ended")
	errNoSession       = errorf(CodeNotFound, "no such live session")
	errNoParticipant   = errorf(CodeNotFound, "not a participant of this live session")
	errNoTrack         = errorf(CodeNotFound, "no such track")
	errTooLarge        = errorf(CodeTooLarge, "signaling message too large")
	errRateLimited     = errorf(CodeRateLimited, "too many signaling messages")
	errParticipantGone = errorf(CodeUnavailable, "the participant has left")
)

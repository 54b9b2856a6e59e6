package livequiz

import (
	"slices"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The answer window (docs/livequiz.md, "Timing"). The server opens a
// question at OpenedAt and its countdown ends at ClosesAt (server time).
// An answer to the open question counts when the server receives it no
// later than ClosesAt + Grace(d), d being the player's measured one-way
// delay; the question's results are computed at ClosesAt + GraceCap, when
// no answer can count any more.
const (
	// GraceBase covers the server's own receive and scheduling jitter.
	GraceBase = 50 * time.Millisecond
	// GraceCap bounds the grace whatever delay is measured (a client that
	// slows its echoes to look far away gains at most this).
	GraceCap = 250 * time.Millisecond
	// DefaultOneWay is the one-way delay assumed before any is measured.
	DefaultOneWay = 100 * time.Millisecond
)

// Grace is the grace window after the close for a player whose measured
// one-way delay is oneWay (negative: not measured): min(GraceBase +
// oneWay, GraceCap).
func Grace(oneWay time.Duration) time.Duration {
	if oneWay < 0 {
		oneWay = DefaultOneWay
	}
	return min(GraceBase+oneWay, GraceCap)
}

// Reasons an answer is refused (the Reason of the error's message and of
// the protocol's error frames: see docs/livequiz.md).
const (
	ReasonTooLate   = "too_late"         // received after the close plus grace
	ReasonNotOpen   = "not_open"         // no question is taking answers (lobby, paused, results ...)
	ReasonUnknown   = "unknown_question" // no such question in this game, or not reached yet
	ReasonAnswered  = "answered"         // the player already answered this question (another key)
	ReasonRemoved   = "removed"          // the instructor removed the player
	ReasonMalformed = "invalid"          // the answer does not fit the question
	ReasonFlood     = "rate_limited"     // too many commands
)

// refusal is an answer refusal with its reason.
func refusal(code, reason, msg string) *lms.Error {
	return &lms.Error{Code: code, Field: reason, Message: msg}
}

// CheckAnswerTime decides whether an answer to question index received at
// now counts in state st, for a player with one-way delay oneWay. It
// returns the answer's elapsed time (from the opening, capped at the
// question's length) or a refusal: ECONFLICT with Field ReasonTooLate or
// ReasonNotOpen, ENOTFOUND with ReasonUnknown.
func CheckAnswerTime(st lms.GameState, questions, index int, now time.Time, oneWay time.Duration) (time.Duration, error) {
	switch {
	case index < 0 || index >= questions || index > st.Index || st.Phase == lms.PhaseLobby:
		return 0, refusal(lms.ENOTFOUND, ReasonUnknown, "There is no such question.")
	case index < st.Index || st.Phase != lms.PhaseOpen:
		return 0, refusal(lms.ECONFLICT, ReasonTooLate, "Too late: this question is closed.")
	case st.Paused():
		return 0, refusal(lms.ECONFLICT, ReasonNotOpen, "The question is paused.")
	case now.After(st.ClosesAt.Add(Grace(oneWay))):
		return 0, refusal(lms.ECONFLICT, ReasonTooLate, "Too late: time was up.")
	}
	length := st.ClosesAt.Sub(st.OpenedAt)
	return min(max(now.Sub(st.OpenedAt), 0), length), nil
}

// FinalizeAt is when an open question's results are computed: ClosesAt +
// GraceCap (every answer that can count has arrived). Zero when the
// question is paused (the pause moves ClosesAt when it ends).
func FinalizeAt(st lms.GameState) time.Time {
	if st.Phase != lms.PhaseOpen || st.Paused() {
		return time.Time{}
	}
	return st.ClosesAt.Add(GraceCap)
}

// ClockSample is one round trip of the clock protocol: the client sent
// at Sent and received at Received (both on its clock) the server's time
// Server, read while handling the request.
type ClockSample struct {
	Sent, Server, Received time.Time
}

// RTT is the sample's round trip (never negative).
func (s ClockSample) RTT() time.Duration { return max(s.Received.Sub(s.Sent), 0) }

// Offset is server time minus client time, assuming the request and the
// reply took equally long: Server − (Sent + Received)/2.
func (s ClockSample) Offset() time.Duration {
	return s.Server.Sub(s.Sent) - s.RTT()/2
}

// ClockSamples is how many recent samples a ClockEstimator keeps.
const ClockSamples = 8

// ClockEstimator estimates the offset between a client's clock and the
// server's, NTP-style: of the last ClockSamples round trips, the one with
// the smallest RTT (the least queueing, so the most symmetric) gives the
// offset, and half its RTT the one-way delay. The browser runs the same
// algorithm (docs/livequiz.md, "Clock"); the server runs it with the
// client and server roles swapped to measure a player's one-way delay.
// The zero value is ready; it is not safe for concurrent use.
type ClockEstimator struct {
	samples []ClockSample
}

// Add records a sample; samples with a negative round trip are ignored.
func (e *ClockEstimator) Add(s ClockSample) {
	if s.Received.Before(s.Sent) {
		return
	}
	if len(e.samples) == ClockSamples {
		e.samples = slices.Delete(e.samples, 0, 1)
	}
	e.samples = append(e.samples, s)
}

// best returns the sample with the smallest RTT (the latest of equals).
func (e *ClockEstimator) best() (ClockSample, bool) {
	if len(e.samples) == 0 {
		return ClockSample{}, false
	}
	b := e.samples[0]
	for _, s := range e.samples[1:] {
		if s.RTT() <= b.RTT() {
			b = s
		}
	}
	return b, true
}

// Offset returns the estimated server − client clock offset (false
// before any sample).
func (e *ClockEstimator) Offset() (time.Duration, bool) {
	b, ok := e.best()
	return b.Offset(), ok
}

// OneWay returns the estimated one-way delay, half the best sample's RTT
// (-1 before any sample: Grace then assumes DefaultOneWay).
func (e *ClockEstimator) OneWay() time.Duration {
	b, ok := e.best()
	if !ok {
		return -1
	}
	return b.RTT() / 2
}

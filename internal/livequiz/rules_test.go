package livequiz

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

var t0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// openState is question index open from t0 for 20 s.
func openState(index int) lms.GameState {
	return lms.GameState{Phase: lms.PhaseOpen, Index: index, OpenedAt: t0, ClosesAt: t0.Add(20 * time.Second), Version: 3}
}

// reasonOf returns the refusal reason of err ("" for nil).
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	e, ok := err.(*lms.Error)
	if !ok {
		return "not an *lms.Error"
	}
	return e.Field
}

func TestGraceCoversTheOneWayDelayUpToTheCap(t *testing.T) {
	for _, c := range []struct {
		oneWay, want time.Duration
	}{
		{-1, GraceBase + DefaultOneWay},
		{0, GraceBase},
		{80 * time.Millisecond, GraceBase + 80*time.Millisecond},
		{GraceCap - GraceBase, GraceCap},
		{5 * time.Second, GraceCap},
	} {
		if got := Grace(c.oneWay); got != c.want {
			t.Errorf("Grace(%v) = %v, want %v", c.oneWay, got, c.want)
		}
	}
}

func TestCheckAnswerTime(t *testing.T) {
	st := openState(1)
	closes := st.ClosesAt
	oneWay := 60 * time.Millisecond
	paused := st
	paused.PausedAt = t0.Add(5 * time.Second)
	results := st
	results.Phase = lms.PhaseResults
	lobby := lms.GameState{Phase: lms.PhaseLobby, Index: -1}
	for _, c := range []struct {
		name    string
		st      lms.GameState
		index   int
		now     time.Time
		oneWay  time.Duration
		reason  string
		elapsed time.Duration
	}{
		{"at the opening", st, 1, t0, oneWay, "", 0},
		{"mid-question", st, 1, t0.Add(7 * time.Second), oneWay, "", 7 * time.Second},
		{"just before the close", st, 1, closes.Add(-time.Millisecond), oneWay, "", 20*time.Second - time.Millisecond},
		{"at the close", st, 1, closes, oneWay, "", 20 * time.Second},
		{"inside the grace", st, 1, closes.Add(GraceBase + oneWay), oneWay, "", 20 * time.Second},
		{"just after the grace", st, 1, closes.Add(GraceBase + oneWay + time.Millisecond), oneWay, ReasonTooLate, 0},
		{"a far player inside the capped grace", st, 1, closes.Add(GraceCap), 3 * time.Second, "", 20 * time.Second},
		{"a far player after the cap", st, 1, closes.Add(GraceCap + time.Millisecond), 3 * time.Second, ReasonTooLate, 0},
		{"unmeasured delay: the default", st, 1, closes.Add(GraceBase + DefaultOneWay), -1, "", 20 * time.Second},
		{"a clock before the opening", st, 1, t0.Add(-time.Second), oneWay, "", 0},
		{"an earlier question", st, 0, t0.Add(time.Second), oneWay, ReasonTooLate, 0},
		{"a later question", st, 2, t0.Add(time.Second), oneWay, ReasonUnknown, 0},
		{"no such question", st, 9, t0.Add(time.Second), oneWay, ReasonUnknown, 0},
		{"a negative index", st, -1, t0.Add(time.Second), oneWay, ReasonUnknown, 0},
		{"in the lobby", lobby, 0, t0, oneWay, ReasonUnknown, 0},
		{"paused", paused, 1, t0.Add(6 * time.Second), oneWay, ReasonNotOpen, 0},
		{"after the results", results, 1, closes.Add(-time.Second), oneWay, ReasonTooLate, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			elapsed, err := CheckAnswerTime(c.st, 3, c.index, c.now, c.oneWay)
			if got := reasonOf(err); got != c.reason {
				t.Fatalf("reason = %q (%v), want %q", got, err, c.reason)
			}
			if err == nil && elapsed != c.elapsed {
				t.Fatalf("elapsed = %v, want %v", elapsed, c.elapsed)
			}
		})
	}
}

func TestFinalizeAtIsTheCloseplusTheCap(t *testing.T) {
	st := openState(0)
	if got := FinalizeAt(st); !got.Equal(st.ClosesAt.Add(GraceCap)) {
		t.Fatalf("FinalizeAt = %v", got)
	}
	st.PausedAt = t0.Add(time.Second)
	if got := FinalizeAt(st); !got.IsZero() {
		t.Fatalf("FinalizeAt while paused = %v, want zero", got)
	}
}

func TestClockEstimatorTakesTheFastestRoundTrip(t *testing.T) {
	var e ClockEstimator
	if _, ok := e.Offset(); ok || e.OneWay() != -1 {
		t.Fatal("an empty estimator has an estimate")
	}
	// The client's clock is 3 s behind the server's. Symmetric 40 ms
	// trips, then a slow asymmetric one (queued on the way back).
	const skew = 3 * time.Second
	client := t0
	sample := func(up, down time.Duration) ClockSample {
		s := ClockSample{Sent: client, Server: client.Add(skew + up), Received: client.Add(up + down)}
		client = client.Add(time.Second)
		return s
	}
	e.Add(sample(20*time.Millisecond, 20*time.Millisecond))
	e.Add(sample(30*time.Millisecond, 400*time.Millisecond))
	if off, ok := e.Offset(); !ok || off != skew {
		t.Fatalf("Offset = %v, %v; want %v", off, ok, skew)
	}
	if got := e.OneWay(); got != 20*time.Millisecond {
		t.Fatalf("OneWay = %v, want 20ms", got)
	}
	// A faster sample wins; a negative round trip is ignored.
	e.Add(sample(5*time.Millisecond, 5*time.Millisecond))
	e.Add(ClockSample{Sent: t0.Add(time.Hour), Server: t0, Received: t0})
	if off, _ := e.Offset(); off != skew || e.OneWay() != 5*time.Millisecond {
		t.Fatalf("Offset, OneWay = %v, %v; want %v, 5ms", off, e.OneWay(), skew)
	}
	// Old samples age out: after ClockSamples slower ones, the fast one is gone.
	for range ClockSamples {
		e.Add(sample(50*time.Millisecond, 50*time.Millisecond))
	}
	if got := e.OneWay(); got != 50*time.Millisecond {
		t.Fatalf("OneWay after ageing = %v, want 50ms", got)
	}
	if s := (ClockSample{Sent: t0, Server: t0.Add(skew + 10*time.Millisecond), Received: t0.Add(30 * time.Millisecond)}); s.Offset() != skew-5*time.Millisecond {
		t.Fatalf("asymmetric sample offset = %v", s.Offset())
	}
}

package mail

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Each notification falls in the digest of the next 07:00 in the person's
// zone, and consecutive digests tile time across a DST change.
func TestDigestSlotsTileLocalDaysAcrossDST(t *testing.T) {
	st := lms.DefaultNotifySettings()
	st.TimeZone = "Europe/Paris" // clocks go forward on 29 March 2026, 02:00 -> 03:00
	utc := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	for _, c := range []struct {
		at       time.Time
		date     string
		from, to time.Time
	}{
		{utc(28, 5, 59), "2026-03-28", utc(27, 6, 0), utc(28, 6, 0)}, // 06:59 CET
		{utc(28, 6, 0), "2026-03-29", utc(28, 6, 0), utc(29, 5, 0)},  // 07:00 CET: the next day's
		{utc(29, 4, 59), "2026-03-29", utc(28, 6, 0), utc(29, 5, 0)}, // 06:59 CEST
		{utc(29, 5, 0), "2026-03-30", utc(29, 5, 0), utc(30, 5, 0)},
	} {
		got := digestSlot(st, c.at)
		if got.Date != c.date || !got.From.Equal(c.from) || !got.To.Equal(c.to) {
			t.Errorf("at %v: %+v, want %s [%v, %v)", c.at, got, c.date, c.from, c.to)
		}
		if run := st.QuietUntil(got.To); !run.Equal(got.To) {
			t.Errorf("at %v: runs at %v, want at 07:00 (quiet hours end then)", c.at, run)
		}
	}
	st.QuietEnd = 8 * 60 // quiet until 08:00: the digest waits for it
	if run := st.QuietUntil(digestSlot(st, utc(28, 12, 0)).To); !run.Equal(utc(29, 6, 0)) {
		t.Errorf("with quiet hours to 08:00 the digest runs at %v", run)
	}
}

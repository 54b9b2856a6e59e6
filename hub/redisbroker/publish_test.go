package redisbroker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
)

// TestPublishAfterItsDeadlineIsRefused makes the broker believe Redis's
// clock runs a minute behind, so every publish reaches Redis a minute after
// its deadline (as a request held up in the network would): the script must
// refuse it. Measuring the clock again makes publishing work.
func TestPublishAfterItsDeadlineIsRefused(t *testing.T) {
	rdb, prefix := testClient(t, "late", nil)
	b := New(rdb, Config{Prefix: prefix}, zerolog.Nop())
	ctx := context.Background()
	const topic = "course:late"

	b.clock.offset.Store(-time.Minute.Microseconds())
	if _, err := b.Publish(ctx, topic, []byte(`1`), hub.PublishOptions{}); !errors.Is(err, hub.ErrUnavailable) {
		t.Fatalf("late publish: %v, want ErrUnavailable", err)
	}
	res, err := b.History(ctx, topic, hub.HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Top.Offset != 0 {
		t.Fatalf("offset after a refused publish = %d, want 0", res.Top.Offset)
	}

	if err := b.syncClock(ctx); err != nil {
		t.Fatal(err)
	}
	if skew := time.Duration(b.clock.offset.Load()) * time.Microsecond; skew.Abs() > time.Second {
		t.Fatalf("measured offset %v to the same machine's Redis", skew)
	}
	pos, err := b.Publish(ctx, topic, []byte(`2`), hub.PublishOptions{})
	if err != nil || pos.Offset != 1 {
		t.Fatalf("publish after measuring the clock = %+v, %v; want offset 1", pos, err)
	}
}

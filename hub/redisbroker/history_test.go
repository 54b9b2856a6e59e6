package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// History reads wait for one of MaxHistoryReads slots (a reconnect storm's
// resubscribes must leave pooled connections to publishes), give up with
// ErrUnavailable at their deadline, and the default leaves half the pool
// free.
func TestHistoryReadsAreBounded(t *testing.T) {
	rdb, prefix := testClient(t, "hist", func(o *redis.Options) { o.PoolSize = 8 })
	if b := New(rdb, Config{Prefix: prefix}, zerolog.Nop()); cap(b.historySlots) != 4 {
		t.Fatalf("default history slots with a pool of 8 = %d, want 4", cap(b.historySlots))
	}
	b := New(rdb, Config{Prefix: prefix, MaxHistoryReads: 1}, zerolog.Nop())
	b.historySlots <- struct{}{} // a read in flight
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.History(ctx, "course:h", hub.HistoryOptions{}); !errors.Is(err, hub.ErrUnavailable) {
		t.Fatalf("history with every slot taken: %v, want ErrUnavailable at its deadline", err)
	}
	<-b.historySlots // the read ended
	if _, err := b.History(t.Context(), "course:h", hub.HistoryOptions{}); err != nil {
		t.Fatalf("history with a free slot: %v", err)
	}
}

// testClient connects to LYCEUM_TEST_REDIS_URL (options adjusted by tune,
// when set) and returns the client and a fresh key prefix named after
// what; the client closes and the prefix's keys go at cleanup.
func testClient(t *testing.T, what string, tune func(*redis.Options)) (*redis.Client, string) {
	t.Helper()
	opts, err := redis.ParseURL(testenv.Lookup(t, "LYCEUM_TEST_REDIS_URL"))
	if err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL: %v", err)
	}
	opts.ContextTimeoutEnabled = true
	if tune != nil {
		tune(opts)
	}
	rdb := redis.NewClient(opts)
	prefix := fmt.Sprintf("lyceumtest:%d:%s:", time.Now().UnixNano(), what)
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	return rdb, prefix
}

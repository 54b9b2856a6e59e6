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
	opts, err := redis.ParseURL(testenv.Lookup(t, "LYCEUM_TEST_REDIS_URL"))
	if err != nil {
		t.Fatalf("LYCEUM_TEST_REDIS_URL: %v", err)
	}
	opts.ContextTimeoutEnabled = true
	opts.PoolSize = 8
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	prefix := fmt.Sprintf("lyceumtest:%d:hist:", time.Now().UnixNano())
	t.Cleanup(func() {
		if keys, _ := rdb.Keys(context.Background(), prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(context.Background(), keys...)
		}
	})
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

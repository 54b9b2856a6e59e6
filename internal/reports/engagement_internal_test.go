package reports

import (
	"context"
	"errors"
	"testing"
)

func TestConcurrentlyReturnsTheFirstErrorAndCancelsTheRest(t *testing.T) {
	boom := errors.New("boom")
	ran := make(chan struct{}, 1)
	err := concurrently(t.Context(),
		func(context.Context) error { ran <- struct{}{}; return nil },
		func(context.Context) error { return boom },
		func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }) // ends only when cancelled
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if len(ran) != 1 {
		t.Error("a part that succeeded did not run")
	}
	if err := concurrently(t.Context(), func(context.Context) error { return nil }); err != nil {
		t.Errorf("all parts succeeded: err = %v", err)
	}
}

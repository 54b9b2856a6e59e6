package hub

import (
	"fmt"
	"testing"
	"time"
)

// TestRecentWindowFollowsTheStream: the window keeps the last DefaultRecentPublications
// publications with consecutive offsets ending at the topic's last, starts
// again after a gap or a new epoch, and skips frames too large to keep.
func TestRecentWindowFollowsTheStream(t *testing.T) {
	tp := newTopic("course:w", DefaultRecentPublications)
	deliver := func(epoch string, offset uint64, size int) {
		tp.deliver(Publication{Epoch: epoch, Offset: offset, Data: []byte(fmt.Sprintf("%q", make([]byte, size)))}, time.Now())
	}
	check := func(what string, first, last uint64) {
		t.Helper()
		if n := tp.recent.len(); n != int(last-first+1) || (n > 0 && (tp.recent.at(0).offset != first || tp.recent.at(n-1).offset != last)) {
			t.Fatalf("%s: window holds %d from %d, want %d..%d", what, n, tp.recent.at(0).offset, first, last)
		}
		for i := 1; i < tp.recent.len(); i++ {
			if tp.recent.at(i).offset != tp.recent.at(i-1).offset+1 {
				t.Fatalf("%s: offsets not consecutive at %d", what, i)
			}
		}
	}
	for o := uint64(1); o <= 10; o++ {
		deliver("e1", o, 10)
	}
	check("ten", 1, 10)
	for o := uint64(11); o <= 100; o++ {
		deliver("e1", o, 10)
	}
	check("a full ring", 100-DefaultRecentPublications+1, 100)
	deliver("e1", 100, 10) // a duplicate changes nothing
	check("after a duplicate", 100-DefaultRecentPublications+1, 100)
	deliver("e1", 103, 10) // a gap: the window starts again
	check("after a gap", 103, 103)
	deliver("e2", 1, 10) // a new epoch
	deliver("e2", 2, 10)
	check("a new epoch", 1, 2)
	deliver("e2", 3, recentMaxFrame) // too large to keep: nothing before it can be replayed from here
	if tp.recent.len() != 0 {
		t.Fatalf("after a large frame the window holds %d", tp.recent.len())
	}
	deliver("e2", 4, 10) // and 3 is not in the window, so it does not continue
	if tp.recent.len() != 1 || tp.recent.at(0).offset != 4 {
		t.Fatalf("after the large frame: %d entries", tp.recent.len())
	}
}

package hub

import "testing"

// TestChunkSizeNeverMoreChunksThanPs: a publication's fan-out is split
// into at most one writeChunk goroutine per P, and never into chunks
// smaller than writerChunk.
func TestChunkSizeNeverMoreChunksThanPs(t *testing.T) {
	for _, tc := range []struct{ n, procs, want int }{
		{n: 5, procs: 1, want: writerChunk},
		{n: 105, procs: 1, want: 105}, // one P: one goroutine writes them all
		{n: 1000, procs: 1, want: 1000},
		{n: 105, procs: 2, want: writerChunk},
		{n: 1000, procs: 2, want: 500},
		{n: 1001, procs: 2, want: 501},
		{n: 1000, procs: 8, want: 125},
		{n: 1000, procs: 64, want: writerChunk},
		{n: 1000, procs: 0, want: 1000},
	} {
		got := chunkSize(tc.n, tc.procs)
		if got != tc.want {
			t.Errorf("chunkSize(%d, %d) = %d, want %d", tc.n, tc.procs, got, tc.want)
		}
		if chunks := (tc.n + got - 1) / got; tc.procs > 0 && chunks > max(1, tc.procs) && got > writerChunk {
			t.Errorf("chunkSize(%d, %d) = %d makes %d chunks for %d Ps", tc.n, tc.procs, got, chunks, tc.procs)
		}
	}
}

package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// coreTimes is one reading of /proc/stat's per-core lines: for each core,
// the ticks spent busy (everything but idle and iowait) and in total.
type coreTimes struct {
	busy, total []uint64
}

// readCoreTimes reads /proc/stat; ok is false where it cannot (not Linux).
func readCoreTimes() (coreTimes, bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return coreTimes{}, false
	}
	defer f.Close()
	return parseCoreTimes(bufio.NewScanner(f))
}

// parseCoreTimes reads the "cpuN user nice system idle iowait irq softirq
// steal ..." lines of /proc/stat.
func parseCoreTimes(sc *bufio.Scanner) (coreTimes, bool) {
	var ct coreTimes
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "cpu") || strings.HasPrefix(line, "cpu ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			return coreTimes{}, false
		}
		var total, idle uint64
		for i, s := range f[1:] {
			if i >= 8 { // guest times are already counted in user and nice
				break
			}
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return coreTimes{}, false
			}
			total += v
			if i == 3 || i == 4 { // idle, iowait
				idle += v
			}
		}
		ct.busy = append(ct.busy, total-idle)
		ct.total = append(ct.total, total)
	}
	return ct, len(ct.total) > 0
}

// busySince is each core's busy share (0–1) between prev and ct; nil when
// the two readings do not match.
func (ct coreTimes) busySince(prev coreTimes) []float64 {
	if len(ct.total) == 0 || len(ct.total) != len(prev.total) {
		return nil
	}
	out := make([]float64, len(ct.total))
	for i := range ct.total {
		if d := ct.total[i] - prev.total[i]; d > 0 {
			out[i] = float64(ct.busy[i]-prev.busy[i]) / float64(d)
		}
	}
	return out
}

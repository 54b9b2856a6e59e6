// Command stormtrace attributes a storm run's slow deliveries to what node B
// did meanwhile, from node B's execution trace (storm.sh TRACE=1) and the
// tool's list of slow deliveries (storm.sh SLOW=8ms, the JSON's b_slow).
//
//	go run ./docs/scripts/stormtrace -out /tmp/storm/TAG/out.txt /tmp/storm/TAG/b.trace
//
// It prints, per kind of goroutine (named by where it last blocked, or where
// it was started), how long goroutines waited between being made runnable and
// running; then, for each slow delivery inside the trace, how node B's time
// went from its sending to its arrival: the goroutines that ran, the time in
// system calls, the collector's phases, when node B read the publisher's frame
// (a delivery is slow there if that read comes late) and every wait of more
// than a millisecond. Its own module, so that the project does not depend on
// golang.org/x/exp.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

type span struct {
	g          trace.GoID
	syscall    bool
	start, end trace.Time
}

type wake struct {
	g       trace.GoID
	at, ran trace.Time
	by      string
}

type phase struct {
	name       string
	start, end trace.Time
}

type slow struct {
	SentUnixNS int64   `json:"sent_unix_ns"`
	MS         float64 `json:"ms"`
}

// skipped are the frames a goroutine is not named by.
var skipped = []string{"runtime.", "internal/", "sync.", "net.", "syscall.", "os.", "bufio.", "io.", "crypto/tls"}

func name(s trace.Stack) string {
	var parts []string
	for f := range s.Frames() {
		skip := false
		for _, p := range skipped {
			skip = skip || strings.HasPrefix(f.Func, p)
		}
		if skip {
			continue
		}
		parts = append(parts, f.Func[strings.LastIndex(f.Func, "/")+1:])
		if len(parts) == 2 {
			break
		}
	}
	return strings.Join(parts, " < ")
}

func main() {
	out := flag.String("out", "", "the storm's out.txt (its JSON line has b_slow)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: stormtrace [-out out.txt] b.trace")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out); err != nil {
		fmt.Fprintln(os.Stderr, "stormtrace:", err)
		os.Exit(1)
	}
}

func run(tracePath, outPath string) error {
	f, err := os.Open(tracePath)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return err
	}
	var (
		first, last        trace.Time
		snapWall           time.Time
		snapTrace          trace.Time
		spans              []span
		wakes              []wake
		phases             []phase
		names              = map[trace.GoID]string{}
		runnable           = map[trace.GoID]trace.Time{}
		runnableBy         = map[trace.GoID]string{}
		running, inSyscall = map[trace.GoID]trace.Time{}, map[trace.GoID]trace.Time{}
		open               = map[string]trace.Time{}
	)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		t := ev.Time()
		if first == 0 {
			first = t
		}
		last = t
		switch ev.Kind() {
		case trace.EventSync:
			if cs := ev.Sync().ClockSnapshot; cs != nil && snapWall.IsZero() {
				snapWall, snapTrace = cs.Wall, cs.Trace
			}
		case trace.EventRangeBegin:
			if ev.Range().Scope.Kind == trace.ResourceNone { // the collector's global phases
				open[ev.Range().Name] = t
			}
		case trace.EventRangeEnd:
			if n := ev.Range().Name; ev.Range().Scope.Kind == trace.ResourceNone {
				phases = append(phases, phase{n, open[n], t})
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			g := st.Resource.Goroutine()
			from, to := st.Goroutine()
			if n := name(st.Stack); n != "" && to == trace.GoWaiting {
				names[g] = n
			} else if n != "" && from == trace.GoNotExist {
				names[g] = "started: " + n
			}
			if s, ok := running[g]; ok && from == trace.GoRunning {
				spans = append(spans, span{g: g, start: s, end: t})
				delete(running, g)
			}
			if s, ok := inSyscall[g]; ok && from == trace.GoSyscall {
				spans = append(spans, span{g: g, syscall: true, start: s, end: t})
				delete(inSyscall, g)
			}
			switch to {
			case trace.GoRunnable:
				runnable[g] = t
				switch {
				case from == trace.GoRunning:
					runnableBy[g] = "preempted or yielded"
				case ev.Goroutine() != trace.NoGoroutine:
					runnableBy[g] = names[ev.Goroutine()]
				default:
					runnableBy[g] = "the network poller or a timer"
				}
			case trace.GoRunning:
				running[g] = t
				if a, ok := runnable[g]; ok {
					wakes = append(wakes, wake{g, a, t, runnableBy[g]})
					delete(runnable, g)
				}
			case trace.GoSyscall:
				inSyscall[g] = t
			}
		}
	}
	printWaits(wakes, names)
	if outPath == "" {
		return nil
	}
	slows, err := readSlow(outPath)
	if err != nil {
		return err
	}
	if snapWall.IsZero() {
		return fmt.Errorf("the trace has no clock snapshot (Go 1.25 or later writes one)")
	}
	// The publisher's connection is the one whose frames node B reads most often.
	reads := map[trace.GoID]int{}
	for _, w := range wakes {
		if strings.Contains(names[w.g], "readFrameHeader") {
			reads[w.g]++
		}
	}
	var pub trace.GoID
	for g, n := range reads {
		if n > reads[pub] {
			pub = g
		}
	}
	seen := map[int64]bool{}
	for _, s := range slows {
		if seen[s.SentUnixNS] {
			continue // one line per publication, not per receiving client
		}
		seen[s.SentUnixNS] = true
		t0 := snapTrace + trace.Time(time.Unix(0, s.SentUnixNS).Sub(snapWall))
		t1 := t0 + trace.Time(s.MS*float64(time.Millisecond))
		if t0 < first || t1 > last {
			continue
		}
		printWindow(s, t0, t1, first, spans, wakes, phases, names, pub)
	}
	return nil
}

func readSlow(path string) ([]slow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "{") {
			var res struct {
				Slow []slow `json:"b_slow"`
			}
			err := json.Unmarshal([]byte(line), &res)
			return res.Slow, err
		}
	}
	return nil, fmt.Errorf("%s: no JSON line", path)
}

func printWaits(wakes []wake, names map[trace.GoID]string) {
	type agg struct {
		n, over1ms, over5ms int
		sum, max            time.Duration
	}
	by := map[string]*agg{}
	for _, w := range wakes {
		d := time.Duration(w.ran - w.at)
		a := by[names[w.g]]
		if a == nil {
			a = &agg{}
			by[names[w.g]] = a
		}
		a.n++
		a.sum += d
		a.max = max(a.max, d)
		if d > time.Millisecond {
			a.over1ms++
		}
		if d > 5*time.Millisecond {
			a.over5ms++
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return by[keys[i]].sum > by[keys[j]].sum })
	fmt.Println("waits from runnable to running, by goroutine (the 20 that waited longest in all):")
	fmt.Printf("%7s %10s %10s %6s %6s  %s\n", "wakes", "mean", "max", ">1ms", ">5ms", "goroutine")
	for _, k := range keys[:min(20, len(keys))] {
		a := by[k]
		fmt.Printf("%7d %10v %10v %6d %6d  %s\n", a.n, (a.sum / time.Duration(a.n)).Round(time.Microsecond), a.max.Round(time.Microsecond), a.over1ms, a.over5ms, k)
	}
}

func printWindow(s slow, t0, t1, first trace.Time, spans []span, wakes []wake, phases []phase, names map[trace.GoID]string, pub trace.GoID) {
	at := func(t trace.Time) string { return fmt.Sprintf("%+.1f ms", float64(t-t0)/1e6) }
	busy := map[string]time.Duration{}
	var ran, sys time.Duration
	for _, sp := range spans {
		lo, hi := max(sp.start, t0), min(sp.end, t1)
		if hi <= lo {
			continue
		}
		d := time.Duration(hi - lo)
		if sp.syscall {
			sys += d
			busy["in a system call: "+names[sp.g]] += d
		} else {
			ran += d
			busy[names[sp.g]] += d
		}
	}
	fmt.Printf("\n%.1f ms, sent %.3f s into the trace: goroutines ran %v, in system calls %v\n", s.MS, float64(t0-first)/1e9, ran.Round(time.Microsecond), sys.Round(time.Microsecond))
	for _, p := range phases {
		if p.end > t0 && p.start < t1 {
			fmt.Printf("   collector: %s from %s for %.1f ms\n", p.name, at(p.start), float64(p.end-p.start)/1e6)
		}
	}
	for _, w := range wakes {
		if w.g == pub && w.at >= t0-trace.Time(2*time.Millisecond) && w.at < t1 {
			fmt.Printf("   the publisher's frame: readable (runnable) at %s, read at %s\n", at(w.at), at(w.ran))
		}
	}
	keys := make([]string, 0, len(busy))
	for k := range busy {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return busy[keys[i]] > busy[keys[j]] })
	for _, k := range keys[:min(6, len(keys))] {
		fmt.Printf("   %10v  %s\n", busy[k].Round(time.Microsecond), k)
	}
	n := 0
	for _, w := range wakes {
		if w.ran > t0 && w.at < t1 && time.Duration(w.ran-w.at) > time.Millisecond {
			n++
		}
	}
	fmt.Printf("   %d goroutines waited more than 1 ms to run in this window\n", n)
}

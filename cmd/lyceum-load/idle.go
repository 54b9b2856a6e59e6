package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Idle defaults.
const (
	defaultIdleConnections = 19500
	defaultIdleHold        = 10 * time.Second
	metricsTimeout         = 5 * time.Second
)

// memorySample is the server's memory at one moment (0 when unknown).
type memorySample struct {
	RSSBytes       float64 `json:"rss_bytes"`                  // process_resident_memory_bytes
	HeapInuseBytes float64 `json:"heap_inuse_bytes,omitempty"` // go_memstats_heap_inuse_bytes
	GoSysBytes     float64 `json:"go_sys_bytes,omitempty"`     // go_memstats_sys_bytes
	Goroutines     float64 `json:"goroutines,omitempty"`       // go_goroutines
	ProcRSSBytes   float64 `json:"proc_rss_bytes,omitempty"`   // VmRSS of /proc/<pid>/status
}

// sampleMemory reads the server's metrics and/or /proc (either may be empty/0).
func sampleMemory(ctx context.Context, metricsURL string, pid int) (memorySample, error) {
	var m memorySample
	if metricsURL != "" {
		vals, err := scrape(ctx, metricsURL)
		if err != nil {
			return m, err
		}
		m.RSSBytes = vals["process_resident_memory_bytes"]
		m.HeapInuseBytes = vals["go_memstats_heap_inuse_bytes"]
		m.GoSysBytes = vals["go_memstats_sys_bytes"]
		m.Goroutines = vals["go_goroutines"]
	}
	if pid > 0 {
		rss, err := procRSS(pid)
		if err != nil {
			return m, err
		}
		m.ProcRSSBytes = rss
		if m.RSSBytes == 0 {
			m.RSSBytes = rss
		}
	}
	return m, nil
}

// scrape fetches a Prometheus text exposition and returns the unlabelled samples.
func scrape(ctx context.Context, u string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, metricsTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads "name value" lines (labelled samples and comments are skipped).
func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		val, _, _ = strings.Cut(strings.TrimSpace(val), " ") // drop a timestamp
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			continue
		}
		out[name] = f
	}
	return out, sc.Err()
}

// procRSS returns VmRSS of pid in bytes.
func procRSS(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmRSS(f)
}

func parseVmRSS(r io.Reader) (float64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) >= 1 {
				kb, err := strconv.ParseFloat(fields[0], 64)
				if err != nil {
					return 0, err
				}
				return kb * 1024, nil
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS line")
}

// idleResult is the outcome of the idle mode.
type idleResult struct {
	Connect     connectStats `json:"connect"`
	HoldSeconds float64      `json:"hold_seconds"`
	Disconnects uint64       `json:"disconnects"`
	Before      memorySample `json:"memory_before"`
	After       memorySample `json:"memory_after"`
	// Per connection: (after - before) / connections.
	RSSPerConnBytes       float64        `json:"rss_per_connection_bytes"`
	HeapInusePerConnBytes float64        `json:"heap_inuse_per_connection_bytes,omitempty"`
	ProcRSSPerConnBytes   float64        `json:"proc_rss_per_connection_bytes,omitempty"`
	DisconnectCodes       map[string]int `json:"disconnect_codes,omitempty"` // by close code
	// With -server-pid: the server's CPU while the connections were made
	// (upgrade, hello, subscribe), per connection, and its share of a core
	// then (connects/s follows that share on a busy machine; the CPU per
	// connect does not).
	ServerCPUPerConnectUS float64 `json:"server_cpu_per_connect_us,omitempty"`
	ServerCPUUtil         float64 `json:"server_cpu_utilization,omitempty"`
	ToolCPUUtil           float64 `json:"tool_cpu_utilization"`
}

func (r *idleResult) summary(w io.Writer) {
	defer printCodes(w, r.DisconnectCodes)
	fmt.Fprintf(w, "idle: %d connections (%d failed) in %.1fs = %.0f connections/s; connect+subscribe p50 %.1f ms p99 %.1f ms max %.1f ms\n",
		r.Connect.Connections, r.Connect.Failed, r.Connect.Seconds, r.Connect.PerSecond,
		r.Connect.Latency.P50MS, r.Connect.Latency.P99MS, r.Connect.Latency.MaxMS)
	if r.ServerCPUPerConnectUS > 0 {
		fmt.Fprintf(w, "  server CPU while connecting: %.0f µs per connection (%.0f %% of a core); tool CPU %.0f %%\n",
			r.ServerCPUPerConnectUS, 100*r.ServerCPUUtil, 100*r.ToolCPUUtil)
	}
	fmt.Fprintf(w, "  held %.0fs, disconnects %d\n", r.HoldSeconds, r.Disconnects)
	if r.Before.RSSBytes > 0 {
		fmt.Fprintf(w, "  server RSS %.1f MiB -> %.1f MiB: %.2f KiB per connection\n",
			r.Before.RSSBytes/(1<<20), r.After.RSSBytes/(1<<20), r.RSSPerConnBytes/1024)
	}
	if r.Before.HeapInuseBytes > 0 {
		fmt.Fprintf(w, "  server Go heap in use %.1f MiB -> %.1f MiB: %.2f KiB per connection; goroutines %.0f -> %.0f\n",
			r.Before.HeapInuseBytes/(1<<20), r.After.HeapInuseBytes/(1<<20), r.HeapInusePerConnBytes/1024,
			r.Before.Goroutines, r.After.Goroutines)
	}
	if r.Before.ProcRSSBytes > 0 {
		fmt.Fprintf(w, "  /proc VmRSS %.1f MiB -> %.1f MiB: %.2f KiB per connection\n",
			r.Before.ProcRSSBytes/(1<<20), r.After.ProcRSSBytes/(1<<20), r.ProcRSSPerConnBytes/1024)
	}
}

func runIdle(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("N connections held open, each subscribed to its own topic. With -metrics (the server's\n" +
		"admin listener) and/or -server-pid, reports server memory per connection (after - before) / N.")
	n := fs.Int("n", defaultIdleConnections, "connections")
	hold := fs.Duration("hold", defaultIdleHold, "how long to hold the connections before measuring")
	metricsURL := fs.String("metrics", "", "the server's Prometheus endpoint, e.g. http://127.0.0.1:9090/metrics")
	pid := fs.Int("server-pid", 0, "the server's process id, to read /proc/<pid>/status")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := checkCount("n", *n, maxConnections); err != nil {
		return nil, err
	}
	if err := checkDuration("hold", *hold); err != nil {
		return nil, err
	}
	if *metricsURL != "" {
		if err := checkLoopbackURL(*metricsURL); err != nil {
			return nil, fmt.Errorf("-metrics: %w", err)
		}
	}
	if err := c.checkFiles(*n); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	before, err := sampleMemory(ctx, *metricsURL, *pid)
	if err != nil {
		return nil, fmt.Errorf("server memory before: %w", err)
	}
	prefix := "load:idle-" + runID() + "-"
	cnt := &counters{}
	d := &dialer{c: c, url: wsURL(c.baseURL), cnt: cnt, setup: func(ctx context.Context, cl *client) error {
		_, err := cl.subscribe(ctx, &subState{topic: prefix + strconv.Itoa(cl.idx)})
		return err
	}}
	var pids []int
	if *pid > 0 {
		pids = []int{*pid}
	}
	cpu := startCPU(pids)
	clients, cs := d.dialAll(ctx, 0, *n)
	cpuStats := cpu.stop()
	defer closeAll(clients)
	if cs.Failed > 0 {
		fmt.Fprintf(c.stderr, "warning: %d of %d connections failed: %s\n", cs.Failed, *n, cs.FirstError)
	}
	stop := c.progress(func(time.Duration) string {
		return fmt.Sprintf("holding %d connections, disconnects %d", cs.Connections, cnt.disconnects.Load())
	})
	select {
	case <-ctx.Done():
	case <-time.After(*hold):
	}
	stop()
	after, err := sampleMemory(ctx, *metricsURL, *pid)
	if err != nil {
		return nil, fmt.Errorf("server memory after: %w", err)
	}
	res := &idleResult{Connect: cs, HoldSeconds: hold.Seconds(), Disconnects: cnt.disconnects.Load(), Before: before, After: after}
	if k := float64(cs.Connections); k > 0 {
		res.RSSPerConnBytes = (after.RSSBytes - before.RSSBytes) / k
		res.HeapInusePerConnBytes = (after.HeapInuseBytes - before.HeapInuseBytes) / k
		res.ProcRSSPerConnBytes = (after.ProcRSSBytes - before.ProcRSSBytes) / k
	}
	res.DisconnectCodes = cnt.closeCodes()
	res.ServerCPUUtil, res.ToolCPUUtil = cpuStats.ServerCPUUtil, cpuStats.ToolCPUUtil
	if cs.Connections > 0 {
		res.ServerCPUPerConnectUS = cpuStats.ServerCPUSeconds * 1e6 / float64(cs.Connections)
	}
	return res, nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Comparison defaults.
const (
	defaultCompareRuns = 3
	compareBasePort    = 18600
	serverReadyTimeout = 60 * time.Second
	serverStopTimeout  = 15 * time.Second
	toolCPUWarn        = 0.90 // the tool's own core share above which a figure may measure the tool
)

// compareParams are the settings of the compare mode.
type compareParams struct {
	lyceumBin, centrifugoBin string
	baselineBin              string // instead of Centrifugo: another lyceum binary (A/B of a change)
	runs                     int
	n                        int
	rate                     float64
	dur                      time.Duration
	spin                     bool
	redisURL, databaseURL    string
	serverCore               string
	workDir                  string
}

// compareRun is one run of one server.
type compareRun struct {
	Target            string         `json:"target"`
	Run               int            `json:"run"`
	LoadAvg           string         `json:"load_average"` // /proc/loadavg's first three fields before the run
	Spin              bool           `json:"competing_cpu"`
	Latency           LatencySummary `json:"latency"`
	Delivered         uint64         `json:"delivered"`
	Expected          uint64         `json:"expected"`
	Gaps              uint64         `json:"gaps"`
	Disconnects       uint64         `json:"disconnects"`
	ServerCPUPerDelUS float64        `json:"server_cpu_us_per_delivery"`
	WritesPerDelivery float64        `json:"writes_per_delivery"`
	ToolCPU           float64        `json:"tool_cpu_utilization"`
	ServerCPU         float64        `json:"server_cpu_utilization"` // share of a core the server(s) got
	ConnectPerSecond  float64        `json:"connects_per_second"`
	Error             string         `json:"error,omitempty"` // the run failed (left out of the medians)
}

// compareResult is the outcome of the compare mode.
type compareResult struct {
	Subscribers int                  `json:"subscribers"`
	Rate        float64              `json:"rate"`
	Seconds     float64              `json:"seconds"`
	Redis       bool                 `json:"redis"`
	Spin        bool                 `json:"competing_cpu"`
	Runs        []compareRun         `json:"runs"`
	Medians     map[string]compareMd `json:"medians"`
	Ratios      compareMd            `json:"ratios"` // Lyceum / Centrifugo (or the baseline) of the medians
	Labels      [2]string            `json:"labels"` // "lyceum" and "centrifugo" (or "baseline")
}

// contender is one of the two servers compared.
type contender struct {
	label string
	kind  target
	bin   string
}

// contenders are Lyceum and Centrifugo, or Lyceum and the baseline binary.
func (p compareParams) contenders() [2]contender {
	other := contender{"centrifugo", targetCentrifugo, p.centrifugoBin}
	if p.baselineBin != "" {
		other = contender{"baseline", targetLyceum, p.baselineBin}
	}
	return [2]contender{{"lyceum", targetLyceum, p.lyceumBin}, other}
}

// compareMd is a set of medians (or their ratios).
type compareMd struct {
	P50MS             float64 `json:"p50_ms"`
	P99MS             float64 `json:"p99_ms"`
	ServerCPUPerDelUS float64 `json:"server_cpu_us_per_delivery"`
	WritesPerDelivery float64 `json:"writes_per_delivery"`
	ConnectPerSecond  float64 `json:"connects_per_second"`
}

func (r *compareRun) line() string {
	if r.Error != "" {
		return fmt.Sprintf("run %d %-10s load %s  FAILED: %s", r.Run, r.Target, r.LoadAvg, r.Error)
	}
	warn := ""
	if r.ToolCPU > toolCPUWarn {
		warn = fmt.Sprintf("  WARNING: the tool used %.0f%% of its core: the client may be the limit", 100*r.ToolCPU)
	}
	return fmt.Sprintf("run %d %-10s load %s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  delivered %d/%d gaps %d disc %d  "+
		"server %.0f%% CPU, %.2f µs CPU/delivery  %.2f writes/delivery  connects %.0f/s  tool CPU %.0f%%%s",
		r.Run, r.Target, r.LoadAvg, r.Latency.P50MS, r.Latency.P99MS, r.Latency.MaxMS, r.Delivered, r.Expected, r.Gaps,
		r.Disconnects, 100*r.ServerCPU, r.ServerCPUPerDelUS, r.WritesPerDelivery, r.ConnectPerSecond, 100*r.ToolCPU, warn)
}

func (r *compareResult) summary(w io.Writer) {
	kind := "memory engine / in-process broker"
	if r.Redis {
		kind = "Redis, two nodes (publisher on A, subscribers on B)"
	}
	spin := ""
	if r.Spin {
		spin = ", a competing busy loop on the server core"
	}
	fmt.Fprintf(w, "compare: fan-out %d subscribers x %.0f msg/s x %.0fs, %s%s\n", r.Subscribers, r.Rate, r.Seconds, kind, spin)
	for i := range r.Runs {
		fmt.Fprintln(w, "  "+r.Runs[i].line())
	}
	for _, t := range r.Labels {
		m := r.Medians[t]
		fmt.Fprintf(w, "  median %-10s p50 %.2f ms  p99 %.2f ms  %.2f µs CPU/delivery  %.2f writes/delivery  %.0f connects/s\n",
			t, m.P50MS, m.P99MS, m.ServerCPUPerDelUS, m.WritesPerDelivery, m.ConnectPerSecond)
	}
	q := r.Ratios
	fmt.Fprintf(w, "  ratio %s/%s: p50 %.2f  p99 %.2f  CPU/delivery %.2f  writes/delivery %.2f  connects/s %.2f\n",
		r.Labels[0], r.Labels[1], q.P50MS, q.P99MS, q.ServerCPUPerDelUS, q.WritesPerDelivery, q.ConnectPerSecond)
}

func runCompare(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("Lyceum and Centrifugo v6 side by side, interleaved (L, C, L, C, ...), a fresh server per run pinned to\n" +
		"-server-core with GOMAXPROCS=1: the fanout of -n subscribers at -rate for -duration against each. Run the tool\n" +
		"itself on another core (taskset -c 1). With -redis, two nodes of each (publisher on A, subscribers on B; Lyceum\n" +
		"also needs -database-url). With -spin, a duty-cycled busy loop (1 ms on, 2 ms off) competes on the server core.")
	p := compareParams{}
	home, _ := os.UserHomeDir()
	fs.StringVar(&p.centrifugoBin, "centrifugo", filepath.Join(home, "go", "bin", "centrifugo"), "centrifugo v6 binary")
	fs.StringVar(&p.baselineBin, "baseline", "", "compare -lyceum with this other lyceum binary instead of Centrifugo (A/B of a change)")
	fs.IntVar(&p.runs, "runs", defaultCompareRuns, "runs of each server")
	fs.IntVar(&p.n, "n", defaultFanoutSubscribers, "subscribers")
	fs.Float64Var(&p.rate, "rate", defaultFanoutRate, "publications per second")
	fs.DurationVar(&p.dur, "duration", defaultFanoutDuration, "how long to publish in each run")
	fs.BoolVar(&p.spin, "spin", false, "run a competing busy loop (1 ms on, 2 ms off) on the server core during each run")
	fs.StringVar(&p.redisURL, "redis", "", "Redis URL: two nodes of each server over Redis")
	fs.StringVar(&p.serverCore, "server-core", "0", "CPU list the servers (and the busy loop) are pinned to")
	fs.StringVar(&p.workDir, "work", "", "directory for data directories and configuration files (default: a new temporary one)")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	p.lyceumBin, p.databaseURL = c.lyceumBin, c.databaseURL
	if p.runs < 1 || p.runs > 10 {
		return nil, fmt.Errorf("-runs must be 1..10")
	}
	if err := checkDuration("duration", p.dur); err != nil {
		return nil, err
	}
	if p.redisURL != "" && p.databaseURL == "" {
		return nil, fmt.Errorf("-redis needs -database-url (Lyceum's nodes share a PostgreSQL database)")
	}
	cons := p.contenders()
	for _, con := range cons {
		if _, err := exec.LookPath(con.bin); err != nil {
			return nil, fmt.Errorf("%s: %w", con.bin, err)
		}
	}
	if p.workDir == "" {
		dir, err := os.MkdirTemp("", "lyceum-compare-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		p.workDir = dir
	}
	if aff := selfAffinity(); strings.Contains(aff, p.serverCore) || aff == "" {
		fmt.Fprintf(c.stderr, "warning: the tool may run on the server core (Cpus_allowed_list %q): start it with taskset -c 1\n", aff)
	}
	res := &compareResult{Subscribers: p.n, Rate: p.rate, Seconds: p.dur.Seconds(), Redis: p.redisURL != "", Spin: p.spin,
		Labels: [2]string{cons[0].label, cons[1].label}}
	for run := 1; run <= p.runs; run++ {
		for _, con := range cons {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			load := loadAverage()
			r, err := compareOne(ctx, c, p, con, run)
			if err != nil {
				if ctx.Err() != nil {
					return nil, err
				}
				r = compareRun{Target: con.label, Run: run, LoadAvg: load, Spin: p.spin, Error: err.Error()}
			}
			fmt.Fprintln(c.stderr, r.line())
			res.Runs = append(res.Runs, r)
		}
	}
	res.Medians = map[string]compareMd{}
	for _, con := range cons {
		res.Medians[con.label] = medians(res.Runs, con.label)
	}
	l, cf := res.Medians[cons[0].label], res.Medians[cons[1].label]
	res.Ratios = compareMd{P50MS: ratio(l.P50MS, cf.P50MS), P99MS: ratio(l.P99MS, cf.P99MS),
		ServerCPUPerDelUS: ratio(l.ServerCPUPerDelUS, cf.ServerCPUPerDelUS),
		WritesPerDelivery: ratio(l.WritesPerDelivery, cf.WritesPerDelivery),
		ConnectPerSecond:  ratio(l.ConnectPerSecond, cf.ConnectPerSecond)}
	return res, nil
}

// compareOne starts fresh servers of kind t, runs the fan-out against them
// and stops them.
func compareOne(ctx context.Context, c *common, p compareParams, con contender, run int) (compareRun, error) {
	t := con.kind
	nodes := 1
	if p.redisURL != "" {
		nodes = 2
	}
	tag := fmt.Sprintf("%s-%d-%s", con.label, run, runID())
	var procs []*proc
	defer func() {
		for _, pr := range procs {
			pr.stop()
		}
	}()
	var pids []int
	var urls []string
	var firstData string
	for k := range nodes {
		port := compareBasePort + 10*k
		if t == targetCentrifugo {
			port += 5
		}
		base := fmt.Sprintf("http://127.0.0.1:%d", port)
		dir := filepath.Join(p.workDir, fmt.Sprintf("%s-node%d", tag, k))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return compareRun{}, err
		}
		cmd, err := serverCommand(p, con, port, dir, tag)
		if err != nil {
			return compareRun{}, err
		}
		pr, err := start(cmd)
		if err != nil {
			return compareRun{}, err
		}
		procs = append(procs, pr)
		if err := waitReady(ctx, base, pr); err != nil {
			return compareRun{}, err
		}
		pids = append(pids, cmd.Process.Pid)
		urls = append(urls, base)
		if k == 0 {
			firstData = dir
		}
	}
	fc := &common{mode: "fanout", stdout: io.Discard, stderr: c.stderr, baseURL: urls[len(urls)-1], pubURL: urls[0],
		dialConc: c.dialConc, quiet: true, target: t}
	if t == targetLyceum {
		data := firstData
		if p.databaseURL != "" {
			data = ""
		}
		tok, err := tokenFromCLI(ctx, con.bin, data, p.databaseURL)
		if err != nil {
			return compareRun{}, fmt.Errorf("creating a token: %w", err)
		}
		fc.token = tok
		fc.header = http.Header{"Authorization": {"Bearer " + tok}}
	}
	if p.spin {
		spin, err := startSpinner(p, p.dur+5*time.Minute)
		if err != nil {
			return compareRun{}, err
		}
		procs = append(procs, spin)
	}
	load := loadAverage()
	res, err := fanout(ctx, fc, fanoutParams{n: p.n, rates: []float64{p.rate}, length: p.dur, pids: pids})
	if err != nil {
		return compareRun{}, err
	}
	st := res.Steps[0]
	r := compareRun{Target: con.label, Run: run, LoadAvg: load, Spin: p.spin, Latency: st.Latency,
		Delivered: st.Deliveries.Delivered, Expected: st.Deliveries.Expected, Gaps: st.Deliveries.Gaps,
		Disconnects: st.Disconnects, ToolCPU: st.CPU.ToolCPUUtil, ServerCPU: st.CPU.ServerCPUUtil, ConnectPerSecond: res.Connect.PerSecond}
	if del := st.DeliveriesPerSec * st.Seconds; del > 0 {
		r.ServerCPUPerDelUS = st.CPU.ServerCPUSeconds * 1e6 / del
		r.WritesPerDelivery = float64(st.CPU.ServerWrites) / del
	}
	return r, nil
}

// serverCommand is a server of kind t on port, pinned to p.serverCore with
// GOMAXPROCS=1, ended with the tool (Pdeathsig).
func serverCommand(p compareParams, con contender, port int, dir, tag string) (*exec.Cmd, error) {
	var args, env []string
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	switch con.kind {
	case targetLyceum:
		args = []string{con.bin, "serve", "-addr", addr, "-admin-addr", "off", "-data", dir, "-public-url", "http://" + addr}
		env = append(env, "LYCEUM_LOG_LEVEL=warn")
		if p.redisURL != "" {
			env = append(env, "LYCEUM_REDIS_URL="+p.redisURL, "LYCEUM_DATABASE_URL="+p.databaseURL,
				"LYCEUM_REDIS_PREFIX=lycbench-"+tag+":")
		}
	case targetCentrifugo:
		cfg, err := centrifugoConfig(port, p.redisURL, "cfbench-"+tag)
		if err != nil {
			return nil, err
		}
		file := filepath.Join(dir, "config.json")
		if err := os.WriteFile(file, cfg, 0o600); err != nil {
			return nil, err
		}
		args = []string{con.bin, "--config", file}
	}
	return pinned(p.serverCore, args, env, filepath.Join(dir, "server.log"))
}

// pinned is args run with taskset on cpus, GOMAXPROCS=1 and env, output to logFile.
func pinned(cpus string, args, env []string, logFile string) (*exec.Cmd, error) {
	cmd := exec.Command("taskset", append([]string{"-c", cpus}, args...)...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), env...)
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd, nil
}

// startSpinner starts this binary's spin mode on the server core for at most d.
func startSpinner(p compareParams, d time.Duration) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd, err := pinned(p.serverCore, []string{self, "spin", "-duration", d.String()}, nil, filepath.Join(p.workDir, "spin.log"))
	if err != nil {
		return nil, err
	}
	return start(cmd)
}

// proc is a started child process; done is closed once it exited and was reaped.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// start starts cmd.
func start(cmd *exec.Cmd) (*proc, error) {
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", cmd.Args, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// waitReady waits until base answers HTTP (any status) or the process exits.
func waitReady(ctx context.Context, base string, p *proc) error {
	deadline := time.Now().Add(serverReadyTimeout)
	cl := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it was ready (see its server.log)", p.cmd.Args)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := cl.Get(base + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready within %v", base, serverReadyTimeout)
}

// stop ends the process with SIGTERM (Lyceum then closes its connections
// with 1001), SIGKILL after serverStopTimeout, and waits for it.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(serverStopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	if f, ok := p.cmd.Stdout.(*os.File); ok {
		f.Close()
	}
}

// loadAverage is /proc/loadavg's first three fields.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// selfAffinity is this process's Cpus_allowed_list.
func selfAffinity() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// medians are the medians of target's runs.
func medians(runs []compareRun, target string) compareMd {
	var p50, p99, cpu, wr, conn []float64
	for _, r := range runs {
		if r.Target != target || r.Error != "" {
			continue
		}
		p50 = append(p50, r.Latency.P50MS)
		p99 = append(p99, r.Latency.P99MS)
		cpu = append(cpu, r.ServerCPUPerDelUS)
		wr = append(wr, r.WritesPerDelivery)
		conn = append(conn, r.ConnectPerSecond)
	}
	return compareMd{P50MS: median(p50), P99MS: median(p99), ServerCPUPerDelUS: median(cpu),
		WritesPerDelivery: median(wr), ConnectPerSecond: median(conn)}
}

// median of xs (0 for none; the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(a/b, 'f', 3, 64), 64)
	return v
}

// spinResult is the outcome of the spin mode.
type spinResult struct {
	Seconds     float64 `json:"seconds"`
	BusySeconds float64 `json:"busy_seconds"`
}

func (r *spinResult) summary(w io.Writer) {
	fmt.Fprintf(w, "spin: busy %.1fs of %.1fs\n", r.BusySeconds, r.Seconds)
}

// runSpin is the competing CPU load of the comparison: spin -on, sleep -off,
// for -duration (bounded by maxDuration).
func runSpin(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("A duty-cycled busy loop: spin -on, sleep -off, for -duration (the compare mode's competing CPU load).")
	on := fs.Duration("on", time.Millisecond, "busy time per cycle")
	off := fs.Duration("off", 2*time.Millisecond, "sleep per cycle")
	dur := fs.Duration("duration", 30*time.Second, "how long")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := checkDuration("duration", *dur); err != nil {
		return nil, err
	}
	start := time.Now()
	var busy time.Duration
	for time.Since(start) < *dur && ctx.Err() == nil {
		t0 := time.Now()
		for time.Since(t0) < *on {
		}
		busy += time.Since(t0)
		time.Sleep(*off)
	}
	return &spinResult{Seconds: time.Since(start).Seconds(), BusySeconds: busy.Seconds()}, nil
}

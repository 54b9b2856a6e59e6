package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults shared by the modes.
const (
	defaultURL             = "http://127.0.0.1:8080"
	defaultDialConcurrency = 50               // WebSocket dials in flight at once
	drainTimeout           = 10 * time.Second // wait for in-flight publications at the end
	loadUser               = "lyceum-load"    // the administrator -lyceum creates
	progressInterval       = time.Second
)

// common holds the flags and state every mode shares.
type common struct {
	mode           string
	stdout, stderr io.Writer

	baseURL     string
	pubURL      string
	token       string
	adminToken  string
	lyceumBin   string
	dataDir     string
	databaseURL string
	dialConc    int
	quiet       bool
	target      target // the kind of server (fanout: -target)

	header http.Header
}

// flags returns a flag set for the mode with the common flags defined.
func (c *common) flags(extraUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet(c.mode, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: lyceum-load %s [flags]\n\n%s\n\nAuthentication: -token, or -admin-token, or -lyceum BIN with -data DIR or -database-url URL\n(see lyceum-load -h). Targets must be 127.0.0.1, localhost or [::1].\n\nFlags:\n", c.mode, extraUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.baseURL, "url", defaultURL, "base URL of the server (loopback only)")
	fs.StringVar(&c.token, "token", os.Getenv("LYCEUM_LOAD_TOKEN"), "personal API token of a site administrator (default $LYCEUM_LOAD_TOKEN)")
	fs.StringVar(&c.adminToken, "admin-token", "", "create a fresh API token with POST /api/v1/me/tokens using this token")
	fs.StringVar(&c.lyceumBin, "lyceum", "lyceum", "lyceum binary used with -data or -database-url to create the load user and its token")
	fs.StringVar(&c.dataDir, "data", "", "the server's data directory: create the token with 'lyceum user ... -data DIR'")
	fs.StringVar(&c.databaseURL, "database-url", "", "the server's PostgreSQL URL: create the token with 'lyceum user ... -database-url URL'")
	fs.IntVar(&c.dialConc, "dial-concurrency", defaultDialConcurrency, "WebSocket dials in flight at once")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress lines on standard error")
	return fs
}

// parse parses args and checks the common flags.
func (c *common) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := checkLoopbackURL(c.baseURL); err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if c.pubURL == "" {
		c.pubURL = c.baseURL
	}
	if err := checkLoopbackURL(c.pubURL); err != nil {
		return fmt.Errorf("-pub-url: %w", err)
	}
	if c.dialConc < 1 || c.dialConc > 1000 {
		return errors.New("-dial-concurrency must be 1..1000")
	}
	return nil
}

// checkLoopbackURL accepts http(s) URLs whose host is 127.0.0.1, localhost or ::1.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL", raw)
	}
	if !loopbackHost(u.Hostname()) {
		return fmt.Errorf("%q: %w", raw, errNotLoopback)
	}
	return nil
}

// loopbackHost reports whether host is on the allow-list.
func loopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.Equal(net.IPv6loopback)
}

// wsURL turns a base URL into the WebSocket endpoint URL.
func wsURL(base string) string {
	u, _ := url.Parse(base)
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v1/ws"
	return u.String()
}

// authenticate finds the bearer token (see the usage text) and sets c.header.
func (c *common) authenticate(ctx context.Context) error {
	switch {
	case c.token != "":
	case c.adminToken != "":
		tok, err := tokenFromAPI(ctx, c.baseURL, c.adminToken)
		if err != nil {
			return fmt.Errorf("-admin-token: %w", err)
		}
		c.token = tok
	case c.dataDir != "" || c.databaseURL != "":
		tok, err := tokenFromCLI(ctx, c.lyceumBin, c.dataDir, c.databaseURL)
		if err != nil {
			return fmt.Errorf("creating a token with %s: %w", c.lyceumBin, err)
		}
		c.token = tok
	default:
		return errors.New("no credentials: give -token, -admin-token, or -data/-database-url (see lyceum-load -h)")
	}
	c.header = http.Header{"Authorization": {"Bearer " + c.token}}
	return nil
}

// tokenFromAPI creates a personal API token with an existing one.
func tokenFromAPI(ctx context.Context, base, adminToken string) (string, error) {
	body := strings.NewReader(`{"name":"lyceum-load","expires_in_days":1}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/api/v1/me/tokens", body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /api/v1/me/tokens: %s: %s", resp.Status, bytes.TrimSpace(b))
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("POST /api/v1/me/tokens: no token in %q", b)
	}
	return out.Token, nil
}

// tokenFromCLI creates the administrator loadUser (unless it exists) and a
// token for it with the lyceum binary's operator commands.
func tokenFromCLI(ctx context.Context, bin, dataDir, databaseURL string) (string, error) {
	var target []string
	if dataDir != "" {
		target = append(target, "-data", dataDir)
	}
	if databaseURL != "" {
		target = append(target, "-database-url", databaseURL)
	}
	runCmd := func(stdin string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(args, target...)...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
		}
		return strings.TrimSpace(out.String()), nil
	}
	tokenArgs := []string{"user", "token", "-login", loadUser, "-token-name", "lyceum-load", "-days", "1"}
	if tok, err := runCmd("", tokenArgs...); err == nil {
		return lastLine(tok), nil
	}
	if _, err := runCmd(randomHex(16)+"\n", "user", "create", "-email", loadUser+"@example.invalid",
		"-username", loadUser, "-name", "Load generator", "-admin", "-password-stdin"); err != nil {
		return "", err
	}
	tok, err := runCmd("", tokenArgs...)
	if err != nil {
		return "", err
	}
	return lastLine(tok), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// randomHex returns 2n random hex characters.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// runID names this run's topics so runs never share history.
func runID() string { return randomHex(4) }

// raiseFileLimit lifts the soft open-file limit to the hard one and returns
// the limit in force.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return lim.Cur, err
		}
	}
	return lim.Cur, nil
}

// checkFiles warns (and fails) when n connections cannot fit the open-file limit.
func (c *common) checkFiles(n int) error {
	limit, err := raiseFileLimit()
	if err != nil {
		fmt.Fprintf(c.stderr, "warning: raising the open-file limit: %v\n", err)
	}
	const spare = 64 // files the tool needs besides its connections
	if limit > 0 && uint64(n+spare) > limit {
		return fmt.Errorf("%d connections need about %d open files but the limit is %d (raise it with ulimit -n; the server needs as many)", n, n+spare, limit)
	}
	return nil
}

// connectStats describes how a batch of connections was made.
type connectStats struct {
	Connections int            `json:"connections"`
	Failed      int            `json:"failed"`
	FirstError  string         `json:"first_error,omitempty"`
	Seconds     float64        `json:"seconds"`
	PerSecond   float64        `json:"per_second"`
	Latency     LatencySummary `json:"latency"` // dial + upgrade + hello + setup (subscribe)
}

// dialer makes many connections with bounded concurrency.
type dialer struct {
	c     *common
	url   string
	rec   *atomic.Pointer[Recorder]
	cnt   *counters
	setup func(ctx context.Context, cl *client) error // e.g. subscribe; may be nil
}

// dialAll makes n connections (index offset first..first+n-1) and returns
// them in order (nil where a dial failed).
func (d *dialer) dialAll(ctx context.Context, first, n int) ([]*client, connectStats) {
	return dialMany(ctx, d.c, n, func(ctx context.Context, i int) (*client, error) {
		cl, err := dialTarget(ctx, d.c.target, d.url, d.c.header, first+i, d.rec, d.cnt)
		if err == nil && d.setup != nil {
			if err = d.setup(ctx, cl); err != nil {
				cl.close()
			}
		}
		return cl, err
	})
}

// dialMany runs dial for 0..n-1, c.dialConc at a time, with a progress
// line, and returns the connections in order (the zero value where dial
// failed) and how the dialling went.
func dialMany[T any](ctx context.Context, c *common, n int, dial func(ctx context.Context, i int) (T, error)) ([]T, connectStats) {
	out := make([]T, n)
	var (
		mu       sync.Mutex
		hist     Histogram
		failed   int
		firstErr string
		made     atomic.Int64
	)
	sem := make(chan struct{}, c.dialConc)
	start := time.Now()
	stopProgress := c.progress(func(time.Duration) string {
		return fmt.Sprintf("connecting: %d/%d", made.Load(), n)
	})
	var wg sync.WaitGroup
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			conn, err := dial(ctx, i)
			el := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				if firstErr == "" {
					firstErr = err.Error()
				}
				return
			}
			hist.Record(el)
			out[i] = conn
			made.Add(1)
		}()
	}
	wg.Wait()
	stopProgress()
	el := time.Since(start)
	st := connectStats{Connections: int(made.Load()), Failed: failed, FirstError: firstErr,
		Seconds: el.Seconds(), Latency: hist.Summary()}
	if el > 0 {
		st.PerSecond = float64(st.Connections) / el.Seconds()
	}
	return out, st
}

// closeAll closes every non-nil client, concurrently.
func closeAll(cls []*client) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for _, cl := range cls {
		if cl == nil {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cl.close()
		}()
	}
	wg.Wait()
}

// progress prints line(elapsed) on stderr every second until the returned
// function is called.
func (c *common) progress(line func(elapsed time.Duration) string) (stop func()) {
	if c.quiet {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(c.stderr, "[%5.1fs] %s\n", time.Since(start).Seconds(), line(time.Since(start)))
			}
		}
	}()
	return func() { close(done); <-finished }
}

// checkDuration bounds a duration flag.
func checkDuration(name string, d time.Duration) error {
	if d <= 0 || d > maxDuration {
		return fmt.Errorf("-%s must be in (0, %v]", name, maxDuration)
	}
	return nil
}

// checkCount bounds a count flag.
func checkCount(name string, n, limit int) error {
	if n < 1 || n > limit {
		return fmt.Errorf("-%s must be 1..%d", name, limit)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HTTP defaults.
const (
	defaultHTTPWorkers  = 32
	defaultHTTPDuration = 10 * time.Second
	defaultHTTPPath     = "/api/v1/me"
	httpRequestTimeout  = 30 * time.Second
)

// httpResult is the outcome of the http mode.
type httpResult struct {
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Workers    int            `json:"workers"`
	Seconds    float64        `json:"seconds"`
	Requests   uint64         `json:"requests"`
	OK         uint64         `json:"ok"` // 2xx
	Errors     uint64         `json:"errors"`
	Statuses   map[string]int `json:"statuses"`
	FirstError string         `json:"first_error,omitempty"`
	PerSecond  float64        `json:"requests_per_second"`
	OKPerSec   float64        `json:"ok_per_second"`
	Latency    LatencySummary `json:"latency"`
}

func (r *httpResult) summary(w io.Writer) {
	fmt.Fprintf(w, "http: %s %s with %d workers for %.1fs\n", r.Method, r.Path, r.Workers, r.Seconds)
	codes := make([]string, 0, len(r.Statuses))
	for k, v := range r.Statuses {
		codes = append(codes, fmt.Sprintf("%s x%d", k, v))
	}
	sort.Strings(codes)
	fmt.Fprintf(w, "  %d requests = %.0f/s (2xx: %.0f/s); statuses %s; errors %d %s\n",
		r.Requests, r.PerSecond, r.OKPerSec, strings.Join(codes, ", "), r.Errors, r.FirstError)
	fmt.Fprintf(w, "  latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		r.Latency.P50MS, r.Latency.P90MS, r.Latency.P99MS, r.Latency.MaxMS)
}

func runHTTP(ctx context.Context, c *common, args []string) (result, error) {
	fs := c.flags("C workers send requests back to back for -duration: GET -path with the bearer token,\n" +
		"or with -login, POST /api/v1/auth/login {login, password} (no token needed).")
	workers := fs.Int("c", defaultHTTPWorkers, "concurrent workers")
	dur := fs.Duration("duration", defaultHTTPDuration, "how long to run")
	path := fs.String("path", defaultHTTPPath, "path to GET")
	login := fs.String("login", "", "sign in as this user (email or username) instead: measures login throughput")
	password := fs.String("password", "", "password for -login")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := checkCount("c", *workers, maxWorkers); err != nil {
		return nil, err
	}
	if err := checkDuration("duration", *dur); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(*path, "/") {
		return nil, fmt.Errorf("-path must start with /")
	}
	if err := c.checkFiles(*workers); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(c.baseURL, "/")
	var newReq func(ctx context.Context) (*http.Request, error)
	res := &httpResult{Workers: *workers, Statuses: map[string]int{}}
	if *login != "" {
		if *password == "" {
			return nil, fmt.Errorf("-login needs -password")
		}
		body, _ := json.Marshal(map[string]string{"login": *login, "password": *password})
		res.Method, res.Path = http.MethodPost, "/api/v1/auth/login"
		newReq = func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+res.Path, bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
			}
			return req, err
		}
	} else {
		if err := c.authenticate(ctx); err != nil {
			return nil, err
		}
		res.Method, res.Path = http.MethodGet, *path
		newReq = func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+*path, nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			return req, err
		}
	}
	tr := &http.Transport{MaxIdleConns: *workers, MaxIdleConnsPerHost: *workers, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: httpRequestTimeout}

	rec := NewRecorder()
	var (
		requests, oks, errs atomic.Uint64
		mu                  sync.Mutex
	)
	runCtx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	var last uint64
	stop := c.progress(func(time.Duration) string {
		h := rec.Interval()
		now := requests.Load()
		line := fmt.Sprintf("%d requests (%d/s), p50 %.1f ms p99 %.1f ms max %.1f ms, errors %d",
			now, now-last, ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Max()), errs.Load())
		last = now
		return line
	})
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				req, err := newReq(runCtx)
				if err != nil {
					return
				}
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				el := time.Since(t0)
				if runCtx.Err() != nil {
					return // cut off by the end of the run: not counted
				}
				requests.Add(1)
				rec.Record(w, el)
				mu.Lock()
				if err != nil {
					errs.Add(1)
					if res.FirstError == "" {
						res.FirstError = err.Error()
					}
				} else {
					res.Statuses[fmt.Sprint(resp.StatusCode)]++
					if resp.StatusCode/100 == 2 {
						oks.Add(1)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	stop()
	res.Seconds = el.Seconds()
	res.Requests, res.OK, res.Errors = requests.Load(), oks.Load(), errs.Load()
	res.PerSecond = float64(res.Requests) / el.Seconds()
	res.OKPerSec = float64(res.OK) / el.Seconds()
	res.Latency = rec.Total().Summary()
	return res, nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"time"
)

// floorResult is what one side of the floor mode measured.
type floorResult struct {
	Role       string  `json:"role"`
	Conns      int     `json:"connections"`
	Writes     int64   `json:"writes,omitempty"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
	CPUPerOpUS float64 `json:"cpu_us_per_write,omitempty"`
	Util       float64 `json:"cpu_utilization"`
}

func (r *floorResult) summary(w io.Writer) {
	fmt.Fprintf(w, "floor %s: %d connections, %.1fs, CPU %.2fs (%.0f%% of one core)", r.Role, r.Conns, r.Seconds, r.CPUSeconds, 100*r.Util)
	if r.Writes > 0 {
		fmt.Fprintf(w, ", %d writes, %.2f µs of CPU per write", r.Writes, r.CPUPerOpUS)
	}
	fmt.Fprintln(w)
}

// runFloor measures what the operating system charges for the fan-out's
// writes alone: the writer role accepts -n TCP connections and writes
// -size bytes to each of them in turn -rate times a second (a bare Go loop,
// no WebSocket, no queue); the reader role, in another process, opens the
// connections and drains them. Pin the writer like the server (taskset -c 0,
// GOMAXPROCS=1) and the reader like the load tool: the writer's CPU per
// write is the floor under any server's cost per delivery on this machine.
func runFloor(ctx context.Context, c *common, args []string) (result, error) {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	role := fs.String("role", "writer", "writer (start it first) or reader")
	addr := fs.String("addr", "127.0.0.1:17777", "loopback address the writer listens on")
	n := fs.Int("n", 1000, "connections")
	rate := fs.Float64("rate", 100, "rounds per second (one write to every connection per round)")
	size := fs.Int("size", 250, "bytes per write")
	duration := fs.Duration("duration", 10*time.Second, "how long the writer writes")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return nil, err
	}
	if !loopbackHost(host) {
		return nil, fmt.Errorf("%q: %w", *addr, errNotLoopback)
	}
	if *n < 1 || *n > maxConnections || *rate <= 0 || *rate > maxRate || *duration > maxDuration || *size < 1 || *size > 1<<20 {
		return nil, fmt.Errorf("floor: -n 1..%d, -rate (0, %g], -duration up to %v, -size 1..1MiB", maxConnections, maxRate, maxDuration)
	}
	switch *role {
	case "writer":
		return floorWriter(ctx, *addr, *n, *rate, *size, *duration)
	case "reader":
		return floorReader(ctx, *addr, *n)
	}
	return nil, fmt.Errorf("floor: -role must be writer or reader, not %q", *role)
}

func floorWriter(ctx context.Context, addr string, n int, rate float64, size int, d time.Duration) (result, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for len(conns) < n {
		c, err := ln.Accept()
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
	}
	msg := make([]byte, size)
	res := &floorResult{Role: "writer", Conns: n}
	cpu0, t0 := selfCPU(), time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for time.Since(t0) < d && ctx.Err() == nil {
		<-tick.C
		for _, c := range conns {
			if _, err := c.Write(msg); err != nil {
				return nil, fmt.Errorf("floor: write: %w", err)
			}
			res.Writes++
		}
	}
	cpu := selfCPU() - cpu0
	res.Seconds = time.Since(t0).Seconds()
	res.CPUSeconds = cpu.Seconds()
	res.Util = res.CPUSeconds / res.Seconds
	res.CPUPerOpUS = float64(cpu.Microseconds()) / float64(max(res.Writes, 1))
	return res, nil
}

func floorReader(ctx context.Context, addr string, n int) (result, error) {
	done := make(chan struct{}, n)
	var d net.Dialer
	for range n {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 4096)
			for {
				if _, err := c.Read(buf); err != nil {
					done <- struct{}{}
					return
				}
			}
		}()
	}
	cpu0, t0 := selfCPU(), time.Now()
	for range n {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	res := &floorResult{Role: "reader", Conns: n, Seconds: time.Since(t0).Seconds(), CPUSeconds: (selfCPU() - cpu0).Seconds()}
	res.Util = res.CPUSeconds / res.Seconds
	return res, nil
}

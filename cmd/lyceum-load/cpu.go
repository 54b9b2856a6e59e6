package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100

// parsePids parses "123,456" (empty: none).
func parsePids(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("bad process id %q", f)
		}
		out = append(out, pid)
	}
	return out, nil
}

// procCPU returns the user+system CPU time pid has used.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStatCPU(string(b))
}

// parseProcStatCPU reads utime and stime (fields 14 and 15) of a /proc/<pid>/stat line.
func parseProcStatCPU(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat line")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line")
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed stat times")
	}
	return time.Duration(u+st) * time.Second / clockTicks, nil
}

// procWrites returns the write system calls pid has made (syscw in
// /proc/<pid>/io: write, writev and the like).
func procWrites(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no syscw in /proc/%d/io", pid)
}

// selfCPU returns the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter measures CPU seconds of the servers and of the tool over a span.
type cpuMeter struct {
	pids       []int
	start      time.Time
	server0    time.Duration
	self0      time.Duration
	serverSeen bool
	writes0    uint64
	writesSeen bool
}

// cpuStats is the JSON form of a cpuMeter span.
type cpuStats struct {
	ServerCPUSeconds float64 `json:"server_cpu_seconds,omitempty"` // summed over -server-pid
	ServerCPUUtil    float64 `json:"server_cpu_utilization,omitempty"`
	ToolCPUSeconds   float64 `json:"tool_cpu_seconds"`
	ToolCPUUtil      float64 `json:"tool_cpu_utilization"`
	ServerWrites     uint64  `json:"server_write_syscalls,omitempty"` // write system calls of -server-pid (/proc/<pid>/io syscw)
}

func startCPU(pids []int) *cpuMeter {
	m := &cpuMeter{pids: pids, start: time.Now(), self0: selfCPU()}
	m.server0, m.serverSeen = m.serverCPU()
	m.writes0, m.writesSeen = m.serverWrites()
	return m
}

func (m *cpuMeter) serverWrites() (uint64, bool) {
	var sum uint64
	for _, pid := range m.pids {
		w, err := procWrites(pid)
		if err != nil {
			return 0, false
		}
		sum += w
	}
	return sum, len(m.pids) > 0
}

func (m *cpuMeter) serverCPU() (time.Duration, bool) {
	var sum time.Duration
	for _, pid := range m.pids {
		c, err := procCPU(pid)
		if err != nil {
			return 0, false
		}
		sum += c
	}
	return sum, len(m.pids) > 0
}

func (m *cpuMeter) stop() cpuStats {
	wall := time.Since(m.start).Seconds()
	st := cpuStats{ToolCPUSeconds: (selfCPU() - m.self0).Seconds()}
	st.ToolCPUUtil = st.ToolCPUSeconds / wall
	if now, ok := m.serverCPU(); ok && m.serverSeen {
		st.ServerCPUSeconds = (now - m.server0).Seconds()
		st.ServerCPUUtil = st.ServerCPUSeconds / wall
	}
	if now, ok := m.serverWrites(); ok && m.writesSeen {
		st.ServerWrites = now - m.writes0
	}
	return st
}

// startCPUProfile writes the tool's CPU profile to file until the returned
// function is called (to see where the client's own core goes).
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

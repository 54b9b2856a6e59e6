package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestFloorWriterAndReader(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	writer := make(chan error, 1)
	go func() {
		writer <- run(ctx, []string{"floor", "-role", "writer", "-addr", addr, "-n", "5", "-rate", "50", "-duration", "300ms"}, &out, &out)
	}()
	var rerr error
	for range 100 { // the writer listens shortly after it starts
		var rout bytes.Buffer
		if rerr = run(ctx, []string{"floor", "-role", "reader", "-addr", addr, "-n", "5"}, &rout, &rout); rerr == nil {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling real I/O (at most 100 tries)
	}
	if rerr != nil {
		t.Fatalf("reader: %v", rerr)
	}
	if err := <-writer; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if !strings.Contains(out.String(), `"role":"writer"`) || !strings.Contains(out.String(), "µs of CPU per write") {
		t.Fatalf("writer output:\n%s", out.String())
	}
}

func TestFloorRefusesOtherHosts(t *testing.T) {
	err := run(context.Background(), []string{"floor", "-addr", "10.0.0.1:80"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("err = %v, want a loopback-only refusal", err)
	}
}

// Command lyceum-load is a load generator for a Lyceum server on this
// machine: real WebSocket clients over loopback speaking the protocol in
// docs/protocol.md, and HTTP workers for the API. Every mode is bounded in
// connections and duration, and only loopback targets are accepted.
//
// Usage:
//
//	lyceum-load MODE [flags]
//
// Modes: fanout, rooms, idle, reconnect, http, chat, quiz, livequiz, floor, sfu, compare, storm, spin. Run
// `lyceum-load MODE -h`
// for the flags of a mode. Progress goes to standard error once a second;
// the end prints a human summary and, as the last line of standard output,
// one JSON object with every number.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Bounds on every mode.
const (
	maxConnections = 20000            // WebSocket connections per run
	maxDuration    = 10 * time.Minute // length of one run (or ramp step)
	maxRate        = 20000.0          // publications per second
	maxWorkers     = 1024             // HTTP workers
)

const usage = `lyceum-load: load generator for a Lyceum server on this machine (loopback only)

Usage: lyceum-load MODE [flags]

Modes:
  fanout     N subscribers on one topic, one publisher at R msg/s (optionally -ramp through rates)
  rooms      T topics x S subscribers, one publication per topic per second
  idle       N connections, each subscribed to its own topic; connect rate and server memory per connection
  reconnect  K subscribers drop at once and resubscribe with recovery while publishing continues
  http       C workers doing GET /api/v1/me (or -path, or POST /api/v1/auth/login with -login)
  chat       course room chat: R rooms x M member accounts, a message per member and room every
             -interval over one or more nodes (-urls); checks every member's history against the database
  quiz       N learners start one quiz spread over -ramp, autosave an answer per question and submit;
             p50/p90/p99 per request kind, and every acknowledged answer checked in the database
  livequiz   live quiz: N players (members or -guests by PIN, over -urls) answer one question in a -burst;
             ack latency, every acked answer stored once (results API), close -> results at every player
  sfu        live video: 1 pion publisher (VP8 ~1 Mbps + Opus) to N pion subscribers through the server's SFU;
             server CPU per subscriber (-server-pid), packet loss, added latency
  compare    Lyceum and Centrifugo v6 side by side: the fanout against each, interleaved, a fresh pinned
             server per run (-redis: two nodes of each; -spin: a competing busy loop on the server core)
  storm      reconnect storm: node A of two stopped under its clients, which move to node B with the
             documented back-off and recover (all back within 15 s, none lost, node B's p99 <= 2x quiet)
  spin       a duty-cycled busy loop (1 ms on, 2 ms off): the compare mode's competing CPU load
  floor      the machine's floor: a bare Go loop writing to N loopback sockets (-role writer) drained by
             another process (-role reader); CPU per write with no WebSocket server at all

Authentication (WebSocket topics load:* need a site administrator):
  -token T                 a personal API token of an administrator (or LYCEUM_LOAD_TOKEN)
  -admin-token T           create a fresh token through POST /api/v1/me/tokens with this one
  -lyceum BIN -data DIR    create (once) the administrator "lyceum-load" and a token by running
  -lyceum BIN -database-url URL    BIN user create/token against the server's database

Run 'lyceum-load MODE -h' for the flags of a mode.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "lyceum-load:", err)
		os.Exit(1)
	}
}

// result is what every mode returns: printed as a summary and as JSON.
type result interface {
	summary(w io.Writer)
}

// run dispatches to a mode.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return errors.New("no mode given")
		}
		return flag.ErrHelp
	}
	mode, args := args[0], args[1:]
	modes := map[string]func(context.Context, *common, []string) (result, error){
		"fanout":    runFanout,
		"rooms":     runRooms,
		"idle":      runIdle,
		"reconnect": runReconnect,
		"http":      runHTTP,
		"chat":      runChat,
		"quiz":      runQuiz,
		"livequiz":  runLiveQuiz,
		"floor":     runFloor,
		"sfu":       runSFU,
		"compare":   runCompare,
		"spin":      runSpin,
		"storm":     runStorm,
	}
	fn := modes[mode]
	if fn == nil {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown mode %q", mode)
	}
	c := &common{mode: mode, stdout: stdout, stderr: stderr}
	res, err := fn(ctx, c, args)
	if err != nil {
		return err
	}
	return report(stdout, mode, res)
}

// report prints the human summary and the JSON line (the result's fields
// plus "mode" and "at").
func report(w io.Writer, mode string, res result) error {
	res.summary(w)
	inner, err := json.Marshal(res)
	if err != nil {
		return err
	}
	m := map[string]any{}
	if err := json.Unmarshal(inner, &m); err != nil {
		return err
	}
	m["mode"] = mode
	m["at"] = time.Now().UTC().Format(time.RFC3339)
	out, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

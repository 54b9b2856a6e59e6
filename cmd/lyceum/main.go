// Command lyceum is Lyceum's server and operator tool, and the only
// composition root: it reads the configuration, picks the storage backend and
// the broker, wires every package together, runs the HTTP and admin servers
// and shuts them down gracefully.
//
//	lyceum [serve] [flags]           run the server (default)
//	lyceum migrate [apply|status]    apply or list database migrations
//	lyceum user create|set-password|set-admin|token|import ...
//	lyceum gift parse FILE           print a GIFT file's questions as JSON lines
//	lyceum import gift -course ID [-category PATH] FILE   import GIFT into a question bank
//	lyceum version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// defaultGCPercent is the garbage collector's target when GOGC is not set.
// A live node is mostly idle connections whose memory is small long-lived
// objects: collecting at 50 % heap growth instead of Go's 100 % keeps an
// idle connection at ~11 KiB of RSS instead of ~12.5 KiB (docs/benchmarks.md),
// and the fan-out allocates so little per delivery that its CPU cost did
// not move measurably.
const defaultGCPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	ctx, stop := signalContext()
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "lyceum:", err)
		os.Exit(exitCode(err))
	}
}

// usageError is a command line that cannot run as written: lyceum exits
// with status 2 instead of 1.
type usageError struct{ error }

// exitCode is the exit status for an error run returned.
func exitCode(err error) int {
	if errors.As(err, new(usageError)) {
		return 2
	}
	return 1
}

// signalContext is cancelled by the first SIGINT or SIGTERM; a second one
// exits the process at once.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		cancel()
		<-ch
		fmt.Fprintln(os.Stderr, "lyceum: second signal, exiting now")
		os.Exit(2)
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// run dispatches a subcommand. It is main without the process: tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, args, stdout, stderr, getenv)
	case "migrate":
		return migrateCmd(ctx, args, stdout, stderr, getenv)
	case "user":
		return userCmd(ctx, args, stdin, stdout, stderr, getenv)
	case "demo":
		return demoCmd(ctx, args, stdout, stderr, getenv)
	case "gift":
		return giftCmd(args, stdin, stdout, stderr)
	case "import":
		return importCmd(ctx, args, stdin, stdout, stderr, getenv)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	default:
		usage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Lyceum: a self-hosted learning platform with live classrooms.

Usage:
  lyceum [serve] [flags]                 run the server (default command)
  lyceum migrate [apply|status]          apply pending database migrations, or list them
  lyceum user create -email E -username U -name N [-admin] [-password-stdin]
  lyceum user set-password -login L [-password-stdin]
  lyceum user set-admin -login L [-off]
  lyceum user token -login L [-token-name N] [-days D]   print a new personal API token
  lyceum user import FILE [-dry-run] [-valid-only] [-update-existing]
                                         create accounts (and enrolments) from a CSV file ('-': stdin)
  lyceum demo seed                       create the demo site (idempotent); or: lyceum serve -demo
  lyceum gift parse FILE                 print a GIFT file's questions as JSON lines (docs/gift.md)
  lyceum import gift -course ID [-category PATH] [-dry-run] [-valid-only] FILE
                                         import a GIFT file into a course's question bank ('-': stdin)
  lyceum version

Every command takes the configuration flags of 'serve' that concern it (e.g.
-data, -database-url) and reads the same LYCEUM_* environment variables.
Run 'lyceum serve -h' for the full list.
`)
}

// versionString describes the build: the version and the VCS revision.
func versionString() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
		return "lyceum " + version + rev + " " + bi.GoVersion
	}
	return "lyceum " + version
}

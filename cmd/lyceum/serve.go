package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// HTTP server timeouts. WebSocket connections are hijacked and not bound by them.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 120 * time.Second
)

// listenPublic listens on addr for the public face. Its connections go
// without TCP keep-alive probes: Go turns them on for every accepted
// connection by default, four setsockopt(2) calls each (five per connection
// in all, one without: docs/benchmarks.md, session 7), and nothing here
// needs them. Idle HTTP connections end after idleTimeout, and the hub pings
// every live connection and closes one whose pong does not come back in
// time, sooner than keep-alive probes would notice a peer that vanished.
func listenPublic(ctx context.Context, addr string) (net.Listener, error) {
	lc := net.ListenConfig{KeepAlive: -1}
	return lc.Listen(ctx, "tcp", addr)
}

// serveCmd runs a node until ctx is cancelled.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := loadConfig(fs, args, getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel).With().Str("node", cfg.NodeID).Logger()
	n, err := startNode(ctx, cfg, log, stdout)
	if err != nil {
		return err
	}
	return n.wait(ctx)
}

// node is one running Lyceum server: its dependencies, listeners and servers.
type node struct {
	cfg       *Config
	log       zerolog.Logger
	out       io.Writer // plain lines for the person who started the node (setup link, demo accounts)
	db        backend
	rdb       *redis.Client
	reg       *prometheus.Registry
	srv       *http.Server
	admin     *http.Server
	ln        net.Listener
	adminLn   net.Listener
	shutdowns []func(context.Context) // run in order on shutdown, before the database closes
	errc      chan error              // server errors
	started   time.Time
}

// startNode opens the database (migrating it), connects to Redis, builds the
// handlers and starts listening. The setup link and the demo accounts are
// also written to out as plain lines of their own (the log may be JSON on
// another stream). The caller must call wait.
func startNode(ctx context.Context, cfg *Config, log zerolog.Logger, out io.Writer) (_ *node, err error) {
	n := &node{cfg: cfg, log: log, out: out, reg: prometheus.NewRegistry(), errc: make(chan error, 2), started: time.Now()}
	defer func() {
		if err != nil { // release what was opened; servers were not started
			for _, ln := range []net.Listener{n.ln, n.adminLn} {
				if ln != nil {
					ln.Close()
				}
			}
			n.close()
		}
	}()
	n.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if n.db, err = openBackend(ctx, cfg, log); err != nil {
		return nil, err
	}
	n.reg.MustRegister(collectors.NewDBStatsCollector(n.db.SQLDB(), "lyceum"))
	if err = n.db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrating the %s database: %w", backendName(cfg), err)
	}
	if n.rdb, err = openRedis(ctx, cfg); err != nil {
		return nil, err
	}

	if size, err := growFDTable(fdTableSize); err != nil {
		log.Warn().Err(err).Msg("could not size the file descriptor table at startup")
	} else {
		log.Debug().Int("descriptors", size).Msg("file descriptor table sized")
	}
	if n.ln, err = listenPublic(ctx, cfg.Addr); err != nil {
		return nil, fmt.Errorf("LYCEUM_ADDR: %w", err)
	}
	if cfg.publicURLDerived { // follow the real port when LYCEUM_ADDR asked for port 0
		cfg.PublicURL = defaultPublicURL(n.ln.Addr().String(), cfg.TLSCert != "")
	}
	handler, err := n.wire(ctx)
	if err != nil {
		return nil, err
	}
	n.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          newStdLogger(log, "http"),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.AdminAddr != "off" {
		if n.adminLn, err = net.Listen("tcp", cfg.AdminAddr); err != nil {
			return nil, fmt.Errorf("LYCEUM_ADMIN_ADDR: %w", err)
		}
		n.admin = &http.Server{Handler: adminHandler(n.db, n.rdb, n.reg), ReadHeaderTimeout: readHeaderTimeout}
		go func() { n.errc <- serveErr(n.admin.Serve(n.adminLn)) }()
	}
	go func() {
		if cfg.TLSCert != "" {
			n.errc <- serveErr(n.srv.ServeTLS(n.ln, cfg.TLSCert, cfg.TLSKey))
			return
		}
		n.errc <- serveErr(n.srv.Serve(n.ln))
	}()
	ev := log.Info().Str("addr", n.ln.Addr().String()).Str("url", cfg.PublicURL).
		Str("database", backendName(cfg)).Bool("redis", n.rdb != nil).Dur("startup", time.Since(n.started))
	if n.adminLn != nil {
		ev = ev.Str("admin_addr", n.adminLn.Addr().String())
	}
	ev.Msg("lyceum is ready")
	return n, nil
}

// serveErr turns the normal end of a server into nil.
func serveErr(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// addr is the address the public server listens on.
func (n *node) addr() string { return n.ln.Addr().String() }

// wait blocks until ctx is cancelled or a server fails, then shuts down
// gracefully: stop accepting, let in-flight requests finish, close live
// connections with "going away", close the broker and the database.
func (n *node) wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
		n.log.Info().Msg("shutting down")
	case err = <-n.errc:
		n.log.Error().Err(err).Msg("server failed; shutting down")
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), n.cfg.ShutdownTimeout)
	defer cancel()
	if serr := n.srv.Shutdown(sctx); serr != nil {
		n.log.Warn().Err(serr).Msg("in-flight requests did not finish in time")
	}
	if n.admin != nil {
		n.admin.Shutdown(sctx)
	}
	n.close()
	n.log.Info().Msg("stopped")
	return err
}

// close releases everything that was opened, in reverse order.
func (n *node) close() {
	ctx, cancel := context.WithTimeout(context.Background(), n.cfg.ShutdownTimeout)
	defer cancel()
	for i := len(n.shutdowns) - 1; i >= 0; i-- {
		n.shutdowns[i](ctx)
	}
	n.shutdowns = nil
	if n.rdb != nil {
		n.rdb.Close()
		n.rdb = nil
	}
	if n.db != nil {
		n.db.Close()
		n.db = nil
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/mail"
)

// Config is every setting of a Lyceum node. Each has a default, an
// environment variable LYCEUM_* and, for the common ones, a flag; flags win
// over the environment. The README's configuration table lists them all (a
// test keeps the two in step).
type Config struct {
	Addr            string           // where the HTTP server listens
	PublicURL       string           // the URL people type; used for links and the Origin check
	DataDir         string           // embedded database and uploads
	DatabaseURL     string           // postgres://... ; "" for the embedded SQLite database
	RedisURL        string           // redis://... ; "" for the in-process broker
	RedisPrefix     string           // prefix of every Redis key and channel (several sites may share one Redis)
	AdminAddr       string           // health, readiness, metrics and pprof; "off" disables
	LogLevel        zerolog.Level    // debug, info, warn, error
	LogFormat       string           // auto, console, json
	TLSCert         string           // PEM certificate file; with TLSKey serves HTTPS
	TLSKey          string           // PEM private key file
	TrustProxy      bool             // trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy
	ShutdownTimeout time.Duration    // how long in-flight requests may take to finish
	WSAdmitRate     float64          // hub.Config.AdmitRate: 0 auto, negative off
	GCCrowdHeadroom uint64           // garbage allowed over the live heap while a crowd connects (gcrelax.go); 0: GOGC never changed
	NodeID          string           // this node's name in logs, metrics and presence
	Demo            bool             // seed the demo site at start
	UploadLimits    map[string]int64 // upload size limits per kind (image, video, audio, document) in bytes
	Video           VideoConfig      // live video: ICE and limits (config_video.go)
	Mail            mail.Config      // SMTP; email is off without a host (config_mail.go)

	publicURLDerived bool // PublicURL was derived from Addr (and follows the real port)
	// passwordHash is the argon2id cost of the node's password hashes; the
	// zero value (always, outside tests) takes auth.DefaultHashParams. The
	// package's tests set auth.CheapHashParams (startTestNode): at the
	// default cost one hash takes 250-470 ms under -race.
	passwordHash auth.HashParams
	// app is the browser app's handler; nil (always, outside tests) builds
	// it with app.Handler. The package's tests share one across their
	// nodes (startTestNode): building it hashes and compresses every
	// embedded file, ~0.5 s a node under -race.
	app http.Handler
}

// setting describes one configuration value: its environment variable, its
// flag (empty for env-only), default, help text and how to store it.
type setting struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

// settings is the single list of configuration values, read by loadConfig
// and documented in the README.
func settings() []setting {
	str := func(dst func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *dst(c) = v; return nil }
	}
	return append([]setting{
		{"LYCEUM_ADDR", "addr", "localhost:8080", "HTTP listen address (host:port)", func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("want host:port, e.g. :8080 or 0.0.0.0:8080")
			}
			c.Addr = v
			return nil
		}},
		{"LYCEUM_PUBLIC_URL", "public-url", "", "URL people open, used in links and for the WebSocket Origin check (default http://ADDR)", func(c *Config, v string) error {
			if v == "" {
				c.PublicURL = ""
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("want an absolute http(s) URL, e.g. https://lyceum.school.example")
			}
			c.PublicURL = strings.TrimRight(v, "/")
			return nil
		}},
		{"LYCEUM_DATA_DIR", "data", "./lyceum-data", "directory for the embedded database and uploads", str(func(c *Config) *string { return &c.DataDir })},
		{"LYCEUM_DATABASE_URL", "database-url", "", "PostgreSQL URL (postgres://user@host:5432/db); empty for embedded SQLite in the data directory", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
				return fmt.Errorf("want a postgres:// URL or nothing")
			}
			c.DatabaseURL = v
			return nil
		}},
		{"LYCEUM_REDIS_URL", "redis-url", "", "Redis URL (redis://host:6379/0) for fan-out across nodes; empty for the in-process broker", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "redis://") && !strings.HasPrefix(v, "rediss://") {
				return fmt.Errorf("want a redis:// or rediss:// URL or nothing")
			}
			c.RedisURL = v
			return nil
		}},
		{"LYCEUM_REDIS_PREFIX", "", "lyceum:", "prefix of every Redis key and channel, so several Lyceum sites can share one Redis", func(c *Config, v string) error {
			if v == "" || strings.ContainsAny(v, " \t\r\n{}") {
				return fmt.Errorf("want a non-empty prefix without spaces or braces, e.g. lyceum:")
			}
			c.RedisPrefix = v
			return nil
		}},
		{"LYCEUM_ADMIN_ADDR", "admin-addr", "localhost:9090", "listen address of /healthz, /readyz, /metrics and pprof; \"off\" disables it", func(c *Config, v string) error {
			if v != "off" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("want host:port or off")
				}
			}
			c.AdminAddr = v
			return nil
		}},
		{"LYCEUM_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config, v string) error {
			l, err := zerolog.ParseLevel(v)
			if err != nil || v == "" {
				return fmt.Errorf("want debug, info, warn or error")
			}
			c.LogLevel = l
			return nil
		}},
		{"LYCEUM_LOG_FORMAT", "log-format", "auto", "auto (console on a terminal, JSON otherwise), console or json", func(c *Config, v string) error {
			if v != "auto" && v != "console" && v != "json" {
				return fmt.Errorf("want auto, console or json")
			}
			c.LogFormat = v
			return nil
		}},
		{"LYCEUM_TLS_CERT", "tls-cert", "", "PEM certificate file; with LYCEUM_TLS_KEY Lyceum serves HTTPS itself", str(func(c *Config) *string { return &c.TLSCert })},
		{"LYCEUM_TLS_KEY", "tls-key", "", "PEM private key file for LYCEUM_TLS_CERT", str(func(c *Config) *string { return &c.TLSKey })},
		{"LYCEUM_TRUST_PROXY", "", "false", "trust X-Forwarded-For and X-Forwarded-Proto (set behind a load balancer)", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			c.TrustProxy = b
			return nil
		}},
		{"LYCEUM_SHUTDOWN_TIMEOUT", "", "15s", "how long in-flight requests may run after SIGTERM", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("want a duration such as 15s")
			}
			c.ShutdownTimeout = d
			return nil
		}},
		{"LYCEUM_WS_ADMIT_RATE", "", "auto", "new live connections admitted per second while this node is delivering (a reconnect storm is paced to it); at most; auto: 1250 per CPU, fewer while the node is busy; off: no pacing", func(c *Config, v string) error {
			switch v {
			case "auto":
				c.WSAdmitRate = 0
			case "off":
				c.WSAdmitRate = -1
			default:
				r, err := strconv.ParseFloat(v, 64)
				if err != nil || r <= 0 || r > 1e6 {
					return fmt.Errorf("want auto, off or connections per second such as 2000")
				}
				c.WSAdmitRate = r
			}
			return nil
		}},
		{"LYCEUM_GC_CROWD_HEADROOM", "", "256MiB", "while a crowd of live connections arrives (a reconnect storm), the garbage collector waits for this much garbage over the live heap (never less than GOGC's), so that its work does not stall deliveries to the clients already here; 0: GOGC is never changed", func(c *Config, v string) error {
			n, err := parseSize(v)
			if err != nil || n < 0 {
				return fmt.Errorf("want a size such as 256MiB, or 0")
			}
			c.GCCrowdHeadroom = uint64(n)
			return nil
		}},
		{"LYCEUM_NODE_ID", "", "", "this node's name in logs, metrics and presence (default: host name)", str(func(c *Config) *string { return &c.NodeID })},
		{"LYCEUM_UPLOAD_LIMITS", "", "image=10MiB,video=500MiB,audio=50MiB,document=25MiB", "upload size limit per kind of file", func(c *Config, v string) error {
			limits, err := parseUploadLimits(v)
			if err != nil {
				return err
			}
			c.UploadLimits = limits
			return nil
		}},
	}, append(videoSettings(), mailSettings()...)...)
}

// loadConfig reads the environment (getenv) and then the flags in args. A bad
// value fails with one line naming the setting.
func loadConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	all := settings()
	flagValues := make(map[string]*string)
	for _, s := range all {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("invalid %s=%q: %v", s.env, v, err)
		}
		if s.flag != "" {
			flagValues[s.flag] = fs.String(s.flag, v, s.help+" ("+s.env+")")
		}
	}
	demo := fs.Bool("demo", false, "seed a ready-to-explore demo site")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, s := range all {
		if s.flag == "" {
			continue
		}
		if err := s.set(c, *flagValues[s.flag]); err != nil {
			return nil, fmt.Errorf("invalid -%s=%q: %v", s.flag, *flagValues[s.flag], err)
		}
	}
	c.Demo = *demo
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, errors.New("invalid LYCEUM_TLS_CERT/LYCEUM_TLS_KEY: set both or neither")
	}
	for _, f := range []struct{ env, path string }{{"LYCEUM_TLS_CERT", c.TLSCert}, {"LYCEUM_TLS_KEY", c.TLSKey}} {
		if f.path != "" {
			if _, err := os.Stat(f.path); err != nil {
				return nil, fmt.Errorf("invalid %s=%q: %v", f.env, f.path, err)
			}
		}
	}
	if c.DataDir == "" {
		return nil, errors.New("invalid LYCEUM_DATA_DIR: must not be empty")
	}
	if err := c.Mail.Check(); err != nil {
		return nil, fmt.Errorf("invalid LYCEUM_SMTP_HOST/LYCEUM_SMTP_FROM: %v", err)
	}
	c.DataDir = filepath.Clean(c.DataDir)
	if c.PublicURL == "" {
		c.PublicURL = defaultPublicURL(c.Addr, c.TLSCert != "")
		c.publicURLDerived = true
	}
	if c.NodeID == "" {
		c.NodeID, _ = os.Hostname()
		if c.NodeID == "" {
			c.NodeID = "lyceum"
		}
	}
	return c, nil
}

// defaultPublicURL derives a URL from the listen address: an empty or
// wildcard host becomes localhost.
func defaultPublicURL(addr string, tls bool) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// uploadKinds are the kinds of upload with their own size limit.
var uploadKinds = []string{"image", "video", "audio", "document"}

// parseUploadLimits reads "kind=size,..." with sizes like 10MiB, 500MB or
// 2048 (bytes). Kinds not named keep their defaults.
func parseUploadLimits(v string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, size, ok := strings.Cut(part, "=")
		if !ok || !slices.Contains(uploadKinds, kind) {
			return nil, fmt.Errorf("want kind=size pairs with kinds %s, e.g. image=10MiB,video=500MiB", strings.Join(uploadKinds, ", "))
		}
		n, err := parseSize(size)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad size %q for %s: want e.g. 10MiB, 500MB or a number of bytes", size, kind)
		}
		out[kind] = n
	}
	return out, nil
}

// parseSize parses a byte size with an optional unit (KB, MB, GB, KiB, MiB, GiB).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad size")
	}
	return n * mult, nil
}

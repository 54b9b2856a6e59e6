package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// cliFlags returns a flag set for an operator subcommand; the configuration
// flags are added by loadConfig.
func cliFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// openForCLIFlags loads the configuration (with the subcommand's own flags
// already defined on fs), opens the database and migrates it.
func openForCLIFlags(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer, getenv func(string) string) (backend, zerolog.Logger, error) {
	_, db, log, err := openForCLIConfig(ctx, fs, args, stderr, getenv)
	return db, log, err
}

// openForCLIConfig is openForCLIFlags that also returns the configuration.
func openForCLIConfig(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer, getenv func(string) string) (*Config, backend, zerolog.Logger, error) {
	cfg, err := loadConfig(fs, args, getenv)
	if err != nil {
		return nil, nil, zerolog.Nop(), err
	}
	format := cfg.LogFormat
	if format == "auto" {
		format = "console"
	}
	log := newLogger(stderr, format, cfg.LogLevel)
	db, err := openBackend(ctx, cfg, log)
	if err != nil {
		return nil, nil, log, err
	}
	return cfg, db, log, nil
}

// openForCLI is openForCLIFlags for subcommands without flags of their own.
func openForCLI(ctx context.Context, name string, args []string, stderr io.Writer, getenv func(string) string) (backend, zerolog.Logger, error) {
	return openForCLIFlags(ctx, cliFlags(name, stderr), args, stderr, getenv)
}

// userCmd manages accounts from the command line, acting as the operator.
func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New("user: want create, set-password, set-admin, token or import")
	}
	action, args := args[0], args[1:]
	if action == "import" {
		return userImportCmd(ctx, args, stdin, stdout, stderr, getenv)
	}
	fs := cliFlags("user "+action, stderr)
	var (
		email    = fs.String("email", "", "email address (create)")
		username = fs.String("username", "", "username (create)")
		name     = fs.String("name", "", "display name (create)")
		admin    = fs.Bool("admin", false, "make the user a site administrator (create)")
		login    = fs.String("login", "", "the user's email or username")
		off      = fs.Bool("off", false, "remove administrator rights instead (set-admin)")
		pwStdin  = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
		tokName  = fs.String("token-name", "cli", "name of the API token (token)")
		days     = fs.Int("days", 0, "API token lifetime in days; 0 never expires (token)")
	)
	switch action {
	case "create", "set-password", "set-admin", "token":
	default:
		return fmt.Errorf("user: unknown action %q (want create, set-password, set-admin, token or import)", action)
	}
	// A new password or role must reach the running nodes' credential
	// caches and open sockets as it does when changed through the API.
	announce := action == "set-password" || action == "set-admin"
	op, err := openOperator(ctx, fs, args, stderr, getenv, announce)
	if err != nil {
		return err
	}
	defer op.close()
	ctx, svc := op.ctx, op.auth
	password := func() (string, error) {
		if !*pwStdin {
			fmt.Fprint(stderr, "Password (input is shown; use -password-stdin in scripts): ")
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("no password given on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	find := func() (*lms.User, error) {
		if *login == "" {
			return nil, errors.New("-login is required")
		}
		return svc.UserByLogin(ctx, op.actor, *login)
	}
	switch action {
	case "create":
		pw, err := password()
		if err != nil {
			return err
		}
		role := lms.SiteUser
		if *admin {
			role = lms.SiteAdmin
		}
		u, err := svc.CreateUser(ctx, op.actor, auth.NewUser{Email: *email, Username: *username, Name: *name, Password: pw, Role: role})
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created user %d %s <%s> (%s)\n", u.ID, u.Username, u.Email, u.Role)
	case "set-password":
		u, err := find()
		if err != nil {
			return cliError(err)
		}
		pw, err := password()
		if err != nil {
			return err
		}
		if err := svc.ResetPassword(ctx, op.actor, u.ID, pw); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions were signed out (%s)\n", u.Username, op.reach())
	case "set-admin":
		u, err := find()
		if err != nil {
			return cliError(err)
		}
		role := lms.SiteAdmin
		if *off {
			role = lms.SiteUser
		}
		if u, err = svc.UpdateUser(ctx, op.actor, u.ID, auth.UserPatch{Role: &role}); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s is now %s (%s)\n", u.Username, u.Role, op.reach())
	case "token":
		u, err := find()
		if err != nil {
			return cliError(err)
		}
		tok, _, err := svc.CreateAPIToken(ctx, u, *tokName, daysDuration(*days))
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintln(stdout, tok)
	}
	return nil
}

// operator is what an operator subcommand works with.
type operator struct {
	cfg       *Config
	db        backend // closed by close
	log       zerolog.Logger
	auth      *auth.Service
	ctx       context.Context // from the address "cli"
	actor     *lms.User       // auth.Operator(): who the command acts as
	announced bool            // account changes reach the running nodes at once (operatorLive)
	closeLive func()
}

// openOperator loads the configuration (with fs's own flags), opens and
// migrates the database and builds the account rules. With announce, the
// account changes the command makes are announced to the running nodes
// through Redis when one is configured (operatorLive). The caller calls
// close.
func openOperator(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer, getenv func(string) string,
	announce bool) (*operator, error) {
	cfg, db, log, err := openForCLIConfig(ctx, fs, args, stderr, getenv)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	var events auth.Events
	closeLive := func() {}
	if announce {
		if events, closeLive, err = operatorLive(ctx, cfg, log); err != nil {
			db.Close()
			return nil, err
		}
	}
	svc, err := auth.New(ctx, auth.Params{Store: store.Scope[auth.Store](db), Logger: log, Events: events})
	if err != nil {
		closeLive()
		db.Close()
		return nil, err
	}
	ctx = lms.WithClient(ctx, lms.Client{IP: "cli"})
	return &operator{cfg: cfg, db: db, log: log, auth: svc, ctx: ctx, actor: auth.Operator(),
		announced: events != nil, closeLive: closeLive}, nil
}

// close releases the connection to the nodes and the database.
func (op *operator) close() {
	op.closeLive()
	op.db.Close()
}

// reach tells the operator when running servers see the change: at once
// when it was announced through Redis; otherwise as their credential
// caches expire (a single node's broker is in its own process).
func (op *operator) reach() string {
	if op.announced {
		return "running servers were told through Redis"
	}
	return "running servers see this within " + cacheTTLText
}

// cliError shows a user-visible error by its message and field.
func cliError(err error) error {
	var e *lms.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return fmt.Errorf("%s: %s", e.Field, e.Message)
		}
		return errors.New(e.Message)
	}
	return err
}

// daysDuration converts a lifetime in days (0: none) to a duration.
func daysDuration(days int) time.Duration { return time.Duration(days) * 24 * time.Hour }

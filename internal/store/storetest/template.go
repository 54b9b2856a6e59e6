package storetest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store/postgres"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// templateTimeout bounds making or dropping a migrated template.
const templateTimeout = 2 * time.Minute

// migratedSQLite is the content of an empty SQLite database with every
// migration applied, made once per test process by the backend's own
// Migrate (about 1.5 s under -race, for every test that wants a store): a
// new test database is a copy of it. The file it was made in is removed at
// once.
var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "lyceum-storetest-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), templateTimeout)
	defer cancel()
	path := filepath.Join(dir, "lyceum.db")
	db, err := sqlite.Open(ctx, path, zerolog.Nop())
	if err != nil {
		return nil, err
	}
	err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr // closing checkpoints the write-ahead log into the file
	}
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, errors.New("the database kept a write-ahead log after closing")
	}
	return os.ReadFile(path)
})

// SeedSQLite writes a copy of an empty SQLite database with every
// migration applied (made once per test process) at path, unless a file is
// already there: a store or a node opened on path then finds nothing to
// migrate. SQLiteAt does this itself; a test node's data directory uses it
// directly.
func SeedSQLite(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return // a node restarting on its data, or a second store over it
	}
	b, err := migratedSQLite()
	if err != nil {
		t.Fatalf("migrating the template SQLite database: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatalf("seed sqlite: %v", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return // another store over the same path made it first
	}
	if err == nil {
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatalf("seed sqlite: %v", err)
	}
}

// PostgreSQL databases made by a test process are named
// lyceumtest_<owner>_tpl (the migrated template) and lyceumtest_<owner>_<n>
// (its clones), where owner is a random id the process holds the advisory
// lock (pgLockClass, owner) on while it runs. A process that made them and
// died without dropping them (a panic, a timeout) no longer holds the lock:
// the next process to make a template drops them.
const (
	pgNamePrefix = "lyceumtest_"
	pgLockClass  = 0x4c59 // "LY"
)

// clonesAhead is how many clones of the template are made ahead of the
// tests asking for them (CREATE DATABASE takes ~0.4 s; the tests run two at
// a time on CI's two cores).
const clonesAhead = 2

// pgTemplate is this process's migrated PostgreSQL template database and
// the clones made ahead of time.
var pgTemplate struct {
	mu      sync.Mutex
	enabled bool         // Main runs this process's tests
	owner   int32        // random id in every database name; see pgNamePrefix
	lock    *pgx.Conn    // holds the advisory lock on owner; nil until made
	name    string       // the template database; "" until made
	err     error        // making it failed
	ready   chan clone   // clones made ahead
	clones  atomic.Int64 // clones named so far
	stop    context.CancelFunc
	makers  sync.WaitGroup // the goroutines making clones
	drops   sync.WaitGroup // clones being dropped
}

// clone is a new database copied from the template, or why it is not.
type clone struct {
	name string
	err  error
}

// Main runs a test binary's tests and returns m.Run's exit code, having
// dropped the PostgreSQL databases MigratedPostgresURL and Postgres made.
// Call it from TestMain (os.Exit(storetest.Main(m))) in packages whose
// tests use those on PostgreSQL: with it each test's database is a clone of
// one migrated once per process, without it each test migrates a new
// schema of its own. Making the template and its first clones costs about
// as much as migrating three schemas: packages whose tests open fewer
// PostgreSQL stores do without it.
func Main(m *testing.M) int {
	s := &pgTemplate
	s.mu.Lock()
	s.enabled = true
	s.mu.Unlock()
	code := m.Run()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return code
	}
	if s.stop != nil {
		s.stop()
	}
	s.makers.Wait()
	s.drops.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), templateTimeout)
	defer cancel()
	err := dropOwned(ctx, s.lock, s.owner) // the template, clones made ahead, any a drop missed
	if cerr := s.lock.Close(ctx); err == nil {
		err = cerr
	}
	s.lock = nil
	if err != nil {
		fmt.Fprintf(os.Stderr, "storetest: dropping the template databases: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// MigratedPostgresURL returns a LYCEUM_TEST_DATABASE_URL for a new database
// with every migration applied and no data, dropped when the test ends; a
// store opened on it (PostgresAt) finds nothing to migrate. Without Main in
// the package's TestMain it returns a new empty schema (PostgresURL), which
// PostgresAt migrates. It skips the test when the variable is unset.
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	base := testenv.Lookup(t, EnvDatabaseURL)
	ready := clones(t, base)
	if ready == nil {
		return PostgresURL(t)
	}
	var c clone
	select {
	case c = <-ready:
	case <-t.Context().Done():
		t.Fatalf("waiting for a clone of the template database: %v", t.Context().Err())
	}
	if c.err != nil {
		t.Fatalf("cloning the template database: %v", c.err)
	}
	// The stores on it are closed first (cleanups run last in, first out);
	// the drop need not hold the test up, Main waits for it.
	t.Cleanup(func() {
		pgTemplate.drops.Add(1)
		go func() {
			defer pgTemplate.drops.Done()
			ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
			defer cancel()
			// A drop that fails is done again by Main (dropOwned).
			_ = execOn(ctx, base, "DROP DATABASE IF EXISTS "+c.name+" WITH (FORCE)")
		}()
	})
	return withDatabase(t, base, c.name)
}

// clones returns the channel of clones made ahead, making the template and
// starting the makers on first use, or nil when Main does not run.
func clones(t testing.TB, base string) <-chan clone {
	t.Helper()
	s := &pgTemplate
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.enabled {
		return nil
	}
	if s.name == "" && s.err == nil {
		s.err = makeTemplate(t, base)
		if s.err == nil {
			ctx, cancel := context.WithCancel(context.Background())
			s.ready, s.stop = make(chan clone), cancel
			for range clonesAhead {
				s.makers.Go(func() { makeClones(ctx, base) })
			}
		}
	}
	if s.err != nil {
		t.Fatalf("migrating the template PostgreSQL database: %v", s.err)
	}
	return s.ready
}

// makeClones copies the template into new databases and hands them to
// pgTemplate.ready until ctx ends. A clone made but not taken is dropped by
// Main.
func makeClones(ctx context.Context, base string) {
	s := &pgTemplate
	prefix := pgNamePrefix + strconv.Itoa(int(s.owner)) + "_"
	for ctx.Err() == nil {
		name := prefix + strconv.FormatInt(s.clones.Add(1), 10)
		err := execOn(ctx, base, "CREATE DATABASE "+name+" TEMPLATE "+s.name)
		select {
		case s.ready <- clone{name: name, err: err}:
		case <-ctx.Done():
		}
	}
}

// makeTemplate takes an owner id and its lock, drops what dead processes
// left, and makes and migrates the template database. pgTemplate.mu is held.
func makeTemplate(t testing.TB, base string) error {
	s := &pgTemplate
	ctx, cancel := context.WithTimeout(context.Background(), templateTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	s.owner = rand.Int32()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, $2)", pgLockClass, s.owner); err != nil {
		_ = conn.Close(ctx)
		return err
	}
	s.lock = conn // from here on Main drops what this process made
	if err := dropAbandoned(ctx, conn); err != nil {
		return err
	}
	name := pgNamePrefix + strconv.Itoa(int(s.owner)) + "_tpl"
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, withDatabase(t, base, name), zerolog.Nop())
	if err != nil {
		return err
	}
	err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// No session may be connected to a template being copied.
		_, err = conn.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false")
	}
	if err != nil {
		return err
	}
	s.name = name
	return nil
}

// testDatabases lists the databases named by pgNamePrefix, by owner.
func testDatabases(ctx context.Context, conn *pgx.Conn) (map[int32][]string, error) {
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", pgNamePrefix)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	byOwner := map[int32][]string{}
	for _, n := range names {
		owner, _, _ := strings.Cut(strings.TrimPrefix(n, pgNamePrefix), "_")
		if id, err := strconv.ParseInt(owner, 10, 32); err == nil {
			byOwner[int32(id)] = append(byOwner[int32(id)], n)
		}
	}
	return byOwner, nil
}

// dropOwned drops the databases of owner, this process.
func dropOwned(ctx context.Context, conn *pgx.Conn, owner int32) error {
	byOwner, err := testDatabases(ctx, conn)
	if err != nil {
		return err
	}
	return dropDatabases(ctx, conn, byOwner[owner])
}

// dropAbandoned drops the databases of owners no session holds the lock
// of: their processes are gone (an owner takes its lock before it makes a
// database, and ids are not reused).
func dropAbandoned(ctx context.Context, conn *pgx.Conn) error {
	byOwner, err := testDatabases(ctx, conn)
	if err != nil {
		return err
	}
	for owner, names := range byOwner {
		var alive bool
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
			AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted)`, pgLockClass, owner).Scan(&alive)
		if err != nil {
			return err
		}
		if !alive {
			if err := dropDatabases(ctx, conn, names); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropDatabases drops the named databases, connected or not.
func dropDatabases(ctx context.Context, conn *pgx.Conn, names []string) error {
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	return nil
}

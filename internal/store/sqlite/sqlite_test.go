package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.SQLite(t) })
}

func TestMigrateEmptyDatabaseAppliesEverything(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "nested", "dir", "lyceum.db")
	db, err := sqlite.Open(ctx, path, zerolog.Nop())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	storetest.MigrateFromEmpty(t, db)
	if db.SQLDB() == nil {
		t.Fatal("SQLDB() = nil")
	}
}

func TestOpenRejectsPathWithQuery(t *testing.T) {
	if _, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x.db?mode=ro"), zerolog.Nop()); err == nil {
		t.Fatal("Open accepted a path with '?'")
	}
}

func TestOpenAppliesPragmas(t *testing.T) {
	db := storetest.SQLite(t).(*sqlite.DB)
	cases := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"synchronous", "1"}, // NORMAL
	}
	for _, c := range cases {
		var got string
		if err := db.SQLDB().QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s = %q, want %q", c.pragma, got, c.want)
		}
	}
}

// TestConcurrentReadThenWriteTransactions checks _txlock=immediate: without
// it, transactions that read and then write fail with SQLITE_BUSY when they
// overlap.
func TestConcurrentReadThenWriteTransactions(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := t.Context()
	const writers = 8
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs <- s.InTx(ctx, func(tx store.Store) error {
				n, err := tx.CountUsers(ctx)
				if err != nil {
					return err
				}
				name := fmt.Sprintf("u%d", i)
				return tx.CreateUser(ctx, &lms.User{Email: name + "@example.com", Username: name,
					Name: fmt.Sprint(n), Role: lms.SiteUser})
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("InTx: %v", err)
		}
	}
	if n, err := s.CountUsers(ctx); err != nil || n != writers {
		t.Fatalf("CountUsers = %d, %v; want %d", n, err, writers)
	}
}

package storetest

import (
	"context"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store"
)

// Migrator is a backend's schema migration, as its tests see it.
type Migrator interface {
	Migrate(ctx context.Context) error
	MigrationStatus(ctx context.Context) ([]store.MigrationState, error)
}

// MigrateFromEmpty checks a backend opened on an empty database: it embeds
// migrations, none is applied yet; Migrate applies them all, each with a
// time, version and name, and a second Migrate finds nothing to do.
func MigrateFromEmpty(t *testing.T, db Migrator) {
	t.Helper()
	ctx := t.Context()
	before, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus before: %v", err)
	}
	if len(before) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range before {
		if m.Applied {
			t.Fatalf("migration %s applied on an empty database", m.Name)
		}
	}
	for range 2 { // the second run finds nothing to do
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	after, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range after {
		if !m.Applied || m.AppliedAt.IsZero() || m.Version == 0 || m.Name == "" {
			t.Errorf("after Migrate: %+v, want applied with a time, version and name", m)
		}
	}
}

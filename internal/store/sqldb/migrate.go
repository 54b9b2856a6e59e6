package sqldb

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pressly/goose/v3"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
)

// Migrate applies p's pending migrations and logs each one applied.
func Migrate(ctx context.Context, p *goose.Provider, log zerolog.Logger) error {
	results, err := p.Up(ctx)
	for _, r := range results {
		ev := log.Info()
		if r.Error != nil {
			ev = log.Error().Err(r.Error)
		}
		ev.Int64("version", r.Source.Version).Str("migration", filepath.Base(r.Source.Path)).
			Dur("took", r.Duration).Msg("migration applied")
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationStatus lists p's migrations, oldest first, and whether each is
// applied.
func MigrationStatus(ctx context.Context, p *goose.Provider) ([]store.MigrationState, error) {
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]store.MigrationState, 0, len(st))
	for _, m := range st {
		ms := store.MigrationState{
			Version: m.Source.Version,
			Name:    filepath.Base(m.Source.Path),
			Applied: m.State == goose.StateApplied,
		}
		if ms.Applied && !m.AppliedAt.IsZero() {
			ms.AppliedAt = m.AppliedAt.UTC()
		}
		out = append(out, ms)
	}
	return out, nil
}

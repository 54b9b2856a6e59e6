package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/postgres"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
)

// connectTimeout bounds how long start-up waits for PostgreSQL or Redis.
const connectTimeout = 10 * time.Second

// backend is a storage backend as the composition root sees it: the store
// contract plus migrations and pool statistics.
type backend interface {
	store.Store
	Migrate(ctx context.Context) error
	MigrationStatus(ctx context.Context) ([]store.MigrationState, error)
	SQLDB() *sql.DB
}

var (
	_ backend = (*postgres.DB)(nil)
	_ backend = (*sqlite.DB)(nil)
)

// openBackend opens PostgreSQL when a database URL is configured and the
// embedded SQLite database in the data directory otherwise. It does not migrate.
func openBackend(ctx context.Context, cfg *Config, log zerolog.Logger) (backend, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if cfg.DatabaseURL != "" {
		db, err := postgres.Open(ctx, cfg.DatabaseURL, log)
		if err != nil {
			return nil, fmt.Errorf("LYCEUM_DATABASE_URL: %w", err)
		}
		return db, nil
	}
	path := filepath.Join(cfg.DataDir, "lyceum.db")
	db, err := sqlite.Open(ctx, path, log)
	if err != nil {
		return nil, fmt.Errorf("LYCEUM_DATA_DIR: opening %s: %w", path, err)
	}
	return db, nil
}

// backendName names the backend for logs.
func backendName(cfg *Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// openRedis connects to Redis when configured (nil, nil otherwise) and checks
// that it answers.
func openRedis(ctx context.Context, cfg *Config) (*redis.Client, error) {
	if cfg.RedisURL == "" {
		return nil, nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("LYCEUM_REDIS_URL: %w", err)
	}
	opt.ContextTimeoutEnabled = true // every call ends by its context's deadline (the hub's publish timeout needs it)
	client := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("LYCEUM_REDIS_URL: Redis at %s does not answer: %w", opt.Addr, err)
	}
	return client, nil
}

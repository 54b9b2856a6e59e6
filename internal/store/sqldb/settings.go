package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The site settings are one row holding a JSON document (lms.Settings' JSON
// form without UpdatedAt, which has its own column): adding a setting needs
// no migration, and a setting missing from an older document keeps its
// default from lms.DefaultSettings.
const settingsRowID = 1

// GetSettings returns the saved settings, or lms.DefaultSettings() when none
// were saved.
func (s *DB) GetSettings(ctx context.Context) (lms.Settings, error) {
	var (
		data    string
		updated int64
	)
	err := s.q.QueryRowContext(ctx, `SELECT data, updated_at FROM settings WHERE id = $1`, settingsRowID).
		Scan(&data, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return lms.DefaultSettings(), nil
	}
	if err != nil {
		return lms.Settings{}, s.wrap(err, "get settings")
	}
	st := lms.DefaultSettings()
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return lms.Settings{}, fmt.Errorf("%s: decode settings: %w", s.dialect.Name, err)
	}
	st.UpdatedAt = fromMS(updated)
	return st, nil
}

// PutSettings saves st. A zero st.UpdatedAt is stored as now.
func (s *DB) PutSettings(ctx context.Context, st lms.Settings) error {
	updated := st.UpdatedAt
	if updated.IsZero() {
		updated = s.now()
	}
	data, err := json.Marshal(settingsDoc(st))
	if err != nil {
		return fmt.Errorf("%s: encode settings: %w", s.dialect.Name, err)
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO settings (id, data, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		settingsRowID, string(data), toMS(updated))
	return s.wrap(err, "put settings")
}

// settingsDoc is st as stored in the JSON document: without UpdatedAt.
func settingsDoc(st lms.Settings) lms.Settings {
	st.UpdatedAt = time.Time{}
	return st
}

// GetValue returns a named value (ENOTFOUND if unset).
func (s *DB) GetValue(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.q.QueryRowContext(ctx, `SELECT val FROM kv WHERE name = $1`, key).Scan(&v); err != nil {
		return "", s.notFound(err, "value")
	}
	return v, nil
}

// PutValue sets a named value, replacing any previous one.
func (s *DB) PutValue(ctx context.Context, key, value string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO kv (name, val) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET val = excluded.val`, key, value)
	return s.wrap(err, "put value")
}

// DeleteValueIf removes key only if it holds value, in one statement, and
// reports whether it did: of concurrent callers exactly one wins.
func (s *DB) DeleteValueIf(ctx context.Context, key, value string) (bool, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM kv WHERE name = $1 AND val = $2`, key, value)
	if err != nil {
		return false, s.wrap(err, "delete value")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap(err, "delete value")
	}
	return n == 1, nil
}

// EnsureValue sets key to value unless it holds one (INSERT ... DO
// NOTHING waits for a concurrent insert of the same key) and returns the
// value it holds.
func (s *DB) EnsureValue(ctx context.Context, key, value string) (string, error) {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO kv (name, val) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, key, value); err != nil {
		return "", s.wrap(err, "ensure value")
	}
	return s.GetValue(ctx, key)
}

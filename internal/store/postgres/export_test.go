package postgres

import "context"

// MigrateDownTo rolls the schema back to version, for tests of what a
// later migration does to existing data.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.provider(ctx, false)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

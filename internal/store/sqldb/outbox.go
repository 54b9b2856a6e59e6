package sqldb

import (
	"context"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Outbox = (*DB)(nil)

// maxOutboxDelete bounds the ids one DELETE names (SQLite allows 32,766
// parameters; the relay deletes in far smaller batches).
const maxOutboxDelete = 1000

// AppendOutbox inserts a and sets a.ID (and CreatedAt when zero).
func (s *DB) AppendOutbox(ctx context.Context, a *lms.Announcement) error {
	created := normalize(a.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	err := s.q.QueryRowContext(ctx, `INSERT INTO outbox (feed_kind, feed_id, data, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, string(a.Feed.Kind), a.Feed.ID, string(a.Data), toMS(created)).Scan(&a.ID)
	if err != nil {
		return s.wrap(err, "append to the outbox")
	}
	a.CreatedAt = created
	return nil
}

func scanAnnouncement(sc scanner) (*lms.Announcement, error) {
	var (
		a    lms.Announcement
		kind string
		data string
		crt  int64
	)
	if err := sc.Scan(&a.ID, &kind, &a.Feed.ID, &data, &crt); err != nil {
		return nil, err
	}
	a.Feed.Kind, a.Data, a.CreatedAt = lms.FeedKind(kind), []byte(data), fromMS(crt)
	return &a, nil
}

// PendingOutbox returns up to limit announcements created at or before
// before, oldest first.
func (s *DB) PendingOutbox(ctx context.Context, before time.Time, limit int) ([]*lms.Announcement, error) {
	return queryList(ctx, s, "list the outbox", scanAnnouncement, `SELECT id, feed_kind, feed_id, data, created_at
		FROM outbox WHERE created_at <= $1 ORDER BY id LIMIT $2`, toMS(before), lms.ClampLimit(limit))
}

// DeleteOutbox removes the announcements with these ids.
func (s *DB) DeleteOutbox(ctx context.Context, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), maxOutboxDelete)
		var a args
		ph := make([]string, n)
		for i, id := range ids[:n] {
			ph[i] = a.add(id)
		}
		if _, err := s.q.ExecContext(ctx, `DELETE FROM outbox WHERE id IN (`+strings.Join(ph, ", ")+`)`, a...); err != nil {
			return s.wrap(err, "delete from the outbox")
		}
		ids = ids[n:]
	}
	return nil
}

package sqldb

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Notifications = (*DB)(nil)

const notificationCols = `id, user_id, kind, payload, created_at, read_at`

func scanNotification(sc scanner) (*lms.Notification, error) {
	var (
		n         lms.Notification
		crt, read int64
	)
	if err := sc.Scan(&n.ID, &n.UserID, &n.Kind, &n.Payload, &crt, &read); err != nil {
		return nil, err
	}
	n.CreatedAt, n.ReadAt = fromMS(crt), fromMS(read)
	return &n, nil
}

// CreateNotification inserts n and sets n.ID (and CreatedAt when zero).
func (s *DB) CreateNotification(ctx context.Context, n *lms.Notification) error {
	created := normalize(n.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	payload := n.Payload
	if payload == "" {
		payload = "{}"
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, payload, created_at, read_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, n.UserID, n.Kind, payload, toMS(created), toMS(n.ReadAt)).Scan(&id)
	if err != nil {
		return s.wrapFK(err, "create notification", "user")
	}
	n.ID, n.CreatedAt, n.Payload, n.ReadAt = id, created, payload, normalize(n.ReadAt)
	return nil
}

// ListNotifications returns the user's notifications newest first.
func (s *DB) ListNotifications(ctx context.Context, f lms.NotificationFilter) ([]*lms.Notification, error) {
	var a args
	where := ` WHERE user_id = ` + a.add(f.UserID)
	if f.UnreadOnly {
		where += ` AND read_at = 0`
	}
	if f.BeforeID > 0 {
		where += ` AND id < ` + a.add(f.BeforeID)
	}
	return queryList(ctx, s, "list notifications", scanNotification, `SELECT `+notificationCols+
		` FROM notifications`+where+` ORDER BY id DESC LIMIT `+a.add(lms.ClampLimit(f.Limit)), a...)
}

// MarkNotificationsRead marks unread notifications up to upToID (0: all) read.
func (s *DB) MarkNotificationsRead(ctx context.Context, userID, upToID int64, at time.Time) (int, error) {
	if at.IsZero() {
		at = s.now()
	}
	var a args
	q := `UPDATE notifications SET read_at = ` + a.add(toMS(at)) + ` WHERE user_id = ` + a.add(userID) +
		` AND read_at = 0`
	if upToID > 0 {
		q += ` AND id <= ` + a.add(upToID)
	}
	res, err := s.q.ExecContext(ctx, q, a...)
	if err != nil {
		return 0, s.wrap(err, "mark notifications read")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(err, "mark notifications read")
	}
	return int(n), nil
}

// CountUnreadNotifications returns how many of the user's notifications are unread.
func (s *DB) CountUnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at = 0`,
		userID).Scan(&n)
	if err != nil {
		return 0, s.wrap(err, "count notifications")
	}
	return n, nil
}

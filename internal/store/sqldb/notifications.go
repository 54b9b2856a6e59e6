package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// MarkNotificationRead marks one of the user's notifications read.
func (s *DB) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	var read int64
	err := s.q.QueryRowContext(ctx, `UPDATE notifications SET read_at = CASE WHEN read_at = 0 THEN $3 ELSE read_at END
		WHERE id = $1 AND user_id = $2 RETURNING read_at`, id, userID, toMS(at)).Scan(&read)
	return s.notFound(err, "notification")
}

// ClaimNotificationOnce inserts the (user, key) row unless it is there.
func (s *DB) ClaimNotificationOnce(ctx context.Context, userID int64, key string, at time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `INSERT INTO notification_once (user_id, dedup_key, created_at)
		VALUES ($1, $2, $3) ON CONFLICT (user_id, dedup_key) DO NOTHING`, userID, key, toMS(normalize(at)))
	if err != nil {
		return false, s.wrapFK(err, "claim notification", "user")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap(err, "claim notification")
	}
	return n == 1, nil
}

// GetNotifySettings returns the user's settings (a JSON document, so a
// setting missing from an older one keeps its default).
func (s *DB) GetNotifySettings(ctx context.Context, userID int64) (lms.NotifySettings, error) {
	var (
		data    string
		updated int64
	)
	st := lms.DefaultNotifySettings()
	err := s.q.QueryRowContext(ctx, `SELECT data, updated_at FROM notify_settings WHERE user_id = $1`, userID).
		Scan(&data, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return lms.NotifySettings{}, s.wrap(err, "get notification settings")
	}
	return s.decodeNotifySettings(data, updated)
}

// PutNotifySettings saves the user's settings.
func (s *DB) PutNotifySettings(ctx context.Context, userID int64, st lms.NotifySettings) error {
	updated := st.UpdatedAt
	if updated.IsZero() {
		updated = s.now()
	}
	st.UpdatedAt = time.Time{}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("%s: encode notification settings: %w", s.dialect.Name, err)
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO notify_settings (user_id, data, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		userID, string(data), toMS(updated))
	return s.wrapFK(err, "put notification settings", "user")
}

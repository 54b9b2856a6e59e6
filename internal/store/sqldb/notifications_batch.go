package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// batchRows bounds the rows of one multi-row statement (well under both
// dialects' limits on bound parameters).
const batchRows = 500

// chunks calls fn with successive slices of at most batchRows of n items.
func chunks(n int, fn func(from, to int) error) error {
	for i := 0; i < n; i += batchRows {
		if err := fn(i, min(i+batchRows, n)); err != nil {
			return err
		}
	}
	return nil
}

// ClaimNotificationsOnce inserts the (user, key) rows that are not there
// and returns the users it inserted.
func (s *DB) ClaimNotificationsOnce(ctx context.Context, key string, userIDs []int64, at time.Time) ([]int64, error) {
	var claimed []int64
	err := chunks(len(userIDs), func(from, to int) error {
		var (
			a    args
			vals = make([]string, 0, to-from)
		)
		k, ms := a.add(key), a.add(toMS(normalize(at)))
		for _, id := range userIDs[from:to] {
			vals = append(vals, "("+a.add(id)+", "+k+", "+ms+")")
		}
		rows, err := s.q.QueryContext(ctx, `INSERT INTO notification_once (user_id, dedup_key, created_at) VALUES `+
			strings.Join(vals, ", ")+` ON CONFLICT (user_id, dedup_key) DO NOTHING RETURNING user_id`, a...)
		if err != nil {
			return s.wrapFK(err, "claim notifications", "user")
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return s.wrap(err, "claim notifications")
			}
			claimed = append(claimed, id)
		}
		return s.wrap(rows.Err(), "claim notifications")
	})
	return claimed, err
}

// CreateNotifications inserts list with multi-row inserts; the ids come
// back by user (RETURNING gives no order).
func (s *DB) CreateNotifications(ctx context.Context, list []*lms.Notification) error {
	byUser := make(map[int64]*lms.Notification, len(list))
	for _, n := range list {
		if byUser[n.UserID] != nil {
			return lms.Errorf(lms.EINVALID, "one notification per user in a batch")
		}
		byUser[n.UserID] = n
		n.CreatedAt, n.ReadAt = normalize(n.CreatedAt), normalize(n.ReadAt)
		if n.CreatedAt.IsZero() {
			n.CreatedAt = normalize(s.now())
		}
		if n.Payload == "" {
			n.Payload = "{}"
		}
	}
	return chunks(len(list), func(from, to int) error {
		var (
			a    args
			vals = make([]string, 0, to-from)
		)
		for _, n := range list[from:to] {
			vals = append(vals, fmt.Sprintf("(%s, %s, %s, %s, %s)", a.add(n.UserID), a.add(n.Kind), a.add(n.Payload),
				a.add(toMS(n.CreatedAt)), a.add(toMS(n.ReadAt))))
		}
		rows, err := s.q.QueryContext(ctx, `INSERT INTO notifications (user_id, kind, payload, created_at, read_at) VALUES `+
			strings.Join(vals, ", ")+` RETURNING id, user_id`, a...)
		if err != nil {
			return s.wrapFK(err, "create notifications", "user")
		}
		defer rows.Close()
		for rows.Next() {
			var id, user int64
			if err := rows.Scan(&id, &user); err != nil {
				return s.wrap(err, "create notifications")
			}
			byUser[user].ID = id
		}
		return s.wrap(rows.Err(), "create notifications")
	})
}

// NotifySettingsOf reads the settings of many users, batchRows at a time.
func (s *DB) NotifySettingsOf(ctx context.Context, userIDs []int64) (map[int64]lms.NotifySettings, error) {
	out := make(map[int64]lms.NotifySettings, len(userIDs))
	for _, id := range userIDs {
		out[id] = lms.DefaultNotifySettings()
	}
	err := chunks(len(userIDs), func(from, to int) error {
		var a args
		rows, err := s.q.QueryContext(ctx, `SELECT user_id, data, updated_at FROM notify_settings WHERE user_id IN `+
			a.in(userIDs[from:to]), a...)
		if err != nil {
			return s.wrap(err, "get notification settings")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id, updated int64
				data        string
			)
			if err := rows.Scan(&id, &data, &updated); err != nil {
				return s.wrap(err, "get notification settings")
			}
			st, err := s.decodeNotifySettings(data, updated)
			if err != nil {
				return err
			}
			out[id] = st
		}
		return s.wrap(rows.Err(), "get notification settings")
	})
	return out, err
}

// decodeNotifySettings reads a stored settings document over the defaults
// (a setting missing from an older one keeps its default).
func (s *DB) decodeNotifySettings(data string, updated int64) (lms.NotifySettings, error) {
	st := lms.DefaultNotifySettings()
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return lms.NotifySettings{}, fmt.Errorf("%s: decode notification settings: %w", s.dialect.Name, err)
	}
	if st.Kinds == nil {
		st.Kinds = map[string]lms.KindPref{}
	}
	if st.MutedCourses == nil {
		st.MutedCourses = []int64{}
	}
	st.UpdatedAt = fromMS(updated)
	return st, nil
}

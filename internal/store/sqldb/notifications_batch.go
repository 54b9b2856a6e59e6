package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
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

// jsonRows returns a FROM clause that reads the JSON array of arrays bound
// at param as rows, and col, which names the i-th element of a row as typ
// ("bigint" or "text"). One parameter for the whole batch: parsing a
// multi-row VALUES list costs more than the insert on SQLite.
func (s *DB) jsonRows(param string) (from string, col func(i int, typ string) string) {
	if s.dialect.Name == "postgres" {
		return "jsonb_array_elements(" + param + "::jsonb) AS j(value)",
			func(i int, typ string) string { return fmt.Sprintf("(j.value->>%d)::%s", i, typ) }
	}
	return "json_each(" + param + ") AS j",
		func(i int, _ string) string { return fmt.Sprintf("json_extract(j.value, '$[%d]')", i) }
}

// ClaimNotificationsOnce inserts the (user, key) rows that are not there
// and returns the users it inserted.
func (s *DB) ClaimNotificationsOnce(ctx context.Context, key string, userIDs []int64, at time.Time) ([]int64, error) {
	var claimed []int64
	from, col := s.jsonRows("$3")
	q := `INSERT INTO notification_once (user_id, dedup_key, created_at) SELECT ` + col(0, "bigint") + `, $1, $2 FROM ` +
		from + ` WHERE true ON CONFLICT (user_id, dedup_key) DO NOTHING RETURNING user_id`
	err := chunks(len(userIDs), func(from, to int) error {
		rowsJSON := make([][1]int64, 0, to-from)
		for _, id := range userIDs[from:to] {
			rowsJSON = append(rowsJSON, [1]int64{id})
		}
		data, err := json.Marshal(rowsJSON)
		if err != nil {
			return fmt.Errorf("%s: encode claims: %w", s.dialect.Name, err)
		}
		rows, err := s.q.QueryContext(ctx, q, key, toMS(normalize(at)), string(data))
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

// CreateNotifications inserts list, batchRows at a time; the ids come back
// by user (RETURNING gives no order).
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
	from, col := s.jsonRows("$1")
	q := `INSERT INTO notifications (user_id, kind, payload, created_at, read_at) SELECT ` + col(0, "bigint") + `, ` +
		col(1, "text") + `, ` + col(2, "text") + `, ` + col(3, "bigint") + `, ` + col(4, "bigint") + ` FROM ` + from +
		` RETURNING id, user_id`
	return chunks(len(list), func(from, to int) error {
		rowsJSON := make([][5]any, 0, to-from)
		for _, n := range list[from:to] {
			rowsJSON = append(rowsJSON, [5]any{n.UserID, n.Kind, n.Payload, toMS(n.CreatedAt), toMS(n.ReadAt)})
		}
		data, err := json.Marshal(rowsJSON)
		if err != nil {
			return fmt.Errorf("%s: encode notifications: %w", s.dialect.Name, err)
		}
		rows, err := s.q.QueryContext(ctx, q, string(data))
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

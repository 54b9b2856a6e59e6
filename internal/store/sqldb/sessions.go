package sqldb

import (
	"context"
	"slices"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

const sessionCols = `id, user_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent`

func scanSession(sc scanner) (*lms.Session, error) {
	var (
		x                      lms.Session
		created, seen, expires int64
	)
	if err := sc.Scan(&x.ID, &x.UserID, &x.TokenHash, &created, &seen, &expires, &x.IP, &x.UserAgent); err != nil {
		return nil, err
	}
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &x, nil
}

// CreateSession inserts x and sets x.ID. A zero CreatedAt becomes now and a
// zero LastSeenAt becomes CreatedAt; the times in x are normalised to what
// reads back (UTC, milliseconds).
func (s *DB) CreateSession(ctx context.Context, x *lms.Session) error {
	created := normalize(x.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	seen := normalize(x.LastSeenAt)
	if seen.IsZero() {
		seen = created
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO sessions (user_id, token_hash, created_at,
		last_seen_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		x.UserID, x.TokenHash, toMS(created), toMS(seen), toMS(x.ExpiresAt), x.IP, x.UserAgent).Scan(&id)
	if err != nil {
		return s.wrap(err, "create session")
	}
	x.ID, x.CreatedAt, x.LastSeenAt, x.ExpiresAt = id, created, seen, normalize(x.ExpiresAt)
	return nil
}

// SessionByTokenHash returns the session with the token hash (ENOTFOUND if
// none). Expiry is the caller's to check.
func (s *DB) SessionByTokenHash(ctx context.Context, hash []byte) (*lms.Session, error) {
	x, err := scanSession(s.q.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, s.notFound(err, "session")
	}
	return x, nil
}

// TouchSession sets LastSeenAt (ENOTFOUND if the session is gone).
func (s *DB) TouchSession(ctx context.Context, id int64, at time.Time) error {
	return s.execOne(ctx, "session", `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, toMS(at), id)
}

// ListSessions returns a page of a user's sessions, newest first.
func (s *DB) ListSessions(ctx context.Context, userID int64, p lms.Page) ([]*lms.Session, error) {
	limit, offset := p.Rows()
	rows, err := s.q.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, s.wrap(err, "list sessions")
	}
	defer rows.Close()
	list := []*lms.Session{}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, s.wrap(err, "list sessions")
		}
		list = append(list, x)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list sessions")
	}
	return list, nil
}

// DeleteSession removes session id of userID (ENOTFOUND if not theirs).
func (s *DB) DeleteSession(ctx context.Context, userID, id int64) error {
	return s.execOne(ctx, "session", `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, id, userID)
}

// DeleteUserSessions removes all of a user's sessions except exceptID (0:
// all) and returns the removed ids in ascending order.
func (s *DB) DeleteUserSessions(ctx context.Context, userID, exceptID int64) ([]int64, error) {
	rows, err := s.q.QueryContext(ctx,
		`DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id`, userID, exceptID)
	if err != nil {
		return nil, s.wrap(err, "delete sessions")
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap(err, "delete sessions")
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "delete sessions")
	}
	slices.Sort(ids)
	return ids, nil
}

// DeleteExpiredSessions removes sessions that expired before now or were
// last seen before idleBefore (zero: no idle limit), and returns how many.
func (s *DB) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`,
		toMS(now), toMS(idleBefore))
	if err != nil {
		return 0, s.wrap(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(err, "delete expired sessions")
	}
	return int(n), nil
}

const tokenCols = `id, user_id, name, prefix, token_hash, created_at, last_used_at, expires_at`

func scanToken(sc scanner) (*lms.APIToken, error) {
	var (
		t                      lms.APIToken
		created, used, expires int64
	)
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.TokenHash, &created, &used, &expires); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt = fromMS(created), fromMS(used), fromMS(expires)
	return &t, nil
}

// CreateAPIToken inserts t and sets t.ID (and CreatedAt to now when zero).
func (s *DB) CreateAPIToken(ctx context.Context, t *lms.APIToken) error {
	created := normalize(t.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash,
		created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		t.UserID, t.Name, t.Prefix, t.TokenHash, toMS(created), toMS(t.LastUsedAt), toMS(t.ExpiresAt)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create API token")
	}
	t.ID, t.CreatedAt = id, created
	t.LastUsedAt, t.ExpiresAt = normalize(t.LastUsedAt), normalize(t.ExpiresAt)
	return nil
}

// APITokenByHash returns the token with the hash (ENOTFOUND if none).
// Expiry is the caller's to check.
func (s *DB) APITokenByHash(ctx context.Context, hash []byte) (*lms.APIToken, error) {
	t, err := scanToken(s.q.QueryRowContext(ctx,
		`SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, s.notFound(err, "API token")
	}
	return t, nil
}

// ListAPITokens returns a page of a user's tokens, newest first.
func (s *DB) ListAPITokens(ctx context.Context, userID int64, p lms.Page) ([]*lms.APIToken, error) {
	limit, offset := p.Rows()
	rows, err := s.q.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1
		ORDER BY id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, s.wrap(err, "list API tokens")
	}
	defer rows.Close()
	list := []*lms.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.wrap(err, "list API tokens")
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list API tokens")
	}
	return list, nil
}

// DeleteAPIToken removes token id of userID (ENOTFOUND if not theirs).
func (s *DB) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	return s.execOne(ctx, "API token", `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
}

// TouchAPIToken sets LastUsedAt (ENOTFOUND if the token is gone).
func (s *DB) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	return s.execOne(ctx, "API token", `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, toMS(at), id)
}

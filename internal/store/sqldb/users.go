package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

const userCols = `id, email, username, name, role, disabled, avatar_path, password_hash,
	created_at, updated_at, last_login_at`

func scanUser(sc scanner) (*lms.User, error) {
	var (
		u                         lms.User
		role                      string
		disabled                  int64
		created, updated, lastLog int64
	)
	err := sc.Scan(&u.ID, &u.Email, &u.Username, &u.Name, &role, &disabled, &u.AvatarPath,
		&u.PasswordHash, &created, &updated, &lastLog)
	if err != nil {
		return nil, err
	}
	u.Role = lms.SiteRole(role)
	u.Disabled = disabled != 0
	u.CreatedAt, u.UpdatedAt, u.LastLoginAt = fromMS(created), fromMS(updated), fromMS(lastLog)
	return &u, nil
}

// CreateUser inserts u and sets u.ID, CreatedAt (now unless already set) and
// UpdatedAt.
func (s *DB) CreateUser(ctx context.Context, u *lms.User) error {
	created := normalize(u.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO users (email, username, name, role, disabled,
		avatar_path, password_hash, created_at, updated_at, last_login_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		u.Email, u.Username, u.Name, string(u.Role), boolInt(u.Disabled), u.AvatarPath,
		u.PasswordHash, toMS(created), toMS(created), toMS(u.LastLoginAt)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create user")
	}
	u.ID, u.CreatedAt, u.UpdatedAt, u.LastLoginAt = id, created, created, normalize(u.LastLoginAt)
	return nil
}

// UserByID returns the user with id (ENOTFOUND if none).
func (s *DB) UserByID(ctx context.Context, id int64) (*lms.User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "user")
	}
	return u, nil
}

// UserByLogin finds a user by email or username, case-insensitively; an
// email match wins over a username match.
func (s *DB) UserByLogin(ctx context.Context, login string) (*lms.User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users
		WHERE lower(email) = lower($1) OR lower(username) = lower($1)
		ORDER BY CASE WHEN lower(email) = lower($1) THEN 0 ELSE 1 END, id LIMIT 1`, login))
	if err != nil {
		return nil, s.notFound(err, "user")
	}
	return u, nil
}

// UsersByLogins returns the users whose email or username is one of
// logins, case-insensitively, ordered by id.
func (s *DB) UsersByLogins(ctx context.Context, logins []string) ([]*lms.User, error) {
	out := []*lms.User{}
	if len(logins) == 0 {
		return out, nil
	}
	if len(logins) > store.MaxLoginsPerLookup {
		return nil, fmt.Errorf("%s: users by logins: %d logins, at most %d", s.dialect.Name, len(logins), store.MaxLoginsPerLookup)
	}
	var a args
	marks := make([]string, len(logins))
	for i, l := range logins {
		marks[i] = "lower(" + a.add(l) + ")"
	}
	in := strings.Join(marks, ", ")
	rows, err := s.q.QueryContext(ctx, `SELECT `+userCols+` FROM users
		WHERE lower(email) IN (`+in+`) OR lower(username) IN (`+in+`) ORDER BY id`, a...)
	if err != nil {
		return nil, s.wrap(err, "users by logins")
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.wrap(err, "users by logins")
		}
		out = append(out, u)
	}
	return out, s.wrap(rows.Err(), "users by logins")
}

// UpdateUser saves the editable fields of u and sets u.UpdatedAt.
func (s *DB) UpdateUser(ctx context.Context, u *lms.User) error {
	updated := normalize(s.now())
	err := s.execOne(ctx, "user", `UPDATE users SET email = $1, username = $2, name = $3, role = $4,
		disabled = $5, avatar_path = $6, password_hash = $7, updated_at = $8 WHERE id = $9`,
		u.Email, u.Username, u.Name, string(u.Role), boolInt(u.Disabled), u.AvatarPath,
		u.PasswordHash, toMS(updated), u.ID)
	if err != nil {
		return err
	}
	u.UpdatedAt = updated
	return nil
}

// DeleteUser removes the user; sessions and API tokens go with it (ON
// DELETE CASCADE). Audit entries keep actor_id and the stored actor name.
func (s *DB) DeleteUser(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx *DB) error {
		// The avatar belongs to no course, so no cascade drops its ref.
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM upload_refs WHERE ref = $1`, fmt.Sprintf("avatar:%d", id)); err != nil {
			return tx.wrap(err, "delete user")
		}
		return tx.execOne(ctx, "user", `DELETE FROM users WHERE id = $1`, id)
	})
}

// ListUsers returns the users matching f ordered by id, and the total number
// of matches.
func (s *DB) ListUsers(ctx context.Context, f lms.UserFilter) ([]*lms.User, int, error) {
	var a args
	where := ""
	if f.Query != "" {
		p := a.add("%" + escapeLike(f.Query) + "%")
		where = ` WHERE lower(email) LIKE lower(` + p + `) ESCAPE '\'
			OR lower(username) LIKE lower(` + p + `) ESCAPE '\'
			OR lower(name) LIKE lower(` + p + `) ESCAPE '\'`
	}
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM users`+where, a...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count users")
	}
	limit := a.add(lms.ClampLimit(f.Limit))
	offset := a.add(max(f.Offset, 0))
	rows, err := s.q.QueryContext(ctx, `SELECT `+userCols+` FROM users`+where+
		` ORDER BY id LIMIT `+limit+` OFFSET `+offset, a...)
	if err != nil {
		return nil, 0, s.wrap(err, "list users")
	}
	defer rows.Close()
	users := []*lms.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, s.wrap(err, "list users")
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.wrap(err, "list users")
	}
	return users, total, nil
}

// CountUsers returns the number of users.
func (s *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, s.wrap(err, "count users")
	}
	return n, nil
}

// CountAdmins returns the number of enabled administrators.
func (s *DB) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = $1 AND disabled = $2`,
		string(lms.SiteAdmin), boolInt(false)).Scan(&n)
	if err != nil {
		return 0, s.wrap(err, "count admins")
	}
	return n, nil
}

// TouchLogin sets the user's LastLoginAt (ENOTFOUND if there is no user).
func (s *DB) TouchLogin(ctx context.Context, id int64, at time.Time) error {
	return s.execOne(ctx, "user", `UPDATE users SET last_login_at = $1 WHERE id = $2`, toMS(at), id)
}

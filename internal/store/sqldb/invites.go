package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

const inviteCols = `id, email, role, token_hash, created_by, created_at, expires_at, accepted_at`

func scanInvite(sc scanner) (*lms.Invite, error) {
	var (
		inv                        lms.Invite
		role                       string
		created, expires, accepted int64
	)
	if err := sc.Scan(&inv.ID, &inv.Email, &role, &inv.TokenHash, &inv.CreatedBy, &created, &expires, &accepted); err != nil {
		return nil, err
	}
	inv.Role = lms.SiteRole(role)
	inv.CreatedAt, inv.ExpiresAt, inv.AcceptedAt = fromMS(created), fromMS(expires), fromMS(accepted)
	return &inv, nil
}

// CreateInvite inserts inv and sets inv.ID (and CreatedAt to now when zero).
func (s *DB) CreateInvite(ctx context.Context, inv *lms.Invite) error {
	created := normalize(inv.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO invites (email, role, token_hash, created_by,
		created_at, expires_at, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		inv.Email, string(inv.Role), inv.TokenHash, inv.CreatedBy, toMS(created), toMS(inv.ExpiresAt),
		toMS(inv.AcceptedAt)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create invite")
	}
	inv.ID, inv.CreatedAt = id, created
	inv.ExpiresAt, inv.AcceptedAt = normalize(inv.ExpiresAt), normalize(inv.AcceptedAt)
	return nil
}

// InviteByHash returns the invite with the token hash (ENOTFOUND if none).
func (s *DB) InviteByHash(ctx context.Context, hash []byte) (*lms.Invite, error) {
	inv, err := scanInvite(s.q.QueryRowContext(ctx,
		`SELECT `+inviteCols+` FROM invites WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, s.notFound(err, "invite")
	}
	return inv, nil
}

// ListInvites returns a page of the invites, newest first.
func (s *DB) ListInvites(ctx context.Context, p lms.Page) ([]*lms.Invite, error) {
	limit, offset := p.Rows()
	rows, err := s.q.QueryContext(ctx, `SELECT `+inviteCols+` FROM invites ORDER BY id DESC LIMIT $1 OFFSET $2`,
		limit, offset)
	if err != nil {
		return nil, s.wrap(err, "list invites")
	}
	defer rows.Close()
	list := []*lms.Invite{}
	for rows.Next() {
		inv, err := scanInvite(rows)
		if err != nil {
			return nil, s.wrap(err, "list invites")
		}
		list = append(list, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list invites")
	}
	return list, nil
}

// DeleteInvite removes an invite (ENOTFOUND if none).
func (s *DB) DeleteInvite(ctx context.Context, id int64) error {
	return s.execOne(ctx, "invite", `DELETE FROM invites WHERE id = $1`, id)
}

// AcceptInvite marks the invite accepted at at. Only one caller can win:
// ECONFLICT if it already was accepted, ENOTFOUND if there is no invite.
func (s *DB) AcceptInvite(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	res, err := s.q.ExecContext(ctx, `UPDATE invites SET accepted_at = $1 WHERE id = $2 AND accepted_at = 0`,
		toMS(at), id)
	if err != nil {
		return s.wrap(err, "accept invite")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(err, "accept invite")
	}
	if n == 1 {
		return nil
	}
	var one int
	err = s.q.QueryRowContext(ctx, `SELECT 1 FROM invites WHERE id = $1`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return lms.Errorf(lms.ENOTFOUND, "invite not found")
	case err != nil:
		return s.wrap(err, "accept invite")
	default:
		return lms.Errorf(lms.ECONFLICT, "This invitation has already been used.")
	}
}

package sqldb

import (
	"context"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// AppendAudit inserts e and sets e.ID, e.At (now when zero) and e.ActorName.
// The actor's name is stored with the entry (the given ActorName, else the
// actor's username), so it survives the user's deletion; a failed login
// stores the login that was attempted as ActorName with ActorID 0.
func (s *DB) AppendAudit(ctx context.Context, e *lms.AuditEntry) error {
	at := normalize(e.At)
	if at.IsZero() {
		at = normalize(s.now())
	}
	var (
		id   int64
		name string
	)
	err := s.q.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target, ip, detail)
		VALUES ($1, $2, COALESCE(NULLIF($3, ''), (SELECT username FROM users WHERE id = $2), ''), $4, $5, $6, $7)
		RETURNING id, actor_name`,
		toMS(at), e.ActorID, e.ActorName, e.Action, e.Target, e.IP, e.Detail).Scan(&id, &name)
	if err != nil {
		return s.wrap(err, "append audit entry")
	}
	e.ID, e.At, e.ActorName = id, at, name
	return nil
}

// ListAudit returns entries newest first (by id). ActorName is the actor's
// current username, or the name stored with the entry when the user is gone
// (or there was none).
func (s *DB) ListAudit(ctx context.Context, f lms.AuditFilter) ([]*lms.AuditEntry, error) {
	var (
		a     args
		conds []string
	)
	if f.ActorID != 0 {
		conds = append(conds, `a.actor_id = `+a.add(f.ActorID))
	}
	switch {
	case f.Action == "":
	case strings.HasSuffix(f.Action, "."):
		conds = append(conds, `a.action LIKE `+a.add(escapeLike(f.Action)+"%")+` ESCAPE '\'`)
	default:
		conds = append(conds, `a.action = `+a.add(f.Action))
	}
	if f.BeforeID > 0 {
		conds = append(conds, `a.id < `+a.add(f.BeforeID))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.q.QueryContext(ctx, `SELECT a.id, a.at, a.actor_id, COALESCE(u.username, a.actor_name),
		a.action, a.target, a.ip, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id`+where+
		` ORDER BY a.id DESC LIMIT `+a.add(lms.ClampLimit(f.Limit)), a...)
	if err != nil {
		return nil, s.wrap(err, "list audit entries")
	}
	defer rows.Close()
	list := []*lms.AuditEntry{}
	for rows.Next() {
		var (
			e  lms.AuditEntry
			at int64
		)
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &e.IP, &e.Detail); err != nil {
			return nil, s.wrap(err, "list audit entries")
		}
		e.At = fromMS(at)
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list audit entries")
	}
	return list, nil
}

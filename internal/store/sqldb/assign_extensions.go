package sqldb

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

const extensionCols = `assignment_id, user_id, due_at, cutoff_at, granted_by, granted_at, reason`

func scanExtension(sc scanner) (*lms.Extension, error) {
	var (
		x             lms.Extension
		due, cut, grt int64
	)
	if err := sc.Scan(&x.AssignmentID, &x.UserID, &due, &cut, &x.GrantedBy, &grt, &x.Reason); err != nil {
		return nil, err
	}
	x.DueAt, x.CutoffAt, x.GrantedAt = fromMS(due), fromMS(cut), fromMS(grt)
	return &x, nil
}

// PutExtension inserts or replaces a learner's extension.
func (s *DB) PutExtension(ctx context.Context, x *lms.Extension) error {
	x.DueAt, x.CutoffAt, x.GrantedAt = normalize(x.DueAt), normalize(x.CutoffAt), normalize(x.GrantedAt)
	_, err := s.q.ExecContext(ctx, `INSERT INTO assignment_extensions (`+extensionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (assignment_id, user_id) DO UPDATE SET due_at = excluded.due_at, cutoff_at = excluded.cutoff_at,
		granted_by = excluded.granted_by, granted_at = excluded.granted_at, reason = excluded.reason`,
		x.AssignmentID, x.UserID, toMS(x.DueAt), toMS(x.CutoffAt), x.GrantedBy, toMS(x.GrantedAt), x.Reason)
	return s.wrapFK(err, "put extension", "assignment or user")
}

// DeleteExtension removes a learner's extension.
func (s *DB) DeleteExtension(ctx context.Context, assignmentID, userID int64) error {
	return s.execOne(ctx, "extension", `DELETE FROM assignment_extensions WHERE assignment_id = $1 AND user_id = $2`,
		assignmentID, userID)
}

// ExtensionOf returns a learner's extension.
func (s *DB) ExtensionOf(ctx context.Context, assignmentID, userID int64) (*lms.Extension, error) {
	x, err := scanExtension(s.q.QueryRowContext(ctx, `SELECT `+extensionCols+` FROM assignment_extensions
		WHERE assignment_id = $1 AND user_id = $2`, assignmentID, userID))
	if err != nil {
		return nil, s.notFound(err, "extension")
	}
	return x, nil
}

// ListExtensions returns an assignment's extensions ordered by user.
func (s *DB) ListExtensions(ctx context.Context, assignmentID int64) ([]*lms.Extension, error) {
	return queryList(ctx, s, "list extensions", scanExtension, `SELECT `+extensionCols+`
		FROM assignment_extensions WHERE assignment_id = $1 ORDER BY user_id`, assignmentID)
}

// UserExtensions returns the extensions granted to the user, by assignment.
func (s *DB) UserExtensions(ctx context.Context, userID int64) ([]*lms.Extension, error) {
	return queryList(ctx, s, "user extensions", scanExtension, `SELECT `+extensionCols+`
		FROM assignment_extensions WHERE user_id = $1 ORDER BY assignment_id LIMIT $2`, userID, store.MaxPrivacyRows)
}

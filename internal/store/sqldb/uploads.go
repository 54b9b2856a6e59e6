package sqldb

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Uploads = (*DB)(nil)

const uploadCols = `id, hash, path, name, content_type, size, owner_id, created_at`

func scanUpload(sc scanner) (*lms.Upload, error) {
	var (
		u   lms.Upload
		crt int64
	)
	if err := sc.Scan(&u.ID, &u.Hash, &u.Path, &u.Name, &u.ContentType, &u.Size, &u.OwnerID, &crt); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(crt)
	return &u, nil
}

// CreateUpload inserts u (ECONFLICT when the hash is stored already).
func (s *DB) CreateUpload(ctx context.Context, u *lms.Upload) error {
	created := normalize(u.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO uploads (hash, path, name, content_type, size, owner_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Hash, u.Path, u.Name, u.ContentType, u.Size, u.OwnerID, toMS(created)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create upload")
	}
	u.ID, u.CreatedAt = id, created
	return nil
}

// UploadByID returns the upload (ENOTFOUND if none).
func (s *DB) UploadByID(ctx context.Context, id int64) (*lms.Upload, error) {
	u, err := scanUpload(s.q.QueryRowContext(ctx, `SELECT `+uploadCols+` FROM uploads WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "upload")
	}
	return u, nil
}

// UploadByHash returns the upload with the content hash (ENOTFOUND if none).
func (s *DB) UploadByHash(ctx context.Context, hash string) (*lms.Upload, error) {
	u, err := scanUpload(s.q.QueryRowContext(ctx, `SELECT `+uploadCols+` FROM uploads WHERE hash = $1`, hash))
	if err != nil {
		return nil, s.notFound(err, "upload")
	}
	return u, nil
}

// SetUploadRefs replaces the uploads ref references within courseID.
func (s *DB) SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error {
	return s.tx(ctx, func(tx *DB) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM upload_refs WHERE ref = $1`, ref); err != nil {
			return tx.wrap(err, "set upload refs")
		}
		for _, id := range uploadIDs {
			_, err := tx.q.ExecContext(ctx, `INSERT INTO upload_refs (upload_id, ref, course_id)
				SELECT id, $2, $3 FROM uploads WHERE id = $1 ON CONFLICT (ref, upload_id) DO NOTHING`, id, ref, nullID(courseID))
			if err != nil {
				return tx.wrapFK(err, "set upload refs", "course")
			}
		}
		return nil
	})
}

// AddUploadOwner records that userID uploaded the file.
func (s *DB) AddUploadOwner(ctx context.Context, uploadID, userID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO upload_owners (upload_id, user_id) VALUES ($1, $2)
		ON CONFLICT (upload_id, user_id) DO NOTHING`, uploadID, userID)
	return s.wrapFK(err, "add upload owner", "upload")
}

// UploadUsableBy reports whether userID uploaded the file or courseID uses
// it already.
func (s *DB) UploadUsableBy(ctx context.Context, uploadID, userID, courseID int64) (bool, error) {
	var ok bool
	err := s.q.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM uploads WHERE id = $1)
		OR EXISTS (SELECT 1 FROM upload_owners WHERE upload_id = $1 AND user_id = $2)
		OR EXISTS (SELECT 1 FROM upload_refs WHERE upload_id = $1 AND course_id = $3 AND $3 <> 0)`,
		uploadID, userID, courseID).Scan(&ok)
	if err != nil {
		return false, s.wrap(err, "check upload owner")
	}
	return ok, nil
}

// UploadRefs returns the refs pointing at the upload, sorted.
func (s *DB) UploadRefs(ctx context.Context, uploadID int64) ([]string, error) {
	return queryList(ctx, s, "list upload refs", func(sc scanner) (string, error) {
		var r string
		err := sc.Scan(&r)
		return r, err
	}, `SELECT ref FROM upload_refs WHERE upload_id = $1 ORDER BY ref`, uploadID)
}

// UnreferencedUploads returns uploads older than olderThan that nothing
// references, oldest first.
func (s *DB) UnreferencedUploads(ctx context.Context, olderThan time.Time, limit int) ([]*lms.Upload, error) {
	return queryList(ctx, s, "list unreferenced uploads", scanUpload, `SELECT `+uploadCols+` FROM uploads u
		WHERE u.created_at < $1 AND NOT EXISTS (SELECT 1 FROM upload_refs r WHERE r.upload_id = u.id)
		ORDER BY u.created_at, u.id LIMIT $2`, toMS(olderThan), lms.ClampLimit(limit))
}

// DeleteUpload removes the upload's row (ENOTFOUND if none).
func (s *DB) DeleteUpload(ctx context.Context, id int64) error {
	return s.execOne(ctx, "upload", `DELETE FROM uploads WHERE id = $1`, id)
}

package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Gradebook = (*DB)(nil)

func scanGradeCategory(sc scanner) (*lms.GradeCategory, error) {
	var c lms.GradeCategory
	err := sc.Scan(&c.ID, &c.CourseID, &c.Name, &c.Weight, &c.DropLowest)
	return &c, err
}

// CreateGradeCategory inserts c and sets c.ID.
func (s *DB) CreateGradeCategory(ctx context.Context, c *lms.GradeCategory) error {
	err := s.q.QueryRowContext(ctx, `INSERT INTO grade_categories (course_id, name, weight, drop_lowest)
		VALUES ($1, $2, $3, $4) RETURNING id`, c.CourseID, c.Name, c.Weight, c.DropLowest).Scan(&c.ID)
	return s.wrapFK(err, "create grade category", "course")
}

// UpdateGradeCategory saves Name, Weight and DropLowest.
func (s *DB) UpdateGradeCategory(ctx context.Context, c *lms.GradeCategory) error {
	return s.execOne(ctx, "grade category", `UPDATE grade_categories SET name = $1, weight = $2, drop_lowest = $3
		WHERE id = $4`, c.Name, c.Weight, c.DropLowest, c.ID)
}

// DeleteGradeCategory removes the category; its items become uncategorised.
func (s *DB) DeleteGradeCategory(ctx context.Context, id int64) error {
	return s.execOne(ctx, "grade category", `DELETE FROM grade_categories WHERE id = $1`, id)
}

// ListGradeCategories returns a course's categories ordered by id.
func (s *DB) ListGradeCategories(ctx context.Context, courseID int64) ([]*lms.GradeCategory, error) {
	return queryList(ctx, s, "list grade categories", scanGradeCategory, `SELECT id, course_id, name, weight,
		drop_lowest FROM grade_categories WHERE course_id = $1 ORDER BY id`, courseID)
}

const gradeItemCols = `id, course_id, source, source_id, title, max_points, COALESCE(category_id, 0), hidden, created_at`

func scanGradeItem(sc scanner) (*lms.GradeItem, error) {
	var (
		it          lms.GradeItem
		src         string
		hidden, crt int64
	)
	if err := sc.Scan(&it.ID, &it.CourseID, &src, &it.SourceID, &it.Title, &it.MaxPoints, &it.CategoryID,
		&hidden, &crt); err != nil {
		return nil, err
	}
	it.Source, it.Hidden, it.CreatedAt = lms.GradeSource(src), hidden == 1, fromMS(crt)
	return &it, nil
}

// EnsureGradeItem returns the item of (CourseID, Source, SourceID),
// creating it when there is none; see store.Gradebook. Concurrent first
// reports of one item create it once: the insert does nothing on a
// conflict and the stored item is read instead.
func (s *DB) EnsureGradeItem(ctx context.Context, it *lms.GradeItem) (bool, error) {
	created := false
	err := s.tx(ctx, func(tx *DB) error {
		now := normalize(tx.now())
		if !it.CreatedAt.IsZero() {
			now = normalize(it.CreatedAt)
		}
		rows, err := tx.q.QueryContext(ctx, `INSERT INTO grade_items (course_id, source, source_id, title, max_points,
			category_id, hidden, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (course_id, source, source_id) DO NOTHING RETURNING id`,
			it.CourseID, string(it.Source), it.SourceID, it.Title, it.MaxPoints, nullID(it.CategoryID),
			boolInt(it.Hidden), toMS(now))
		if err != nil {
			return tx.wrapFK(err, "create grade item", "course")
		}
		var id int64
		if rows.Next() {
			err = rows.Scan(&id)
		}
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return tx.wrapFK(err, "create grade item", "course")
		}
		if id != 0 {
			it.ID, it.CreatedAt, created = id, now, true
			if it.Source == lms.GradeManual {
				it.SourceID = it.ID
				if _, err := tx.q.ExecContext(ctx, `UPDATE grade_items SET source_id = id WHERE id = $1`, it.ID); err != nil {
					return tx.wrap(err, "create grade item")
				}
			}
			return nil
		}
		got, err := scanGradeItem(tx.q.QueryRowContext(ctx, `SELECT `+gradeItemCols+` FROM grade_items
			WHERE course_id = $1 AND source = $2 AND source_id = $3`, it.CourseID, string(it.Source), it.SourceID))
		if err != nil {
			return tx.wrap(err, "get grade item")
		}
		if got.Title != it.Title || got.MaxPoints != it.MaxPoints {
			got.Title, got.MaxPoints = it.Title, it.MaxPoints
			if err := tx.UpdateGradeItem(ctx, got); err != nil {
				return err
			}
		}
		*it = *got
		return nil
	})
	return created, err
}

// GradeItemByID returns the item (ENOTFOUND if none).
func (s *DB) GradeItemByID(ctx context.Context, id int64) (*lms.GradeItem, error) {
	it, err := scanGradeItem(s.q.QueryRowContext(ctx, `SELECT `+gradeItemCols+` FROM grade_items WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "grade item")
	}
	return it, nil
}

// UpdateGradeItem saves Title, MaxPoints, CategoryID and Hidden.
func (s *DB) UpdateGradeItem(ctx context.Context, it *lms.GradeItem) error {
	err := s.execOne(ctx, "grade item", `UPDATE grade_items SET title = $1, max_points = $2, category_id = $3,
		hidden = $4 WHERE id = $5`, it.Title, it.MaxPoints, nullID(it.CategoryID), boolInt(it.Hidden), it.ID)
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "grade category not found")
	}
	return err
}

// DeleteGradeItem removes the item and its grades.
func (s *DB) DeleteGradeItem(ctx context.Context, id int64) error {
	return s.execOne(ctx, "grade item", `DELETE FROM grade_items WHERE id = $1`, id)
}

// ListGradeItems returns a course's items ordered by id.
func (s *DB) ListGradeItems(ctx context.Context, courseID int64) ([]*lms.GradeItem, error) {
	return queryList(ctx, s, "list grade items", scanGradeItem,
		`SELECT `+gradeItemCols+` FROM grade_items WHERE course_id = $1 ORDER BY id`, courseID)
}

const gradeCols = `g.item_id, g.user_id, g.graded, g.points, g.has_override, g.override, g.reason, g.excused,
	g.released, g.graded_by, g.updated_at`

func scanGrade(sc scanner) (*lms.Grade, error) {
	var (
		g                                       lms.Grade
		graded, hasOver, excused, released, upd int64
		over                                    float64
	)
	if err := sc.Scan(&g.ItemID, &g.UserID, &graded, &g.Points, &hasOver, &over, &g.Reason, &excused, &released,
		&g.GradedBy, &upd); err != nil {
		return nil, err
	}
	if hasOver == 1 {
		g.Override = &over
	}
	g.Graded, g.Excused, g.Released, g.UpdatedAt = graded == 1, excused == 1, released == 1, fromMS(upd)
	return &g, nil
}

// ReportGrade stores an assessment's report; see store.Gradebook.
func (s *DB) ReportGrade(ctx context.Context, g *lms.Grade) (bool, error) {
	at := normalize(g.UpdatedAt)
	if at.IsZero() {
		at = normalize(s.now())
	}
	rows, err := s.q.QueryContext(ctx, `INSERT INTO grades (item_id, user_id, graded, points, released, graded_by,
		updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6)
		ON CONFLICT (item_id, user_id) DO UPDATE SET graded = 1, points = excluded.points,
		released = excluded.released, graded_by = excluded.graded_by, updated_at = excluded.updated_at
		WHERE grades.graded = 0 OR grades.points <> excluded.points OR grades.released <> excluded.released
		OR grades.graded_by <> excluded.graded_by
		RETURNING item_id`, g.ItemID, g.UserID, g.Points, boolInt(g.Released), g.GradedBy, toMS(at))
	if err != nil {
		return false, s.wrapFK(err, "report grade", "grade item or user")
	}
	defer rows.Close()
	changed := rows.Next()
	if err := rows.Err(); err != nil {
		return false, s.wrapFK(err, "report grade", "grade item or user")
	}
	g.Graded = true
	if changed {
		g.UpdatedAt = at
	}
	return changed, nil
}

// PutGrade stores every field of g.
func (s *DB) PutGrade(ctx context.Context, g *lms.Grade) error {
	at := normalize(g.UpdatedAt)
	if at.IsZero() {
		at = normalize(s.now())
	}
	var over float64
	if g.Override != nil {
		over = *g.Override
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO grades (item_id, user_id, graded, points, has_override, override,
		reason, excused, released, graded_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (item_id, user_id) DO UPDATE SET graded = excluded.graded, points = excluded.points,
		has_override = excluded.has_override, override = excluded.override, reason = excluded.reason,
		excused = excluded.excused, released = excluded.released, graded_by = excluded.graded_by,
		updated_at = excluded.updated_at`, g.ItemID, g.UserID, boolInt(g.Graded), g.Points,
		boolInt(g.Override != nil), over, g.Reason, boolInt(g.Excused), boolInt(g.Released), g.GradedBy, toMS(at))
	if err != nil {
		return s.wrapFK(err, "put grade", "grade item or user")
	}
	g.UpdatedAt = at
	return nil
}

// GradeOf returns one grade (ENOTFOUND if none).
func (s *DB) GradeOf(ctx context.Context, itemID, userID int64) (*lms.Grade, error) {
	g, err := scanGrade(s.q.QueryRowContext(ctx, `SELECT `+gradeCols+` FROM grades g
		WHERE g.item_id = $1 AND g.user_id = $2`, itemID, userID))
	if err != nil {
		return nil, s.notFound(err, "grade")
	}
	return g, nil
}

// ListGrades returns a course's grades ordered by user then item.
func (s *DB) ListGrades(ctx context.Context, courseID, userID int64) ([]*lms.Grade, error) {
	var a args
	q := `SELECT ` + gradeCols + ` FROM grades g JOIN grade_items i ON i.id = g.item_id WHERE i.course_id = ` +
		a.add(courseID)
	if userID != 0 {
		q += ` AND g.user_id = ` + a.add(userID)
	}
	return queryList(ctx, s, "list grades", scanGrade, q+` ORDER BY g.user_id, g.item_id`, a...)
}

// GradebookSettings returns the course's settings or the defaults.
func (s *DB) GradebookSettings(ctx context.Context, courseID int64) (lms.GradebookSettings, error) {
	var data string
	err := s.q.QueryRowContext(ctx, `SELECT data FROM gradebook_settings WHERE course_id = $1`, courseID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return lms.DefaultGradebookSettings(courseID), nil
	}
	if err != nil {
		return lms.GradebookSettings{}, s.wrap(err, "get gradebook settings")
	}
	gs := lms.DefaultGradebookSettings(courseID)
	if err := json.Unmarshal([]byte(data), &gs); err != nil {
		return lms.GradebookSettings{}, s.wrap(err, "decode gradebook settings")
	}
	gs.CourseID = courseID
	return gs, nil
}

// PutGradebookSettings saves the course's settings.
func (s *DB) PutGradebookSettings(ctx context.Context, gs lms.GradebookSettings) error {
	b, err := json.Marshal(gs)
	if err != nil {
		return err
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO gradebook_settings (course_id, data) VALUES ($1, $2)
		ON CONFLICT (course_id) DO UPDATE SET data = excluded.data`, gs.CourseID, string(b))
	return s.wrapFK(err, "put gradebook settings", "course")
}

package sqldb

import (
	"context"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Courses = (*DB)(nil)

const courseCols = `id, title, code, description, cover_path, visibility, starts_at, ends_at, created_by,
	COALESCE(join_code, ''), join_enabled, join_expires_at, join_approval, listed, enrol_mode, created_at, updated_at`

func scanCourse(sc scanner) (*lms.Course, error) {
	var (
		c                               lms.Course
		vis, mode                       string
		starts, ends, joinExp, crt, upd int64
		joinEnabled, joinApproval, list int64
	)
	err := sc.Scan(&c.ID, &c.Title, &c.Code, &c.Description, &c.CoverPath, &vis, &starts, &ends, &c.CreatedBy,
		&c.JoinCode, &joinEnabled, &joinExp, &joinApproval, &list, &mode, &crt, &upd)
	if err != nil {
		return nil, err
	}
	c.Visibility = lms.CourseVisibility(vis)
	c.StartsAt, c.EndsAt, c.JoinExpiresAt = fromMS(starts), fromMS(ends), fromMS(joinExp)
	c.JoinEnabled, c.JoinNeedsApprove = joinEnabled != 0, joinApproval != 0
	c.Listed, c.EnrolMode = list != 0, lms.EnrolMode(mode)
	c.CreatedAt, c.UpdatedAt = fromMS(crt), fromMS(upd)
	return &c, nil
}

// nullText stores "" as NULL (for optional unique columns).
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores id 0 as NULL (for optional foreign keys).
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// normalizeCourse sets c's times and enrolment mode to what reads back.
func normalizeCourse(c *lms.Course) {
	c.StartsAt, c.EndsAt, c.JoinExpiresAt = normalize(c.StartsAt), normalize(c.EndsAt), normalize(c.JoinExpiresAt)
	c.EnrolMode = c.Enrolment()
}

// CreateCourse inserts c and sets c.ID, CreatedAt (now unless set) and UpdatedAt.
func (s *DB) CreateCourse(ctx context.Context, c *lms.Course) error {
	created := normalize(c.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO courses (title, code, description, cover_path, visibility,
		starts_at, ends_at, created_by, join_code, join_enabled, join_expires_at, join_approval, listed, enrol_mode,
		created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		c.Title, c.Code, c.Description, c.CoverPath, string(c.Visibility), toMS(c.StartsAt), toMS(c.EndsAt),
		c.CreatedBy, nullText(c.JoinCode), boolInt(c.JoinEnabled), toMS(c.JoinExpiresAt),
		boolInt(c.JoinNeedsApprove), boolInt(c.Listed), string(c.Enrolment()), toMS(created), toMS(created)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create course")
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, created, created
	normalizeCourse(c)
	return nil
}

// CourseByID returns the course (ENOTFOUND if none).
func (s *DB) CourseByID(ctx context.Context, id int64) (*lms.Course, error) {
	c, err := scanCourse(s.q.QueryRowContext(ctx, `SELECT `+courseCols+` FROM courses WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "course")
	}
	return c, nil
}

// CourseByJoinCode finds a course by join code, case-insensitively.
func (s *DB) CourseByJoinCode(ctx context.Context, code string) (*lms.Course, error) {
	if code == "" {
		return nil, lms.Errorf(lms.ENOTFOUND, "course not found")
	}
	c, err := scanCourse(s.q.QueryRowContext(ctx,
		`SELECT `+courseCols+` FROM courses WHERE lower(join_code) = lower($1)`, code))
	if err != nil {
		return nil, s.notFound(err, "course")
	}
	return c, nil
}

// UpdateCourse saves c's editable fields and sets UpdatedAt.
func (s *DB) UpdateCourse(ctx context.Context, c *lms.Course) error {
	updated := normalize(s.now())
	err := s.execOne(ctx, "course", `UPDATE courses SET title = $1, code = $2, description = $3,
		cover_path = $4, visibility = $5, starts_at = $6, ends_at = $7, join_code = $8, join_enabled = $9,
		join_expires_at = $10, join_approval = $11, listed = $12, enrol_mode = $13, updated_at = $14 WHERE id = $15`,
		c.Title, c.Code, c.Description, c.CoverPath, string(c.Visibility), toMS(c.StartsAt), toMS(c.EndsAt),
		nullText(c.JoinCode), boolInt(c.JoinEnabled), toMS(c.JoinExpiresAt), boolInt(c.JoinNeedsApprove),
		boolInt(c.Listed), string(c.Enrolment()), toMS(updated), c.ID)
	if err != nil {
		return err
	}
	c.UpdatedAt = updated
	normalizeCourse(c)
	return nil
}

// PatchCourse saves only the fields p sets and returns the stored course.
func (s *DB) PatchCourse(ctx context.Context, id int64, p lms.CoursePatch) (*lms.Course, error) {
	var (
		a    args
		sets []string
	)
	col := func(name string, v any) { sets = append(sets, name+" = "+a.add(v)) }
	str := func(name string, v *string) {
		if v != nil {
			col(name, *v)
		}
	}
	at := func(name string, v *time.Time) {
		if v != nil {
			col(name, toMS(*v))
		}
	}
	flag := func(name string, v *bool) {
		if v != nil {
			col(name, boolInt(*v))
		}
	}
	str("title", p.Title)
	str("code", p.Code)
	str("description", p.Description)
	str("cover_path", p.CoverPath)
	if p.Visibility != nil {
		col("visibility", string(*p.Visibility))
	}
	at("starts_at", p.StartsAt)
	at("ends_at", p.EndsAt)
	flag("listed", p.Listed)
	if p.EnrolMode != nil {
		col("enrol_mode", string(*p.EnrolMode))
	}
	if p.JoinCode != nil {
		col("join_code", nullText(*p.JoinCode))
	}
	flag("join_enabled", p.JoinEnabled)
	at("join_expires_at", p.JoinExpiresAt)
	flag("join_approval", p.JoinNeedsApprove)
	col("updated_at", toMS(normalize(s.now())))
	if err := s.execOne(ctx, "course", `UPDATE courses SET `+strings.Join(sets, ", ")+` WHERE id = `+a.add(id), a...); err != nil {
		return nil, err
	}
	return s.CourseByID(ctx, id)
}

// DeleteCourse removes the course; everything in it goes by ON DELETE CASCADE.
// The attempts go first: their slots name the course's questions, and
// PostgreSQL checks that reference while it cascades the questions, before
// the attempts' own cascade has removed the slots.
func (s *DB) DeleteCourse(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx *DB) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM attempts WHERE course_id = $1`, id); err != nil {
			return tx.wrap(err, "delete course")
		}
		return tx.execOne(ctx, "course", `DELETE FROM courses WHERE id = $1`, id)
	})
}

// ListCourses returns the courses matching f ordered by id, and the total.
func (s *DB) ListCourses(ctx context.Context, f lms.CourseFilter) ([]*lms.Course, int, error) {
	var (
		a     args
		conds []string
	)
	if f.MemberID != 0 {
		conds = append(conds, `EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = courses.id AND e.user_id = `+
			a.add(f.MemberID)+` AND e.status = `+a.add(string(lms.EnrollActive))+`)`)
	}
	if f.Visibility != "" {
		conds = append(conds, `visibility = `+a.add(string(f.Visibility)))
	}
	if f.Query != "" {
		p := a.add("%" + escapeLike(f.Query) + "%")
		conds = append(conds, `(lower(title) LIKE lower(`+p+`) ESCAPE '\' OR lower(code) LIKE lower(`+p+`) ESCAPE '\')`)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM courses`+where, a...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count courses")
	}
	limit, offset := a.add(lms.ClampLimit(f.Limit)), a.add(max(f.Offset, 0))
	list, err := queryList(ctx, s, "list courses", scanCourse,
		`SELECT `+courseCols+` FROM courses`+where+` ORDER BY id LIMIT `+limit+` OFFSET `+offset, a...)
	return list, total, err
}

// queryList runs a query and scans every row with scan.
func queryList[T any](ctx context.Context, s *DB, what string, scan func(scanner) (T, error), query string, a ...any) ([]T, error) {
	rows, err := s.q.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, s.wrap(err, what)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, s.wrap(err, what)
		}
		list = append(list, x)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, what)
	}
	return list, nil
}

// tx runs fn in a transaction on the *DB bound to it (joining an outer one).
func (s *DB) tx(ctx context.Context, fn func(*DB) error) error {
	return s.InTx(ctx, func(st store.Store) error { return fn(st.(*DB)) })
}

// isForeignKeyViolation recognises a foreign-key failure on either dialect
// by its text: SQLite's "FOREIGN KEY constraint failed" and PostgreSQL's
// SQLSTATE 23503 (which pgconn puts in the message).
func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}

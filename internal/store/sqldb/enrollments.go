package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Enrollments = (*DB)(nil)

const enrollmentCols = `e.course_id, e.user_id, e.role, e.status, COALESCE(e.group_id, 0), e.created_at,
	COALESCE(u.username, ''), COALESCE(u.name, '')`

const enrollmentFrom = ` FROM enrollments e LEFT JOIN users u ON u.id = e.user_id`

func scanEnrollment(sc scanner) (*lms.Enrollment, error) {
	var (
		e            lms.Enrollment
		role, status string
		created      int64
	)
	if err := sc.Scan(&e.CourseID, &e.UserID, &role, &status, &e.GroupID, &created, &e.Username, &e.Name); err != nil {
		return nil, err
	}
	e.Role, e.Status, e.CreatedAt = lms.CourseRole(role), lms.EnrollmentStatus(status), fromMS(created)
	return &e, nil
}

// PutEnrollment inserts e or updates the role, status and group of the
// existing enrolment; e.CreatedAt is set to the stored value.
func (s *DB) PutEnrollment(ctx context.Context, e *lms.Enrollment) error {
	created := normalize(e.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var stored int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO enrollments (course_id, user_id, role, status, group_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role, status = excluded.status,
			group_id = excluded.group_id
		RETURNING created_at`,
		e.CourseID, e.UserID, string(e.Role), string(e.Status), nullID(e.GroupID), toMS(created)).Scan(&stored)
	if err != nil {
		return s.wrap(err, "put enrollment")
	}
	e.CreatedAt = fromMS(stored)
	return nil
}

// EnrollmentOf returns the user's enrolment in the course (ENOTFOUND if none).
func (s *DB) EnrollmentOf(ctx context.Context, courseID, userID int64) (*lms.Enrollment, error) {
	e, err := scanEnrollment(s.q.QueryRowContext(ctx, `SELECT `+enrollmentCols+enrollmentFrom+
		` WHERE e.course_id = $1 AND e.user_id = $2`, courseID, userID))
	if err != nil {
		return nil, s.notFound(err, "enrollment")
	}
	return e, nil
}

// DeleteEnrollment removes the enrolment (ENOTFOUND if none).
func (s *DB) DeleteEnrollment(ctx context.Context, courseID, userID int64) error {
	return s.execOne(ctx, "enrollment", `DELETE FROM enrollments WHERE course_id = $1 AND user_id = $2`,
		courseID, userID)
}

// ListEnrollments returns the matching enrolments ordered by user id and the total.
func (s *DB) ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error) {
	var a args
	conds := []string{`e.course_id = ` + a.add(f.CourseID)}
	if f.Role != "" {
		conds = append(conds, `e.role = `+a.add(string(f.Role)))
	}
	if f.Status != "" {
		conds = append(conds, `e.status = `+a.add(string(f.Status)))
	}
	if f.GroupID != 0 {
		conds = append(conds, `e.group_id = `+a.add(f.GroupID))
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM enrollments e`+where, a...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count enrollments")
	}
	limit, offset := a.add(lms.ClampLimit(f.Limit)), a.add(max(f.Offset, 0))
	list, err := queryList(ctx, s, "list enrollments", scanEnrollment, `SELECT `+enrollmentCols+enrollmentFrom+
		where+` ORDER BY e.user_id LIMIT `+limit+` OFFSET `+offset, a...)
	return list, total, err
}

// ListActiveMembers returns the course's active enrolments of role ("" any).
func (s *DB) ListActiveMembers(ctx context.Context, courseID int64, role lms.CourseRole) ([]*lms.Enrollment, error) {
	var a args
	where := ` WHERE e.course_id = ` + a.add(courseID) + ` AND e.status = ` + a.add(string(lms.EnrollActive))
	if role != "" {
		where += ` AND e.role = ` + a.add(string(role))
	}
	return queryList(ctx, s, "list active members", scanEnrollment, `SELECT `+enrollmentCols+enrollmentFrom+where+
		` ORDER BY e.user_id`, a...)
}

// CountEnrollments returns the number of enrolments per role with status.
func (s *DB) CountEnrollments(ctx context.Context, courseID int64, status lms.EnrollmentStatus) (map[lms.CourseRole]int, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT role, count(*) FROM enrollments
		WHERE course_id = $1 AND status = $2 GROUP BY role`, courseID, string(status))
	if err != nil {
		return nil, s.wrap(err, "count enrollments")
	}
	defer rows.Close()
	out := map[lms.CourseRole]int{}
	for rows.Next() {
		var (
			role string
			n    int
		)
		if err := rows.Scan(&role, &n); err != nil {
			return nil, s.wrap(err, "count enrollments")
		}
		out[lms.CourseRole(role)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "count enrollments")
	}
	return out, nil
}

const groupCols = `g.id, g.course_id, g.name, g.self_select, g.max_size, g.created_at,
	(SELECT count(*) FROM enrollments e WHERE e.group_id = g.id)`

func scanGroup(sc scanner) (*lms.Group, error) {
	var (
		g         lms.Group
		self, crt int64
	)
	if err := sc.Scan(&g.ID, &g.CourseID, &g.Name, &self, &g.MaxSize, &crt, &g.Members); err != nil {
		return nil, err
	}
	g.SelfSelect, g.CreatedAt = self != 0, fromMS(crt)
	return &g, nil
}

// CreateGroup inserts g and sets g.ID and CreatedAt.
func (s *DB) CreateGroup(ctx context.Context, g *lms.Group) error {
	created := normalize(g.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO course_groups (course_id, name, self_select, max_size, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		g.CourseID, g.Name, boolInt(g.SelfSelect), g.MaxSize, toMS(created)).Scan(&id)
	if err != nil {
		return s.wrap(err, "create group")
	}
	g.ID, g.CreatedAt, g.Members = id, created, 0
	return nil
}

// GroupByID returns the group with its member count (ENOTFOUND if none).
func (s *DB) GroupByID(ctx context.Context, id int64) (*lms.Group, error) {
	g, err := scanGroup(s.q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM course_groups g WHERE g.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "group")
	}
	return g, nil
}

// UpdateGroup saves Name, SelfSelect and MaxSize.
func (s *DB) UpdateGroup(ctx context.Context, g *lms.Group) error {
	return s.execOne(ctx, "group", `UPDATE course_groups SET name = $1, self_select = $2, max_size = $3
		WHERE id = $4`, g.Name, boolInt(g.SelfSelect), g.MaxSize, g.ID)
}

// DeleteGroup removes the group: members become group-less (ON DELETE SET
// NULL) and its rooms go (ON DELETE CASCADE).
func (s *DB) DeleteGroup(ctx context.Context, id int64) error {
	return s.execOne(ctx, "group", `DELETE FROM course_groups WHERE id = $1`, id)
}

// ListGroups returns a course's groups ordered by id, with member counts.
func (s *DB) ListGroups(ctx context.Context, courseID int64) ([]*lms.Group, error) {
	return queryList(ctx, s, "list groups", scanGroup,
		`SELECT `+groupCols+` FROM course_groups g WHERE g.course_id = $1 ORDER BY g.id`, courseID)
}

// SetEnrollmentGroup moves the member into groupID (0: none). The group row
// is locked first by a no-op UPDATE (portable: a row lock on PostgreSQL, the
// write lock on SQLite), so concurrent joins cannot overfill it.
func (s *DB) SetEnrollmentGroup(ctx context.Context, courseID, userID, groupID int64) error {
	return s.tx(ctx, func(tx *DB) error {
		if groupID != 0 {
			if err := tx.execOne(ctx, "group", `UPDATE course_groups SET max_size = max_size
				WHERE id = $1 AND course_id = $2`, groupID, courseID); err != nil {
				return err
			}
			var size, members int
			var current sql.NullInt64
			err := tx.q.QueryRowContext(ctx, `SELECT g.max_size,
				(SELECT count(*) FROM enrollments e WHERE e.group_id = g.id),
				(SELECT e.group_id FROM enrollments e WHERE e.course_id = $2 AND e.user_id = $3)
				FROM course_groups g WHERE g.id = $1`, groupID, courseID, userID).Scan(&size, &members, &current)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return tx.wrap(err, "set enrollment group")
			}
			if current.Valid && current.Int64 == groupID {
				return nil
			}
			if size > 0 && members >= size {
				return lms.Errorf(lms.ECONFLICT, "This group is full.")
			}
		}
		return tx.execOne(ctx, "enrollment", `UPDATE enrollments SET group_id = $1
			WHERE course_id = $2 AND user_id = $3`, nullID(groupID), courseID, userID)
	})
}

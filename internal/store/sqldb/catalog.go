package sqldb

import (
	"context"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Catalog = (*DB)(nil)

// maxCatalogWords bounds the words of a catalogue search; more are ignored.
const maxCatalogWords = 8

// ListCatalog returns the published, listed courses matching f ordered by
// lower-cased title, then id, and the total. Every word of the query must
// appear in the title, code, description or an active instructor's name or
// username.
func (s *DB) ListCatalog(ctx context.Context, f lms.CatalogFilter) ([]*lms.Course, int, error) {
	var a args
	conds := []string{`listed = 1`, `visibility = ` + a.add(string(lms.CoursePublished))}
	words := strings.Fields(f.Query)
	for _, w := range words[:min(len(words), maxCatalogWords)] {
		p := a.add("%" + escapeLike(w) + "%")
		like := func(col string) string { return `lower(` + col + `) LIKE lower(` + p + `) ESCAPE '\'` }
		conds = append(conds, `(`+like("title")+` OR `+like("code")+` OR `+like("description")+
			` OR EXISTS (SELECT 1 FROM enrollments e JOIN users u ON u.id = e.user_id
				WHERE e.course_id = courses.id AND e.role = `+a.add(string(lms.CourseInstructor))+
			` AND e.status = `+a.add(string(lms.EnrollActive))+` AND (`+like("u.name")+` OR `+like("u.username")+`)))`)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM courses`+where, a...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count catalog")
	}
	limit, offset := a.add(lms.ClampLimit(f.Limit)), a.add(max(f.Offset, 0))
	list, err := queryList(ctx, s, "list catalog", scanCourse, `SELECT `+courseCols+` FROM courses`+where+
		` ORDER BY lower(title), id LIMIT `+limit+` OFFSET `+offset, a...)
	return list, total, err
}

// CourseInstructors returns the active instructors of the courses ordered
// by course id, then user id.
func (s *DB) CourseInstructors(ctx context.Context, courseIDs []int64) ([]*lms.Enrollment, error) {
	if len(courseIDs) == 0 {
		return []*lms.Enrollment{}, nil
	}
	var a args
	in := a.in(courseIDs)
	return queryList(ctx, s, "list course instructors", scanEnrollment, `SELECT `+enrollmentCols+enrollmentFrom+
		` WHERE e.course_id IN `+in+` AND e.role = `+a.add(string(lms.CourseInstructor))+
		` AND e.status = `+a.add(string(lms.EnrollActive))+` ORDER BY e.course_id, e.user_id`, a...)
}

// UserEnrollments returns the user's enrolments in the courses ordered by
// course id.
func (s *DB) UserEnrollments(ctx context.Context, userID int64, courseIDs []int64) ([]*lms.Enrollment, error) {
	if len(courseIDs) == 0 {
		return []*lms.Enrollment{}, nil
	}
	var a args
	in := a.in(courseIDs)
	return queryList(ctx, s, "list user enrollments", scanEnrollment, `SELECT `+enrollmentCols+enrollmentFrom+
		` WHERE e.course_id IN `+in+` AND e.user_id = `+a.add(userID)+` ORDER BY e.course_id`, a...)
}

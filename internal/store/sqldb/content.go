package sqldb

import (
	"context"
	"slices"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Content = (*DB)(nil)

const moduleCols = `id, course_id, position, title, created_at, updated_at`

func scanModule(sc scanner) (*lms.Module, error) {
	var (
		m        lms.Module
		crt, upd int64
	)
	if err := sc.Scan(&m.ID, &m.CourseID, &m.Position, &m.Title, &crt, &upd); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMS(crt), fromMS(upd)
	return &m, nil
}

// CreateModule appends m to its course.
func (s *DB) CreateModule(ctx context.Context, m *lms.Module) error {
	now := normalize(s.now())
	var (
		id  int64
		pos int
	)
	err := s.q.QueryRowContext(ctx, `INSERT INTO modules (course_id, position, title, created_at, updated_at)
		VALUES ($1, (SELECT COALESCE(max(position), 0) + 1 FROM modules WHERE course_id = $1), $2, $3, $3)
		RETURNING id, position`, m.CourseID, m.Title, toMS(now)).Scan(&id, &pos)
	if err != nil {
		return s.wrapFK(err, "create module", "course")
	}
	m.ID, m.Position, m.CreatedAt, m.UpdatedAt = id, pos, now, now
	return nil
}

// ModuleByID returns the module (ENOTFOUND if none).
func (s *DB) ModuleByID(ctx context.Context, id int64) (*lms.Module, error) {
	m, err := scanModule(s.q.QueryRowContext(ctx, `SELECT `+moduleCols+` FROM modules WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "module")
	}
	return m, nil
}

// UpdateModule saves the title and sets UpdatedAt.
func (s *DB) UpdateModule(ctx context.Context, m *lms.Module) error {
	now := normalize(s.now())
	if err := s.execOne(ctx, "module", `UPDATE modules SET title = $1, updated_at = $2 WHERE id = $3`,
		m.Title, toMS(now), m.ID); err != nil {
		return err
	}
	m.UpdatedAt = now
	return nil
}

// DeleteModule removes the module and (by cascade) its lessons.
func (s *DB) DeleteModule(ctx context.Context, id int64) error {
	return s.execOne(ctx, "module", `DELETE FROM modules WHERE id = $1`, id)
}

// ListModules returns a course's modules in order.
func (s *DB) ListModules(ctx context.Context, courseID int64) ([]*lms.Module, error) {
	return queryList(ctx, s, "list modules", scanModule,
		`SELECT `+moduleCols+` FROM modules WHERE course_id = $1 ORDER BY position, id`, courseID)
}

const lessonMeta = `l.id, l.module_id, l.course_id, l.position, l.title`
const lessonTail = `l.draft, l.available_from, l.requires_previous, l.completion_rule, l.completion_percent,
	l.created_at, l.updated_at`

func scanLesson(sc scanner) (*lms.Lesson, error) {
	var (
		l               lms.Lesson
		draft, reqPrev  int64
		avail, crt, upd int64
	)
	err := sc.Scan(&l.ID, &l.ModuleID, &l.CourseID, &l.Position, &l.Title, &l.BodyMD, &l.BodyHTML,
		&draft, &avail, &reqPrev, &l.CompletionRule, &l.CompletionPercent, &crt, &upd)
	if err != nil {
		return nil, err
	}
	l.Draft, l.RequiresPrevious = draft != 0, reqPrev != 0
	l.AvailableFrom, l.CreatedAt, l.UpdatedAt = fromMS(avail), fromMS(crt), fromMS(upd)
	return &l, nil
}

// lessonSelect selects lessons with or without their bodies.
func lessonSelect(withBody bool) string {
	body := `'', ''`
	if withBody {
		body = `l.body_md, l.body_html`
	}
	return `SELECT ` + lessonMeta + `, ` + body + `, ` + lessonTail + ` FROM lessons l JOIN modules m ON m.id = l.module_id`
}

// CreateLesson appends l to its module; CourseID comes from the module.
func (s *DB) CreateLesson(ctx context.Context, l *lms.Lesson) error {
	now := normalize(s.now())
	var (
		id, course int64
		pos        int
	)
	err := s.q.QueryRowContext(ctx, `INSERT INTO lessons (module_id, course_id, position, title, body_md,
		body_html, draft, available_from, requires_previous, completion_rule, completion_percent,
		created_at, updated_at)
		SELECT m.id, m.course_id, (SELECT COALESCE(max(position), 0) + 1 FROM lessons WHERE module_id = m.id),
			$2, $3, $4, $5, $6, $7, $8, $9, $10, $10 FROM modules m WHERE m.id = $1
		RETURNING id, course_id, position`,
		l.ModuleID, l.Title, l.BodyMD, l.BodyHTML, boolInt(l.Draft), toMS(l.AvailableFrom),
		boolInt(l.RequiresPrevious), string(l.Rule()), l.CompletionPercent, toMS(now)).Scan(&id, &course, &pos)
	if err != nil {
		return s.notFound(err, "module")
	}
	l.ID, l.CourseID, l.Position, l.CreatedAt, l.UpdatedAt = id, course, pos, now, now
	l.AvailableFrom, l.CompletionRule = normalize(l.AvailableFrom), l.Rule()
	return nil
}

// LessonByID returns the lesson with its body (ENOTFOUND if none).
func (s *DB) LessonByID(ctx context.Context, id int64) (*lms.Lesson, error) {
	l, err := scanLesson(s.q.QueryRowContext(ctx, lessonSelect(true)+` WHERE l.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "lesson")
	}
	return l, nil
}

// UpdateLesson saves the editable fields and sets UpdatedAt.
func (s *DB) UpdateLesson(ctx context.Context, l *lms.Lesson) error {
	now := normalize(s.now())
	err := s.execOne(ctx, "lesson", `UPDATE lessons SET title = $1, body_md = $2, body_html = $3, draft = $4,
		available_from = $5, requires_previous = $6, completion_rule = $7, completion_percent = $8,
		updated_at = $9 WHERE id = $10`,
		l.Title, l.BodyMD, l.BodyHTML, boolInt(l.Draft), toMS(l.AvailableFrom), boolInt(l.RequiresPrevious),
		string(l.Rule()), l.CompletionPercent, toMS(now), l.ID)
	if err != nil {
		return err
	}
	l.UpdatedAt, l.AvailableFrom, l.CompletionRule = now, normalize(l.AvailableFrom), l.Rule()
	return nil
}

// DeleteLesson removes the lesson and (by cascade) its progress.
func (s *DB) DeleteLesson(ctx context.Context, id int64) error {
	return s.execOne(ctx, "lesson", `DELETE FROM lessons WHERE id = $1`, id)
}

// ListLessons returns a course's lessons in course order.
func (s *DB) ListLessons(ctx context.Context, courseID int64, withBody bool) ([]*lms.Lesson, error) {
	return queryList(ctx, s, "list lessons", scanLesson,
		lessonSelect(withBody)+` WHERE l.course_id = $1 ORDER BY m.position, m.id, l.position, l.id`, courseID)
}

// ReorderCourse applies layout if it names exactly the course's modules and
// lessons; otherwise ECONFLICT and nothing changes.
func (s *DB) ReorderCourse(ctx context.Context, courseID int64, layout []lms.ModuleLayout) error {
	return s.tx(ctx, func(tx *DB) error {
		// Lock the course first so two reorders serialise.
		if err := tx.execOne(ctx, "course", `UPDATE courses SET updated_at = updated_at WHERE id = $1`, courseID); err != nil {
			return err
		}
		modules, err := tx.ListModules(ctx, courseID)
		if err != nil {
			return err
		}
		lessons, err := tx.ListLessons(ctx, courseID, false)
		if err != nil {
			return err
		}
		var gotModules, gotLessons []int64
		for _, ml := range layout {
			gotModules = append(gotModules, ml.ModuleID)
			gotLessons = append(gotLessons, ml.LessonIDs...)
		}
		if !sameSet(gotModules, ids(modules, func(m *lms.Module) int64 { return m.ID })) ||
			!sameSet(gotLessons, ids(lessons, func(l *lms.Lesson) int64 { return l.ID })) {
			return lms.Errorf(lms.ECONFLICT, "The course changed since you loaded it; reload and try again.")
		}
		now := toMS(normalize(tx.now()))
		for i, ml := range layout {
			if _, err := tx.q.ExecContext(ctx, `UPDATE modules SET position = $1 WHERE id = $2`, i+1, ml.ModuleID); err != nil {
				return tx.wrap(err, "reorder modules")
			}
			for j, id := range ml.LessonIDs {
				if _, err := tx.q.ExecContext(ctx, `UPDATE lessons SET module_id = $1, position = $2,
					updated_at = $3 WHERE id = $4`, ml.ModuleID, j+1, now, id); err != nil {
					return tx.wrap(err, "reorder lessons")
				}
			}
		}
		return nil
	})
}

// SearchLessons finds lessons of the course whose title or Markdown
// contains query.
func (s *DB) SearchLessons(ctx context.Context, courseID int64, query string, withDrafts bool, limit int) ([]*lms.Lesson, error) {
	var a args
	q := `(lower(l.title) LIKE lower(` + a.add("%"+escapeLike(query)+"%") + `) ESCAPE '\'` +
		` OR lower(l.body_md) LIKE lower($1) ESCAPE '\')`
	where := ` WHERE l.course_id = ` + a.add(courseID) + ` AND ` + q
	if !withDrafts {
		where += ` AND l.draft = ` + a.add(boolInt(false))
	}
	return queryList(ctx, s, "search lessons", scanLesson, lessonSelect(false)+where+
		` ORDER BY m.position, m.id, l.position, l.id LIMIT `+a.add(lms.ClampLimit(limit)), a...)
}

// sameSet reports whether got holds exactly the ids of want, each once.
func sameSet(got, want []int64) bool {
	if len(got) != len(want) {
		return false
	}
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w) && len(slices.Compact(g)) == len(want)
}

// ids returns the ids of list, in order.
func ids[T any](list []T, id func(T) int64) []int64 {
	out := make([]int64, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

// wrapFK maps a foreign-key failure (the parent is missing) to ENOTFOUND
// naming parent; other errors as wrap does.
func (s *DB) wrapFK(err error, what, parent string) error {
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "%s not found", parent)
	}
	return s.wrap(err, what)
}

package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Assess = (*DB)(nil)

// fkMissing turns a foreign-key failure into ENOTFOUND naming what.
func (s *DB) fkMissing(err error, what, doing string) error {
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "%s not found", what)
	}
	return s.wrap(err, doing)
}

// CreateCategory inserts c and sets c.ID and CreatedAt.
func (s *DB) CreateCategory(ctx context.Context, c *lms.QuestionCategory) error {
	created := normalize(s.now())
	err := s.q.QueryRowContext(ctx, `INSERT INTO question_categories (course_id, parent_id, name, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, c.CourseID, nullID(c.ParentID), c.Name, toMS(created)).Scan(&c.ID)
	if err != nil {
		return s.fkMissing(err, "course or category", "create a question category")
	}
	c.CreatedAt = created
	return nil
}

func scanCategory(sc scanner) (*lms.QuestionCategory, error) {
	var (
		c      lms.QuestionCategory
		parent sql.NullInt64
		crt    int64
	)
	if err := sc.Scan(&c.ID, &c.CourseID, &parent, &c.Name, &crt); err != nil {
		return nil, err
	}
	c.ParentID, c.CreatedAt = parent.Int64, fromMS(crt)
	return &c, nil
}

const categoryColumns = `id, course_id, parent_id, name, created_at`

// CategoryByID returns the category.
func (s *DB) CategoryByID(ctx context.Context, id int64) (*lms.QuestionCategory, error) {
	c, err := scanCategory(s.q.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM question_categories WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "question category")
	}
	return c, nil
}

// UpdateCategory saves Name and ParentID.
func (s *DB) UpdateCategory(ctx context.Context, c *lms.QuestionCategory) error {
	err := s.execOne(ctx, "question category", `UPDATE question_categories SET name = $2, parent_id = $3 WHERE id = $1`,
		c.ID, c.Name, nullID(c.ParentID))
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "question category not found")
	}
	return err
}

// DeleteCategory removes a category.
func (s *DB) DeleteCategory(ctx context.Context, id int64) error {
	return s.execOne(ctx, "question category", `DELETE FROM question_categories WHERE id = $1`, id)
}

// ListCategories returns a course's categories ordered by id.
func (s *DB) ListCategories(ctx context.Context, courseID int64) ([]*lms.QuestionCategory, error) {
	return queryList(ctx, s, "list question categories", scanCategory,
		`SELECT `+categoryColumns+` FROM question_categories WHERE course_id = $1 ORDER BY id`, courseID)
}

// CountCategoryContents counts a category's current questions and direct
// subcategories.
func (s *DB) CountCategoryContents(ctx context.Context, id int64) (questions, subcategories int, err error) {
	err = s.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM questions WHERE category_id = $1 AND latest = 1 AND deleted = 0),
		(SELECT COUNT(*) FROM question_categories WHERE parent_id = $1)`, id).Scan(&questions, &subcategories)
	if err != nil {
		return 0, 0, s.wrap(err, "count a category's contents")
	}
	return questions, subcategories, nil
}

// questionSearch is what ListQuestions' query matches: title and text,
// lower-cased in Go (SQLite's lower() knows only ASCII).
func questionSearch(q *lms.Question) string {
	return strings.ToLower(q.Title + "\n" + q.TextMD)
}

// questionTags stores tags as "|a|b|", lower-cased, for LIKE '%|tag|%'.
func questionTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	low := make([]string, len(tags))
	for i, t := range tags {
		low[i] = strings.ToLower(strings.TrimSpace(t))
	}
	return "|" + strings.Join(low, "|") + "|"
}

// insertQuestion inserts q with the given family and version and latest=1.
func (s *DB) insertQuestion(ctx context.Context, q *lms.Question) error {
	now := normalize(s.now())
	q.CreatedAt, q.UpdatedAt = now, now
	data, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("encode question: %w", err)
	}
	err = s.q.QueryRowContext(ctx, `INSERT INTO questions (course_id, category_id, family_id, version, latest, deleted,
		type, title, search, tags, data, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 1, 0, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		q.CourseID, q.CategoryID, q.FamilyID, q.Version, string(q.Type), q.Title, questionSearch(q), questionTags(q.Tags),
		string(data), q.CreatedBy, toMS(now)).Scan(&q.ID)
	return s.fkMissing(err, "course or category", "create a question")
}

// CreateQuestion inserts q as a new family's first version.
func (s *DB) CreateQuestion(ctx context.Context, q *lms.Question) error {
	return s.tx(ctx, func(tx *DB) error {
		q.FamilyID, q.Version = 0, 1
		if err := tx.insertQuestion(ctx, q); err != nil {
			return err
		}
		q.FamilyID = q.ID
		_, err := tx.q.ExecContext(ctx, `UPDATE questions SET family_id = id WHERE id = $1`, q.ID)
		return tx.wrap(err, "create a question")
	})
}

// AddQuestionVersion inserts q as its family's next version.
func (s *DB) AddQuestionVersion(ctx context.Context, q *lms.Question) error {
	return s.tx(ctx, func(tx *DB) error {
		var top sql.NullInt64
		if err := tx.q.QueryRowContext(ctx, `SELECT MAX(version) FROM questions WHERE family_id = $1`, q.FamilyID).Scan(&top); err != nil {
			return tx.wrap(err, "add a question version")
		}
		if !top.Valid {
			return lms.Errorf(lms.ENOTFOUND, "question not found")
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE questions SET latest = 0 WHERE family_id = $1`, q.FamilyID); err != nil {
			return tx.wrap(err, "add a question version")
		}
		q.Version = int(top.Int64) + 1
		return tx.insertQuestion(ctx, q)
	})
}

// UpdateQuestion saves q in place.
func (s *DB) UpdateQuestion(ctx context.Context, q *lms.Question) error {
	q.UpdatedAt = normalize(s.now())
	data, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("encode question: %w", err)
	}
	err = s.execOne(ctx, "question", `UPDATE questions SET category_id = $2, type = $3, title = $4, search = $5,
		tags = $6, data = $7, updated_at = $8 WHERE id = $1`,
		q.ID, q.CategoryID, string(q.Type), q.Title, questionSearch(q), questionTags(q.Tags), string(data), toMS(q.UpdatedAt))
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "question category not found")
	}
	return err
}

const questionColumns = `id, course_id, category_id, family_id, version, data, created_at, updated_at`

func scanQuestion(sc scanner) (*lms.Question, error) {
	var (
		q                       lms.Question
		id, course, cat, family int64
		version                 int
		data                    string
		crt, upd                int64
	)
	if err := sc.Scan(&id, &course, &cat, &family, &version, &data, &crt, &upd); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &q); err != nil {
		return nil, fmt.Errorf("decode question %d: %w", id, err)
	}
	q.ID, q.CourseID, q.CategoryID, q.FamilyID, q.Version = id, course, cat, family, version
	q.CreatedAt, q.UpdatedAt = fromMS(crt), fromMS(upd)
	return &q, nil
}

// QuestionByID returns one version.
func (s *DB) QuestionByID(ctx context.Context, id int64) (*lms.Question, error) {
	q, err := scanQuestion(s.q.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM questions WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "question")
	}
	return q, nil
}

// QuestionsByIDs returns the versions with these ids.
func (s *DB) QuestionsByIDs(ctx context.Context, ids []int64) ([]*lms.Question, error) {
	var out []*lms.Question
	for len(ids) > 0 {
		n := min(len(ids), maxOutboxDelete)
		var a args
		list, err := queryList(ctx, s, "get questions", scanQuestion,
			`SELECT `+questionColumns+` FROM questions WHERE id IN `+a.in(ids[:n]), a...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		ids = ids[n:]
	}
	return out, nil
}

// LatestQuestion returns the latest, not deleted version of a family.
func (s *DB) LatestQuestion(ctx context.Context, familyID int64) (*lms.Question, error) {
	q, err := scanQuestion(s.q.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM questions
		WHERE family_id = $1 AND latest = 1 AND deleted = 0`, familyID))
	if err != nil {
		return nil, s.notFound(err, "question")
	}
	return q, nil
}

// ListQuestions returns the current questions matching f and their count.
func (s *DB) ListQuestions(ctx context.Context, f lms.QuestionFilter) ([]*lms.Question, int, error) {
	var a args
	where := `course_id = ` + a.add(f.CourseID) + ` AND latest = 1 AND deleted = 0`
	if f.CategoryID != 0 {
		where += ` AND category_id = ` + a.add(f.CategoryID)
	}
	if f.Type != "" {
		where += ` AND type = ` + a.add(string(f.Type))
	}
	if f.Tag != "" {
		where += ` AND tags LIKE ` + a.add("%|"+escapeLike(strings.ToLower(strings.TrimSpace(f.Tag)))+"|%") + ` ESCAPE '\'`
	}
	if f.Query != "" {
		where += ` AND search LIKE ` + a.add("%"+escapeLike(strings.ToLower(f.Query))+"%") + ` ESCAPE '\'`
	}
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE `+where, a...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count questions")
	}
	lim, off := a.add(lms.ClampLimit(f.Limit)), a.add(max(f.Offset, 0))
	list, err := queryList(ctx, s, "list questions", scanQuestion,
		`SELECT `+questionColumns+` FROM questions WHERE `+where+` ORDER BY id LIMIT `+lim+` OFFSET `+off, a...)
	return list, total, err
}

// LatestQuestionIDs returns the current question ids of a category.
func (s *DB) LatestQuestionIDs(ctx context.Context, categoryID int64) ([]int64, error) {
	return queryList(ctx, s, "list a category's questions", func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM questions WHERE category_id = $1 AND latest = 1 AND deleted = 0 ORDER BY id`, categoryID)
}

// QuestionFamilyInUse reports whether an attempt asked a version of the family.
func (s *DB) QuestionFamilyInUse(ctx context.Context, familyID int64) (bool, error) {
	var used bool
	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attempt_slots WHERE question_id IN
		(SELECT id FROM questions WHERE family_id = $1))`, familyID).Scan(&used)
	return used, s.wrap(err, "check a question's use")
}

// QuestionInUse reports whether an attempt asked this version.
func (s *DB) QuestionInUse(ctx context.Context, id int64) (bool, error) {
	var used bool
	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attempt_slots WHERE question_id = $1)`, id).Scan(&used)
	return used, s.wrap(err, "check a question's use")
}

// QuestionAskedOf reports whether an attempt of the user asked this version.
func (s *DB) QuestionAskedOf(ctx context.Context, id, userID int64) (bool, error) {
	var asked bool
	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attempt_slots sl JOIN attempts a ON a.id = sl.attempt_id
		WHERE sl.question_id = $1 AND a.user_id = $2)`, id, userID).Scan(&asked)
	return asked, s.wrap(err, "check whether a question was asked")
}

// DeleteQuestionFamily removes (or with soft, hides) every version of a family.
func (s *DB) DeleteQuestionFamily(ctx context.Context, familyID int64, soft bool) error {
	if soft {
		return s.execOne(ctx, "question", `UPDATE questions SET deleted = 1 WHERE family_id = $1`, familyID)
	}
	err := s.execOne(ctx, "question", `DELETE FROM questions WHERE family_id = $1`, familyID)
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ECONFLICT, "The question is used by attempts.")
	}
	return err
}

// MoveQuestionFamilies moves every version of these families to a category.
func (s *DB) MoveQuestionFamilies(ctx context.Context, familyIDs []int64, categoryID int64) error {
	if len(familyIDs) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *DB) error {
		var a args
		cat := a.add(categoryID)
		_, err := tx.q.ExecContext(ctx, `UPDATE questions SET category_id = `+cat+` WHERE family_id IN `+a.in(familyIDs), a...)
		return tx.fkMissing(err, "question category", "move questions")
	})
}

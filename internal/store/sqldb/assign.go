package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Assignments = (*DB)(nil)

// toJSON encodes a list or a rubric for a TEXT column; nil slices are "[]".
func toJSON[T any](v []T) string {
	if v == nil {
		return "[]"
	}
	b, _ := json.Marshal(v) // slices of ints and strings always encode
	return string(b)
}

// fromJSON decodes a TEXT column written by toJSON; never nil.
func fromJSON[T any](s string) ([]T, error) {
	out := []T{}
	if s == "" {
		return out, nil
	}
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

const assignmentCols = `id, course_id, title, instructions_md, instructions_html, attachments, due_at, cutoff_at,
	late_unit, late_percent, max_points, online_text, files, file_types, max_file_bytes, max_files, group_mode,
	rubric, draft, created_by, created_at, updated_at`

func scanAssignment(sc scanner) (*lms.Assignment, error) {
	var (
		a                           lms.Assignment
		att, types, rubric, unit    string
		due, cut, crt, upd          int64
		online, files, group, draft int64
	)
	if err := sc.Scan(&a.ID, &a.CourseID, &a.Title, &a.InstructionsMD, &a.InstructionsHTML, &att, &due, &cut,
		&unit, &a.Late.Percent, &a.MaxPoints, &online, &files, &types, &a.MaxFileBytes, &a.MaxFiles, &group,
		&rubric, &draft, &a.CreatedBy, &crt, &upd); err != nil {
		return nil, err
	}
	var err error
	if a.Attachments, err = fromJSON[int64](att); err != nil {
		return nil, err
	}
	if a.FileTypes, err = fromJSON[string](types); err != nil {
		return nil, err
	}
	if rubric != "" {
		a.Rubric = &lms.Rubric{}
		if err := json.Unmarshal([]byte(rubric), a.Rubric); err != nil {
			return nil, err
		}
	}
	a.Late.Unit = lms.LateUnit(unit)
	a.DueAt, a.CutoffAt, a.CreatedAt, a.UpdatedAt = fromMS(due), fromMS(cut), fromMS(crt), fromMS(upd)
	a.OnlineText, a.Files, a.GroupMode, a.Draft = online == 1, files == 1, group == 1, draft == 1
	return &a, nil
}

// assignmentArgs are the saved fields of a in UPDATE order ($1..$17).
func assignmentArgs(a *lms.Assignment) []any {
	rubric := ""
	if a.Rubric != nil {
		b, _ := json.Marshal(a.Rubric) // plain structs always encode
		rubric = string(b)
	}
	a.DueAt, a.CutoffAt = normalize(a.DueAt), normalize(a.CutoffAt)
	return []any{a.Title, a.InstructionsMD, a.InstructionsHTML, toJSON(a.Attachments), toMS(a.DueAt),
		toMS(a.CutoffAt), string(a.Late.Unit), a.Late.Percent, a.MaxPoints, boolInt(a.OnlineText),
		boolInt(a.Files), toJSON(a.FileTypes), a.MaxFileBytes, a.MaxFiles, boolInt(a.GroupMode), rubric,
		boolInt(a.Draft)}
}

// CreateAssignment inserts a and sets a.ID, CreatedAt and UpdatedAt.
func (s *DB) CreateAssignment(ctx context.Context, a *lms.Assignment) error {
	now := normalize(s.now())
	ar := append(assignmentArgs(a), a.CourseID, a.CreatedBy, toMS(now))
	err := s.q.QueryRowContext(ctx, `INSERT INTO assignments (title, instructions_md, instructions_html,
		attachments, due_at, cutoff_at, late_unit, late_percent, max_points, online_text, files, file_types,
		max_file_bytes, max_files, group_mode, rubric, draft, course_id, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
		RETURNING id`, ar...).Scan(&a.ID)
	if err != nil {
		return s.wrapFK(err, "create assignment", "course")
	}
	a.CreatedAt, a.UpdatedAt = now, now
	return nil
}

// AssignmentByID returns the assignment (ENOTFOUND if none).
func (s *DB) AssignmentByID(ctx context.Context, id int64) (*lms.Assignment, error) {
	a, err := scanAssignment(s.q.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "assignment")
	}
	return a, nil
}

// UpdateAssignment saves a's fields and sets UpdatedAt.
func (s *DB) UpdateAssignment(ctx context.Context, a *lms.Assignment) error {
	now := normalize(s.now())
	ar := append(assignmentArgs(a), toMS(now), a.ID)
	err := s.execOne(ctx, "assignment", `UPDATE assignments SET title = $1, instructions_md = $2,
		instructions_html = $3, attachments = $4, due_at = $5, cutoff_at = $6, late_unit = $7, late_percent = $8,
		max_points = $9, online_text = $10, files = $11, file_types = $12, max_file_bytes = $13, max_files = $14,
		group_mode = $15, rubric = $16, draft = $17, updated_at = $18 WHERE id = $19`, ar...)
	if err == nil {
		a.UpdatedAt = now
	}
	return err
}

// DeleteAssignment removes the assignment and its submissions.
func (s *DB) DeleteAssignment(ctx context.Context, id int64) error {
	return s.execOne(ctx, "assignment", `DELETE FROM assignments WHERE id = $1`, id)
}

// ListAssignments returns a course's assignments ordered by id.
func (s *DB) ListAssignments(ctx context.Context, courseID int64) ([]*lms.Assignment, error) {
	return queryList(ctx, s, "list assignments", scanAssignment,
		`SELECT `+assignmentCols+` FROM assignments WHERE course_id = $1 ORDER BY id`, courseID)
}

const submissionCols = `id, assignment_id, user_id, group_id, status, version, body, files, submitted_at,
	submitted_by, updated_at, graded, score, penalty, rubric_levels, feedback_md, feedback_html, feedback_file,
	graded_by, graded_at, released, released_at`

func scanSubmission(sc scanner) (*lms.Submission, error) {
	var (
		x                     lms.Submission
		status, files, levels string
		sub, upd, gat, rat    int64
		graded, released      int64
	)
	if err := sc.Scan(&x.ID, &x.AssignmentID, &x.UserID, &x.GroupID, &status, &x.Version, &x.Text, &files,
		&sub, &x.SubmittedBy, &upd, &graded, &x.Score, &x.Penalty, &levels, &x.FeedbackMD, &x.FeedbackHTML,
		&x.FeedbackFile, &x.GradedBy, &gat, &released, &rat); err != nil {
		return nil, err
	}
	var err error
	if x.Files, err = fromJSON[int64](files); err != nil {
		return nil, err
	}
	if x.RubricLevels, err = fromJSON[int](levels); err != nil {
		return nil, err
	}
	if len(x.RubricLevels) == 0 {
		x.RubricLevels = nil
	}
	x.Status = lms.SubmissionStatus(status)
	x.SubmittedAt, x.UpdatedAt, x.GradedAt, x.ReleasedAt = fromMS(sub), fromMS(upd), fromMS(gat), fromMS(rat)
	x.Graded, x.Released = graded == 1, released == 1
	return &x, nil
}

// SaveSubmission stores a new version of the work and returns it.
func (s *DB) SaveSubmission(ctx context.Context, sub *lms.Submission, by int64, at time.Time) (*lms.SubmissionVersion, error) {
	at = normalize(at)
	sub.SubmittedAt = normalize(sub.SubmittedAt)
	files := toJSON(sub.Files)
	var v *lms.SubmissionVersion
	err := s.tx(ctx, func(tx *DB) error {
		err := tx.q.QueryRowContext(ctx, `INSERT INTO submissions (assignment_id, user_id, group_id, status,
			version, body, files, submitted_at, submitted_by, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)
			ON CONFLICT (assignment_id, user_id, group_id) DO UPDATE SET status = excluded.status,
			version = submissions.version + 1, body = excluded.body, files = excluded.files,
			submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, updated_at = excluded.updated_at
			RETURNING id, version`, sub.AssignmentID, sub.UserID, sub.GroupID, string(sub.Status), sub.Text, files,
			toMS(sub.SubmittedAt), sub.SubmittedBy, toMS(at)).Scan(&sub.ID, &sub.Version)
		if err != nil {
			return tx.wrapFK(err, "save submission", "assignment")
		}
		_, err = tx.q.ExecContext(ctx, `INSERT INTO submission_versions (submission_id, number, status, body,
			files, by_user, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			sub.ID, sub.Version, string(sub.Status), sub.Text, files, by, toMS(at))
		if err != nil {
			return tx.wrap(err, "save submission version")
		}
		sub.UpdatedAt = at
		v = &lms.SubmissionVersion{SubmissionID: sub.ID, Number: sub.Version, Status: sub.Status, Text: sub.Text,
			Files: append([]int64{}, sub.Files...), By: by, CreatedAt: at}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// SubmissionByID returns the submission (ENOTFOUND if none).
func (s *DB) SubmissionByID(ctx context.Context, id int64) (*lms.Submission, error) {
	x, err := scanSubmission(s.q.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM submissions WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "submission")
	}
	return x, nil
}

// SubmissionOf returns the submission of a user or a group.
func (s *DB) SubmissionOf(ctx context.Context, assignmentID, userID, groupID int64) (*lms.Submission, error) {
	x, err := scanSubmission(s.q.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM submissions
		WHERE assignment_id = $1 AND user_id = $2 AND group_id = $3`, assignmentID, userID, groupID))
	if err != nil {
		return nil, s.notFound(err, "submission")
	}
	return x, nil
}

// ListSubmissions returns an assignment's submissions ordered by id.
func (s *DB) ListSubmissions(ctx context.Context, assignmentID int64) ([]*lms.Submission, error) {
	return queryList(ctx, s, "list submissions", scanSubmission,
		`SELECT `+submissionCols+` FROM submissions WHERE assignment_id = $1 ORDER BY id`, assignmentID)
}

func scanVersion(sc scanner) (*lms.SubmissionVersion, error) {
	var (
		v             lms.SubmissionVersion
		status, files string
		crt           int64
	)
	if err := sc.Scan(&v.SubmissionID, &v.Number, &status, &v.Text, &files, &v.By, &crt); err != nil {
		return nil, err
	}
	var err error
	if v.Files, err = fromJSON[int64](files); err != nil {
		return nil, err
	}
	v.Status, v.CreatedAt = lms.SubmissionStatus(status), fromMS(crt)
	return &v, nil
}

// SubmissionVersions returns every version of a submission, oldest first.
func (s *DB) SubmissionVersions(ctx context.Context, submissionID int64) ([]*lms.SubmissionVersion, error) {
	return queryList(ctx, s, "list submission versions", scanVersion, `SELECT submission_id, number, status,
		body, files, by_user, created_at FROM submission_versions WHERE submission_id = $1 ORDER BY number`,
		submissionID)
}

// GradeSubmission saves the grading fields of sub.
func (s *DB) GradeSubmission(ctx context.Context, sub *lms.Submission) error {
	sub.GradedAt, sub.ReleasedAt = normalize(sub.GradedAt), normalize(sub.ReleasedAt)
	return s.execOne(ctx, "submission", `UPDATE submissions SET graded = $1, score = $2, penalty = $3,
		rubric_levels = $4, feedback_md = $5, feedback_html = $6, feedback_file = $7, graded_by = $8,
		graded_at = $9, released = $10, released_at = $11 WHERE id = $12`,
		boolInt(sub.Graded), sub.Score, sub.Penalty, toJSON(sub.RubricLevels), sub.FeedbackMD, sub.FeedbackHTML,
		sub.FeedbackFile, sub.GradedBy, toMS(sub.GradedAt), boolInt(sub.Released), toMS(sub.ReleasedAt), sub.ID)
}

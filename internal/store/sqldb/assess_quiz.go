package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// CreateQuiz inserts q and sets q.ID, CreatedAt and UpdatedAt.
func (s *DB) CreateQuiz(ctx context.Context, q *lms.Quiz) error {
	now := normalize(s.now())
	q.CreatedAt, q.UpdatedAt = now, now
	normalizeQuiz(q)
	data, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("encode quiz: %w", err)
	}
	err = s.q.QueryRowContext(ctx, `INSERT INTO quizzes (course_id, lesson_id, title, data, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		q.CourseID, nullID(q.LessonID), q.Title, string(data), q.CreatedBy, toMS(now)).Scan(&q.ID)
	return s.fkMissing(err, "course or lesson", "create a quiz")
}

// normalizeQuiz sets q's times to what reads back.
func normalizeQuiz(q *lms.Quiz) {
	q.OpensAt, q.ClosesAt = normalize(q.OpensAt), normalize(q.ClosesAt)
	if q.Slots == nil {
		q.Slots = []lms.QuizSlot{}
	}
}

const quizColumns = `id, course_id, lesson_id, title, data, created_by, created_at, updated_at`

func scanQuiz(sc scanner) (*lms.Quiz, error) {
	var (
		q              lms.Quiz
		id, course, by int64
		lesson         sql.NullInt64
		title, data    string
		crt, upd       int64
	)
	if err := sc.Scan(&id, &course, &lesson, &title, &data, &by, &crt, &upd); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &q); err != nil {
		return nil, fmt.Errorf("decode quiz %d: %w", id, err)
	}
	q.ID, q.CourseID, q.LessonID, q.Title, q.CreatedBy = id, course, lesson.Int64, title, by
	q.CreatedAt, q.UpdatedAt = fromMS(crt), fromMS(upd)
	return &q, nil
}

// QuizByID returns the quiz.
func (s *DB) QuizByID(ctx context.Context, id int64) (*lms.Quiz, error) {
	q, err := scanQuiz(s.q.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM quizzes WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "quiz")
	}
	return q, nil
}

// UpdateQuiz saves q and sets UpdatedAt.
func (s *DB) UpdateQuiz(ctx context.Context, q *lms.Quiz) error {
	q.UpdatedAt = normalize(s.now())
	normalizeQuiz(q)
	data, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("encode quiz: %w", err)
	}
	err = s.execOne(ctx, "quiz", `UPDATE quizzes SET lesson_id = $2, title = $3, data = $4, updated_at = $5 WHERE id = $1`,
		q.ID, nullID(q.LessonID), q.Title, string(data), toMS(q.UpdatedAt))
	if err != nil && isForeignKeyViolation(err) {
		return lms.Errorf(lms.ENOTFOUND, "lesson not found")
	}
	return err
}

// DeleteQuiz removes a quiz with its overrides and attempts.
func (s *DB) DeleteQuiz(ctx context.Context, id int64) error {
	return s.execOne(ctx, "quiz", `DELETE FROM quizzes WHERE id = $1`, id)
}

// ListQuizzes returns a course's quizzes ordered by id.
func (s *DB) ListQuizzes(ctx context.Context, courseID int64) ([]*lms.Quiz, error) {
	return queryList(ctx, s, "list quizzes", scanQuiz, `SELECT `+quizColumns+` FROM quizzes WHERE course_id = $1 ORDER BY id`, courseID)
}

// PutOverride inserts or replaces the override of o's learner or group.
func (s *DB) PutOverride(ctx context.Context, o *lms.QuizOverride) error {
	return s.tx(ctx, func(tx *DB) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM quiz_overrides WHERE quiz_id = $1 AND (user_id = $2 OR group_id = $3)`,
			o.QuizID, nullID(o.UserID), nullID(o.GroupID)); err != nil {
			return tx.wrap(err, "replace a quiz override")
		}
		created := normalize(tx.now())
		o.OpensAt, o.ClosesAt = normalize(o.OpensAt), normalize(o.ClosesAt)
		err := tx.q.QueryRowContext(ctx, `INSERT INTO quiz_overrides (quiz_id, user_id, group_id, opens_at, closes_at,
			time_limit_s, attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			o.QuizID, nullID(o.UserID), nullID(o.GroupID), toMS(o.OpensAt), toMS(o.ClosesAt), o.TimeLimitSeconds,
			o.Attempts, toMS(created)).Scan(&o.ID)
		if err != nil {
			return tx.fkMissing(err, "quiz, user or group", "create a quiz override")
		}
		o.CreatedAt = created
		return nil
	})
}

// DeleteOverride removes an override of a quiz.
func (s *DB) DeleteOverride(ctx context.Context, quizID, id int64) error {
	return s.execOne(ctx, "quiz override", `DELETE FROM quiz_overrides WHERE quiz_id = $1 AND id = $2`, quizID, id)
}

// ListOverrides returns a quiz's overrides ordered by id.
func (s *DB) ListOverrides(ctx context.Context, quizID int64) ([]*lms.QuizOverride, error) {
	return queryList(ctx, s, "list quiz overrides", func(sc scanner) (*lms.QuizOverride, error) {
		var (
			o                  lms.QuizOverride
			user, group        sql.NullInt64
			opens, closes, crt int64
		)
		if err := sc.Scan(&o.ID, &o.QuizID, &user, &group, &opens, &closes, &o.TimeLimitSeconds, &o.Attempts, &crt); err != nil {
			return nil, err
		}
		o.UserID, o.GroupID = user.Int64, group.Int64
		o.OpensAt, o.ClosesAt, o.CreatedAt = fromMS(opens), fromMS(closes), fromMS(crt)
		return &o, nil
	}, `SELECT id, quiz_id, user_id, group_id, opens_at, closes_at, time_limit_s, attempts, created_at
		FROM quiz_overrides WHERE quiz_id = $1 ORDER BY id`, quizID)
}

// CreateAttempt inserts a with its slots.
func (s *DB) CreateAttempt(ctx context.Context, a *lms.Attempt, slots []*lms.AttemptSlot) error {
	return s.tx(ctx, func(tx *DB) error {
		a.StartedAt, a.Deadline, a.UpdatedAt = normalize(a.StartedAt), normalize(a.Deadline), normalize(tx.now())
		err := tx.q.QueryRowContext(ctx, `INSERT INTO attempts (quiz_id, course_id, user_id, number, state, started_at,
			deadline_at, submitted_at, auto_submitted, points, max_points, needs_grading, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, $8, 0, $9) RETURNING id`,
			a.QuizID, a.CourseID, a.UserID, a.Number, string(a.State), toMS(a.StartedAt), toMS(a.Deadline), a.MaxPoints,
			toMS(a.UpdatedAt)).Scan(&a.ID)
		if err != nil {
			if _, ok := tx.dialect.UniqueViolation(err); ok {
				return lms.Errorf(lms.ECONFLICT, "This attempt was started already.")
			}
			return tx.fkMissing(err, "quiz or user", "start an attempt")
		}
		for rest := slots; len(rest) > 0; {
			n := min(len(rest), maxSlotsPerStatement)
			var (
				v    args
				rows = make([]string, n)
			)
			for i, sl := range rest[:n] {
				sl.AttemptID = a.ID
				rows[i] = "(" + v.add(a.ID) + ", " + v.add(sl.Slot) + ", " + v.add(sl.QuestionID) + ", " + v.add(sl.MaxPoints) + ")"
			}
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO attempt_slots (attempt_id, slot, question_id, max_points)
				VALUES `+strings.Join(rows, ", "), v...); err != nil {
				return tx.fkMissing(err, "question", "start an attempt")
			}
			rest = rest[n:]
		}
		return nil
	})
}

// maxSlotsPerStatement bounds the rows one INSERT or UPDATE of attempt
// slots carries (5 parameters a row stays far below both databases'
// parameter limits).
const maxSlotsPerStatement = 500

const attemptColumns = `id, quiz_id, course_id, user_id, number, state, started_at, deadline_at, submitted_at,
	auto_submitted, points, max_points, needs_grading, updated_at`

func scanAttempt(sc scanner) (*lms.Attempt, error) {
	var (
		a                         lms.Attempt
		state                     string
		start, deadline, sub, upd int64
		auto, needs               int64
	)
	if err := sc.Scan(&a.ID, &a.QuizID, &a.CourseID, &a.UserID, &a.Number, &state, &start, &deadline, &sub,
		&auto, &a.Points, &a.MaxPoints, &needs, &upd); err != nil {
		return nil, err
	}
	a.State, a.AutoSubmitted, a.NeedsGrading = lms.AttemptState(state), auto == 1, needs == 1
	a.StartedAt, a.Deadline, a.SubmittedAt, a.UpdatedAt = fromMS(start), fromMS(deadline), fromMS(sub), fromMS(upd)
	return &a, nil
}

// AttemptByID returns the attempt.
func (s *DB) AttemptByID(ctx context.Context, id int64) (*lms.Attempt, error) {
	a, err := scanAttempt(s.q.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "attempt")
	}
	return a, nil
}

// ListAttempts returns the attempts matching f ordered by id.
func (s *DB) ListAttempts(ctx context.Context, f lms.AttemptFilter) ([]*lms.Attempt, error) {
	var a args
	where := `quiz_id = ` + a.add(f.QuizID)
	if f.UserID != 0 {
		where += ` AND user_id = ` + a.add(f.UserID)
	}
	if f.State != "" {
		where += ` AND state = ` + a.add(string(f.State))
	}
	return queryList(ctx, s, "list attempts", scanAttempt, `SELECT `+attemptColumns+` FROM attempts WHERE `+where+` ORDER BY id`, a...)
}

// AttemptSlots returns an attempt's slots in order.
func (s *DB) AttemptSlots(ctx context.Context, attemptID int64) ([]*lms.AttemptSlot, error) {
	return queryList(ctx, s, "list an attempt's questions", func(sc scanner) (*lms.AttemptSlot, error) {
		var (
			sl                 lms.AttemptSlot
			resp, tries, state string
			flagged, manual    int64
			saved              int64
		)
		if err := sc.Scan(&sl.AttemptID, &sl.Slot, &sl.QuestionID, &sl.MaxPoints, &resp, &tries, &flagged, &state,
			&sl.Fraction, &sl.Points, &manual, &sl.GradedBy, &sl.Comment, &saved); err != nil {
			return nil, err
		}
		if resp != "" {
			sl.Response = new(lms.Response)
			if err := json.Unmarshal([]byte(resp), sl.Response); err != nil {
				return nil, fmt.Errorf("decode a response: %w", err)
			}
		}
		if tries != "" {
			if err := json.Unmarshal([]byte(tries), &sl.Tries); err != nil {
				return nil, fmt.Errorf("decode tries: %w", err)
			}
		}
		sl.Flagged, sl.Manual, sl.State, sl.SavedAt = flagged == 1, manual == 1, state, fromMS(saved)
		return &sl, nil
	}, `SELECT attempt_id, slot, question_id, max_points, response, tries, flagged, state, fraction, points, manual,
		graded_by, comment, saved_at FROM attempt_slots WHERE attempt_id = $1 ORDER BY slot`, attemptID)
}

// UpdateAttemptSlot saves a slot.
func (s *DB) UpdateAttemptSlot(ctx context.Context, sl *lms.AttemptSlot) error {
	resp, tries := "", ""
	if sl.Response != nil {
		b, err := json.Marshal(sl.Response)
		if err != nil {
			return fmt.Errorf("encode a response: %w", err)
		}
		resp = string(b)
	}
	if len(sl.Tries) > 0 {
		b, err := json.Marshal(sl.Tries)
		if err != nil {
			return fmt.Errorf("encode tries: %w", err)
		}
		tries = string(b)
	}
	sl.SavedAt = normalize(sl.SavedAt)
	return s.execOne(ctx, "attempt question", `UPDATE attempt_slots SET question_id = $3, max_points = $4, response = $5,
		tries = $6, flagged = $7, state = $8, fraction = $9, points = $10, manual = $11, graded_by = $12, comment = $13,
		saved_at = $14 WHERE attempt_id = $1 AND slot = $2`,
		sl.AttemptID, sl.Slot, sl.QuestionID, sl.MaxPoints, resp, tries, boolInt(sl.Flagged), sl.State, sl.Fraction,
		sl.Points, boolInt(sl.Manual), sl.GradedBy, sl.Comment, toMS(sl.SavedAt))
}

// TouchOpenAttempt marks an open attempt whose deadline is after at.
func (s *DB) TouchOpenAttempt(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE attempts SET updated_at = $2
		WHERE id = $1 AND state = 'open' AND (deadline_at = 0 OR deadline_at > $2)`, id, toMS(at))
	if err != nil {
		return false, s.wrap(err, "save an answer")
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap(err, "save an answer")
}

// CloseAttempt moves an open attempt to submitted.
func (s *DB) CloseAttempt(ctx context.Context, id int64, at time.Time, auto bool) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE attempts SET state = 'submitted', submitted_at = $2, auto_submitted = $3,
		updated_at = $2 WHERE id = $1 AND state = 'open'`, id, toMS(at), boolInt(auto))
	if err != nil {
		return false, s.wrap(err, "submit an attempt")
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap(err, "submit an attempt")
}

// UpdateAttemptGrade saves Points, MaxPoints and NeedsGrading.
func (s *DB) UpdateAttemptGrade(ctx context.Context, a *lms.Attempt) error {
	a.UpdatedAt = normalize(s.now())
	return s.execOne(ctx, "attempt", `UPDATE attempts SET points = $2, max_points = $3, needs_grading = $4, updated_at = $5
		WHERE id = $1`, a.ID, a.Points, a.MaxPoints, boolInt(a.NeedsGrading), toMS(a.UpdatedAt))
}

// SaveSlotGrades saves the State, Fraction and Points of an attempt's
// slots in one statement (per maxSlotsPerStatement slots): an UPDATE
// joined to a VALUES list, which both databases accept (the casts give
// PostgreSQL the list's column types).
func (s *DB) SaveSlotGrades(ctx context.Context, attemptID int64, slots []*lms.AttemptSlot) error {
	for rest := slots; len(rest) > 0; {
		n := min(len(rest), maxSlotsPerStatement)
		v := args{attemptID}
		rows := make([]string, n)
		for i, sl := range rest[:n] {
			rows[i] = "(CAST(" + v.add(sl.Slot) + " AS INTEGER), CAST(" + v.add(sl.State) + " AS TEXT), CAST(" +
				v.add(sl.Fraction) + " AS DOUBLE PRECISION), CAST(" + v.add(sl.Points) + " AS DOUBLE PRECISION))"
		}
		if _, err := s.q.ExecContext(ctx, `UPDATE attempt_slots SET state = v.column2, fraction = v.column3, points = v.column4
			FROM (VALUES `+strings.Join(rows, ", ")+`) AS v
			WHERE attempt_slots.attempt_id = $1 AND attempt_slots.slot = v.column1`, v...); err != nil {
			return s.wrap(err, "grade an attempt")
		}
		rest = rest[n:]
	}
	return nil
}

// LatestQuestions returns the latest, not deleted versions of these
// families, in any order (one query per maxOutboxDelete families).
func (s *DB) LatestQuestions(ctx context.Context, familyIDs []int64) ([]*lms.Question, error) {
	var out []*lms.Question
	for len(familyIDs) > 0 {
		n := min(len(familyIDs), maxOutboxDelete)
		var a args
		list, err := queryList(ctx, s, "get the latest questions", scanQuestion, `SELECT `+questionColumns+` FROM questions
			WHERE family_id IN `+a.in(familyIDs[:n])+` AND latest = 1 AND deleted = 0`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		familyIDs = familyIDs[n:]
	}
	return out, nil
}

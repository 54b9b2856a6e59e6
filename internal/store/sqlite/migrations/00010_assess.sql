-- Question banks, quizzes and attempts (SQLite). Same conventions as 00002:
-- times INTEGER unix ms (0 = unset), booleans INTEGER 0/1, optional
-- references NULL when unset. A question row is one version: family_id is
-- the id of the first version, latest marks the current one, deleted hides
-- a family still used by attempts. Questions, quizzes and quiz settings are
-- stored as the JSON of their lms type in data; the columns beside it are
-- what queries select on. Keep in step with the PostgreSQL file.

-- +goose Up
-- The quiz_passed lesson completion rule: the CHECK of 00003 is replaced by
-- a new column (SQLite cannot alter a CHECK in place).
ALTER TABLE lessons ADD COLUMN completion_rule_v2 TEXT NOT NULL DEFAULT 'manual'
    CHECK (completion_rule_v2 IN ('manual', 'viewed', 'video', 'quiz_passed'));
UPDATE lessons SET completion_rule_v2 = completion_rule;
ALTER TABLE lessons DROP COLUMN completion_rule;
ALTER TABLE lessons RENAME COLUMN completion_rule_v2 TO completion_rule;

CREATE TABLE question_categories (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES question_categories (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX question_categories_course_idx ON question_categories (course_id);
CREATE INDEX question_categories_parent_idx ON question_categories (parent_id);

CREATE TABLE questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES question_categories (id) ON DELETE CASCADE,
    family_id   INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL,
    latest      INTEGER NOT NULL DEFAULT 1 CHECK (latest IN (0, 1)),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    type        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    search      TEXT    NOT NULL DEFAULT '',
    tags        TEXT    NOT NULL DEFAULT '',
    data        TEXT    NOT NULL,
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX questions_category_idx ON questions (category_id, latest);
CREATE INDEX questions_course_idx ON questions (course_id, latest);
CREATE INDEX questions_family_idx ON questions (family_id, version);

CREATE TABLE quizzes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id  INTEGER REFERENCES lessons (id) ON DELETE SET NULL,
    title      TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX quizzes_course_idx ON quizzes (course_id);
CREATE INDEX quizzes_lesson_idx ON quizzes (lesson_id);

CREATE TABLE quiz_overrides (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz_id       INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    group_id      INTEGER REFERENCES course_groups (id) ON DELETE CASCADE,
    opens_at      INTEGER NOT NULL DEFAULT 0,
    closes_at     INTEGER NOT NULL DEFAULT 0,
    time_limit_s  INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX quiz_overrides_user_key ON quiz_overrides (quiz_id, user_id);
CREATE UNIQUE INDEX quiz_overrides_group_key ON quiz_overrides (quiz_id, group_id);

CREATE TABLE attempts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz_id        INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    course_id      INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    deadline_at    INTEGER NOT NULL DEFAULT 0,
    submitted_at   INTEGER NOT NULL DEFAULT 0,
    auto_submitted INTEGER NOT NULL DEFAULT 0 CHECK (auto_submitted IN (0, 1)),
    points         REAL    NOT NULL DEFAULT 0,
    max_points     REAL    NOT NULL DEFAULT 0,
    needs_grading  INTEGER NOT NULL DEFAULT 0 CHECK (needs_grading IN (0, 1)),
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX attempts_number_key ON attempts (quiz_id, user_id, number);
CREATE INDEX attempts_user_idx ON attempts (user_id);

CREATE TABLE attempt_slots (
    attempt_id  INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    slot        INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES questions (id),
    max_points  REAL    NOT NULL,
    response    TEXT    NOT NULL DEFAULT '',
    tries       TEXT    NOT NULL DEFAULT '',
    flagged     INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    state       TEXT    NOT NULL DEFAULT '',
    fraction    REAL    NOT NULL DEFAULT 0,
    points      REAL    NOT NULL DEFAULT 0,
    manual      INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),
    graded_by   INTEGER NOT NULL DEFAULT 0,
    comment     TEXT    NOT NULL DEFAULT '',
    saved_at    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (attempt_id, slot)
) STRICT;
CREATE INDEX attempt_slots_question_idx ON attempt_slots (question_id);

-- +goose Down
ALTER TABLE lessons ADD COLUMN completion_rule_v1 TEXT NOT NULL DEFAULT 'manual'
    CHECK (completion_rule_v1 IN ('manual', 'viewed', 'video'));
UPDATE lessons SET completion_rule_v1 = CASE WHEN completion_rule = 'quiz_passed' THEN 'manual' ELSE completion_rule END;
ALTER TABLE lessons DROP COLUMN completion_rule;
ALTER TABLE lessons RENAME COLUMN completion_rule_v1 TO completion_rule;
DROP TABLE attempt_slots;
DROP TABLE attempts;
DROP TABLE quiz_overrides;
DROP TABLE quizzes;
DROP TABLE questions;
DROP TABLE question_categories;

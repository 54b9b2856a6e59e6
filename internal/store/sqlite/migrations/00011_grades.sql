-- Assignments, submissions (every version kept) and the gradebook
-- (SQLite). Same conventions as 00002: times INTEGER unix ms (0 = unset),
-- booleans INTEGER 0/1, lists of upload ids and rubrics as JSON text.
-- Submissions keep user_id and group_id without foreign keys (0 = none):
-- handed-in work outlives a deleted group or account. Keep in step with the
-- PostgreSQL file.

-- +goose Up
CREATE TABLE assignments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id         INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    title             TEXT    NOT NULL,
    instructions_md   TEXT    NOT NULL DEFAULT '',
    instructions_html TEXT    NOT NULL DEFAULT '',
    attachments       TEXT    NOT NULL DEFAULT '[]',
    due_at            INTEGER NOT NULL DEFAULT 0,
    cutoff_at         INTEGER NOT NULL DEFAULT 0,
    late_unit         TEXT    NOT NULL DEFAULT '',
    late_percent      REAL    NOT NULL DEFAULT 0,
    max_points        REAL    NOT NULL,
    online_text       INTEGER NOT NULL DEFAULT 0 CHECK (online_text IN (0, 1)),
    files             INTEGER NOT NULL DEFAULT 0 CHECK (files IN (0, 1)),
    file_types        TEXT    NOT NULL DEFAULT '[]',
    max_file_bytes    INTEGER NOT NULL DEFAULT 0,
    max_files         INTEGER NOT NULL DEFAULT 0,
    group_mode        INTEGER NOT NULL DEFAULT 0 CHECK (group_mode IN (0, 1)),
    rubric            TEXT    NOT NULL DEFAULT '',
    draft             INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
    created_by        INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX assignments_course_idx ON assignments (course_id);

CREATE TABLE submissions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL DEFAULT 0,
    group_id      INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    body          TEXT    NOT NULL DEFAULT '',
    files         TEXT    NOT NULL DEFAULT '[]',
    submitted_at  INTEGER NOT NULL DEFAULT 0,
    submitted_by  INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL,
    graded        INTEGER NOT NULL DEFAULT 0 CHECK (graded IN (0, 1)),
    score         REAL    NOT NULL DEFAULT 0,
    penalty       REAL    NOT NULL DEFAULT 0,
    rubric_levels TEXT    NOT NULL DEFAULT '[]',
    feedback_md   TEXT    NOT NULL DEFAULT '',
    feedback_html TEXT    NOT NULL DEFAULT '',
    feedback_file INTEGER NOT NULL DEFAULT 0,
    graded_by     INTEGER NOT NULL DEFAULT 0,
    graded_at     INTEGER NOT NULL DEFAULT 0,
    released      INTEGER NOT NULL DEFAULT 0 CHECK (released IN (0, 1)),
    released_at   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX submissions_owner_key ON submissions (assignment_id, user_id, group_id);

CREATE TABLE submission_versions (
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    body          TEXT    NOT NULL DEFAULT '',
    files         TEXT    NOT NULL DEFAULT '[]',
    by_user       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (submission_id, number)
) STRICT;

CREATE TABLE grade_categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    weight      REAL    NOT NULL DEFAULT 0,
    drop_lowest INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX grade_categories_course_idx ON grade_categories (course_id);

CREATE TABLE grade_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    source_id   INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    max_points  REAL    NOT NULL,
    category_id INTEGER REFERENCES grade_categories (id) ON DELETE SET NULL,
    hidden      INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    created_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX grade_items_source_key ON grade_items (course_id, source, source_id);
CREATE INDEX grade_items_category_idx ON grade_items (category_id);

CREATE TABLE grades (
    item_id      INTEGER NOT NULL REFERENCES grade_items (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    graded       INTEGER NOT NULL DEFAULT 0 CHECK (graded IN (0, 1)),
    points       REAL    NOT NULL DEFAULT 0,
    has_override INTEGER NOT NULL DEFAULT 0 CHECK (has_override IN (0, 1)),
    override     REAL    NOT NULL DEFAULT 0,
    reason       TEXT    NOT NULL DEFAULT '',
    excused      INTEGER NOT NULL DEFAULT 0 CHECK (excused IN (0, 1)),
    released     INTEGER NOT NULL DEFAULT 0 CHECK (released IN (0, 1)),
    graded_by    INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (item_id, user_id)
) STRICT;
CREATE INDEX grades_user_idx ON grades (user_id);

CREATE TABLE gradebook_settings (
    course_id INTEGER PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    data      TEXT    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE gradebook_settings;
DROP TABLE grades;
DROP TABLE grade_items;
DROP TABLE grade_categories;
DROP TABLE submission_versions;
DROP TABLE submissions;
DROP TABLE assignments;

-- The course catalogue (PostgreSQL): whether a course is listed (shown to every
-- signed-in user while it is published) and how people enrol themselves
-- from the catalogue (open, approval or closed). Keep in step with the
-- SQLite file.

-- +goose Up
ALTER TABLE courses ADD COLUMN listed INTEGER NOT NULL DEFAULT 0 CHECK (listed IN (0, 1));
ALTER TABLE courses ADD COLUMN enrol_mode TEXT NOT NULL DEFAULT 'closed'
    CHECK (enrol_mode IN ('open', 'approval', 'closed'));
CREATE INDEX courses_catalog_idx ON courses (listed, visibility);

-- +goose Down
DROP INDEX courses_catalog_idx;
ALTER TABLE courses DROP COLUMN enrol_mode;
ALTER TABLE courses DROP COLUMN listed;

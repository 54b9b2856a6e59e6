-- Lesson completion rules (PostgreSQL): how a lesson becomes completed
-- (manual, viewed, or video watched to completion_percent %), and the
-- furthest point of a lesson's video each learner watched. Keep in step
-- with the SQLite file.

-- +goose Up
ALTER TABLE lessons ADD COLUMN completion_rule TEXT NOT NULL DEFAULT 'manual'
    CHECK (completion_rule IN ('manual', 'viewed', 'video'));
ALTER TABLE lessons ADD COLUMN completion_percent INTEGER NOT NULL DEFAULT 0
    CHECK (completion_percent BETWEEN 0 AND 100);
ALTER TABLE lesson_progress ADD COLUMN video_percent INTEGER NOT NULL DEFAULT 0
    CHECK (video_percent BETWEEN 0 AND 100);

-- +goose Down
ALTER TABLE lesson_progress DROP COLUMN video_percent;
ALTER TABLE lessons DROP COLUMN completion_percent;
ALTER TABLE lessons DROP COLUMN completion_rule;

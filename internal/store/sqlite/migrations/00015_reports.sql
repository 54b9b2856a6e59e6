-- Reports (SQLite): lesson_activity is one row per learner, lesson and
-- UTC day the learner spent time on the lesson (day = the day's start in
-- unix milliseconds; seconds added by heartbeats that day; beats = how many
-- heartbeats). It feeds active learners per day, lesson views (one per row)
-- and time on lessons. question_lessons tags a question family with the
-- lessons it tests ("what to review next"). Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE lesson_activity (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    day       INTEGER NOT NULL,
    seconds   INTEGER NOT NULL DEFAULT 0,
    beats     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, lesson_id, day)
) STRICT;
-- Covering for the reports' queries over a period (they read only these columns).
CREATE INDEX lesson_activity_course_day_idx ON lesson_activity (course_id, day, user_id, lesson_id, seconds);

CREATE TABLE question_lessons (
    family_id INTEGER NOT NULL,
    lesson_id INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    PRIMARY KEY (family_id, lesson_id)
) STRICT;
CREATE INDEX question_lessons_lesson_idx ON question_lessons (lesson_id);

CREATE INDEX attempts_course_user_idx ON attempts (course_id, user_id);
CREATE INDEX messages_room_created_idx ON messages (room_id, created_at);

-- +goose Down
DROP INDEX messages_room_created_idx;
DROP INDEX attempts_course_user_idx;
DROP TABLE question_lessons;
DROP TABLE lesson_activity;

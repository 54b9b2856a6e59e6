-- Report aggregates (PostgreSQL): the engagement report reads these instead of
-- every lesson_activity row of the period. Triggers on lesson_activity keep
-- them right on every path that writes it (heartbeats, cascaded deletions
-- of users, lessons, modules and courses, bulk loads); they count every
-- user, and the report subtracts those who are not active learners (see
-- internal/store/sqldb/reports.go). Keep in step with the SQLite file.
--
--   report_course_users: who has lesson activity in a course (entries = their
--     lesson_activity rows there); also the lock that orders one user's
--     activity writes in one course.
--   report_course_days: per course and UTC day, the users with a lesson row
--     (active), the rows (views) and their seconds.
--   report_lesson_days: per lesson and day, views and seconds, and lasts =
--     the learner-lesson pairs whose latest day on the lesson is this day
--     (distinct learners over a period that reaches the latest activity are
--     the sum of lasts over the period).
--
-- The insert trigger runs BEFORE the row is stored (the row is not yet
-- visible to it, the rows inserted before it are); sqldb inserts a
-- lesson_activity row only when it does not exist (no upsert: an upsert
-- would fire it on conflict too). Rows never change their keys.
--
-- The aggregates have no foreign keys: a row goes when its last
-- lesson_activity row goes (the delete trigger removes rows that reach
-- zero), which cascades from users, lessons and courses. (PostgreSQL
-- checks a foreign key again when a row this transaction wrote is updated
-- again, and the trigger updates them while the parent row is being
-- deleted.)

-- +goose Up
CREATE TABLE report_course_users (
    course_id BIGINT  NOT NULL,
    user_id   BIGINT  NOT NULL,
    entries   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (course_id, user_id)
);

CREATE TABLE report_course_days (
    course_id BIGINT  NOT NULL,
    day       BIGINT  NOT NULL,
    active    BIGINT  NOT NULL DEFAULT 0,
    views     BIGINT  NOT NULL DEFAULT 0,
    seconds   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (course_id, day)
);

CREATE TABLE report_lesson_days (
    course_id BIGINT  NOT NULL,
    day       BIGINT  NOT NULL,
    lesson_id BIGINT  NOT NULL,
    views     BIGINT  NOT NULL DEFAULT 0,
    seconds   BIGINT  NOT NULL DEFAULT 0,
    lasts     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (course_id, day, lesson_id)
);

-- Covering indexes for the discussion and chat counts per day and for the
-- funnel (every progress row of the course); each replaces its prefix.
CREATE INDEX posts_thread_created_idx ON posts (thread_id, created_at, deleted_at, author_id);
CREATE INDEX messages_room_created_cover_idx ON messages (room_id, created_at, deleted_at, author_id);
DROP INDEX messages_room_created_idx;
CREATE INDEX lesson_progress_course_cover_idx ON lesson_progress (course_id, user_id, lesson_id, completed_at);
DROP INDEX lesson_progress_course_idx;

INSERT INTO report_course_users (course_id, user_id, entries)
    SELECT course_id, user_id, count(*) FROM lesson_activity GROUP BY course_id, user_id;
INSERT INTO report_course_days (course_id, day, active, views, seconds)
    SELECT course_id, day, count(DISTINCT user_id), count(*), sum(seconds) FROM lesson_activity GROUP BY course_id, day;
INSERT INTO report_lesson_days (course_id, day, lesson_id, views, seconds, lasts)
    SELECT a.course_id, a.day, a.lesson_id, count(*), sum(a.seconds), sum(CASE WHEN a.day = m.last THEN 1 ELSE 0 END)
    FROM lesson_activity a JOIN (SELECT user_id, lesson_id, max(day) AS last FROM lesson_activity
        GROUP BY user_id, lesson_id) m ON m.user_id = a.user_id AND m.lesson_id = a.lesson_id
    GROUP BY a.course_id, a.day, a.lesson_id;

-- +goose StatementBegin
CREATE FUNCTION lesson_activity_report_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_course_users (course_id, user_id, entries) VALUES (NEW.course_id, NEW.user_id, 1)
        ON CONFLICT (course_id, user_id) DO UPDATE SET entries = report_course_users.entries + 1;
    INSERT INTO report_course_days (course_id, day, active, views, seconds)
        VALUES (NEW.course_id, NEW.day, CASE WHEN EXISTS (SELECT 1 FROM lesson_activity a
            WHERE a.course_id = NEW.course_id AND a.day = NEW.day AND a.user_id = NEW.user_id) THEN 0 ELSE 1 END,
            1, NEW.seconds)
        ON CONFLICT (course_id, day) DO UPDATE SET active = report_course_days.active + excluded.active,
            views = report_course_days.views + 1, seconds = report_course_days.seconds + excluded.seconds;
    -- A later day takes the pair's "last" from its previous latest day.
    UPDATE report_lesson_days SET lasts = lasts - 1
        WHERE course_id = NEW.course_id AND lesson_id = NEW.lesson_id AND day < NEW.day
        AND day = (SELECT max(a.day) FROM lesson_activity a WHERE a.user_id = NEW.user_id AND a.lesson_id = NEW.lesson_id);
    INSERT INTO report_lesson_days (course_id, day, lesson_id, views, seconds, lasts)
        VALUES (NEW.course_id, NEW.day, NEW.lesson_id, 1, NEW.seconds, CASE WHEN EXISTS (SELECT 1 FROM lesson_activity a
            WHERE a.user_id = NEW.user_id AND a.lesson_id = NEW.lesson_id AND a.day > NEW.day) THEN 0 ELSE 1 END)
        ON CONFLICT (course_id, day, lesson_id) DO UPDATE SET views = report_lesson_days.views + 1,
            seconds = report_lesson_days.seconds + excluded.seconds, lasts = report_lesson_days.lasts + excluded.lasts;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER lesson_activity_report_insert BEFORE INSERT ON lesson_activity FOR EACH ROW
    EXECUTE FUNCTION lesson_activity_report_insert();

-- +goose StatementBegin
CREATE FUNCTION lesson_activity_report_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_course_days SET seconds = seconds + NEW.seconds - OLD.seconds
        WHERE course_id = NEW.course_id AND day = NEW.day;
    UPDATE report_lesson_days SET seconds = seconds + NEW.seconds - OLD.seconds
        WHERE course_id = NEW.course_id AND day = NEW.day AND lesson_id = NEW.lesson_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER lesson_activity_report_update AFTER UPDATE OF seconds ON lesson_activity FOR EACH ROW WHEN (NEW.seconds <> OLD.seconds)
    EXECUTE FUNCTION lesson_activity_report_update();

-- BEFORE: the row is still visible (and excluded by the conditions), the
-- rows of the same statement deleted before it are gone.
-- +goose StatementBegin
CREATE FUNCTION lesson_activity_report_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_course_users SET entries = entries - 1 WHERE course_id = OLD.course_id AND user_id = OLD.user_id;
    DELETE FROM report_course_users WHERE course_id = OLD.course_id AND user_id = OLD.user_id AND entries <= 0;
    UPDATE report_course_days SET views = views - 1, seconds = seconds - OLD.seconds,
        active = active - CASE WHEN EXISTS (SELECT 1 FROM lesson_activity a WHERE a.course_id = OLD.course_id
            AND a.day = OLD.day AND a.user_id = OLD.user_id AND a.lesson_id <> OLD.lesson_id) THEN 0 ELSE 1 END
        WHERE course_id = OLD.course_id AND day = OLD.day;
    DELETE FROM report_course_days WHERE course_id = OLD.course_id AND day = OLD.day AND views <= 0;
    -- When the row was its pair's latest day, the pair's previous day (if any) is now.
    UPDATE report_lesson_days SET lasts = lasts + 1
        WHERE course_id = OLD.course_id AND lesson_id = OLD.lesson_id
        AND day = (SELECT max(a.day) FROM lesson_activity a WHERE a.user_id = OLD.user_id
            AND a.lesson_id = OLD.lesson_id AND a.day < OLD.day)
        AND NOT EXISTS (SELECT 1 FROM lesson_activity a WHERE a.user_id = OLD.user_id
            AND a.lesson_id = OLD.lesson_id AND a.day > OLD.day);
    UPDATE report_lesson_days SET views = views - 1, seconds = seconds - OLD.seconds,
        lasts = lasts - CASE WHEN EXISTS (SELECT 1 FROM lesson_activity a WHERE a.user_id = OLD.user_id
            AND a.lesson_id = OLD.lesson_id AND a.day > OLD.day) THEN 0 ELSE 1 END
        WHERE course_id = OLD.course_id AND day = OLD.day AND lesson_id = OLD.lesson_id;
    DELETE FROM report_lesson_days WHERE course_id = OLD.course_id AND day = OLD.day
        AND lesson_id = OLD.lesson_id AND views <= 0;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER lesson_activity_report_delete BEFORE DELETE ON lesson_activity FOR EACH ROW
    EXECUTE FUNCTION lesson_activity_report_delete();

-- +goose Down
DROP TRIGGER lesson_activity_report_delete ON lesson_activity;
DROP FUNCTION lesson_activity_report_delete();
DROP TRIGGER lesson_activity_report_update ON lesson_activity;
DROP FUNCTION lesson_activity_report_update();
DROP TRIGGER lesson_activity_report_insert ON lesson_activity;
DROP FUNCTION lesson_activity_report_insert();
CREATE INDEX lesson_progress_course_idx ON lesson_progress (course_id, user_id);
DROP INDEX lesson_progress_course_cover_idx;
CREATE INDEX messages_room_created_idx ON messages (room_id, created_at);
DROP INDEX messages_room_created_cover_idx;
DROP INDEX posts_thread_created_idx;
DROP TABLE report_lesson_days;
DROP TABLE report_course_days;
DROP TABLE report_course_users;

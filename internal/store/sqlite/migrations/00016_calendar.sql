-- Calendar and privacy (SQLite): course events (room_id: a
-- scheduled live session in that room, NULL when none or when the room is
-- deleted), each user's calendar feed token (stored hashed; one per user, a
-- reset replaces it) and deletion requests (a user asks an administrator
-- to delete their account). Times are unix milliseconds; ends_at = 0 is a
-- point in time. created_by has no foreign key: the event outlives its
-- author. Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE course_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    title       TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    location    TEXT   NOT NULL DEFAULT '',
    room_id     INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX course_events_course_idx ON course_events (course_id, starts_at);

CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX calendar_feeds_token_hash_key ON calendar_feeds (token_hash);

CREATE TABLE deletion_requests (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT   NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE deletion_requests;
DROP TABLE calendar_feeds;
DROP TABLE course_events;

-- Live video sessions (SQLite): which node hosts each room's session
-- (one open row per room: ended_at = 0; the host refreshes heartbeat_at,
-- and a row whose heartbeat is stale may be taken over by another node) and
-- attendance (one row per join, left_at = 0 while in the session). Times
-- are unix milliseconds. Attendance keeps user_id without a foreign key: it
-- outlives a deleted account. Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE live_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    course_id    INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    node_id      TEXT   NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    ended_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX live_sessions_open_key ON live_sessions (room_id) WHERE ended_at = 0;
CREATE INDEX live_sessions_course_idx ON live_sessions (course_id);

CREATE TABLE live_attendance (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    joined_at  INTEGER NOT NULL,
    left_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX live_attendance_session_idx ON live_attendance (session_id);

-- +goose Down
DROP TABLE live_attendance;
DROP TABLE live_sessions;

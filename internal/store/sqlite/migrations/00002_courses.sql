-- Courses, enrolment, content, uploads, progress, discussion, room chat and
-- notifications (SQLite). Same conventions as 00001: times INTEGER unix ms
-- (0 = unset), booleans INTEGER 0/1. Optional references (group_id,
-- join_code, idem_key) are NULL when unset so that FKs and unique indexes
-- ignore them. Author and owner ids have no foreign key: posts, messages and
-- files outlive their author. Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE courses (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    code            TEXT    NOT NULL DEFAULT '',
    description     TEXT    NOT NULL DEFAULT '',
    cover_path      TEXT    NOT NULL DEFAULT '',
    visibility      TEXT    NOT NULL,
    starts_at       INTEGER  NOT NULL DEFAULT 0,
    ends_at         INTEGER  NOT NULL DEFAULT 0,
    created_by      INTEGER  NOT NULL DEFAULT 0,
    join_code       TEXT,
    join_enabled    INTEGER NOT NULL DEFAULT 0 CHECK (join_enabled IN (0, 1)),
    join_expires_at INTEGER  NOT NULL DEFAULT 0,
    join_approval   INTEGER NOT NULL DEFAULT 0 CHECK (join_approval IN (0, 1)),
    created_at      INTEGER  NOT NULL,
    updated_at      INTEGER  NOT NULL
) STRICT;
CREATE UNIQUE INDEX courses_join_code_key ON courses (lower(join_code));

CREATE TABLE course_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    self_select INTEGER NOT NULL DEFAULT 0 CHECK (self_select IN (0, 1)),
    max_size    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER  NOT NULL
) STRICT;
CREATE INDEX course_groups_course_idx ON course_groups (course_id);

CREATE TABLE enrollments (
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    group_id   INTEGER REFERENCES course_groups (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, user_id)
) STRICT;
CREATE INDEX enrollments_user_idx ON enrollments (user_id);
CREATE INDEX enrollments_group_idx ON enrollments (group_id);

CREATE TABLE modules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    created_at INTEGER  NOT NULL,
    updated_at INTEGER  NOT NULL
) STRICT;
CREATE INDEX modules_course_idx ON modules (course_id, position);

CREATE TABLE lessons (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    module_id         INTEGER  NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    course_id         INTEGER  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    body_md           TEXT    NOT NULL DEFAULT '',
    body_html         TEXT    NOT NULL DEFAULT '',
    draft             INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
    available_from    INTEGER  NOT NULL DEFAULT 0,
    requires_previous INTEGER NOT NULL DEFAULT 0 CHECK (requires_previous IN (0, 1)),
    created_at        INTEGER  NOT NULL,
    updated_at        INTEGER  NOT NULL
) STRICT;
CREATE INDEX lessons_module_idx ON lessons (module_id, position);
CREATE INDEX lessons_course_idx ON lessons (course_id);

CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    hash         TEXT   NOT NULL,
    path         TEXT   NOT NULL,
    name         TEXT   NOT NULL DEFAULT '',
    content_type TEXT   NOT NULL,
    size         INTEGER NOT NULL,
    owner_id     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX uploads_hash_key ON uploads (hash);
CREATE INDEX uploads_created_idx ON uploads (created_at);

-- ref names what uses the file ("lesson:12", "message:7"); the refs go with
-- the course, and an upload nothing references is swept.
CREATE TABLE upload_refs (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    ref       TEXT   NOT NULL,
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    PRIMARY KEY (ref, upload_id)
) STRICT;
CREATE INDEX upload_refs_upload_idx ON upload_refs (upload_id);
CREATE INDEX upload_refs_course_idx ON upload_refs (course_id);

CREATE TABLE lesson_progress (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id     INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id     INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    opened_at     INTEGER NOT NULL DEFAULT 0,
    last_seen_at  INTEGER NOT NULL DEFAULT 0,
    seconds_spent INTEGER NOT NULL DEFAULT 0,
    completed_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, lesson_id)
) STRICT;
CREATE INDEX lesson_progress_course_idx ON lesson_progress (course_id, user_id);

CREATE TABLE forums (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    title       TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX forums_course_idx ON forums (course_id);

CREATE TABLE threads (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    forum_id       INTEGER  NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    course_id      INTEGER  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    author_id      INTEGER  NOT NULL DEFAULT 0,
    title          TEXT    NOT NULL,
    pinned         INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    locked         INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    answer_post_id INTEGER  NOT NULL DEFAULT 0,
    created_at     INTEGER  NOT NULL,
    last_post_id   INTEGER  NOT NULL DEFAULT 0,
    last_post_at   INTEGER  NOT NULL DEFAULT 0,
    post_count     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX threads_forum_idx ON threads (forum_id, pinned, last_post_id);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id  INTEGER  NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id  INTEGER  NOT NULL DEFAULT 0,
    depth      INTEGER NOT NULL DEFAULT 0,
    author_id  INTEGER  NOT NULL DEFAULT 0,
    body_md    TEXT    NOT NULL DEFAULT '',
    body_html  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER  NOT NULL,
    edited_at  INTEGER  NOT NULL DEFAULT 0,
    deleted_at INTEGER  NOT NULL DEFAULT 0,
    deleted_by INTEGER  NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX posts_thread_idx ON posts (thread_id, id);

CREATE TABLE post_reactions (
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id, emoji)
) STRICT;

CREATE TABLE thread_reads (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id    INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_post_id INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, thread_id)
) STRICT;

CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    group_id   INTEGER  REFERENCES course_groups (id) ON DELETE CASCADE,
    is_main    INTEGER NOT NULL DEFAULT 0 CHECK (is_main IN (0, 1)),
    created_at INTEGER  NOT NULL
) STRICT;
CREATE INDEX rooms_course_idx ON rooms (course_id);
CREATE UNIQUE INDEX rooms_main_key ON rooms (course_id) WHERE is_main = 1;

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL DEFAULT 0,
    body       TEXT   NOT NULL DEFAULT '',
    reply_to   INTEGER NOT NULL DEFAULT 0,
    upload_id  INTEGER NOT NULL DEFAULT 0,
    idem_key   TEXT,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER NOT NULL DEFAULT 0,
    deleted_at INTEGER NOT NULL DEFAULT 0,
    deleted_by INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX messages_room_idx ON messages (room_id, id);
CREATE UNIQUE INDEX messages_idem_key ON messages (room_id, author_id, idem_key);

CREATE TABLE message_reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
) STRICT;

CREATE TABLE room_reads (
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_id INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
) STRICT;

CREATE TABLE room_mutes (
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until   INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
) STRICT;

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT   NOT NULL,
    payload    TEXT   NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    read_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE room_mutes;
DROP TABLE room_reads;
DROP TABLE message_reactions;
DROP TABLE messages;
DROP TABLE rooms;
DROP TABLE thread_reads;
DROP TABLE post_reactions;
DROP TABLE posts;
DROP TABLE threads;
DROP TABLE forums;
DROP TABLE lesson_progress;
DROP TABLE upload_refs;
DROP TABLE uploads;
DROP TABLE lessons;
DROP TABLE modules;
DROP TABLE enrollments;
DROP TABLE course_groups;
DROP TABLE courses;

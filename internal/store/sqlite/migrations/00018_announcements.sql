-- Course announcements (SQLite): news the course staff post, for every
-- member or (restricted = 1) only the groups listed in
-- course_announcement_groups. post_at is when it is to be posted,
-- posted_at when it was (0: scheduled); edited_at 0: never edited after
-- posting. A restricted announcement whose groups are all deleted stays
-- restricted (only staff see it). author_id has no foreign key: the
-- announcement outlives its author. Times are unix milliseconds. Keep in
-- step with the PostgreSQL file.

-- +goose Up
CREATE TABLE course_announcements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    post_at    INTEGER NOT NULL,
    posted_at  INTEGER NOT NULL DEFAULT 0,
    edited_at  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX course_announcements_course_idx ON course_announcements (course_id, post_at);

CREATE TABLE course_announcement_groups (
    announcement_id INTEGER NOT NULL REFERENCES course_announcements (id) ON DELETE CASCADE,
    group_id        INTEGER NOT NULL REFERENCES course_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (announcement_id, group_id)
) STRICT;
CREATE INDEX course_announcement_groups_group_idx ON course_announcement_groups (group_id);

-- +goose Down
DROP TABLE course_announcement_groups;
DROP TABLE course_announcements;

-- The transactional outbox (SQLite): announcements of stored changes,
-- written in the transaction of the change and deleted once announced live
-- (see lms.Announcement). Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_kind  TEXT    NOT NULL,
    feed_id    INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_created_idx ON outbox (created_at, id);

-- +goose Down
DROP TABLE outbox;

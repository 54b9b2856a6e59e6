-- Notification settings and once-only notifications (SQLite).
-- notify_settings holds one person's lms.NotifySettings as a JSON document
-- (time zone, quiet hours, choices per kind, muted courses): a new kind or
-- setting needs no migration. notification_once records that a
-- notification with a dedup key (a deadline reminder: "due_soon:24h:
-- assignment:12") was given to a user; it is written in the notification's
-- transaction, so a reminder job that runs again (another node, a restart)
-- gives nobody a second one. Times are unix milliseconds. Keep in step with
-- the PostgreSQL file.

-- +goose Up
CREATE TABLE notify_settings (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT   NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE notification_once (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dedup_key  TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, dedup_key)
) STRICT;

-- +goose Down
DROP TABLE notification_once;
DROP TABLE notify_settings;

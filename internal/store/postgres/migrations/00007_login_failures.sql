-- Failed sign-in counters shared by every node (PostgreSQL): one row per key
-- ("acct:<login>", "ip:<address>", "dev:<device id>") with the failures in
-- the current window and the end of the current block. Rows whose last
-- failure and block are both older than the window are pruned. Keep in step
-- with the SQLite file.

-- +goose Up
CREATE TABLE login_failures (
    name          TEXT    NOT NULL PRIMARY KEY,
    failures      INTEGER NOT NULL,
    last_at       BIGINT  NOT NULL,
    blocked_until BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX login_failures_last_at_idx ON login_failures (last_at);

-- +goose Down
DROP TABLE login_failures;

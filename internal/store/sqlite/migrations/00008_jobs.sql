-- Durable scheduled jobs (SQLite): one row per job, found by its unique
-- key (scheduling a key again replaces the job unless it is running),
-- claimed by a runner when run_at has come (locked_by and locked_until
-- hold the claim: a lease that expires makes the job claimable again),
-- deleted when it succeeds, and kept with failed_at and last_error when it
-- has failed for good; the run_at index leaves failed jobs out, so however
-- many are kept, a poll reads only live ones. Times are unix milliseconds,
-- 0 = unset. Keep in step with the PostgreSQL file.

-- +goose Up
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    locked_by    TEXT    NOT NULL DEFAULT '',
    locked_until INTEGER NOT NULL DEFAULT 0,
    failed_at    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX jobs_key_idx ON jobs (key);
CREATE INDEX jobs_run_at_idx ON jobs (run_at) WHERE failed_at = 0;

-- +goose Down
DROP TABLE jobs;

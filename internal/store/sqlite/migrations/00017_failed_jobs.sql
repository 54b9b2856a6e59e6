-- Failed jobs by kind (SQLite): the administrators' list of emails that
-- could not be sent (store.Jobs.ListFailedJobs) reads failed jobs of one
-- kind, most recently failed first; the run_at index of migration 8 leaves
-- failed jobs out. Keep in step with the PostgreSQL file.

-- +goose Up
CREATE INDEX jobs_failed_idx ON jobs (kind, failed_at DESC) WHERE failed_at <> 0;

-- +goose Down
DROP INDEX jobs_failed_idx;

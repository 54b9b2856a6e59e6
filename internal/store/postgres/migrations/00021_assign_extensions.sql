-- Assignment extensions (PostgreSQL): one learner's own due date (and optional
-- cut-off, 0: see lms.Extension.Apply) for an assignment, at most one per
-- (assignment, learner); granting again replaces the row. granted_by has
-- no foreign key: the extension outlives the staff member who granted it.
-- reason is a note for staff. Times are unix milliseconds. Keep in step
-- with the SQLite file.

-- +goose Up
CREATE TABLE assignment_extensions (
    assignment_id BIGINT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    due_at        BIGINT NOT NULL,
    cutoff_at     BIGINT NOT NULL DEFAULT 0,
    granted_by    BIGINT NOT NULL,
    granted_at    BIGINT NOT NULL,
    reason        TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (assignment_id, user_id)
);
CREATE INDEX assignment_extensions_user_idx ON assignment_extensions (user_id);

-- +goose Down
DROP TABLE assignment_extensions;

-- Who uploaded a file (PostgreSQL). Files are stored once per content hash,
-- so the same bytes uploaded by two people are one upload with two owners;
-- a person may use in a lesson, a cover or a message only what they
-- uploaded themselves or what the course uses already. Avatars are uploads
-- too, and belong to no course: upload_refs.course_id becomes nullable.
-- Keep in step with the SQLite file.

-- +goose Up
CREATE TABLE upload_owners (
    upload_id BIGINT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (upload_id, user_id)
);
CREATE INDEX upload_owners_user_idx ON upload_owners (user_id);
INSERT INTO upload_owners (upload_id, user_id)
    SELECT id, owner_id FROM uploads WHERE owner_id IN (SELECT id FROM users);
ALTER TABLE upload_refs ALTER COLUMN course_id DROP NOT NULL;

-- +goose Down
DELETE FROM upload_refs WHERE course_id IS NULL;
ALTER TABLE upload_refs ALTER COLUMN course_id SET NOT NULL;
DROP TABLE upload_owners;

-- Who uploaded a file (SQLite). Files are stored once per content hash, so
-- the same bytes uploaded by two people are one upload with two owners; a
-- person may use in a lesson, a cover or a message only what they uploaded
-- themselves or what the course uses already. Avatars are uploads too, and
-- belong to no course: upload_refs.course_id becomes nullable (SQLite
-- cannot drop NOT NULL in place, so the table is rebuilt). Keep in step
-- with the PostgreSQL file.

-- +goose Up
CREATE TABLE upload_owners (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (upload_id, user_id)
) STRICT;
CREATE INDEX upload_owners_user_idx ON upload_owners (user_id);
INSERT INTO upload_owners (upload_id, user_id)
    SELECT id, owner_id FROM uploads WHERE owner_id IN (SELECT id FROM users);

CREATE TABLE upload_refs_next (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    ref       TEXT   NOT NULL,
    course_id INTEGER REFERENCES courses (id) ON DELETE CASCADE,
    PRIMARY KEY (ref, upload_id)
) STRICT;
INSERT INTO upload_refs_next (upload_id, ref, course_id) SELECT upload_id, ref, course_id FROM upload_refs;
DROP TABLE upload_refs;
ALTER TABLE upload_refs_next RENAME TO upload_refs;
CREATE INDEX upload_refs_upload_idx ON upload_refs (upload_id);
CREATE INDEX upload_refs_course_idx ON upload_refs (course_id);

-- +goose Down
DELETE FROM upload_refs WHERE course_id IS NULL;
DROP TABLE upload_owners;

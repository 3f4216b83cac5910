-- Attachment contents, so every node of a deployment reads every file
-- (nodes share nothing but the database). A file is cut in chunks of at
-- most 256 KiB: an upload writes one chunk per statement and a download
-- reads one at a time, so neither holds a whole 20 MiB file (or a
-- transaction) open. attachment_blobs is written last: a file without its
-- row is an unfinished upload, invisible to readers and swept later.
CREATE TABLE attachment_blobs (
    workspace_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    size         BIGINT NOT NULL,
    chunk_size   INTEGER NOT NULL,
    sha256       BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE attachment_chunks (
    workspace_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    n            INTEGER NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, key, n)
);

-- Uploads are mostly compressed already (images, PDFs, archives): keep
-- chunks out of line without trying to compress them again.
ALTER TABLE attachment_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;

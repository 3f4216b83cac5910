-- Every event gets its workspace's sequence number, in commit order: the
-- single writer numbers a transaction's events from the workspace's
-- 'event' counter just before the transaction ends, and commits
-- transactions one after another, so a reader that has seen up to N never
-- later finds an event below N (docs/events.md). Existing events are
-- numbered in the order their ticket logs already read them (at, id).
ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

UPDATE events SET seq = n.seq
    FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY at, id) AS seq FROM events) AS n
    WHERE events.id = n.id;

CREATE UNIQUE INDEX events_seq ON events (workspace_id, seq);

INSERT INTO counters (workspace_id, kind, value)
    SELECT workspace_id, 'event', MAX(seq) FROM events GROUP BY workspace_id;

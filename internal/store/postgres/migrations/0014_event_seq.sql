-- Every event gets its workspace's sequence number, in commit order. A
-- transaction numbers its events from the workspace's 'event' counter row
-- just before it commits; the row lock it takes is held until the commit is
-- visible, so the next transaction of the workspace can only number its
-- events after that, and a reader that has seen up to N never later finds
-- an event below N, however many nodes write (docs/events.md). Existing
-- events are numbered in the order their ticket logs already read them
-- (at, id).
ALTER TABLE events ADD COLUMN seq BIGINT;

UPDATE events SET seq = n.seq
    FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY at, id) AS seq FROM events) AS n
    WHERE events.id = n.id;

ALTER TABLE events ALTER COLUMN seq SET NOT NULL;

CREATE UNIQUE INDEX events_seq ON events (workspace_id, seq);

INSERT INTO counters (workspace_id, kind, value)
    SELECT workspace_id, 'event', MAX(seq) FROM events GROUP BY workspace_id;

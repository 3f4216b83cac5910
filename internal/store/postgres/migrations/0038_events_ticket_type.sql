-- A ticket's events carry their type in the index that lists them: the
-- ticket page reads every event but message_added (the conversation shows
-- those), and most of a busy ticket's events are messages. With the type
-- in the index SQLite skips them without reading their rows (a deferred
-- seek); before, each skipped event cost a table lookup. Same size of
-- index entry plus the type, and still one index to keep per event.
DROP INDEX events_ticket;
CREATE INDEX events_ticket ON events (ticket_id, at, id, type);

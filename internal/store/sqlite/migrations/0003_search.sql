-- Full-text search (internal/store/sqlstore/search_index.go).
--
-- Triggers mark tickets whose searchable text changed; before the write
-- transaction commits, ticketd re-indexes them (with its own tokenizer,
-- search.Tokens) into ticket_fts and empties search_dirty. A write done
-- outside ticketd stays marked and is indexed by the next ticketd write.

CREATE TABLE search_dirty (
    ticket_id TEXT PRIMARY KEY,
    fresh     INTEGER NOT NULL -- 1: never indexed yet
) WITHOUT ROWID;

-- rowid = workspace number << 40 | ticket number. Contentless: the text is
-- in tickets, messages and contacts; contentless_delete lets a changed
-- ticket be deleted by rowid alone.
CREATE VIRTUAL TABLE ticket_fts USING fts5(
    subject, body, contact,
    content = '', contentless_delete = 1, tokenize = 'ascii'
);

CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT OR REPLACE INTO search_dirty (ticket_id, fresh) VALUES (new.id, 1);
END;

CREATE TRIGGER search_ticket_update AFTER UPDATE OF subject, description, contact_id ON tickets
WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description
  OR old.contact_id IS NOT new.contact_id
BEGIN
    INSERT OR IGNORE INTO search_dirty (ticket_id, fresh) VALUES (new.id, 0);
END;

CREATE TRIGGER search_message_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO search_dirty (ticket_id, fresh) VALUES (new.ticket_id, 0);
END;

CREATE TRIGGER search_message_update AFTER UPDATE OF text, ticket_id ON messages
WHEN old.text IS NOT new.text OR old.ticket_id IS NOT new.ticket_id
BEGIN
    INSERT OR IGNORE INTO search_dirty (ticket_id, fresh) VALUES (old.ticket_id, 0);
    INSERT OR IGNORE INTO search_dirty (ticket_id, fresh) VALUES (new.ticket_id, 0);
END;

CREATE TRIGGER search_contact_update AFTER UPDATE OF name, first_name, last_name ON contacts
WHEN old.name IS NOT new.name OR old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
BEGIN
    INSERT OR IGNORE INTO search_dirty (ticket_id, fresh)
        SELECT id, 0 FROM tickets WHERE workspace_id = new.workspace_id AND contact_id = new.id;
END;

-- Tickets written before this migration: indexed by the next write.
INSERT INTO search_dirty (ticket_id, fresh) SELECT id, 1 FROM tickets;

-- Full-text search (internal/store/sqlstore/search_index.go).
--
-- Triggers mark tickets whose searchable text changed; before the write
-- transaction commits, ticketd re-indexes them (with its own tokenizer,
-- search.Tokens) into ticket_docs and empties search_dirty. A write done
-- outside ticketd stays marked and is indexed by the next ticketd write.

CREATE TABLE search_dirty (
    ticket_id TEXT PRIMARY KEY
);

-- One narrow row per ticket: tsv holds its distinct tokens (and pairs of
-- adjacent CJK characters), searched through GIN. ticket_texts holds the
-- tokens space-separated, fields split by a newline, for phrase checks with
-- LIKE '% a b %' on the few candidates.
CREATE TABLE ticket_docs (
    ticket_id    TEXT PRIMARY KEY REFERENCES tickets(id),
    workspace_id TEXT NOT NULL,
    tsv          TSVECTOR NOT NULL
);
CREATE INDEX ticket_docs_tsv ON ticket_docs USING gin (tsv);

CREATE TABLE ticket_texts (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
    subject   TEXT NOT NULL,
    words     TEXT NOT NULL
);

CREATE FUNCTION search_mark_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_dirty (ticket_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION search_mark_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO search_dirty (ticket_id) VALUES (OLD.ticket_id) ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO search_dirty (ticket_id) VALUES (NEW.ticket_id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION search_mark_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_dirty (ticket_id)
        SELECT id FROM tickets WHERE workspace_id = NEW.workspace_id AND contact_id = NEW.id
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION search_mark_ticket();
CREATE TRIGGER search_ticket_update AFTER UPDATE OF subject, description, contact_id ON tickets
    FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.description IS DISTINCT FROM NEW.description
        OR OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION search_mark_ticket();
CREATE TRIGGER search_message_insert AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION search_mark_message();
CREATE TRIGGER search_message_update AFTER UPDATE OF text, ticket_id ON messages
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
    EXECUTE FUNCTION search_mark_message();
CREATE TRIGGER search_contact_update AFTER UPDATE OF name, first_name, last_name ON contacts
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.first_name IS DISTINCT FROM NEW.first_name
        OR OLD.last_name IS DISTINCT FROM NEW.last_name)
    EXECUTE FUNCTION search_mark_contact();

-- Tickets written before this migration: indexed by the next write.
INSERT INTO search_dirty (ticket_id) SELECT id FROM tickets;

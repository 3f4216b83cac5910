-- A workspace's contacts version, beside its directory version (0035): a
-- number that changes whenever a contact's name, e-mail, phone or number
-- changes or a contact is deleted. The desk's lists keep contacts' names
-- in memory per workspace and reuse them while it stays the same (internal/web
-- contactcache.go); the page already reads this row for the directory.
--
-- Only what a list shows of a contact moves it: inbound mail rewrites a
-- contact's meta and timestamps often, and those must not empty the cache.
-- A new contact does not move it either: its id is in no cache, and a
-- miss reads it. A contact leaving the workspace (never done, but cheap to
-- cover) moves both workspaces' numbers.
--
-- As in 0035, the triggers only UPDATE rows made with each workspace.
ALTER TABLE directory_versions ADD COLUMN contacts INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contacts_version_update AFTER UPDATE OF name, email, phone, number, workspace_id ON contacts
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone
    OR OLD.number IS NOT NEW.number OR OLD.workspace_id IS NOT NEW.workspace_id
BEGIN
    UPDATE directory_versions SET contacts = contacts + 1 WHERE workspace_id IN (OLD.workspace_id, NEW.workspace_id);
END;

CREATE TRIGGER contacts_version_delete AFTER DELETE ON contacts
BEGIN
    UPDATE directory_versions SET contacts = contacts + 1 WHERE workspace_id = OLD.workspace_id;
END;

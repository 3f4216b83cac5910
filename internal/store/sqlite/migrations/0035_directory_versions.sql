-- A workspace's directory version: a number that changes with every
-- write to what the desk's pages show beside the tickets (the workspace
-- itself, agents and their groups, groups, field definitions, macros,
-- saved replies, SLA policies). The desk keeps those lists in memory per workspace and reads
-- this one row per page to know whether they still hold; kept by triggers,
-- so no write path can forget it and every node sees it (internal/web
-- directory.go). Tickets, messages and events never touch it.
--
-- Each workspace gets its row when it is made, so the triggers only
-- UPDATE: in SQLite an upsert firing a trigger imposes its own conflict
-- handling on the trigger's statements, so no trigger here may rely on one.
CREATE TABLE directory_versions (
    workspace_id TEXT PRIMARY KEY,
    version      INTEGER NOT NULL
);
INSERT INTO directory_versions (workspace_id, version) SELECT id, 0 FROM workspaces;

CREATE TRIGGER workspaces_directory_insert AFTER INSERT ON workspaces
BEGIN
    INSERT INTO directory_versions (workspace_id, version) VALUES (NEW.id, 0);
END;

CREATE TRIGGER workspaces_directory_update AFTER UPDATE ON workspaces
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.id;
END;

CREATE TRIGGER agents_directory_insert AFTER INSERT ON agents
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER agents_directory_update AFTER UPDATE ON agents
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER agents_directory_delete AFTER DELETE ON agents
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER agent_groups_directory_insert AFTER INSERT ON agent_groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER agent_groups_directory_update AFTER UPDATE ON agent_groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER agent_groups_directory_delete AFTER DELETE ON agent_groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER groups_directory_insert AFTER INSERT ON groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER groups_directory_update AFTER UPDATE ON groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER groups_directory_delete AFTER DELETE ON groups
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER field_defs_directory_insert AFTER INSERT ON field_defs
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER field_defs_directory_update AFTER UPDATE ON field_defs
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER field_defs_directory_delete AFTER DELETE ON field_defs
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER macros_directory_insert AFTER INSERT ON macros
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER macros_directory_update AFTER UPDATE ON macros
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER macros_directory_delete AFTER DELETE ON macros
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER saved_replies_directory_insert AFTER INSERT ON saved_replies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER saved_replies_directory_update AFTER UPDATE ON saved_replies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER saved_replies_directory_delete AFTER DELETE ON saved_replies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

CREATE TRIGGER sla_policies_directory_insert AFTER INSERT ON sla_policies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER sla_policies_directory_update AFTER UPDATE ON sla_policies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.workspace_id;
END;

CREATE TRIGGER sla_policies_directory_delete AFTER DELETE ON sla_policies
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = OLD.workspace_id;
END;

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
    version      BIGINT NOT NULL
);
INSERT INTO directory_versions (workspace_id, version) SELECT id, 0 FROM workspaces;

CREATE FUNCTION directory_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO directory_versions (workspace_id, version) VALUES (NEW.id, 0);
    ELSE
        UPDATE directory_versions SET version = version + 1 WHERE workspace_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER workspaces_directory AFTER INSERT OR UPDATE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION directory_workspace();

CREATE FUNCTION directory_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ws text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        ws := OLD.workspace_id;
    ELSE
        ws := NEW.workspace_id;
    END IF;
    UPDATE directory_versions SET version = version + 1 WHERE workspace_id = ws;
    RETURN NULL;
END $$;

CREATE TRIGGER agents_directory AFTER INSERT OR UPDATE OR DELETE ON agents
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER agent_groups_directory AFTER INSERT OR UPDATE OR DELETE ON agent_groups
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER groups_directory AFTER INSERT OR UPDATE OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER field_defs_directory AFTER INSERT OR UPDATE OR DELETE ON field_defs
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER macros_directory AFTER INSERT OR UPDATE OR DELETE ON macros
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER saved_replies_directory AFTER INSERT OR UPDATE OR DELETE ON saved_replies
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

CREATE TRIGGER sla_policies_directory AFTER INSERT OR UPDATE OR DELETE ON sla_policies
    FOR EACH ROW EXECUTE FUNCTION directory_bump();

-- Customer companies and contact profiles (company, landline, QQ,
-- position, note), kept beside the core contact record.

CREATE TABLE companies (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    number       INTEGER NOT NULL,
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, name)
);

CREATE TABLE contact_profiles (
    contact_id   TEXT PRIMARY KEY REFERENCES contacts(id),
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    company_id   TEXT REFERENCES companies(id),
    fixed_phone  TEXT NOT NULL DEFAULT '',
    qq           TEXT NOT NULL DEFAULT '',
    position     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);
CREATE INDEX contact_profiles_company ON contact_profiles (workspace_id, company_id, contact_id) WHERE company_id IS NOT NULL;

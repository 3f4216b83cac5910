-- An agent's own desk preferences: the language its pages speak (en, es,
-- zh-Hans, id; '' = the workspace's default) and the IANA zone times are
-- shown in ('' = the workspace's). Checked by desk, not here, so that the
-- list of languages can grow without a migration.
ALTER TABLE agents ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

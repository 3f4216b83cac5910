-- Vendor words out of the domain: values only one door uses move from
-- their own columns into that door's meta, the JSON the door alone reads
-- (docs/domain.md). Agents and contacts get a meta column like tickets'.
--
--   tickets.closure_type        -> tickets.meta  "3dolphins".closureType (text)
--   tickets.source_code         -> tickets.meta  "bangwo8".ticketSource  (number)
--   agents.accesses             -> agents.meta   "oneview".agentAccesses (array)
--   contact_profiles.qq         -> contacts.meta "bangwo8".qq            (text)
--
-- meta is TEXT. jsonb would reorder keys and respell values a door may
-- re-emit verbatim, so door_meta_put works on json, which keeps each
-- value's text as it was. It lives only for this migration.

CREATE FUNCTION door_meta_put(meta TEXT, door TEXT, k TEXT, v JSON) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m     JSON := CASE WHEN meta IS NULL OR meta IN ('', 'null') THEN '{}'::json ELSE meta::json END;
    d JSON := m -> door;
BEGIN
    IF d IS NULL OR json_typeof(d) <> 'object' THEN
        d := '{}'::json;
    END IF;
    SELECT json_object_agg(e.key, e.value) INTO d FROM (
        SELECT key, value FROM json_each(d) WHERE key <> k
        UNION ALL SELECT k, v) e;
    SELECT json_object_agg(e.key, e.value) INTO m FROM (
        SELECT key, value FROM json_each(m) WHERE key <> door
        UNION ALL SELECT door, d) e;
    RETURN m::text;
END $$;

ALTER TABLE agents ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

UPDATE tickets SET meta = door_meta_put(meta, '3dolphins', 'closureType', to_json(closure_type))
WHERE closure_type <> '';

UPDATE tickets SET meta = door_meta_put(meta, 'bangwo8', 'ticketSource', to_json(source_code))
WHERE source_code <> 0;

UPDATE agents SET meta = door_meta_put(meta, 'oneview', 'agentAccesses', accesses::json)
WHERE accesses NOT IN ('', '[]', 'null');

UPDATE contacts c SET meta = door_meta_put(c.meta, 'bangwo8', 'qq', to_json(p.qq))
FROM contact_profiles p
WHERE p.contact_id = c.id AND p.qq <> '';

DROP FUNCTION door_meta_put(TEXT, TEXT, TEXT, JSON);

-- Dropping a column is a catalog change on PostgreSQL (no rewrite).
ALTER TABLE tickets DROP COLUMN closure_type, DROP COLUMN source_code;
ALTER TABLE agents DROP COLUMN accesses;
ALTER TABLE contact_profiles DROP COLUMN qq;

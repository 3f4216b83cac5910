-- Vendor words out of the domain: values only one door uses move from
-- their own columns into that door's meta, the JSON the door alone reads
-- (docs/domain.md). Agents and contacts get a meta column like tickets'.
--
--   tickets.closure_type        -> tickets.meta  "3dolphins".closureType (text)
--   tickets.source_code         -> tickets.meta  "bangwo8".ticketSource  (number)
--   agents.accesses             -> agents.meta   "oneview".agentAccesses (array)
--   contact_profiles.qq         -> contacts.meta "bangwo8".qq            (text)
--
-- json_set keeps every other value's text as it was (a door may re-emit
-- its values verbatim). A meta of 'null' (a ticket written without any)
-- starts from '{}'.

ALTER TABLE agents ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

UPDATE tickets SET meta = json_set(CASE WHEN meta IN ('', 'null') THEN '{}' ELSE meta END,
        '$."3dolphins".closureType', closure_type),
    closure_type = ''
WHERE closure_type <> '';

UPDATE tickets SET meta = json_set(CASE WHEN meta IN ('', 'null') THEN '{}' ELSE meta END,
        '$."bangwo8".ticketSource', source_code),
    source_code = 0
WHERE source_code <> 0;

UPDATE agents SET meta = json_set(meta, '$."oneview".agentAccesses', json(accesses))
WHERE accesses NOT IN ('', '[]', 'null');

UPDATE contacts SET meta = json_set(meta, '$."bangwo8".qq',
        (SELECT p.qq FROM contact_profiles p WHERE p.contact_id = contacts.id))
WHERE id IN (SELECT contact_id FROM contact_profiles WHERE qq <> '');

UPDATE contact_profiles SET qq = '' WHERE qq <> '';

-- The agents table is small: its old column goes. tickets and
-- contact_profiles can hold millions of rows, and SQLite drops a column by
-- rewriting every row, so closure_type, source_code and qq stay in place,
-- emptied above and read and written by nothing (new rows take their
-- defaults).
ALTER TABLE agents DROP COLUMN accesses;

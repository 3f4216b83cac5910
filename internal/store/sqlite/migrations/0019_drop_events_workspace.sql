-- The live desk rooms read a workspace's feed by seq now (events_seq, from
-- 0014), no longer by (at, id): nothing reads through events_workspace
-- (0017), and every event insert would keep paying for it. 0017's
-- tokens_agent stays.
DROP INDEX events_workspace;

-- User triggers on tables and views in user schemas.
--
-- Internal triggers (tgisinternal: those PostgreSQL creates for foreign keys and the like)
-- are implementation details of constraints and are left out. tgtype is returned as is and
-- decoded by the reader (timing, events and level are bits of it).
SELECT t.tgrelid AS relid,
       t.tgname AS name,
       t.tgtype::int AS tgtype,
       pn.nspname || '.' || p.proname AS function,
       t.tgenabled <> 'D' AS enabled,
       pg_get_triggerdef(t.oid) AS definition
FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY t.tgrelid, t.tgname;

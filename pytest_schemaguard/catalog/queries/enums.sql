-- Enum types in user schemas with their labels in sort order (enumsortorder, which is what
-- ALTER TYPE ... ADD VALUE ... BEFORE/AFTER changes), leaving out extension-owned types.
SELECT n.nspname AS schema,
       t.typname AS name,
       ARRAY(
           SELECT e.enumlabel::text
           FROM pg_enum e
           WHERE e.enumtypid = t.oid
           ORDER BY e.enumsortorder
       ) AS labels,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, t.typname;

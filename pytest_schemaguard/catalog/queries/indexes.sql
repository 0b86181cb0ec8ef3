-- Indexes of tables and materialized views in user schemas.
--
-- columns are the key columns only (1..indnkeyatts; INCLUDE columns are not keys), each as
-- pg_get_indexdef(oid, k, true) prints it, so an expression key reads "lower(name)".
-- constraint_name is the primary key / unique / exclusion constraint that owns the index; a
-- foreign key also points at an index (conindid) but on the referenced table, hence conrelid.
SELECT i.indrelid AS relid,
       ic.relname AS name,
       am.amname AS access_method,
       ARRAY(
           SELECT pg_get_indexdef(i.indexrelid, k, true)
           FROM generate_series(1, i.indnkeyatts::int) AS k
           ORDER BY k
       ) AS columns,
       i.indisunique AS is_unique,
       i.indisprimary AS is_primary,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       pg_get_indexdef(i.indexrelid) AS definition,
       (
           SELECT con.conname
           FROM pg_constraint con
           WHERE con.conindid = i.indexrelid
             AND con.conrelid = i.indrelid
             AND con.contype IN ('p', 'u', 'x')
       ) AS constraint_name
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY i.indrelid, ic.relname;

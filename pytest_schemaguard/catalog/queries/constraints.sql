-- Primary key, unique, foreign key, check and exclusion constraints of tables in user schemas.
--
-- columns follow conkey order (expression elements of an exclusion constraint have attnum 0
-- and drop out); ref_columns follow confkey. For an exclusion constraint the elements are
-- "<key as pg_get_indexdef prints it> WITH <operator>", pairing index key k with conexclop[k],
-- and where_expr is the predicate of the constraint's index.
SELECT con.conrelid AS relid,
       con.conname AS name,
       con.contype::text AS kind,
       ARRAY(
           SELECT a.attname::text
           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           ORDER BY k.ord
       ) AS columns,
       pg_get_constraintdef(con.oid) AS definition,
       CASE WHEN con.contype = 'f' THEN fn.nspname || '.' || fc.relname END AS ref_table,
       ARRAY(
           SELECT a.attname::text
           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
           ORDER BY k.ord
       ) AS ref_columns,
       CASE WHEN con.contype = 'f' THEN con.confdeltype::text END AS on_delete,
       CASE WHEN con.contype = 'f' THEN con.confupdtype::text END AS on_update,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS expression,
       CASE WHEN con.contype = 'x' THEN am.amname::text END AS access_method,
       CASE WHEN con.contype = 'x' THEN ARRAY(
           SELECT pg_get_indexdef(con.conindid, k.ord::int, true) || ' WITH ' || op.oprname
           FROM unnest(con.conexclop) WITH ORDINALITY AS k(opr, ord)
           JOIN pg_operator op ON op.oid = k.opr
           ORDER BY k.ord
       ) ELSE '{}'::text[] END AS elements,
       CASE WHEN con.contype = 'x' THEN pg_get_expr(i.indpred, i.indrelid) END AS where_expr,
       con.convalidated AS validated,
       con.condeferrable AS deferrable
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype = 'x'
LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_am am ON am.oid = ic.relam
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')
  AND c.relkind IN ('r', 'p')
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY con.conrelid, con.conname;

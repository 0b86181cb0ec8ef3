-- Columns of every relation in the generated schemas. udt is the type name the generator maps
-- (pg_type.typname: int4, _text, user_role), with a domain replaced by its base type; udt_schema
-- tells an enum or composite of one schema from a same-named one of another.
SELECT a.attrelid::bigint AS relid,
       a.attname AS name,
       a.attnum AS position,
       coalesce(bt.typname, t.typname) AS udt,
       coalesce(btn.nspname, tn.nspname) AS udt_schema,
       NOT a.attnotnull AS nullable,
       a.atthasdef AS has_default,
       a.attidentity <> '' AS is_identity,
       a.attidentity = 'a' AS identity_always,
       a.attgenerated <> '' AS is_generated,
       pg_column_is_updatable(a.attrelid, a.attnum, false) AS is_updatable
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_namespace btn ON btn.oid = bt.typnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND n.nspname = ANY (%(schemas)s::text[])
ORDER BY a.attrelid, a.attnum;

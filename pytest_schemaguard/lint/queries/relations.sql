-- Tables, views and materialized views by oid, with their live columns by attnum: the identity
-- that tells a rename (same oid / same attnum, new name) from a drop and an add.
SELECT c.oid::bigint AS oid,
       n.nspname AS schema,
       c.relname AS name,
       coalesce(array_agg(a.attnum::int ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '{}') AS attnums,
       coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '{}') AS attnames
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
GROUP BY c.oid, n.nspname, c.relname

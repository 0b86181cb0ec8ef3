-- The key column's type of a table outside the snapshot (auth.users), found by the name the
-- snapshot gives it (schema || '.' || name, unquoted), so names with dots or capitals match.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %(column)s AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname || '.' || c.relname = %(table)s
  AND c.relkind IN ('r', 'p');

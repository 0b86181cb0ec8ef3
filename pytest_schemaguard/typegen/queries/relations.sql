-- Tables (also partitioned and foreign tables), views and materialized views of the schemas the
-- types are generated for, as the Supabase CLI's generator sees them. is_updatable follows
-- PostgREST: a view takes writes when the server can both UPDATE and DELETE through it
-- (pg_relation_is_updatable bits 4 and 16).
SELECT c.oid::bigint AS oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS kind,
       CASE WHEN c.relkind = 'v' THEN (pg_relation_is_updatable(c.oid, false) & 20) = 20 ELSE false END
           AS is_updatable
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND n.nspname = ANY (%(schemas)s::text[])
ORDER BY n.nspname, c.relname;

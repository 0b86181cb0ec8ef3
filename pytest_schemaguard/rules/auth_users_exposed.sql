-- Views and materialized views in exposed schemas that read auth.users, directly or through
-- other views, and that anon or authenticated may select from.
--
-- A view's dependencies are recorded on its rewrite rule (pg_rewrite -> pg_depend), so the
-- walk goes: auth.users <- rule of view A (A reads it) <- rule of view B (B reads A) ...
-- A plain view with security_invoker checks the caller's own privileges on auth.users, which
-- the API roles do not have, so only owner-rights views and materialized views leak it.
-- Roles that do not exist (plain PostgreSQL without the Supabase roles) are skipped.
WITH RECURSIVE readers(oid) AS (
    SELECT r.ev_class
    FROM pg_depend d
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass
      AND d.refclassid = 'pg_class'::regclass
      AND d.refobjid = to_regclass('auth.users')
      AND r.ev_class <> d.refobjid
    UNION
    SELECT r.ev_class
    FROM readers x
    JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = x.oid
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass
      AND r.ev_class <> x.oid
)
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS relkind,
       array(
           SELECT role.rolname::text
           FROM pg_roles role
           WHERE role.rolname IN ('anon', 'authenticated')
             AND has_table_privilege(role.oid, c.oid, 'SELECT')
           ORDER BY role.rolname
       ) AS roles
FROM (SELECT DISTINCT oid FROM readers) x
JOIN pg_class c ON c.oid = x.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname = ANY (%(exposed)s::text[])
  AND (c.relkind = 'm'
       OR NOT coalesce((SELECT option_value::boolean
                        FROM pg_options_to_table(c.reloptions)
                        WHERE option_name = 'security_invoker'), false))
  AND EXISTS (
      SELECT 1 FROM pg_roles role
      WHERE role.rolname IN ('anon', 'authenticated')
        AND has_table_privilege(role.oid, c.oid, 'SELECT')
  )
ORDER BY 1, 2;

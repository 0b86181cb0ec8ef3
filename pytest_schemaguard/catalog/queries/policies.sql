-- Row-level security policies on tables in user schemas.
--
-- polroles holds role oids; 0 is PUBLIC (what "TO public" and the default store).
-- polcmd is '*' (all), 'r' (select), 'a' (insert), 'w' (update) or 'd' (delete).
SELECT pol.polrelid AS relid,
       pol.polname AS name,
       pol.polcmd::text AS command,
       ARRAY(
           SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
           FROM unnest(pol.polroles) AS r(oid)
       ) AS roles,
       pol.polpermissive AS permissive,
       pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check_expr
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY pol.polrelid, pol.polname;

-- Plain ('v') and materialized ('m') views in user schemas, one row per view.
--
-- definition is pg_get_viewdef(oid, true) (pretty-printed); options is reloptions as stored
-- ("security_invoker=true"); privileges as in tables.sql.
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition,
       coalesce(c.reloptions, '{}'::text[]) AS options,
       pg_get_userbyid(c.relowner) AS owner,
       obj_description(c.oid, 'pg_class') AS comment,
       (
           SELECT coalesce(jsonb_agg(jsonb_build_array(
                      CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee)::text END,
                      lower(acl.privilege_type))), '[]'::jsonb)
           FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
       ) AS privileges
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, c.relname;

-- Tables ('r', 'p'), views ('v') and materialized views ('m') in user schemas, one row each.
--
-- Relations that belong to an extension (pg_depend deptype 'e', e.g. postgis' spatial_ref_sys)
-- are not the project's own and are left out. The reader tells the kinds apart by kind; the
-- RLS flags mean something for tables only, definition (pg_get_viewdef(oid, true), pretty-
-- printed) and options (reloptions as stored: "security_invoker=true") for views only.
-- privileges is the ACL exploded into [grantee, privilege] pairs; a NULL ACL means the owner's
-- defaults (acldefault), and grantee 0 is the PUBLIC pseudo-role.
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS kind,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
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
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, c.relname;

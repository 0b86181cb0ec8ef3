-- Live (not dropped) columns of every table, view and materialized view in user schemas.
--
-- type is format_type(atttypid, atttypmod), the server's own spelling ("bigint",
-- "character varying(20)"). A generated column's expression lives in pg_attrdef too: it is
-- reported as generated_expr, never as a default. privileges is the column ACL (attacl)
-- exploded into [grantee, privilege] pairs; columns have no default ACL, so NULL means none.
SELECT a.attrelid AS relid,
       a.attname AS name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated_expr,
       a.attidentity::text AS identity,
       col_description(a.attrelid, a.attnum) AS comment,
       (
           SELECT coalesce(jsonb_agg(jsonb_build_array(
                      CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee)::text END,
                      lower(acl.privilege_type))), '[]'::jsonb)
           FROM aclexplode(a.attacl) acl
       ) AS privileges
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND c.oid = ANY (%(relids)s::oid[])  -- only when re-reading some relations
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY a.attrelid, a.attnum;

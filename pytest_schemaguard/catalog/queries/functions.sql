-- Functions, procedures, aggregates and window functions in user schemas.
--
-- Functions created by an extension (btree_gist, pg_trgm, ...) are not the project's own and
-- are left out via pg_depend deptype 'e'. arg_types are the input argument types of the call
-- signature (proargtypes), without typmods; they identify the overload. proconfig is returned
-- as stored ("search_path=\"\"", "search_path=public, extensions") and parsed by the reader.
-- body: the source text (prosrc) without surrounding blank space, so a hot-fix that only
-- changes a body shows up in drift.
-- privileges: the ACL, or the owner's defaults (EXECUTE to PUBLIC) when none is set.
SELECT p.oid,
       n.nspname AS schema,
       p.proname AS name,
       ARRAY(
           SELECT format_type(a.typ, NULL)
           FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(typ, ord)
           ORDER BY a.ord
       ) AS arg_types,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       coalesce(pg_get_function_result(p.oid), '') AS returns,
       l.lanname AS language,
       p.prosecdef AS security_definer,
       p.provolatile::text AS volatility,
       p.prokind::text AS kind,
       coalesce(p.proconfig, '{}'::text[]) AS config,
       pg_get_userbyid(p.proowner) AS owner,
       obj_description(p.oid, 'pg_proc') AS comment,
       btrim(p.prosrc, E' \n\r\t') AS body,
       (
           SELECT coalesce(jsonb_agg(jsonb_build_array(
                      CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee)::text END,
                      lower(acl.privilege_type))), '[]'::jsonb)
           FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
       ) AS privileges
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND n.nspname <> ALL (%(excluded)s::text[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  )
ORDER BY n.nspname, p.proname, p.oid;

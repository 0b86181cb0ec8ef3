-- The server version and the user schemas of the database, as one row.
--
-- A user schema is any schema except the system ones (the "pg_" prefix is reserved for
-- pg_catalog, pg_toast, pg_temp_N and pg_toast_temp_N), information_schema, the schemas the
-- caller excludes (the excluded parameter: Supabase managed schemas by default) and schemas created by
-- an extension.
SELECT current_setting('server_version_num')::int AS server_version_num,
       ARRAY(
           SELECT n.nspname::text
           FROM pg_namespace n
           WHERE n.nspname !~ '^pg_'
             AND n.nspname <> 'information_schema'
             AND n.nspname <> ALL (%(excluded)s::text[])
             AND NOT EXISTS (
                 SELECT 1 FROM pg_depend d
                 WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e'
             )
           ORDER BY n.nspname
       ) AS schemas;

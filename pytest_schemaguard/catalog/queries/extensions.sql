-- Installed extensions, in every schema: an extension installed into a managed schema
-- (Supabase puts them in "extensions") is still installed, so this query takes no parameters.
SELECT e.extname AS name,
       n.nspname AS schema,
       e.extversion AS version
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname;

-- Roles that row level security never applies to: superusers and roles with BYPASSRLS.
SELECT rolname::text FROM pg_roles WHERE rolsuper OR rolbypassrls ORDER BY rolname;

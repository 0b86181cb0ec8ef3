-- Whether the server can CREATE EXTENSION pgtap (its files are in the server's share directory),
-- and the server's major version for the install hint.
SELECT
  EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pgtap') AS available,
  current_setting('server_version_num')::int / 10000 AS major

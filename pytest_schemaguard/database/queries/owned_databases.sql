-- Databases that schemaguard created, with the owner recorded in their comment.
SELECT d.datname AS name,
       shobj_description(d.oid, 'pg_database') AS comment
FROM pg_database d
WHERE shobj_description(d.oid, 'pg_database') LIKE 'schemaguard owner %'
ORDER BY d.datname;

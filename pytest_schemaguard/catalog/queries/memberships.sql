-- Which roles each role inherits privileges from, as the server decides it: pg_has_role(...,
-- 'USAGE') is true exactly when the member's ordinary queries carry the role's privileges
-- (INHERIT memberships, transitively; per grant on PostgreSQL 16+, per role before). Superusers
-- and the built-in pg_* roles are left out: they say nothing about a project's grants.
SELECT m.rolname AS member,
       array_agg(r.rolname ORDER BY r.rolname) AS roles
FROM pg_roles m
JOIN pg_roles r ON r.oid <> m.oid AND pg_has_role(m.oid, r.oid, 'USAGE')
WHERE NOT m.rolsuper
  AND m.rolname !~ '^pg_'
  AND r.rolname !~ '^pg_'
GROUP BY m.rolname
ORDER BY m.rolname;

-- Direct role memberships through which privileges are inherited, one row per (member, role).
--
-- {inherit} is m.inherit_option on PostgreSQL 16+ (INHERIT is per grant) and r.rolinherit
-- before (INHERIT is a property of the member role). Memberships without INHERIT only allow
-- SET ROLE, so they do not give privileges to the member's ordinary queries.
SELECT r.rolname AS member, g.rolname AS role
FROM pg_auth_members m
JOIN pg_roles r ON r.oid = m.member
JOIN pg_roles g ON g.oid = m.roleid
WHERE {inherit}
ORDER BY 1, 2;

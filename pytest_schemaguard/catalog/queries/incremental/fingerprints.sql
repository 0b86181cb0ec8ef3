-- Every table, view and materialized view outside the system schemas, with its live columns by
-- attnum (the identity lint uses to tell a rename from a drop and an add) and a fingerprint: the
-- xmin of its own pg_class row, then per catalog holding rows that belong to it the number of
-- those rows and their newest xmin. Every insert or update writes a row version with a newer
-- xmin than any before it, and every delete lowers a count, so two reads of a database that
-- nothing else writes tell exactly which relations changed in between. Indexes count with
-- their own pg_class row (a renamed index changes only that row). Membership in an extension
-- (ALTER EXTENSION ... ADD/DROP TABLE: a pg_depend row only) counts too: members are not read.
-- Rows of the server's own objects (oid < 16384, FirstNormalObjectId: every relation outside the
-- system schemas is created after initdb) are left out before grouping: no relation read has them.
WITH rels AS MATERIALIZED (
    SELECT c.oid, n.nspname, c.relname,
           -- Found from the extensions' side (pg_depend_reference_index): from the members' side
           -- the server scanned every pg_class dependency (12 ms a read at 2,000 tables).
           c.xmin::text || CASE WHEN c.oid IN (
               SELECT d.objid FROM pg_depend d
               WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_class'::regclass AND d.deptype = 'e'
           ) THEN 'e' ELSE '' END AS version
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_toast%'
),
cols AS (
    SELECT a.attrelid AS relid,
           array_agg(a.attnum::int ORDER BY a.attnum) FILTER (WHERE NOT a.attisdropped) AS attnums,
           array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE NOT a.attisdropped) AS attnames,
           'a' || count(*) || ':' || max(a.xmin::text::bigint) AS part
    FROM pg_attribute a
    JOIN rels ON rels.oid = a.attrelid
    WHERE a.attnum > 0 AND a.attrelid >= 16384
    GROUP BY a.attrelid
),
parts(relid, part) AS (
    SELECT relid, part FROM cols
    UNION ALL
    SELECT ad.adrelid, 'd' || count(*) || ':' || max(ad.xmin::text::bigint) FROM pg_attrdef ad WHERE ad.adrelid >= 16384 GROUP BY ad.adrelid
    UNION ALL
    SELECT con.conrelid, 'c' || count(*) || ':' || max(con.xmin::text::bigint)
    FROM pg_constraint con WHERE con.conrelid >= 16384 GROUP BY con.conrelid
    UNION ALL
    SELECT i.indrelid, 'i' || count(*) || ':' || max(greatest(i.xmin::text::bigint, ic.xmin::text::bigint))
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid >= 16384 GROUP BY i.indrelid
    UNION ALL
    SELECT t.tgrelid, 't' || count(*) || ':' || max(t.xmin::text::bigint) FROM pg_trigger t WHERE t.tgrelid >= 16384 GROUP BY t.tgrelid
    UNION ALL
    SELECT p.polrelid, 'p' || count(*) || ':' || max(p.xmin::text::bigint) FROM pg_policy p WHERE p.polrelid >= 16384 GROUP BY p.polrelid
    UNION ALL
    SELECT r.ev_class, 'r' || count(*) || ':' || max(r.xmin::text::bigint) FROM pg_rewrite r WHERE r.ev_class >= 16384 GROUP BY r.ev_class
    UNION ALL
    SELECT d.objoid, 'm' || count(*) || ':' || max(d.xmin::text::bigint)
    FROM pg_description d WHERE d.classoid = 'pg_class'::regclass AND d.objoid >= 16384 GROUP BY d.objoid
),
prints AS (
    -- Joined by relation after aggregating: grouping the final rows by the column arrays instead
    -- sorted ~12,000 array rows per read (0.65 s vs 0.065 s for 2,000 tables).
    SELECT relid, string_agg(part, '/' ORDER BY part) AS parts FROM parts GROUP BY relid
)
SELECT rels.oid::bigint AS oid,
       rels.nspname AS schema,
       rels.relname AS name,
       coalesce(cols.attnums, '{}') AS attnums,
       coalesce(cols.attnames, '{}') AS attnames,
       rels.version || '/' || coalesce(prints.parts, '') AS fingerprint
FROM rels
LEFT JOIN cols ON cols.relid = rels.oid
LEFT JOIN prints ON prints.relid = rels.oid;

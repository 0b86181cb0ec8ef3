-- Every table, view and materialized view outside the system schemas, with its live columns by
-- attnum (the identity lint uses to tell a rename from a drop and an add) and a fingerprint: the
-- (oid, xmin) of its own pg_class row and of every catalog row that belongs to it. Any change to
-- one of those rows (an UPDATE writes a new row version, with a new xmin), any row added and any
-- row removed changes the fingerprint, so two reads tell exactly which relations changed.
-- Indexes count with their pg_class row too (a rename of an index changes only that row).
SELECT c.oid::bigint AS oid,
       n.nspname AS schema,
       c.relname AS name,
       coalesce(cols.attnums, '{}') AS attnums,
       coalesce(cols.attnames, '{}') AS attnames,
       concat_ws('/',
           c.xmin::text,
           cols.versions,
           (SELECT string_agg(ad.oid::text || ':' || ad.xmin::text, ',' ORDER BY ad.oid)
              FROM pg_attrdef ad WHERE ad.adrelid = c.oid),
           (SELECT string_agg(con.oid::text || ':' || con.xmin::text, ',' ORDER BY con.oid)
              FROM pg_constraint con WHERE con.conrelid = c.oid),
           (SELECT string_agg(i.indexrelid::text || ':' || i.xmin::text || ':' || ic.xmin::text, ',' ORDER BY i.indexrelid)
              FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid),
           (SELECT string_agg(t.oid::text || ':' || t.xmin::text, ',' ORDER BY t.oid)
              FROM pg_trigger t WHERE t.tgrelid = c.oid),
           (SELECT string_agg(p.oid::text || ':' || p.xmin::text, ',' ORDER BY p.oid)
              FROM pg_policy p WHERE p.polrelid = c.oid),
           (SELECT string_agg(r.oid::text || ':' || r.xmin::text, ',' ORDER BY r.oid)
              FROM pg_rewrite r WHERE r.ev_class = c.oid),
           (SELECT string_agg(d.objsubid::text || ':' || d.xmin::text, ',' ORDER BY d.objsubid)
              FROM pg_description d WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass)
       ) AS fingerprint
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
    SELECT array_agg(a.attnum::int ORDER BY a.attnum) FILTER (WHERE NOT a.attisdropped) AS attnums,
           array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE NOT a.attisdropped) AS attnames,
           string_agg(a.attnum::text || ':' || a.xmin::text, ',' ORDER BY a.attnum) AS versions
    FROM pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0
) cols
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%';

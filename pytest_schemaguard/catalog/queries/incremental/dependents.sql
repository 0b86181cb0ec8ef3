-- Relations whose printed form may have changed although none of their own rows did: those
-- with something that depends (pg_depend) on an object renamed or rewritten since the last
-- read. A view prints the names of the tables and columns it reads, a foreign key the
-- referenced table's, a column its type's, a default or policy the functions it calls, a
-- trigger its function's: rename any of those and only the other object's row changes.
--
-- The objects are the tables and views renamed, moved or with a column renamed (%(relids)s:
-- the reader compares names) and every row of the catalogs below written since the last read
-- (xmin >= %(since)s; the reader reads everything when the counter nears its wrap). Tables and
-- views are left out of that second list: a new column or index rewrites their pg_class row
-- without changing how anything else prints them. One level is enough: what prints a name is
-- what depends on the named object; a dependent whose own name changes is renamed itself, and
-- so on the first list at the next read.
--
-- Also on the lists: composite types and foreign tables (not tables here, so not compared by
-- shape) with an attribute renamed: only its pg_attribute row changes, and a view selecting
-- (col).field or ft.column prints the name, and the functions named
-- %(overloads)s (names whose overloads changed: see globals.sql) where the reader resolves names.
WITH changed(classid, objid) AS (
    SELECT 'pg_class'::regclass::oid, unnest(%(relids)s::oid[])
    UNION ALL SELECT 'pg_class'::regclass::oid, oid FROM pg_class
        WHERE relkind NOT IN ('r', 'p', 'v', 'm', 'i', 'I', 't') AND xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_class'::regclass::oid, c.oid FROM pg_class c
        WHERE c.relkind IN ('c', 'f') AND EXISTS (SELECT 1 FROM pg_attribute a
                                          WHERE a.attrelid = c.oid AND a.xmin::text::bigint >= %(since)s)
    UNION ALL SELECT 'pg_proc'::regclass::oid, p.oid FROM pg_proc p
        WHERE p.proname = ANY (%(overloads)s::text[])
          AND p.pronamespace IN ('pg_catalog'::regnamespace, to_regnamespace('public'))
    UNION ALL SELECT 'pg_type'::regclass::oid, oid FROM pg_type WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_proc'::regclass::oid, oid FROM pg_proc WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_collation'::regclass::oid, oid FROM pg_collation WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_operator'::regclass::oid, oid FROM pg_operator WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_opclass'::regclass::oid, oid FROM pg_opclass WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_ts_config'::regclass::oid, oid FROM pg_ts_config WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_ts_dict'::regclass::oid, oid FROM pg_ts_dict WHERE xmin::text::bigint >= %(since)s
    UNION ALL SELECT 'pg_foreign_server'::regclass::oid, oid FROM pg_foreign_server
        WHERE xmin::text::bigint >= %(since)s
)
SELECT DISTINCT CASE d.classid
           WHEN 'pg_class'::regclass THEN coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = d.objid), d.objid)
           WHEN 'pg_rewrite'::regclass THEN (SELECT rw.ev_class FROM pg_rewrite rw WHERE rw.oid = d.objid)
           WHEN 'pg_attrdef'::regclass THEN (SELECT ad.adrelid FROM pg_attrdef ad WHERE ad.oid = d.objid)
           WHEN 'pg_constraint'::regclass THEN (SELECT con.conrelid FROM pg_constraint con WHERE con.oid = d.objid)
           WHEN 'pg_policy'::regclass THEN (SELECT pol.polrelid FROM pg_policy pol WHERE pol.oid = d.objid)
           WHEN 'pg_trigger'::regclass THEN (SELECT tg.tgrelid FROM pg_trigger tg WHERE tg.oid = d.objid)
       END::bigint AS oid
FROM changed
JOIN pg_depend d ON d.refclassid = changed.classid AND d.refobjid = changed.objid;

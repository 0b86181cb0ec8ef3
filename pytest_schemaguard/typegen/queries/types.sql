-- Every enum and standalone composite type of the database (any schema): the generator resolves
-- a column's type by name among all of them, and writes one from a schema it does not generate
-- as a union of labels (enums) or unknown (composites).
SELECT n.nspname AS schema,
       t.typname AS name,
       t.typtype::text AS kind,
       array(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS labels,
       array(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
             AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS attribute_names,
       array(SELECT coalesce(bt.typname, at.typname) FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
             LEFT JOIN pg_type bt ON at.typtype = 'd' AND bt.oid = at.typbasetype
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[]
           AS attribute_types
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class c ON c.oid = t.typrelid
WHERE (t.typtype = 'e' OR (t.typtype = 'c' AND c.relkind = 'c'))
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY n.nspname, t.typname;

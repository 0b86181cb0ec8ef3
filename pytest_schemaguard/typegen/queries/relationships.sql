-- Foreign keys from tables in the generated schemas. is_one_to_one: some unique, non-partial
-- index covers exactly the referencing columns, so each target row has at most one referrer.
SELECT con.conname AS foreign_key_name,
       n.nspname AS schema,
       c.relname AS relation,
       array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[]
           AS columns,
       EXISTS (
           SELECT 1 FROM pg_index i
           WHERE i.indrelid = con.conrelid AND i.indisunique AND i.indpred IS NULL
             AND i.indnkeyatts = cardinality(con.conkey)
             AND (i.indkey::int2[])[0:i.indnkeyatts - 1] @> con.conkey
             AND (i.indkey::int2[])[0:i.indnkeyatts - 1] <@ con.conkey
       ) AS is_one_to_one,
       rn.nspname AS referenced_schema,
       rc.relname AS referenced_relation,
       array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[]
           AS referenced_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype = 'f'
  AND n.nspname = ANY (%(schemas)s::text[])
ORDER BY n.nspname, c.relname, con.conname;

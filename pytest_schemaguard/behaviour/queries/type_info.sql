-- What a column type is underneath, for inventing a value of it: the kind of the type
-- (pg_type.typtype: b base, e enum, d domain, ...), for a domain its base type as format_type
-- prints it, and for an enum its labels. %(type)s is the type as the snapshot printed it.
SELECT t.typtype::text AS kind,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
FROM pg_type t
WHERE t.oid = %(type)s::regtype;

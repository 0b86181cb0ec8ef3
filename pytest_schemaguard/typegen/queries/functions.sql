-- Plain functions (not procedures, aggregates or window functions) of the generated schemas,
-- except trigger and event-trigger functions, which no client can call. Arguments come in
-- declared order with their mode (i, o, b = inout, v = variadic, t = a RETURNS TABLE column);
-- the last pronargdefaults input arguments have defaults. return_relid is the table or view whose
-- row type the function returns (RETURNS [SETOF] tablename), else NULL.
SELECT p.oid::bigint AS oid,
       n.nspname AS schema,
       p.proname AS name,
       coalesce(p.proargnames, '{}'::text[]) AS arg_names,
       coalesce(p.proargmodes::text[], array_fill('i'::text, ARRAY[cardinality(p.proargtypes::oid[])])) AS arg_modes,
       array(SELECT t.typname FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(oid, ord)
             JOIN pg_type t ON t.oid = a.oid ORDER BY a.ord)::text[] AS arg_types,
       array(SELECT tn.nspname FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(oid, ord)
             JOIN pg_type t ON t.oid = a.oid JOIN pg_namespace tn ON tn.oid = t.typnamespace ORDER BY a.ord)::text[]
           AS arg_type_schemas,
       p.pronargdefaults AS defaults,
       rt.typname AS return_type,
       rtn.nspname AS return_type_schema,
       CASE WHEN rt.typtype = 'c' AND rc.relkind IN ('r', 'p', 'f', 'v', 'm') THEN rt.typrelid::bigint END AS return_relid,
       p.proretset AS returns_set
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
JOIN pg_namespace rtn ON rtn.oid = rt.typnamespace
LEFT JOIN pg_class rc ON rc.oid = rt.typrelid
WHERE p.prokind = 'f'
  AND rt.typname NOT IN ('trigger', 'event_trigger')
  AND n.nspname = ANY (%(schemas)s::text[])
ORDER BY n.nspname, p.proname, p.oid;

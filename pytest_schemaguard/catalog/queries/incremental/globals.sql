-- What the per-relation fingerprints cannot see: the oldest transaction id any later change can
-- carry (the snapshot's xmin: every row version written after this read has an xmin at least
-- this), the schemas by oid and the roles by oid. A schema or role renamed changes how
-- relations print (qualified names, grantees, owners) without touching their rows, so the
-- reader reads everything again when either list differs. So does an enum label renamed (a
-- default or view comparing with 'sad' prints the label the pg_enum row holds now, and only that
-- row changes); labels added are harmless.
--
-- own is this transaction's id when it has one: a later change in the same transaction writes
-- rows with that same xmin, which no fingerprint tells from the rows it replaces.
--
-- overloads: function names that resolve to more than one function where the reader prints
-- (search_path = public, after pg_catalog), with those functions. Whether a call prints
-- qualified ("public.f(1)") depends on what else has its name there: a function created,
-- dropped or renamed into such a name changes how calls to the others print.
SELECT txid_snapshot_xmin(txid_current_snapshot()) AS since,
       txid_current_if_assigned() AS own,
       (SELECT coalesce(jsonb_object_agg(oid::text, nspname), '{}'::jsonb) FROM pg_namespace) AS namespaces,
       (SELECT coalesce(jsonb_object_agg(oid::text, rolname), '{}'::jsonb) FROM pg_roles) AS roles,
       (SELECT coalesce(jsonb_object_agg(oid::text, enumlabel), '{}'::jsonb) FROM pg_enum) AS labels,
       (SELECT coalesce(jsonb_object_agg(proname, oids), '{}'::jsonb)
        FROM (SELECT p.proname, array_agg(p.oid::bigint ORDER BY p.oid) AS oids
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('pg_catalog', 'public')
              GROUP BY p.proname
              HAVING count(*) > 1 AND bool_or(n.nspname = 'public')) homonyms) AS overloads;

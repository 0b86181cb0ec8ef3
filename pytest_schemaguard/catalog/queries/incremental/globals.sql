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
-- overloads: function ('f:' name) and operator ('o:' name) names that resolve to more than one
-- object where the reader prints (search_path = public, after pg_catalog), with their oids.
-- Whether a call prints qualified ("public.f(1)", "OPERATOR(pg_catalog.<>)") depends on what
-- else has its name there: one created, dropped or renamed into such a name changes how calls
-- to the others print. Only names public uses can change (pg_catalog is the server's); public's
-- own are all past the initdb range (oid >= 16384), which an index finds without reading pg_proc
-- whole (a seq scan of it cost 2 ms a read).
SELECT txid_snapshot_xmin(txid_current_snapshot()) AS since,
       txid_current_if_assigned() AS own,
       (SELECT coalesce(jsonb_object_agg(oid::text, nspname), '{}'::jsonb) FROM pg_namespace) AS namespaces,
       (SELECT coalesce(jsonb_object_agg(oid::text, rolname), '{}'::jsonb) FROM pg_roles) AS roles,
       (SELECT coalesce(jsonb_object_agg(oid::text, enumlabel), '{}'::jsonb) FROM pg_enum) AS labels,
       (SELECT coalesce(jsonb_object_agg(name, oids), '{}'::jsonb)
        FROM (SELECT 'f:' || p.proname AS name, array_agg(p.oid::bigint ORDER BY p.oid) AS oids
              FROM pg_proc p
              WHERE p.proname = ANY (ARRAY(SELECT proname FROM pg_proc
                                           WHERE oid >= 16384 AND pronamespace = to_regnamespace('public')))
                AND p.pronamespace IN ('pg_catalog'::regnamespace, to_regnamespace('public'))
              GROUP BY p.proname HAVING count(*) > 1
              UNION ALL
              SELECT 'o:' || op.oprname, array_agg(op.oid::bigint ORDER BY op.oid)
              FROM pg_operator op
              WHERE op.oprname = ANY (ARRAY(SELECT oprname FROM pg_operator
                                            WHERE oid >= 16384 AND oprnamespace = to_regnamespace('public')))
                AND op.oprnamespace IN ('pg_catalog'::regnamespace, to_regnamespace('public'))
              GROUP BY op.oprname HAVING count(*) > 1) homonyms) AS overloads;

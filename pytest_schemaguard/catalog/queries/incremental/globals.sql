-- What the per-relation fingerprints cannot see: the oldest transaction id any later change can
-- carry (the snapshot's xmin: every row version written after this read has an xmin at least
-- this), the schemas by oid and the roles by oid. A schema or role renamed changes how
-- relations print (qualified names, grantees, owners) without touching their rows, so the
-- reader reads everything again when either list differs.
SELECT txid_snapshot_xmin(txid_current_snapshot()) AS since,
       (SELECT coalesce(jsonb_object_agg(oid::text, nspname), '{}'::jsonb) FROM pg_namespace) AS namespaces,
       (SELECT coalesce(jsonb_object_agg(oid::text, rolname), '{}'::jsonb) FROM pg_roles) AS roles;

-- The full CREATE OR REPLACE statement of one function or procedure, by the signature the
-- snapshot keys it by (argument types as format_type prints them with search_path = public).
SELECT pg_catalog.pg_get_functiondef(%(signature)s::pg_catalog.regprocedure) AS definition

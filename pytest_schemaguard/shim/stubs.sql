-- Stand-ins for Supabase extensions plain PostgreSQL lacks (installed with `project.stubs: true`).
-- Each section is installed only when the real extension is not available on the server; the
-- build reports "stub in use" for it. They live in the extensions' own schemas (net, cron,
-- vault; pgvector's in extensions), which snapshots, exhaustive checks and drift exclude. Idempotent.
-- Signatures follow the real extensions so that calls resolve the same way; nothing is sent,
-- scheduled or encrypted.

-- @stub pg_net
CREATE SCHEMA IF NOT EXISTS net;

CREATE TABLE IF NOT EXISTS net.http_request_queue (
  id bigserial PRIMARY KEY,
  method text NOT NULL,
  url text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  body jsonb,
  timeout_milliseconds integer NOT NULL DEFAULT 5000
);

CREATE TABLE IF NOT EXISTS net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamp with time zone NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION net.http_get(
  url text,
  params jsonb DEFAULT '{}'::jsonb,
  headers jsonb DEFAULT '{}'::jsonb,
  timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO net.http_request_queue (method, url, headers, timeout_milliseconds)
    VALUES ('GET', url, headers, timeout_milliseconds)
    RETURNING id
  $$;

CREATE OR REPLACE FUNCTION net.http_post(
  url text,
  body jsonb DEFAULT '{}'::jsonb,
  params jsonb DEFAULT '{}'::jsonb,
  headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds)
    VALUES ('POST', url, headers, body, timeout_milliseconds)
    RETURNING id
  $$;

CREATE OR REPLACE FUNCTION net.http_delete(
  url text,
  params jsonb DEFAULT '{}'::jsonb,
  headers jsonb DEFAULT '{}'::jsonb,
  timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO net.http_request_queue (method, url, headers, timeout_milliseconds)
    VALUES ('DELETE', url, headers, timeout_milliseconds)
    RETURNING id
  $$;

GRANT USAGE ON SCHEMA net TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION net.http_get(text, jsonb, jsonb, integer),
                          net.http_post(text, jsonb, jsonb, jsonb, integer),
                          net.http_delete(text, jsonb, jsonb, integer)
  TO anon, authenticated, service_role;
GRANT INSERT ON net.http_request_queue TO anon, authenticated, service_role;
GRANT USAGE ON SEQUENCE net.http_request_queue_id_seq TO anon, authenticated, service_role;

-- @stub pg_cron
CREATE SCHEMA IF NOT EXISTS cron;

CREATE TABLE IF NOT EXISTS cron.job (
  jobid bigserial PRIMARY KEY,
  schedule text NOT NULL,
  command text NOT NULL,
  nodename text NOT NULL DEFAULT 'localhost',
  nodeport integer NOT NULL DEFAULT 5432,
  database text NOT NULL DEFAULT current_database(),
  username text NOT NULL DEFAULT current_user,
  active boolean NOT NULL DEFAULT true,
  jobname text UNIQUE
);

CREATE TABLE IF NOT EXISTS cron.job_run_details (
  jobid bigint,
  runid bigserial PRIMARY KEY,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamp with time zone,
  end_time timestamp with time zone
);

CREATE OR REPLACE FUNCTION cron.schedule(schedule text, command text) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO cron.job (schedule, command) VALUES (schedule, command) RETURNING jobid
  $$;

-- Like pg_cron: scheduling a name that exists replaces that job and keeps its id.
CREATE OR REPLACE FUNCTION cron.schedule(job_name text, schedule text, command text) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO cron.job (jobname, schedule, command) VALUES (job_name, schedule, command)
    ON CONFLICT (jobname) DO UPDATE SET schedule = excluded.schedule, command = excluded.command
    RETURNING jobid
  $$;

CREATE OR REPLACE FUNCTION cron.schedule_in_database(
  job_name text, schedule text, command text, database text,
  username text DEFAULT NULL, active boolean DEFAULT true
) RETURNS bigint
  LANGUAGE sql
  AS $$
    INSERT INTO cron.job (jobname, schedule, command, database, username, active)
    VALUES (job_name, schedule, command, database, coalesce(username, current_user), active)
    ON CONFLICT (jobname) DO UPDATE
      SET schedule = excluded.schedule, command = excluded.command, database = excluded.database,
          username = excluded.username, active = excluded.active
    RETURNING jobid
  $$;

-- pg_cron raises when the job does not exist; so do these.
CREATE OR REPLACE FUNCTION cron.unschedule(job_id bigint) RETURNS boolean
  LANGUAGE plpgsql
  AS $$
  BEGIN
    DELETE FROM cron.job WHERE jobid = job_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'could not find valid entry for job %', job_id;
    END IF;
    RETURN true;
  END
  $$;

CREATE OR REPLACE FUNCTION cron.unschedule(job_name text) RETURNS boolean
  LANGUAGE plpgsql
  AS $$
  BEGIN
    DELETE FROM cron.job WHERE jobname = job_name;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'could not find valid entry for job ''%''', job_name;
    END IF;
    RETURN true;
  END
  $$;

GRANT USAGE ON SCHEMA cron TO postgres;

-- @stub supabase_vault
CREATE SCHEMA IF NOT EXISTS vault;

CREATE TABLE IF NOT EXISTS vault.secrets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text UNIQUE,
  description text NOT NULL DEFAULT '',
  secret text NOT NULL,  -- stored in clear: this is a throwaway test database
  key_id uuid,
  nonce bytea,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now()
);

CREATE OR REPLACE VIEW vault.decrypted_secrets AS
  SELECT id, name, description, secret, secret AS decrypted_secret, key_id, nonce, created_at, updated_at
  FROM vault.secrets;

CREATE OR REPLACE FUNCTION vault.create_secret(
  new_secret text, new_name text DEFAULT NULL, new_description text DEFAULT '', new_key_id uuid DEFAULT NULL
) RETURNS uuid
  LANGUAGE sql
  AS $$
    INSERT INTO vault.secrets (secret, name, description, key_id)
    VALUES (new_secret, new_name, coalesce(new_description, ''), new_key_id)
    RETURNING id
  $$;

CREATE OR REPLACE FUNCTION vault.update_secret(
  secret_id uuid, new_secret text DEFAULT NULL, new_name text DEFAULT NULL,
  new_description text DEFAULT NULL, new_key_id uuid DEFAULT NULL
) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE vault.secrets
    SET secret = coalesce(new_secret, secret), name = coalesce(new_name, name),
        description = coalesce(new_description, description), key_id = coalesce(new_key_id, key_id),
        updated_at = now()
    WHERE id = secret_id
  $$;

GRANT USAGE ON SCHEMA vault TO postgres, service_role;
GRANT SELECT ON vault.decrypted_secrets TO postgres, service_role;

-- @stub vector
-- pgvector's documented SQL interface (types, operators, functions, casts), computed in SQL. The
-- type is real: columns are vector(n), format_type shows vector(n), and a value is checked (and
-- stored in pgvector's text form) whenever PostgreSQL applies the dimension, as on insert into a
-- vector(n) column. hnsw/ivfflat indexes need pgvector's C code: the build skips them (bridges.py).
DO $vector$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'vector' AND typnamespace = 'extensions'::regnamespace) THEN
    CREATE TYPE extensions.vector;
  END IF;
END
$vector$;

-- The value is stored as its text form; PostgreSQL's own text I/O functions read and write it,
-- and the dimension modifier is read and shown like varchar's (vector(3) is typmod 3 + 4).
CREATE OR REPLACE FUNCTION extensions.vector_in(cstring, oid, integer) RETURNS extensions.vector
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'textin';
CREATE OR REPLACE FUNCTION extensions.vector_out(extensions.vector) RETURNS cstring
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'textout';
CREATE OR REPLACE FUNCTION extensions.vector_typmod_in(cstring[]) RETURNS integer
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'varchartypmodin';
CREATE OR REPLACE FUNCTION extensions.vector_typmod_out(integer) RETURNS cstring
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'varchartypmodout';

DO $vector$
BEGIN
  IF NOT (SELECT typisdefined FROM pg_type WHERE typname = 'vector' AND typnamespace = 'extensions'::regnamespace) THEN
    CREATE TYPE extensions.vector (
      input = extensions.vector_in, output = extensions.vector_out,
      typmod_in = extensions.vector_typmod_in, typmod_out = extensions.vector_typmod_out,
      internallength = variable, storage = extended, category = 'U'
    );
  END IF;
END
$vector$;

-- Every computation starts here: the elements as real[], after the checks pgvector makes on input.
CREATE OR REPLACE FUNCTION extensions.vector_elements(v extensions.vector) RETURNS real[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
  DECLARE
    body text := btrim(v::text, E' \t\n\r');
    items real[];
  BEGIN
    IF left(body, 1) <> '[' OR right(body, 1) <> ']' OR length(body) < 2 THEN
      RAISE EXCEPTION 'invalid input syntax for type vector: "%"', v::text
        USING ERRCODE = '22P02', DETAIL = 'Vector contents must start with "[" and end with "]".';
    END IF;
    body := btrim(substr(body, 2, length(body) - 2), E' \t\n\r');
    IF body = '' THEN
      RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22P02';
    END IF;
    BEGIN
      items := string_to_array(body, ',')::real[];
    EXCEPTION WHEN invalid_text_representation THEN
      RAISE EXCEPTION 'invalid input syntax for type vector: "%"', v::text USING ERRCODE = '22P02';
    END;
    IF 'NaN'::real = ANY (items) THEN
      RAISE EXCEPTION 'NaN not allowed in vector' USING ERRCODE = '22023';
    END IF;
    IF 'Infinity'::real = ANY (items) OR '-Infinity'::real = ANY (items) THEN
      RAISE EXCEPTION 'infinite value not allowed in vector' USING ERRCODE = '22023';
    END IF;
    IF cardinality(items) > 16000 THEN
      RAISE EXCEPTION 'vector cannot have more than 16000 dimensions' USING ERRCODE = '54000';
    END IF;
    RETURN items;
  END
  $$;

-- The text form pgvector prints: [1,2.5,3], each element as a real.
CREATE OR REPLACE FUNCTION extensions.vector_from_elements(items real[], typmod integer) RETURNS extensions.vector
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
  BEGIN
    IF cardinality(items) = 0 THEN
      RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22023';
    END IF;
    IF array_position(items, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = '22004';
    END IF;
    IF 'NaN'::real = ANY (items) THEN
      RAISE EXCEPTION 'NaN not allowed in vector' USING ERRCODE = '22023';
    END IF;
    IF 'Infinity'::real = ANY (items) OR '-Infinity'::real = ANY (items) THEN
      RAISE EXCEPTION 'infinite value not allowed in vector' USING ERRCODE = '22023';
    END IF;
    IF typmod >= 0 AND cardinality(items) <> typmod - 4 THEN
      RAISE EXCEPTION 'expected % dimensions, not %', typmod - 4, cardinality(items) USING ERRCODE = '22000';
    END IF;
    RETURN ('[' || array_to_string(items, ',') || ']')::extensions.vector;
  END
  $$;

-- The length coercion PostgreSQL applies for vector(n): checks the value and the dimensions and
-- stores the canonical text form.
CREATE OR REPLACE FUNCTION extensions.vector(v extensions.vector, typmod integer, explicit boolean)
  RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(extensions.vector_elements(v), typmod) $$;

CREATE OR REPLACE FUNCTION extensions.array_to_vector(a real[], typmod integer, explicit boolean)
  RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(a, typmod) $$;
CREATE OR REPLACE FUNCTION extensions.array_to_vector(a double precision[], typmod integer, explicit boolean)
  RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(a::real[], typmod) $$;
CREATE OR REPLACE FUNCTION extensions.array_to_vector(a numeric[], typmod integer, explicit boolean)
  RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(a::real[], typmod) $$;
CREATE OR REPLACE FUNCTION extensions.array_to_vector(a integer[], typmod integer, explicit boolean)
  RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(a::real[], typmod) $$;
CREATE OR REPLACE FUNCTION extensions.vector_to_float4(v extensions.vector, typmod integer, explicit boolean)
  RETURNS real[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_elements(v) $$;

-- Both operands' elements, pairwise, after pgvector's dimension check.
CREATE OR REPLACE FUNCTION extensions.vector_pairs(a extensions.vector, b extensions.vector,
                                                   OUT x double precision, OUT y double precision)
  RETURNS SETOF record
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
  DECLARE
    xs real[] := extensions.vector_elements(a);
    ys real[] := extensions.vector_elements(b);
  BEGIN
    IF cardinality(xs) <> cardinality(ys) THEN
      RAISE EXCEPTION 'different vector dimensions % and %', cardinality(xs), cardinality(ys)
        USING ERRCODE = '22000';
    END IF;
    RETURN QUERY SELECT p::double precision, q::double precision FROM unnest(xs, ys) AS u(p, q);
  END
  $$;

CREATE OR REPLACE FUNCTION extensions.l2_distance(extensions.vector, extensions.vector) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sqrt(sum((x - y) * (x - y))) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.inner_product(extensions.vector, extensions.vector) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sum(x * y) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_negative_inner_product(extensions.vector, extensions.vector)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT -sum(x * y) FROM extensions.vector_pairs($1, $2) $$;
-- Like pgvector: NaN when either vector is zero, otherwise clamped to [0, 2].
CREATE OR REPLACE FUNCTION extensions.cosine_distance(extensions.vector, extensions.vector) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT CASE WHEN sum(x * x) * sum(y * y) = 0 THEN 'NaN'::double precision
                ELSE 1 - greatest(-1, least(1, sum(x * y) / sqrt(sum(x * x) * sum(y * y)))) END
    FROM extensions.vector_pairs($1, $2)
  $$;
CREATE OR REPLACE FUNCTION extensions.l1_distance(extensions.vector, extensions.vector) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sum(abs(x - y)) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_dims(extensions.vector) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT cardinality(extensions.vector_elements($1)) $$;
CREATE OR REPLACE FUNCTION extensions.vector_norm(extensions.vector) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sqrt(sum(x::double precision * x)) FROM unnest(extensions.vector_elements($1)) AS u(x) $$;
-- A zero vector stays zero, as in pgvector.
CREATE OR REPLACE FUNCTION extensions.l2_normalize(extensions.vector) RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT extensions.vector_from_elements(
      array_agg(CASE WHEN n = 0 THEN x ELSE (x / n)::real END ORDER BY i), -1)
    FROM unnest(extensions.vector_elements($1)) WITH ORDINALITY AS u(x, i),
         LATERAL (SELECT extensions.vector_norm($1) AS n) AS norm
  $$;
CREATE OR REPLACE FUNCTION extensions.vector_add(extensions.vector, extensions.vector) RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(array_agg((x + y)::real), -1) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_sub(extensions.vector, extensions.vector) RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(array_agg((x - y)::real), -1) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_mul(extensions.vector, extensions.vector) RETURNS extensions.vector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_from_elements(array_agg((x * y)::real), -1) FROM extensions.vector_pairs($1, $2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_eq(extensions.vector, extensions.vector) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_elements($1) = extensions.vector_elements($2) $$;
CREATE OR REPLACE FUNCTION extensions.vector_ne(extensions.vector, extensions.vector) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extensions.vector_elements($1) <> extensions.vector_elements($2) $$;

DO $vector$
DECLARE
  op record;
BEGIN
  FOR op IN SELECT * FROM (VALUES ('<->', 'l2_distance', NULL), ('<#>', 'vector_negative_inner_product', NULL),
                                  ('<=>', 'cosine_distance', NULL), ('<+>', 'l1_distance', NULL),
                                  ('+', 'vector_add', '+'), ('-', 'vector_sub', NULL), ('*', 'vector_mul', '*'),
                                  ('=', 'vector_eq', '='), ('<>', 'vector_ne', '<>')) AS o(name, func, commutator)
  LOOP
    CONTINUE WHEN to_regoperator(format('extensions.%s(extensions.vector,extensions.vector)', op.name)) IS NOT NULL;
    EXECUTE format('CREATE OPERATOR extensions.%s (leftarg = extensions.vector, rightarg = extensions.vector, '
                   'function = extensions.%I%s)', op.name, op.func,
                   CASE WHEN op.commutator IS NOT NULL THEN format(', commutator = OPERATOR(extensions.%s)', op.commutator)
                        ELSE '' END);
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = 'extensions.vector'::regtype
                                         AND casttarget = 'extensions.vector'::regtype) THEN
    CREATE CAST (extensions.vector AS extensions.vector)
      WITH FUNCTION extensions.vector(extensions.vector, integer, boolean) AS IMPLICIT;
    CREATE CAST (real[] AS extensions.vector)
      WITH FUNCTION extensions.array_to_vector(real[], integer, boolean) AS ASSIGNMENT;
    CREATE CAST (double precision[] AS extensions.vector)
      WITH FUNCTION extensions.array_to_vector(double precision[], integer, boolean) AS ASSIGNMENT;
    CREATE CAST (numeric[] AS extensions.vector)
      WITH FUNCTION extensions.array_to_vector(numeric[], integer, boolean) AS ASSIGNMENT;
    CREATE CAST (integer[] AS extensions.vector)
      WITH FUNCTION extensions.array_to_vector(integer[], integer, boolean) AS ASSIGNMENT;
    CREATE CAST (extensions.vector AS real[])
      WITH FUNCTION extensions.vector_to_float4(extensions.vector, integer, boolean) AS IMPLICIT;
  END IF;
END
$vector$;

GRANT USAGE ON TYPE extensions.vector TO anon, authenticated, service_role;

-- @stub pgmq
-- pgmq's documented SQL API over plain tables: one table pgmq.q_<queue> per queue and
-- pgmq.a_<queue> for its archive, as pgmq names them. Visibility timeouts work (read hides a
-- message for vt seconds); nothing is partitioned or unlogged.
CREATE SCHEMA IF NOT EXISTS pgmq;

CREATE TABLE IF NOT EXISTS pgmq.meta (
  queue_name character varying NOT NULL UNIQUE,
  is_partitioned boolean NOT NULL DEFAULT false,
  is_unlogged boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone NOT NULL DEFAULT now()
);

DO $pgmq$
BEGIN
  IF to_regtype('pgmq.message_record') IS NULL THEN
    CREATE TYPE pgmq.message_record AS (
      msg_id bigint, read_ct integer, enqueued_at timestamp with time zone, vt timestamp with time zone,
      message jsonb
    );
  END IF;
  IF to_regtype('pgmq.metrics_result') IS NULL THEN
    CREATE TYPE pgmq.metrics_result AS (
      queue_name text, queue_length bigint, newest_msg_age_sec integer, oldest_msg_age_sec integer,
      total_messages bigint, scrape_time timestamp with time zone
    );
  END IF;
  IF to_regtype('pgmq.queue_record') IS NULL THEN
    CREATE TYPE pgmq.queue_record AS (
      queue_name character varying, is_partitioned boolean, is_unlogged boolean,
      created_at timestamp with time zone
    );
  END IF;
END
$pgmq$;

-- The queue's table name, checked like pgmq checks queue names (letters, digits, underscores).
CREATE OR REPLACE FUNCTION pgmq.format_table_name(queue_name text, prefix text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE
  AS $$
  BEGIN
    IF queue_name !~ '^[A-Za-z0-9_]+$' THEN
      RAISE EXCEPTION 'queue name contains invalid characters: %', queue_name;
    END IF;
    RETURN lower(prefix || '_' || queue_name);
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq."create"(queue_name text) RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    EXECUTE format('CREATE TABLE IF NOT EXISTS pgmq.%I (msg_id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY, '
                   'read_ct integer NOT NULL DEFAULT 0, enqueued_at timestamp with time zone NOT NULL DEFAULT now(), '
                   'vt timestamp with time zone NOT NULL, message jsonb)', pgmq.format_table_name(queue_name, 'q'));
    EXECUTE format('CREATE TABLE IF NOT EXISTS pgmq.%I (msg_id bigint PRIMARY KEY, read_ct integer NOT NULL DEFAULT 0, '
                   'enqueued_at timestamp with time zone NOT NULL DEFAULT now(), '
                   'archived_at timestamp with time zone NOT NULL DEFAULT now(), '
                   'vt timestamp with time zone NOT NULL, message jsonb)', pgmq.format_table_name(queue_name, 'a'));
    INSERT INTO pgmq.meta (queue_name) VALUES (queue_name) ON CONFLICT DO NOTHING;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer DEFAULT 0) RETURNS SETOF bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format('INSERT INTO pgmq.%I (vt, message) VALUES (now() + make_interval(secs => $1), $2) '
                                'RETURNING msg_id', pgmq.format_table_name(queue_name, 'q')) USING delay, msg;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer DEFAULT 0)
  RETURNS SETOF bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format('INSERT INTO pgmq.%I (vt, message) SELECT now() + make_interval(secs => $1), m '
                                'FROM unnest($2) WITH ORDINALITY AS u(m, i) ORDER BY i RETURNING msg_id',
                                pgmq.format_table_name(queue_name, 'q')) USING delay, msgs;
  END
  $$;

-- The first qty visible messages, made invisible for vt seconds.
CREATE OR REPLACE FUNCTION pgmq.read(queue_name text, vt integer, qty integer)
  RETURNS SETOF pgmq.message_record
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format(
      'WITH picked AS (SELECT msg_id FROM pgmq.%1$I WHERE vt <= clock_timestamp() ORDER BY msg_id LIMIT $1 '
      'FOR UPDATE SKIP LOCKED) '
      'UPDATE pgmq.%1$I q SET vt = clock_timestamp() + make_interval(secs => $2), read_ct = q.read_ct + 1 '
      'FROM picked WHERE q.msg_id = picked.msg_id '
      'RETURNING q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message',
      pgmq.format_table_name(queue_name, 'q')) USING qty, vt;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.pop(queue_name text) RETURNS SETOF pgmq.message_record
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format(
      'WITH picked AS (SELECT msg_id FROM pgmq.%1$I WHERE vt <= clock_timestamp() ORDER BY msg_id LIMIT 1 '
      'FOR UPDATE SKIP LOCKED) '
      'DELETE FROM pgmq.%1$I q USING picked WHERE q.msg_id = picked.msg_id '
      'RETURNING q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message',
      pgmq.format_table_name(queue_name, 'q'));
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
  RETURNS SETOF pgmq.message_record
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format(
      'UPDATE pgmq.%I SET vt = clock_timestamp() + make_interval(secs => $2) WHERE msg_id = $1 '
      'RETURNING msg_id, read_ct, enqueued_at, vt, message',
      pgmq.format_table_name(queue_name, 'q')) USING msg_id, vt;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[]) RETURNS SETOF bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format('DELETE FROM pgmq.%I WHERE msg_id = ANY ($1) RETURNING msg_id',
                                pgmq.format_table_name(queue_name, 'q')) USING msg_ids;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_id bigint) RETURNS boolean
  LANGUAGE sql
  AS $$ SELECT EXISTS (SELECT FROM pgmq.delete(queue_name, ARRAY[msg_id])) $$;

CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[]) RETURNS SETOF bigint
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RETURN QUERY EXECUTE format(
      'WITH gone AS (DELETE FROM pgmq.%I WHERE msg_id = ANY ($1) RETURNING msg_id, read_ct, enqueued_at, vt, message) '
      'INSERT INTO pgmq.%I (msg_id, read_ct, enqueued_at, vt, message) '
      'SELECT msg_id, read_ct, enqueued_at, vt, message FROM gone RETURNING msg_id',
      pgmq.format_table_name(queue_name, 'q'), pgmq.format_table_name(queue_name, 'a')) USING msg_ids;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_id bigint) RETURNS boolean
  LANGUAGE sql
  AS $$ SELECT EXISTS (SELECT FROM pgmq.archive(queue_name, ARRAY[msg_id])) $$;

CREATE OR REPLACE FUNCTION pgmq.purge_queue(queue_name text) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
  DECLARE
    n bigint;
  BEGIN
    EXECUTE format('WITH gone AS (DELETE FROM pgmq.%I RETURNING 1) SELECT count(*) FROM gone',
                   pgmq.format_table_name(queue_name, 'q')) INTO n;
    RETURN n;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text) RETURNS boolean
  LANGUAGE plpgsql
  AS $$
  BEGIN
    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', pgmq.format_table_name(queue_name, 'q'));
    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', pgmq.format_table_name(queue_name, 'a'));
    DELETE FROM pgmq.meta WHERE meta.queue_name = drop_queue.queue_name;
    RETURN true;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.metrics(queue_name text) RETURNS pgmq.metrics_result
  LANGUAGE plpgsql
  AS $$
  DECLARE
    result pgmq.metrics_result;
  BEGIN
    EXECUTE format(
      'SELECT $1, count(*), extract(epoch FROM now() - max(enqueued_at))::integer, '
      'extract(epoch FROM now() - min(enqueued_at))::integer, '
      'greatest((SELECT coalesce(max(msg_id), 0) FROM pgmq.%1$I), (SELECT coalesce(max(msg_id), 0) FROM pgmq.%2$I)), '
      'now() FROM pgmq.%1$I',
      pgmq.format_table_name(queue_name, 'q'), pgmq.format_table_name(queue_name, 'a'))
      INTO result USING queue_name;
    RETURN result;
  END
  $$;

CREATE OR REPLACE FUNCTION pgmq.list_queues() RETURNS SETOF pgmq.queue_record
  LANGUAGE sql
  AS $$ SELECT queue_name, is_partitioned, is_unlogged, created_at FROM pgmq.meta ORDER BY queue_name $$;

-- @stub http
-- The http extension's SQL interface (types http_header, http_request, http_response; http(),
-- http_get/post/put/patch/delete/head, http_header(), urlencode()), in schema extensions as
-- Supabase installs it. No request is ever sent: every call answers status 503 with a note.
DO $$ BEGIN
  CREATE DOMAIN extensions.http_method AS text;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE extensions.http_header AS (field character varying, value character varying);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE extensions.http_request AS (method extensions.http_method, uri character varying,
    headers extensions.http_header[], content_type character varying, content character varying);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE extensions.http_response AS (status integer, content_type character varying,
    headers extensions.http_header[], content character varying);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION extensions.http(request extensions.http_request) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT ROW(503, 'text/plain', ARRAY[]::extensions.http_header[],
                   'schemaguard stand-in for the http extension (project.stubs: true): ' || upper((request).method)
                   || ' ' || (request).uri || ' was not sent')::extensions.http_response $$;

CREATE OR REPLACE FUNCTION extensions.http_get(uri character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('GET', uri, NULL, NULL, NULL)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_get(uri character varying, data jsonb) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('GET', uri, NULL, NULL, NULL)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_post(uri character varying, content character varying,
                                                content_type character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('POST', uri, NULL, content_type, content)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_post(uri character varying, data jsonb) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('POST', uri, NULL, 'application/x-www-form-urlencoded',
                                   NULL)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_put(uri character varying, content character varying,
                                               content_type character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('PUT', uri, NULL, content_type, content)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_patch(uri character varying, content character varying,
                                                 content_type character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('PATCH', uri, NULL, content_type, content)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_delete(uri character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('DELETE', uri, NULL, NULL, NULL)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_head(uri character varying) RETURNS extensions.http_response
  LANGUAGE sql VOLATILE
  AS $$ SELECT extensions.http(ROW('HEAD', uri, NULL, NULL, NULL)::extensions.http_request) $$;

CREATE OR REPLACE FUNCTION extensions.http_header(field character varying, value character varying)
  RETURNS extensions.http_header
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT ROW(field, value)::extensions.http_header $$;

-- application/x-www-form-urlencoded escaping: unreserved characters stay, every other byte is %XX
CREATE OR REPLACE FUNCTION extensions.urlencode(string character varying) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT coalesce(string_agg(CASE WHEN b.c ~ '^[A-Za-z0-9._~-]$' THEN b.c
                                   ELSE (SELECT string_agg('%' || upper(lpad(to_hex(get_byte(convert_to(b.c, 'UTF8'), i)), 2, '0')), '')
                                         FROM generate_series(0, octet_length(convert_to(b.c, 'UTF8')) - 1) AS i) END,
                                   '' ORDER BY b.n), '')
        FROM regexp_split_to_table(string, '') WITH ORDINALITY AS b(c, n) $$;

-- @stub pgjwt
-- pgjwt's documented functions (url_encode, url_decode, algorithm_sign, sign, verify), in schema
-- extensions as Supabase installs it; HS256/HS384/HS512 signatures through pgcrypto's hmac, so
-- the tokens are real JWTs any library verifies.
CREATE OR REPLACE FUNCTION extensions.url_encode(data bytea) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_') $$;

CREATE OR REPLACE FUNCTION extensions.url_decode(data text) RETURNS bytea
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT decode(translate(data, '-_', '+/') || repeat('=', (4 - length(data) % 4) % 4), 'base64') $$;

CREATE OR REPLACE FUNCTION extensions.algorithm_sign(signables text, secret text, algorithm text) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT extensions.url_encode(extensions.hmac(signables, secret,
          CASE algorithm WHEN 'HS256' THEN 'sha256' WHEN 'HS384' THEN 'sha384' WHEN 'HS512' THEN 'sha512'
          ELSE '' END)) $$;

CREATE OR REPLACE FUNCTION extensions.sign(payload json, secret text, algorithm text DEFAULT 'HS256') RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    WITH parts AS (
      SELECT extensions.url_encode(convert_to(json_build_object('alg', algorithm, 'typ', 'JWT')::text, 'utf8'))
             || '.' || extensions.url_encode(convert_to(payload::text, 'utf8')) AS signables
    )
    SELECT signables || '.' || extensions.algorithm_sign(signables, secret, algorithm) FROM parts
  $$;

CREATE OR REPLACE FUNCTION extensions.verify(token text, secret text, algorithm text DEFAULT 'HS256')
  RETURNS TABLE(header json, payload json, valid boolean)
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT convert_from(extensions.url_decode(part[1]), 'utf8')::json,
           convert_from(extensions.url_decode(part[2]), 'utf8')::json,
           part[3] = extensions.algorithm_sign(part[1] || '.' || part[2], secret, algorithm)
    FROM (SELECT regexp_split_to_array(token, '\.') AS part) AS t
  $$;

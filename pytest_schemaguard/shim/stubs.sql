-- Stand-ins for Supabase extensions plain PostgreSQL lacks (installed with `project.stubs: true`).
-- Each section is installed only when the real extension is not available on the server; the
-- build reports "stub in use" for it. They live in the extensions' own schemas (net, cron,
-- vault), which snapshots, exhaustive checks and drift exclude. Idempotent.
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

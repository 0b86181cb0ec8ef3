"""The Supabase shim, the stubs and the statement bridges, against a real PostgreSQL.

The shim must install into any number of databases of one cluster (roles are cluster-wide), any
number of times, and never show up in a snapshot. The bridges decide which statements a plain
PostgreSQL 15 skips (reported) instead of failing on; ``plan_statement`` is tested on its own for
what does not need a server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.database.bridges import MAINTAIN_DROPPED, MAINTAIN_SKIPPED, Plan, ServerFacts, plan_statement
from pytest_schemaguard.database.build import Builder, build_database
from pytest_schemaguard.migrations import Migration

SHIM_ROLES = ("anon", "authenticated", "service_role", "authenticator", "supabase_admin", "supabase_auth_admin",
              "supabase_storage_admin", "supabase_functions_admin", "supabase_read_only_user")
PG15 = ServerFacts(version_num=150000, available_extensions=frozenset({"pgcrypto", "pg_trgm"}),
                   schema_exists=lambda schema: False)


@pytest.fixture
def second_db(admin_dsn: str) -> Iterator[psycopg.Connection]:
    """Another fresh database on the same cluster as ``scratch_conn``."""
    name = f"sg_shim_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(admin_dsn, dbname=name), autocommit=True) as conn:
            yield conn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def write_migration(tmp_path: Path, name: str, text: str) -> Migration:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Migration(path=path, version=int(name.split("_")[0]), name=name)


def build(conn: psycopg.Connection, tmp_path: Path, text: str, *, stubs: bool = False):  # type: ignore[no-untyped-def]
    migration = write_migration(tmp_path, "20250101000000_m.sql", text)
    return build_database(conn, root=tmp_path, migrations=[migration], stubs=stubs)


# --------------------------------------------------------------------------- shim


def test_shim_installs_twice_into_one_database(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    scratch_conn.autocommit = True
    for _ in range(2):
        Builder(scratch_conn, root=tmp_path, flavor="supabase", stubs=True).install_shim()
    assert scratch_conn.execute("SELECT count(*) FROM pg_publication WHERE pubname = 'supabase_realtime'"
                                ).fetchone() == (1,)
    assert scratch_conn.execute("SELECT count(*) FROM cron.job").fetchone() == (0,)


def test_shim_installs_into_two_databases_of_one_cluster(
    scratch_conn: psycopg.Connection, second_db: psycopg.Connection, tmp_path: Path
) -> None:
    first = build(scratch_conn, tmp_path, "create table public.a (id uuid references auth.users (id))", stubs=True)
    second = build(second_db, tmp_path, "create table public.a (id uuid references auth.users (id))")
    assert first.ok and second.ok
    rows = second_db.execute("SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname = ANY(%s)",
                             (list(SHIM_ROLES),)).fetchall()
    assert sorted(r[0] for r in rows) == sorted(SHIM_ROLES)  # each role once, made by the first install
    assert dict(rows)["service_role"] is True
    assert second_db.execute("SELECT pg_has_role('authenticator', 'anon', 'MEMBER')").fetchone() == (True,)


def test_shim_and_stub_objects_never_appear_in_the_snapshot(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, "select 1", stubs=True)
    assert result.ok
    schema = inspect_schema(scratch_conn)
    assert (dict(schema.tables), dict(schema.views), dict(schema.functions), dict(schema.enums)) == ({}, {}, {}, {})
    assert dict(schema.materialized_views) == {}
    assert set(schema.schemas) <= {"public"}
    # Extensions are read in every schema; these two ship with every Supabase project.
    assert set(schema.extensions) == {"plpgsql", "pgcrypto", "uuid-ossp"}


def test_database_webhook_trigger_records_the_call(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, """
        create table public.orders (id bigint primary key);
        create trigger orders_webhook after insert on public.orders for each row
          execute function supabase_functions.http_request('https://example.invalid/hook', 'POST', '{}', '{}', '1000');
        insert into public.orders values (1);
    """)
    assert result.ok, result.failed_step
    assert scratch_conn.execute("SELECT hook_name FROM supabase_functions.hooks").fetchall() == [("orders_webhook",)]


def test_real_auth_users_seed_and_handle_new_user_trigger(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, """
        create table public.profiles (id uuid primary key references auth.users on delete cascade, name text);
        create function public.handle_new_user() returns trigger language plpgsql security definer
          set search_path = '' as $$
          begin insert into public.profiles (id, name) values (new.id, new.raw_user_meta_data->>'name');
          return new; end $$;
        create trigger on_auth_user_created after insert on auth.users for each row
          execute procedure public.handle_new_user();
        insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
          raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
        values ('00000000-0000-0000-0000-000000000000', '6f1c0000-0000-4000-8000-000000000001', 'authenticated',
          'authenticated', 'a@example.com', extensions.crypt('pw', extensions.gen_salt('bf')), now(),
          '{"provider":"email"}', '{"name":"Ada"}', now(), now(), false, false);
        insert into auth.identities (user_id, provider_id, identity_data, provider)
        values ('6f1c0000-0000-4000-8000-000000000001', 'a@example.com', '{"email":"A@example.com"}', 'email');
    """)
    assert result.ok, result.failed_step
    assert scratch_conn.execute("SELECT name FROM public.profiles").fetchall() == [("Ada",)]
    assert scratch_conn.execute("SELECT email FROM auth.identities").fetchall() == [("a@example.com",)]


# --------------------------------------------------------------------------- stubs


def test_stubs_stand_in_for_pg_net_pg_cron_and_vault(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, """
        select net.http_post('https://example.invalid', '{"a": 1}');
        select net.http_get(url := 'https://example.invalid', headers := '{"x": "y"}');
        select cron.schedule('nightly', '0 3 * * *', 'select 1');
        select cron.schedule('nightly', '0 4 * * *', 'select 2');
        select cron.schedule('*/5 * * * *', 'select 3');
        select vault.create_secret('s3cret', 'api_key', 'for tests');
    """, stubs=True)
    assert result.ok, result.failed_step
    assert [w for w in result.warnings if w.startswith("stub in use")] == [
        "stub in use: net.http_get/http_post/http_delete stand in for pg_net (requests are queued in "
        "net.http_request_queue, never sent)",
        "stub in use: cron.schedule/unschedule stand in for pg_cron (jobs are stored in cron.job, never run)",
        "stub in use: vault.create_secret/update_secret, vault.secrets and vault.decrypted_secrets stand in for "
        "supabase_vault (secrets are stored unencrypted)",
        "stub in use: extensions.vector stands in for pgvector (distances are computed in SQL, slowly; "
        "hnsw/ivfflat indexes are skipped)",
        "stub in use: pgmq.create/send/send_batch/read/pop/archive/delete/metrics stand in for pgmq (queues are plain "
        "tables pgmq.q_<name> and pgmq.a_<name>)",
        "stub in use: extensions.http/http_get/http_post/... stand in for the http extension (requests are never "
        "sent; every call answers status 503)",
        "stub in use: extensions.sign/verify stand in for pgjwt (real HS256/HS384/HS512 tokens, through pgcrypto)",
    ]
    assert scratch_conn.execute("SELECT method, url FROM net.http_request_queue ORDER BY id").fetchall() == [
        ("POST", "https://example.invalid"), ("GET", "https://example.invalid")]
    # Scheduling a name again replaces that job, as pg_cron does.
    assert scratch_conn.execute("SELECT jobname, schedule, command FROM cron.job ORDER BY jobid").fetchall() == [
        ("nightly", "0 4 * * *", "select 2"), (None, "*/5 * * * *", "select 3")]
    assert scratch_conn.execute("SELECT cron.unschedule('nightly')").fetchone() == (True,)
    with pytest.raises(psycopg.errors.RaiseException, match="could not find valid entry for job 'nightly'"):
        scratch_conn.execute("SELECT cron.unschedule('nightly')")
    assert scratch_conn.execute("SELECT decrypted_secret FROM vault.decrypted_secrets WHERE name = 'api_key'"
                                ).fetchone() == ("s3cret",)


def test_without_stubs_plpgsql_creates_but_sql_function_fails_with_advice(
    scratch_conn: psycopg.Connection, tmp_path: Path
) -> None:
    result = build(scratch_conn, tmp_path, """
        create function public.notify() returns void language plpgsql as $$
          begin perform net.http_post('https://example.invalid'); end $$;
        select cron.schedule('nightly', '0 3 * * *', 'select 1');
        create function public.ping() returns bigint language sql
          as $$ select net.http_get('https://example.invalid') $$;
    """)
    failure = result.migrations[0].failure
    assert failure is not None
    assert (failure.line, failure.message) == (5, 'schema "net" does not exist')
    assert failure.hint == ("schema net belongs to extension pg_net, which this server lacks: install it on the "
                            "server (built from Supabase's pg_net sources), or set project.stubs: true in the "
                            "expectations file to run it against a stand-in")
    assert result.warnings == [
        "20250101000000_m.sql:4: extension pg_cron is not available on this server; statement using schema cron "
        "skipped; set project.stubs: true in the expectations file to run it against a stand-in"
    ]


# --------------------------------------------------------------------------- bridges


@pytest.mark.parametrize(("statement", "warning"), [
    ("CREATE EXTENSION IF NOT EXISTS \"pg_net\" WITH SCHEMA \"extensions\"",
     "extension pg_net is not available on this server; CREATE EXTENSION skipped"),
    ("COMMENT ON EXTENSION \"pg_net\" IS 'Async HTTP'",
     "extension pg_net is not available on this server; COMMENT ON EXTENSION skipped"),
    ("alter extension pg_cron update to '1.6'",
     "extension pg_cron is not available on this server; ALTER EXTENSION skipped"),
    ("drop extension if exists hypopg, index_advisor",
     "extension hypopg, index_advisor is not available on this server; DROP EXTENSION skipped"),
    ("GRANT USAGE ON SCHEMA \"cron\" TO \"postgres\"",
     "extension pg_cron is not available on this server; statement using schema cron skipped; set project.stubs: "
     "true in the expectations file to run it against a stand-in"),
    ("alter default privileges in schema graphql grant all on tables to anon",
     "extension pg_graphql is not available on this server; statement using schema graphql skipped"),
    ("select vault.create_secret('x')",
     "extension supabase_vault is not available on this server; statement using schema vault skipped; set "
     "project.stubs: true in the expectations file to run it against a stand-in"),
])
def test_statements_that_need_a_missing_extension_are_skipped(statement: str, warning: str) -> None:
    assert plan_statement(statement, PG15) == Plan(None, warning)


@pytest.mark.parametrize("statement", [
    "create extension pg_trgm",  # available
    "comment on extension pgcrypto is 'x'",
    "create schema if not exists vault",  # making the schema makes sense without the extension
    "select net.amount from payments net",  # an alias called net: ambiguous, PostgreSQL decides
    "create function f() returns void language plpgsql as $$ begin perform net.http_post('x'); end $$",
    "grant select, maintain on t to r",  # on PostgreSQL 17 it runs as written
])
def test_statements_that_run_as_written(statement: str) -> None:
    facts = PG15 if "maintain" not in statement else ServerFacts(170000, PG15.available_extensions, lambda s: False)
    assert plan_statement(statement, facts).text == statement
    assert plan_statement(statement, facts).warning is None


def test_extension_schema_statements_run_when_the_schema_exists() -> None:
    facts = ServerFacts(150000, frozenset(), schema_exists=lambda schema: schema == "cron", stubs=True)
    assert plan_statement("grant usage on schema cron to postgres", facts).warning is None


@pytest.mark.parametrize(("statement", "expected", "warning"), [
    ("GRANT MAINTAIN ON TABLE t TO r", None, MAINTAIN_SKIPPED),
    ("revoke grant option for maintain on t from r", None, MAINTAIN_SKIPPED),
    ("GRANT SELECT,INSERT,MAINTAIN,UPDATE ON TABLE t TO r", "GRANT SELECT,INSERT,         UPDATE ON TABLE t TO r",
     MAINTAIN_DROPPED),
    ("grant select,\n  maintain on t to r", "grant select \n           on t to r", MAINTAIN_DROPPED),
    ("alter default privileges in schema public grant maintain, select on tables to r",
     "alter default privileges in schema public grant           select on tables to r", MAINTAIN_DROPPED),
])
def test_maintain_privilege_is_bridged_on_servers_before_17(statement: str, expected: str | None,
                                                             warning: str) -> None:
    plan = plan_statement(statement, PG15)
    assert (plan.text, plan.warning) == (expected, warning)
    if expected is not None:
        assert expected.count("\n") == statement.count("\n")  # PostgreSQL's error lines stay true


def test_maintain_bridge_runs_the_rest_of_the_grant(scratch_conn: psycopg.Connection, tmp_path: Path) -> None:
    result = build(scratch_conn, tmp_path, """
        create table public.t (id int);
        grant maintain on public.t to anon;
        grant select, maintain on public.t to supabase_read_only_user;
    """)
    assert result.ok, result.failed_step
    assert result.warnings == [f"20250101000000_m.sql:3: {MAINTAIN_SKIPPED}",
                               f"20250101000000_m.sql:4: {MAINTAIN_DROPPED}"]
    assert scratch_conn.execute("SELECT has_table_privilege('supabase_read_only_user', 'public.t', 'SELECT')"
                                ).fetchone() == (True,)

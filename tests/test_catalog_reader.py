"""How the catalog reader runs: transactions, schema exclusion, search_path, query count."""

from __future__ import annotations

from importlib import resources

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from pytest_schemaguard.catalog import DEFAULT_EXCLUDED_SCHEMAS, inspect_schema
from pytest_schemaguard.catalog.reader import QUERY_NAMES, load_queries
from pytest_schemaguard.errors import SchemaguardError

SUPABASE_LIKE = """
    CREATE SCHEMA auth;
    CREATE TABLE auth.users (id uuid PRIMARY KEY);
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
    CREATE SCHEMA storage;
    CREATE TYPE storage.kind AS ENUM ('a');
    CREATE VIEW storage.v AS SELECT 1 AS one;
    CREATE SCHEMA crm;
    CREATE TABLE crm.deals (id int, user_id uuid REFERENCES auth.users);
    CREATE TABLE contacts (id int);
"""


def test_default_excluded_schemas_are_the_supabase_managed_ones() -> None:
    assert {"auth", "storage", "extensions", "realtime", "vault", "supabase_migrations", "cron", "pgmq"} <= (
        DEFAULT_EXCLUDED_SCHEMAS
    )
    assert "public" not in DEFAULT_EXCLUDED_SCHEMAS
    assert len(DEFAULT_EXCLUDED_SCHEMAS) == 20


def test_managed_and_system_schemas_are_excluded(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute(SUPABASE_LIKE)
    schema = inspect_schema(scratch_conn)
    assert schema.schemas == ("crm", "public")
    assert list(schema.tables) == ["crm.deals", "public.contacts"]
    assert schema.functions == {} and schema.enums == {} and schema.views == {}
    # A foreign key into an excluded schema is still reported in full.
    assert schema.table("crm.deals").constraints["deals_user_id_fkey"].references == "auth.users"
    assert schema.server_version_num >= 140000


def test_exclusion_list_is_the_callers_choice(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute(SUPABASE_LIKE)
    everything = inspect_schema(scratch_conn, exclude_schemas=())
    assert everything.schemas == ("auth", "crm", "public", "storage")
    assert "auth.users" in everything.tables
    assert list(everything.functions) == ["auth.uid()"]
    assert list(everything.enums) == ["storage.kind"]
    assert list(everything.views) == ["storage.v"]
    only_public = inspect_schema(scratch_conn, exclude_schemas=["auth", "storage", "crm"])
    assert list(only_public.tables) == ["public.contacts"]
    # System schemas stay out whatever the caller passes.
    assert not any(name.startswith(("pg_", "information_schema")) for name in everything.schemas)


def test_reads_inside_the_callers_read_only_transaction(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute("CREATE TABLE t (id int PRIMARY KEY)")
    scratch_conn.commit()
    scratch_conn.read_only = True
    scratch_conn.execute("SELECT 1")
    schema = inspect_schema(scratch_conn)
    assert list(schema.tables) == ["public.t"]
    # The caller's transaction is still open and still read-only: the reader did not end it.
    assert scratch_conn.info.transaction_status == TransactionStatus.INTRANS
    row = scratch_conn.execute("SHOW transaction_read_only").fetchone()
    assert row == ("on",)
    scratch_conn.rollback()
    scratch_conn.read_only = False


def test_idle_connection_is_left_idle(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute("CREATE TABLE t (id int)")
    scratch_conn.commit()
    assert scratch_conn.info.transaction_status == TransactionStatus.IDLE
    assert list(inspect_schema(scratch_conn).tables) == ["public.t"]
    assert scratch_conn.info.transaction_status == TransactionStatus.IDLE
    scratch_conn.autocommit = True
    assert list(inspect_schema(scratch_conn).tables) == ["public.t"]
    assert scratch_conn.info.transaction_status == TransactionStatus.IDLE


def test_failed_transaction_is_reported_with_the_fix(scratch_conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.DivisionByZero):
        scratch_conn.execute("SELECT 1 / 0")
    with pytest.raises(SchemaguardError, match=r"transaction has failed.*conn\.rollback\(\)"):
        inspect_schema(scratch_conn)


def test_names_are_printed_as_seen_from_public_and_search_path_is_restored(
    scratch_conn: psycopg.Connection,
) -> None:
    scratch_conn.execute(
        """
        CREATE SCHEMA crm;
        CREATE TYPE crm.stage AS ENUM ('a');
        CREATE TYPE mood AS ENUM ('ok');
        CREATE TABLE crm.deals (stage crm.stage DEFAULT 'a', mood mood);
        SET LOCAL search_path = crm;
        """
    )
    schema = inspect_schema(scratch_conn)
    columns = schema.table("crm.deals").columns
    assert columns["stage"].type == "crm.stage"
    assert columns["stage"].default == "'a'::crm.stage"
    assert columns["mood"].type == "mood"
    assert scratch_conn.execute("SHOW search_path").fetchone() == ("crm",)


def test_snapshots_are_deterministic(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute(
        SUPABASE_LIKE
        + """
        CREATE TABLE b (id int PRIMARY KEY, z int UNIQUE, a int CHECK (a > 0));
        CREATE TABLE a (id int);
        """
    )
    first = inspect_schema(scratch_conn)
    assert inspect_schema(scratch_conn) == first
    assert list(first.tables) == sorted(first.tables)
    assert list(first.table("b").constraints) == sorted(first.table("b").constraints)


def test_a_handful_of_whole_database_queries() -> None:
    queries = load_queries()
    assert len(queries) <= 12
    assert load_queries() is queries  # read from the package once
    shipped = {
        entry.name.removesuffix(".sql")
        for entry in resources.files("pytest_schemaguard.catalog").joinpath("queries").iterdir()
        if entry.name.endswith(".sql")
    }
    assert shipped == set(QUERY_NAMES)
    for name, text in queries.items():
        if name not in ("extensions", "memberships"):  # both are database-wide, not per schema
            assert "<> ALL (%(excluded)s::text[])" in text, name

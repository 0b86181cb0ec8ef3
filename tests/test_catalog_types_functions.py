"""Enums, functions and extensions as the catalog reader sees them (real PostgreSQL)."""

from __future__ import annotations

import psycopg
import pytest

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.catalog.model import Schema


def snapshot(conn: psycopg.Connection, ddl: str) -> Schema:
    """Run ``ddl`` in the test's transaction and read the schema it leaves."""
    conn.execute(ddl)
    return inspect_schema(conn)


def current_user(conn: psycopg.Connection) -> str:
    """The role the test runs as: it owns what the test creates (the suite's server decides it)."""
    row = conn.execute("SELECT current_user::text").fetchone()
    assert row is not None
    return str(row[0])


def test_enum_labels_in_sort_order(scratch_conn: psycopg.Connection) -> None:
    scratch_conn.execute(
        """
        CREATE TYPE stage AS ENUM ('new_lead', 'closed_won');
        COMMENT ON TYPE stage IS 'pipeline';
        CREATE SCHEMA crm;
        CREATE TYPE crm.kind AS ENUM ('b', 'a');
        """
    )
    # ALTER TYPE ... ADD VALUE cannot use the new label in the same transaction; commit first.
    scratch_conn.commit()
    schema = snapshot(
        scratch_conn,
        """
        ALTER TYPE stage ADD VALUE 'initial_outreach' BEFORE 'closed_won';
        ALTER TYPE stage ADD VALUE 'closed_lost';
        ALTER TYPE stage ADD VALUE 'unknown' BEFORE 'new_lead';
        """,
    )
    assert schema.enum("stage").labels == (
        "unknown",
        "new_lead",
        "initial_outreach",
        "closed_won",
        "closed_lost",
    )
    assert schema.enum("stage").comment == "pipeline"
    assert schema.enum("crm.kind").labels == ("b", "a")
    assert list(schema.enums) == ["crm.kind", "public.stage"]


def test_function_overloads_are_keyed_by_signature(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(
        scratch_conn,
        """
        CREATE FUNCTION set_primary(org bigint, contact bigint) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$BEGIN END$$;
        CREATE FUNCTION set_primary(org bigint) RETURNS void
            LANGUAGE sql SET search_path = public, extensions AS 'SELECT';
        CREATE FUNCTION label(v varchar(10), OUT result text, VARIADIC rest int[])
            LANGUAGE sql IMMUTABLE AS 'SELECT $1';
        CREATE FUNCTION now_ish() RETURNS timestamptz LANGUAGE sql STABLE AS 'SELECT now()';
        COMMENT ON FUNCTION now_ish() IS 'clock';
        """,
    )
    assert list(schema.functions) == [
        "public.label(character varying,integer[])",
        "public.now_ish()",
        "public.set_primary(bigint)",
        "public.set_primary(bigint,bigint)",
    ]
    two = schema.function("set_primary", ("bigint", "bigint"))
    assert two.signature == "public.set_primary(bigint,bigint)"
    assert two.identity_arguments == "org bigint, contact bigint"
    assert (two.returns, two.language, two.security_definer) == ("void", "plpgsql", True)
    assert two.config == {"search_path": ""}
    assert two.search_path == ""
    one = schema.function("public.set_primary", ("bigint",))
    assert one.search_path == "public, extensions"
    assert (one.language, one.security_definer, one.volatility) == ("sql", False, "volatile")
    label = schema.function("label")
    assert label.arg_types == ("character varying", "integer[]")  # input arguments only, no typmod
    assert label.returns == "text"
    assert label.volatility == "immutable"
    assert label.search_path is None
    assert schema.function("now_ish").volatility == "stable"
    assert schema.function("now_ish").comment == "clock"
    assert [f.signature for f in schema.functions_named("set_primary")] == [
        "public.set_primary(bigint)",
        "public.set_primary(bigint,bigint)",
    ]
    with pytest.raises(KeyError, match=r"public.set_primary: 2 matching function\(s\)"):
        schema.function("set_primary")


def test_function_kinds_and_privileges(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(
        scratch_conn,
        """
        CREATE PROCEDURE tidy(days int) LANGUAGE sql AS 'SELECT 1';
        CREATE AGGREGATE total(int) (SFUNC = int4pl, STYPE = int);
        CREATE FUNCTION private_helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
        REVOKE EXECUTE ON FUNCTION private_helper() FROM PUBLIC;
        """,
    )
    me = current_user(scratch_conn)
    tidy = schema.function("tidy")
    assert (tidy.kind, tidy.returns, tidy.arg_types) == ("procedure", "", ("integer",))
    assert schema.function("total").kind == "aggregate"
    assert schema.function("private_helper").kind == "function"
    # No ACL: the owner's defaults, which include EXECUTE for PUBLIC.
    assert tidy.privileges == {"PUBLIC": frozenset({"execute"}), me: frozenset({"execute"})}
    assert schema.function("private_helper").privileges == {me: frozenset({"execute"})}
    assert tidy.owner == me


def test_extension_objects_are_not_user_objects(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(
        scratch_conn,
        """
        CREATE EXTENSION btree_gist;
        CREATE EXTENSION pg_trgm;
        CREATE FUNCTION mine() RETURNS int LANGUAGE sql AS 'SELECT 1';
        """,
    )
    assert list(schema.functions) == ["public.mine()"]
    assert schema.tables == {}
    assert schema.enums == {}
    assert schema.extensions["btree_gist"].schema == "public"
    assert schema.extensions["pg_trgm"].version


def test_extensions_are_listed_in_every_schema(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(
        scratch_conn,
        """
        CREATE SCHEMA extensions;
        CREATE EXTENSION pg_trgm SCHEMA extensions;
        """,
    )
    assert schema.extensions["pg_trgm"].schema == "extensions"
    assert schema.extensions["plpgsql"].schema == "pg_catalog"
    assert list(schema.extensions) == sorted(schema.extensions)
    assert "extensions" not in schema.schemas
    assert schema.functions == {}

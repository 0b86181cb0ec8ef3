"""Views and materialized views as the catalog reader sees them (real PostgreSQL)."""

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


DDL = """
    CREATE TABLE org (id bigint PRIMARY KEY, name varchar(20) NOT NULL, deleted_at timestamptz);
    CREATE VIEW org_invoker WITH (security_invoker = true) AS SELECT id, name FROM org;
    CREATE VIEW org_definer AS SELECT id, upper(name) AS shout FROM org WHERE deleted_at IS NULL;
    COMMENT ON VIEW org_definer IS 'legacy';
    GRANT SELECT ON org_definer TO PUBLIC;
    CREATE MATERIALIZED VIEW org_counts AS SELECT count(*) AS n FROM org;
    CREATE UNIQUE INDEX org_counts_n ON org_counts (n);
"""


def test_views_security_invoker_columns_and_definition(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(scratch_conn, DDL)
    assert list(schema.views) == ["public.org_definer", "public.org_invoker"]
    invoker = schema.view("org_invoker")
    assert invoker.materialized is False
    assert invoker.options == {"security_invoker": "true"}
    assert invoker.security_invoker is True
    assert {name: c.type for name, c in invoker.columns.items()} == {
        "id": "bigint",
        "name": "character varying(20)",
    }
    definer = schema.view("public.org_definer")
    assert definer.options == {}
    assert definer.security_invoker is False
    assert list(definer.columns) == ["id", "shout"]
    assert "WHERE org.deleted_at IS NULL" in definer.definition
    assert definer.comment == "legacy"
    assert definer.owner == current_user(scratch_conn)
    assert definer.privileges["PUBLIC"] == frozenset({"select"})


def test_security_invoker_can_be_switched_later(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(scratch_conn, DDL + "ALTER VIEW org_definer SET (security_invoker = on);")
    assert schema.view("org_definer").options == {"security_invoker": "on"}
    assert schema.view("org_definer").security_invoker is True


def test_materialized_views_are_separate_and_carry_indexes(scratch_conn: psycopg.Connection) -> None:
    schema = snapshot(scratch_conn, DDL)
    assert list(schema.materialized_views) == ["public.org_counts"]
    counts = schema.materialized_view("org_counts")
    assert counts.materialized is True
    assert list(counts.columns) == ["n"]
    assert counts.indexes["org_counts_n"].unique is True
    assert counts.indexes["org_counts_n"].columns == ("n",)
    with pytest.raises(KeyError, match=r"no view public\.org_counts"):
        schema.view("org_counts")
    assert "public.org_counts" not in schema.tables

"""Grants through role membership: a member with INHERIT holds what its roles hold (also
through a chain of memberships), a NOINHERIT member does not, PUBLIC counts for everyone, and
each mismatch names the role and where a privilege comes from."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from pytest_schemaguard.catalog import inspect_schema
from pytest_schemaguard.checks.grants import check_grants, effective_privileges
from pytest_schemaguard.expectations.model import GrantExpectation


@pytest.fixture
def roles(scratch_conn: psycopg.Connection, admin_dsn: str) -> Iterator[dict[str, str]]:
    """Roles are cluster-wide: unique names, dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {key: f"sg_{key}_{suffix}" for key in ("writer", "app", "deep", "noinherit")}
    scratch_conn.execute(f"""
        CREATE ROLE {names['writer']} NOLOGIN;
        CREATE ROLE {names['app']} NOLOGIN INHERIT;
        CREATE ROLE {names['deep']} NOLOGIN INHERIT;
        CREATE ROLE {names['noinherit']} NOLOGIN NOINHERIT;
        GRANT {names['writer']} TO {names['app']}, {names['noinherit']};
        GRANT {names['app']} TO {names['deep']};
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);
        REVOKE ALL ON notes FROM PUBLIC;
        GRANT INSERT, UPDATE ON notes TO {names['writer']};
        GRANT SELECT ON notes TO PUBLIC;
        GRANT DELETE ON notes TO {names['app']};
    """.encode())
    scratch_conn.commit()
    try:
        yield names
    finally:
        scratch_conn.rollback()
        scratch_conn.execute("DROP TABLE notes")
        scratch_conn.commit()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            for name in names.values():
                admin.execute(f"DROP ROLE IF EXISTS {name}".encode())


def test_memberships_are_read_transitively_and_respect_noinherit(
    scratch_conn: psycopg.Connection, roles: dict[str, str]
) -> None:
    memberships = inspect_schema(scratch_conn).role_memberships
    assert memberships[roles["app"]] >= {roles["writer"]}
    assert memberships[roles["deep"]] >= {roles["app"], roles["writer"]}
    assert roles["noinherit"] not in memberships or roles["writer"] not in memberships[roles["noinherit"]]
    assert scratch_conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_effective_privileges_include_membership_and_public(
    scratch_conn: psycopg.Connection, roles: dict[str, str]
) -> None:
    table = inspect_schema(scratch_conn).table("notes")
    memberships = inspect_schema(scratch_conn).role_memberships
    assert effective_privileges(table.privileges, roles["deep"], memberships) == {
        "select", "insert", "update", "delete"
    }
    assert effective_privileges(table.privileges, roles["noinherit"], memberships) == {"select"}
    assert effective_privileges(table.privileges, "anon", memberships) == {"select"}  # PUBLIC


def test_mismatch_names_role_privileges_and_their_source(
    scratch_conn: psycopg.Connection, roles: dict[str, str]
) -> None:
    table = inspect_schema(scratch_conn).table("notes")
    memberships = inspect_schema(scratch_conn).role_memberships
    expected = (
        GrantExpectation(roles["deep"], frozenset({"select"}), 3),
        GrantExpectation(roles["app"], frozenset({"select", "insert", "update", "delete"}), 4),
        GrantExpectation(roles["noinherit"], frozenset(), 5),
    )
    mismatches = check_grants(expected, table.privileges, memberships)
    assert [(m.aspect, m.message, m.line) for m in mismatches] == [
        (
            f"grants {roles['deep']}",
            f"expected select, found delete (via member of {roles['app']}), and insert, update (via member "
            f"of {roles['writer']}), and select (via PUBLIC)",
            3,
        ),
        # roles["app"] matches: delete directly, insert/update from writer, select from PUBLIC
        (f"grants {roles['noinherit']}", "expected no privileges, found select (via PUBLIC)", 5),
    ]


def test_without_memberships_only_direct_and_public_count(
    scratch_conn: psycopg.Connection, roles: dict[str, str]
) -> None:
    table = inspect_schema(scratch_conn).table("notes")
    mismatches = check_grants((GrantExpectation(roles["app"], frozenset({"delete", "select"}), 7),), table.privileges)
    assert mismatches == []

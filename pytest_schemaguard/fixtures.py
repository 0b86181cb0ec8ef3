"""The library fixtures of SPEC §9, all served from the session's one build and one snapshot.

Defined in the plugin module, so imported by every pytest run: psycopg and the session are
imported inside the fixtures, when a test asks for one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from .errors import SchemaguardError
from .stash import SESSION_KEY

if TYPE_CHECKING:
    import psycopg

    from .catalog.model import Schema
    from .database.server import ConnectionInfo
    from .session import SchemaguardSession

FIXTURE_NAMES = frozenset({"schemaguard_db", "schemaguard_schema", "schemaguard_conn", "schemaguard_as"})


def _built(request: pytest.FixtureRequest) -> SchemaguardSession:
    guard = request.config.stash.get(SESSION_KEY, None)
    if guard is None:
        pytest.fail("schemaguard fixtures need the plugin enabled: run `pytest --schemaguard` "
                    "(or set `schemaguard = true` in [tool.pytest.ini_options])", pytrace=False)
    from .items import database_unavailable, failing_item_in_run

    try:
        reason = database_unavailable(guard)
    except SchemaguardError as exc:  # bad input met outside an item (e.g. getfixturevalue)
        reason = f"schemaguard: {exc}"
    if reason is None:
        return guard
    if failing_item_in_run(request.node, guard):
        pytest.skip(reason)  # that migration's item reports the error, once
    pytest.fail(f"schemaguard: {guard.build_failure_headline() or reason}", pytrace=False)


@pytest.fixture(scope="session")
def schemaguard_db(request: pytest.FixtureRequest) -> ConnectionInfo:
    """Connection info of the database built from the migrations (host, port, user, dbname)."""
    return _built(request).info


@pytest.fixture(scope="session")
def schemaguard_schema(request: pytest.FixtureRequest) -> Schema:
    """The catalog snapshot of the built database (read once per session)."""
    return _built(request).schema


@pytest.fixture
def schemaguard_conn(schemaguard_db: ConnectionInfo) -> Iterator[psycopg.Connection]:
    """A connection inside a transaction that is rolled back after the test: nothing persists."""
    import psycopg

    with psycopg.connect(schemaguard_db.conninfo()) as conn:
        try:
            yield conn
        finally:
            conn.rollback()


@pytest.fixture
def schemaguard_as(
    schemaguard_conn: psycopg.Connection,
) -> Callable[..., AbstractContextManager[psycopg.Connection]]:
    """Run statements as a role with JWT claims, as PostgREST would.

    ``with schemaguard_as("authenticated", sub=...) as conn:`` sets the role and
    ``request.jwt.claims`` for the block, inside the test's rolled-back transaction.
    """

    import psycopg
    from psycopg import sql

    @contextmanager
    def as_role(role: str, **claims: Any) -> Iterator[psycopg.Connection]:
        claims.setdefault("role", role)
        conn = schemaguard_conn
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        try:
            yield conn
        finally:
            # After a failed statement the transaction only accepts ROLLBACK, which the
            # schemaguard_conn fixture does; otherwise undo the role for the rest of the test.
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.INERROR:
                conn.execute("RESET ROLE")
                conn.execute("SELECT set_config('request.jwt.claims', '', true)")

    return as_role

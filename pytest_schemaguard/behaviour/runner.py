"""Run a property with Hypothesis on the built database, inside a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .rows import CannotBuild, GeneratedSqlError

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


class PropertyFailed(AssertionError):
    """The schema misbehaved for one example; the message names the rows."""


@contextmanager
def rolled_back(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction (or savepoint) that never commits."""
    with conn.transaction(force_rollback=True):
        yield


def run_property(conn: psycopg.Connection, strategy: st.SearchStrategy[Any],
                 prop: Callable[[Any], None], preflight: Any) -> str | None:
    """Check ``prop`` on ``preflight`` first (a fixed example: a CannotBuild there skips the item),
    then on Hypothesis examples, each in its own savepoint; return the minimal failure text.
    SQL of ours that PostgreSQL refuses fails the item as our internal error, never a skip."""
    try:
        return _run(conn, strategy, prop, preflight)
    except GeneratedSqlError as error:
        return str(error)


def _run(conn: psycopg.Connection, strategy: st.SearchStrategy[Any],
         prop: Callable[[Any], None], preflight: Any) -> str | None:
    with rolled_back(conn):
        try:
            with rolled_back(conn):
                prop(preflight)
        except CannotBuild as error:
            pytest.skip(f"cannot build a valid row: {error}")
        except PropertyFailed as error:
            return str(error)

        @SETTINGS
        @given(strategy)
        def each(example: Any) -> None:
            with rolled_back(conn):
                prop(example)

        try:
            each()
        except CannotBuild as error:
            pytest.skip(f"cannot build a valid row: {error}")
        except PropertyFailed as error:
            return f"{error}\n(minimal falsifying example found by Hypothesis)"
    return None

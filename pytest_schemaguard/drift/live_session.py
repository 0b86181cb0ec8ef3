"""One visit to the live database per session, shared by the ``drift[live]`` and ``history[live]`` items.

It sits above both ``live`` (the read-only connection, the drift) and ``history`` (applied
versions), so those two never import each other: history reads through a live connection, and
this module is the only one that needs both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog.model import Schema
from ..errors import SchemaguardError
from ..integrity.history import AppliedVersion, applied_versions
from .live import Drift, connect_live, diff_with_live, requested_extensions

if TYPE_CHECKING:
    from ..session import SchemaguardSession



@dataclass(frozen=True)
class LiveReading:
    """What the ``drift[live]`` and ``history[live]`` items need, read over one connection."""

    display: str  # LiveDatabase.info.display()
    description: str  # LiveDatabase.describe()
    schema: Schema | None  # None when only the history was asked for
    applied: list[AppliedVersion] | SchemaguardError  # a database without a migration table fails history only


_READING_ATTRIBUTE = "_schemaguard_live_reading"


def read_live(session: SchemaguardSession, dsn: str, *, what: str, schema: bool) -> LiveReading:
    """Connect once per session (a connection error is remembered too, not met again after another
    timeout): the applied versions, and the schema when ``schema`` (drift) asks for it."""
    cached: LiveReading | SchemaguardError | None = getattr(session, _READING_ATTRIBUTE, None)
    if isinstance(cached, SchemaguardError):
        raise cached
    if cached is not None and (cached.schema is not None or not schema):
        return cached
    try:
        live = connect_live(dsn, what=what)
    except SchemaguardError as exc:
        setattr(session, _READING_ATTRIBUTE, exc)
        raise
    try:
        try:
            applied: list[AppliedVersion] | SchemaguardError = applied_versions(live)
        except SchemaguardError as exc:
            applied = exc
        reading = LiveReading(live.info.display(), live.describe(), live.snapshot() if schema else None, applied)
    finally:
        live.close()
    setattr(session, _READING_ATTRIBUTE, reading)
    return reading


def drift_from_session(session: SchemaguardSession, dsn: str, *, what: str) -> Drift:
    """Build (once) and snapshot the migrations' schema, snapshot the live one, diff them."""
    built = session.schema
    reading = read_live(session, dsn, what=what, schema=True)
    assert reading.schema is not None
    live_schema, description = reading.schema, reading.description
    project = session.project
    assert project is not None  # session.schema loaded it
    return diff_with_live(built, live_schema, live_description=description, flavor=project.flavor,
                          requested_extensions=requested_extensions(project.migrations.migrations))

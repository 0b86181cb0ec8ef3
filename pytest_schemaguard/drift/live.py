"""A live database, opened read-only: the one place schemaguard connects to a database it does not own.

Three locks keep it from writing, each enough on its own: the session starts with
``default_transaction_read_only=on`` (a startup option, checked after connecting), every
transaction psycopg opens is ``BEGIN ... READ ONLY`` (which also holds through a transaction-mode
pooler that drops startup options), and schemaguard only ever runs catalog SELECTs there.
``statement_timeout`` bounds every query, so a busy production server is never held up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import IsolationLevel

from ..catalog import inspect_schema
from ..catalog.model import Schema
from ..database.build import CREATE_EXTENSION, shim_extensions
from ..database.server import ConnectionInfo, parse_dsn, scrub
from ..diff import ONLY_IN_B, Change, diff_snapshots, render_changes
from ..errors import ServerError
from ..migrations import Migration

STATEMENT_TIMEOUT = "30s"
APPLICATION_NAME = "schemaguard-drift (read-only)"


@dataclass
class LiveDatabase:
    """An open read-only connection to a live database, and how it was opened."""

    info: ConnectionInfo
    conn: psycopg.Connection
    statement_timeout: str = STATEMENT_TIMEOUT

    def describe(self) -> str:
        """One line for headers: where, and that nothing is written there."""
        return (f"{self.info.display()} (read-only connection: default_transaction_read_only=on, "
                f"statement_timeout={self.statement_timeout})")

    @property
    def server_version_num(self) -> int:
        return int(self.conn.info.server_version)

    def snapshot(self) -> Schema:
        """The live schema, read in one REPEATABLE READ, READ ONLY transaction."""
        try:
            with self.conn.transaction():
                return inspect_schema(self.conn)
        except psycopg.Error as exc:
            raise ServerError(
                f"Could not read the catalog of the live database {self.info.display()}: "
                f"{scrub(str(exc).strip(), self.info.password)}"
            ) from None

    def close(self) -> None:
        self.conn.close()


def live_options(existing: str | None, statement_timeout: str) -> str:
    """The libpq ``options`` startup parameter: the user's own first, ours last (last one wins)."""
    ours = f"-c default_transaction_read_only=on -c statement_timeout={statement_timeout}"
    return f"{existing} {ours}" if existing else ours


def parse_live_dsn(dsn: str, *, what: str = "--schemaguard-live-dsn") -> ConnectionInfo:
    """A ConnectionInfo for the live database, or a ServerError naming the option (never the password)."""
    try:
        port = str(psycopg.conninfo.conninfo_to_dict(dsn).get("port") or "5432")
        problem = None if port.isdigit() else f"port {port!r} is not a number"
    except psycopg.ProgrammingError as exc:
        problem = _hide_url_password(scrub(str(exc).strip(), None))
    if problem is not None:
        raise ServerError(
            f"{what} is not a valid connection string: {problem}\n"
            "Expected e.g. postgresql://user:password@host:5432/postgres or "
            "'host=... port=5432 user=... dbname=postgres'."
        )
    return parse_dsn(dsn)


def _hide_url_password(text: str) -> str:
    return re.sub(r"(://[^:/@\s]+):[^@\s]*@", r"\1:********@", text)


def connect_live(dsn: str, *, what: str = "--schemaguard-live-dsn",
                 statement_timeout: str = STATEMENT_TIMEOUT) -> LiveDatabase:
    """Connect read-only and prove it; ServerError with a clear, password-free message otherwise."""
    info = parse_live_dsn(dsn, what=what)
    options = dict(info.options)
    options["options"] = live_options(options.get("options"), statement_timeout)
    options.setdefault("application_name", APPLICATION_NAME)
    info = ConnectionInfo(host=info.host, port=info.port, user=info.user, dbname=info.dbname,
                          password=info.password, options=options)
    try:
        conn = psycopg.connect(info.conninfo(), connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        message = _hide_url_password(scrub(str(exc).strip(), info.password))
        raise ServerError(
            f"Could not connect to the live database {info.display()} ({what}):\n  {message}\n"
            "Check host, port, user and password (the password is not shown), that the database "
            "exists, and that the server accepts connections from here."
        ) from None
    live = LiveDatabase(info=info, conn=conn, statement_timeout=statement_timeout)
    try:
        _make_read_only(live)
    except BaseException:
        conn.close()
        raise
    return live


def _make_read_only(live: LiveDatabase) -> None:
    """Check the startup option took effect; make every later transaction READ ONLY regardless."""
    conn = live.conn
    setting = conn.execute("SHOW default_transaction_read_only").fetchone()
    if setting is None or setting[0] != "on":
        # A pooler that drops startup options: ask again for this session, then check.
        conn.execute("SET default_transaction_read_only = on")
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (live.statement_timeout,))
    checked = conn.execute("SELECT current_setting('transaction_read_only')").fetchone()
    if checked is None or checked[0] != "on":
        raise ServerError(
            f"The live database {live.info.display()} did not accept a read-only session "
            "(default_transaction_read_only stayed off); schemaguard will not use it. Connect directly "
            "or through a session-mode pooler."
        )
    conn.autocommit = False
    conn.read_only = True
    conn.isolation_level = IsolationLevel.REPEATABLE_READ


@contextmanager
def open_live(dsn: str, *, what: str = "--schemaguard-live-dsn",
              statement_timeout: str = STATEMENT_TIMEOUT) -> Iterator[LiveDatabase]:
    """``connect_live`` as a context manager that always closes the connection."""
    live = connect_live(dsn, what=what, statement_timeout=statement_timeout)
    try:
        yield live
    finally:
        live.close()


# --------------------------------------------------------------------------- drift

SUPABASE_PLATFORM_EXTENSIONS = frozenset(
    {"pg_graphql", "pg_stat_statements", "supabase_vault", "pgsodium", "pgjwt", "plpgsql"}
)
"""Extensions a Supabase project has without any migration creating them."""

MIGRATIONS_LABEL = "migrations"
LIVE_LABEL = "live"


@dataclass(frozen=True)
class Drift:
    """The structural differences between the migration-built schema (A) and the live one (B)."""

    live: str  # LiveDatabase.describe()
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()  # what was deliberately not counted as drift, and why

    def render(self) -> str:
        if not self.changes:
            text = f"no drift: the live database matches the {MIGRATIONS_LABEL}"
        else:
            objects = len({c.object or (c.kind, c.name) for c in self.changes})
            text = (f"{len(self.changes)} difference(s) in {objects} object(s) between the {MIGRATIONS_LABEL} "
                    f"and the live database:\n" + render_changes(list(self.changes), MIGRATIONS_LABEL, LIVE_LABEL))
        return "\n".join([text, *(f"note: {n}" for n in self.notes)])


def diff_with_live(built: Schema, live: Schema, *, live_description: str, flavor: str = "supabase",
                   requested_extensions: frozenset[str] = frozenset()) -> Drift:
    """Diff the two snapshots, leaving out extensions the migrations cannot be expected to create.

    ``requested_extensions``: names the migrations CREATE EXTENSION; one that is live but absent
    from the build was skipped because the test server lacks it (the build warned about it).
    An extension only the shim creates is the test build's, not the project's: it is never drift.
    """
    changes: list[Change] = []
    platform: list[str] = []
    unavailable: list[str] = []
    shim_only = shim_only_extensions(flavor, requested_extensions)
    shimmed: list[str] = []
    for change in diff_snapshots(built, live):
        if change.kind == "extension" and change.name in shim_only:
            shimmed.append(change.name)
            continue
        if change.kind == "extension" and change.change == ONLY_IN_B:
            if change.name in requested_extensions:
                unavailable.append(change.name)
                continue
            if flavor == "supabase" and change.name in SUPABASE_PLATFORM_EXTENSIONS:
                platform.append(change.name)
                continue
        changes.append(change)
    notes = []
    if platform:
        notes.append(f"not compared: extension(s) Supabase installs itself: {', '.join(platform)}")
    if unavailable:
        notes.append(f"not compared: extension(s) the migrations create but the test server lacks: "
                     f"{', '.join(unavailable)}")
    if shimmed:
        notes.append(f"not compared: extension(s) schemaguard's Supabase shim installs for the build and no "
                     f"migration creates: {', '.join(shimmed)}")
    built_major, live_major = built.server_version_num // 10000, live.server_version_num // 10000
    if built_major and live_major and built_major != live_major:
        notes.append(f"the live server is PostgreSQL {live_major}, the migrations were built on {built_major}: "
                     "expressions may be printed differently by the two versions")
    return Drift(live=live_description, changes=tuple(changes), notes=tuple(notes))


def requested_extensions(migrations: Iterable[Migration]) -> frozenset[str]:
    """Extension names the migrations CREATE (as the build reads them)."""
    found = set()
    for migration in migrations:
        for statement in migration.statements:
            match = CREATE_EXTENSION.match(statement.text)
            if match:
                found.add(match["name"].strip('"'))
    return frozenset(found)


def shim_only_extensions(flavor: str, requested: frozenset[str]) -> frozenset[str]:
    """Extensions every supabase-flavor build has because the shim installs them, and that no
    migration creates (``requested``): present, but declared by nobody, so kept out of what init
    writes and of drift. One a migration creates too (`create extension if not exists pgcrypto`)
    is the project's own and shows like any other."""
    return shim_extensions() - requested if flavor == "supabase" else frozenset()

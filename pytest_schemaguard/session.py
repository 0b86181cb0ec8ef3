"""One schemaguard run: expectations -> server -> build -> snapshot -> findings, each done once.

The plugin and the fixtures only ask this object for results; it decides when work happens
(lazily, at most once per pytest session) and owns the clean-up of everything it started.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import psycopg

from .build import BuildObserver, BuildResult, build_project
from .catalog import inspect_schema
from .catalog.model import Schema
from .checks.findings import ObjectReport
from .config import Settings
from .errors import SchemaguardError
from .expectations import load_expectations
from .expectations.model import Expectations
from .project import Project, load_project
from .server import (
    ConnectionInfo,
    ServerSession,
    ThrowawayDatabase,
    create_database,
    open_session,
    unique_dbname,
)

if TYPE_CHECKING:
    from .checks.normalise import Normaliser


class DatabaseUnavailable(SchemaguardError):
    """The database every object item needs could not be built."""


@dataclass
class SchemaguardSession:
    settings: Settings
    expectations: Expectations | None = None
    project: Project | None = None
    load_error: SchemaguardError | None = None
    server_error: SchemaguardError | None = None
    server: ServerSession | None = None
    conn: psycopg.Connection | None = None
    build: BuildResult | None = None
    server_seconds: float = 0.0
    _schema: Schema | None = None
    _reports: dict[tuple[str, str], ObjectReport] | None = None
    _normaliser: Normaliser | None = None
    warnings: list[str] = field(default_factory=list)  # everything for the terminal summary
    build_warnings: list[str] = field(default_factory=list)  # the build's own, also shown in the header
    scratch: list[ThrowawayDatabase] = field(default_factory=list)
    observers: list[BuildObserver] = field(default_factory=list)  # e.g. semantic lint; add before the build

    def load(self) -> None:
        """Read the expectations file and the project it describes; remember what went wrong."""
        if self.expectations is not None or self.load_error is not None:
            return
        try:
            self.expectations = load_expectations(self.settings.file)
            self.project = self.with_options(load_project(self.settings.file, self.expectations.project))
        except SchemaguardError as exc:
            self.load_error = exc

    def with_options(self, project: Project) -> Project:
        """``project`` as this run builds it: the option's statement timeout over the YAML's, and
        whether the server is shared (--schemaguard-dsn), which limits what its migrations may do."""
        return replace(project, shared_server=self.settings.dsn is not None,
                       statement_timeout=self.settings.statement_timeout or project.statement_timeout)

    # ------------------------------------------------------------------ build

    def ensure_server(self) -> ServerSession:
        """Start (or reach) the server and create the session's database, once; nothing is built."""
        if self.server is not None:
            return self.server
        self.load()
        if self.load_error is not None:
            raise self.load_error
        if self.server_error is not None:
            raise self.server_error  # one attempt per session, not one per item or fixture
        started = time.perf_counter()
        try:
            self.server = open_session(dsn=self.settings.dsn, pg_bin=self.settings.pg_bin, keep=self.settings.keep)
        except SchemaguardError as exc:
            self.server_error = exc
            raise
        self.server_seconds = time.perf_counter() - started
        self.conn = psycopg.connect(self.server.info.conninfo(), autocommit=True)
        return self.server

    def ensure_built(self) -> BuildResult:
        """Start the server and build the database, once. Raises SchemaguardError for bad input."""
        if self.build is not None:
            return self.build
        self.ensure_server()
        assert self.project is not None and self.conn is not None
        self.build = build_project(self.conn, self.project, seeds=self.project.seeds, observers=self.observers)
        if self.conn.broken:  # a statement ended our session (reported as its failure); the database is still there
            assert self.server is not None
            self.conn = psycopg.connect(self.server.info.conninfo(), autocommit=True)
        self.build_warnings = [*self.build.warnings, *self._version_warnings()]
        self.warnings.extend(self.build_warnings)
        return self.build

    def _version_warnings(self) -> list[str]:
        assert self.project is not None and self.build is not None
        wanted = self.project.major_version
        running = self.build.server_version_num // 10000
        if wanted and wanted != running:
            return [
                f"supabase/config.toml says [db] major_version = {wanted}, but the server is PostgreSQL "
                f"{running}: version-specific behaviour may differ from production"
            ]
        return []

    @property
    def info(self) -> ConnectionInfo:
        self.ensure_built()
        assert self.server is not None
        return self.server.info

    def require_database(self) -> psycopg.Connection:
        """The connection to a database whose migrations all applied, or DatabaseUnavailable."""
        failed = self.ensure_built().failed_migration
        if failed is not None:
            raise DatabaseUnavailable(f"database build failed at {failed.name}")
        assert self.conn is not None
        return self.conn

    # ------------------------------------------------------------------ results

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = inspect_schema(self.require_database())
        return self._schema

    @property
    def normaliser(self) -> Normaliser:
        """One server-side normaliser (and its cache) for every check and rule of the session."""
        if self._normaliser is None:
            from .checks.normalise import Normaliser  # the checks are only needed once items run

            self._normaliser = Normaliser(self.require_database())
        return self._normaliser

    def reports(self) -> dict[tuple[str, str], ObjectReport]:
        """Every object report, computed in one pass over one snapshot."""
        if self._reports is None:
            from .checks import check_all  # the checks are only needed once items run

            assert self.expectations is not None
            reports = check_all(self.expectations, self.schema, self.normaliser)
            declared = self.expectations.declared_objects()
            # Paired by position: the item id comes from the YAML, the report's own name may be the
            # resolved signature (e.g. `public.f(bigint)` for a function declared without args).
            if [kind for kind, _, _ in declared] != [r.kind for r in reports]:
                raise RuntimeError("schemaguard internal error: reports do not follow the declared objects")
            self._reports = {(kind, name): r for (kind, name, _), r in zip(declared, reports, strict=True)}
        return self._reports

    # ------------------------------------------------------------------ clean-up

    def scratch_database(self, label: str) -> ConnectionInfo:
        """Another empty throwaway database on the session's server, dropped in ``close``.

        For checks that need a build of their own (rollbacks, baselines, snapshot reloads); the
        session's own database need not be built for it.
        """
        admin = self.ensure_server().admin
        database = create_database(admin, unique_dbname(f"schemaguard_{label}"))
        self.scratch.append(database)
        return database.info

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        for database in self.scratch:
            database.drop()
        self.scratch.clear()
        if self.server is not None:
            self.server.close()

    def keep_message(self) -> str | None:
        if not (self.settings.keep and self.server is not None):
            return None
        info = self.server.info
        lines = [f"schemaguard: kept database {info.display()}", f"  connect: {info.psql_command()}"]
        private = self.server.private
        if private is not None and private.basedir is not None:
            who = f"sudo -u {private.account[2]} " if private.account else ""
            lines.append(f"  stop the server when done: {who}{private.bindir / 'pg_ctl'} stop -D "
                         f"{private.basedir / 'data'} && rm -rf {private.basedir}")
        else:
            lines.append(f"  drop it when done: DROP DATABASE {info.dbname};")
        return "\n".join(lines)



@contextmanager
def command_session(settings: Settings) -> Iterator[SchemaguardSession]:
    """A session for a CLI command, closed (databases dropped, server stopped) however it ends."""
    session = SchemaguardSession(settings)
    try:
        yield session
    finally:
        session.close()

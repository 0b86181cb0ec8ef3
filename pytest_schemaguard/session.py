"""One schemaguard run: expectations -> server -> build -> snapshot -> findings, each done once.

The plugin and the fixtures only ask this object for results; it decides when work happens
(lazily, at most once per pytest session) and owns the clean-up of everything it started.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import psycopg

from .catalog import inspect_schema
from .catalog.model import Schema
from .checks.findings import ObjectReport
from .config import Settings
from .database.build import BuildObserver, BuildProgress, BuildResult, StepOutcome
from .database.server import (
    ConnectionInfo,
    ServerSession,
    ThrowawayDatabase,
    create_database,
    unique_dbname,
)
from .database.standins import requested_preloads
from .errors import SchemaguardError
from .expectations import load_expectations
from .expectations.model import Expectations
from .project import Project, load_project

if TYPE_CHECKING:
    from .cache.spare import Refill
    from .checks.normalise import Normaliser
    from .database.headstart import HeadStart


class DatabaseUnavailable(SchemaguardError):
    """The database every object item needs could not be built."""


def failure_location(step: StepOutcome) -> str:
    """``file:line`` of the statement that stopped a file (the file alone if none is known)."""
    failure = step.failure
    if failure is None:
        return step.name
    return f"{failure.file}:{failure.error_line or failure.line}"


@dataclass(frozen=True)
class PendingWrite:
    """A file ``--schemaguard-update`` rewrites once the run is over, and only if nothing failed."""

    name: str  # as the user knows it, e.g. ``supabase/migrations/schemaguard.lock``
    write: Callable[[], bool]  # True when the file's content changed


@dataclass
class SchemaguardSession:
    settings: Settings
    expectations: Expectations | None = None
    project: Project | None = None
    load_error: SchemaguardError | None = None
    server_error: SchemaguardError | None = None
    build_error: SchemaguardError | None = None  # bad input met while building (shown where it was met)
    build_attempted: bool = False  # False at the end: no selected item needed the database
    server: ServerSession | None = None
    opening: ServerSession | None = None  # registered for clean-up before it starts anything
    conn: psycopg.Connection | None = None
    build: BuildResult | None = None
    server_seconds: float = 0.0
    _schema: Schema | None = None
    _reports: dict[tuple[str, str], ObjectReport] | None = None
    _normaliser: Normaliser | None = None
    warnings: list[str] = field(default_factory=list)  # everything for the terminal summary
    build_warnings: list[str] = field(default_factory=list)  # the build's own (also in `warnings`)
    scratch: list[ThrowawayDatabase] = field(default_factory=list)
    observers: list[BuildObserver] = field(default_factory=list)  # e.g. semantic lint; add before the build
    # Run once, just before the build (providers' ``prepare``): the build is lazy, so whoever
    # triggers it (an item, a fixture) gets the same prepared build.
    before_build: list[Callable[[SchemaguardSession], None]] = field(default_factory=list)
    pending_writes: list[PendingWrite] = field(default_factory=list)  # --schemaguard-update, at the end
    build_failure_reported: bool = False  # the failing file's SQL error was shown on some item
    cache_status: str | None = None  # "cache hit (built 2h ago)", "cache miss: <what changed>", ...
    cache_hit: bool = False
    head_start: HeadStart | None = None  # initdb begun while pytest collects (database/headstart.py)
    hit_expected: bool = False  # a cached build holds these migrations (begin_head_start looked)
    run_build_dir: Path | None = None  # xdist worker: where this run's one build is shared (cache/share.py)
    publishing: bool = False  # xdist: other workers may attach to this session's server
    run_interrupted: bool = False  # Ctrl-C or SIGTERM: the clean-up waits for nobody
    serving_hold: IO[str] | None = None  # xdist publisher: the record is live while this is open
    attached_hold: IO[str] | None = None  # xdist: this session uses another worker's server until closed
    cache_refill: Refill | None = None  # the cache entry's next copy, being made while the run goes on
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds, for the -v summary
    progress: BuildProgress | None = None  # where the session's build is, shown while it runs
    interrupted: str | None = None  # "interrupted while applying file:line (...)", after a Ctrl-C

    def load(self) -> None:
        """Read the expectations file and the project it describes; remember what went wrong."""
        if self.expectations is not None or self.load_error is not None:
            return
        try:
            if self.settings.no_cache:
                self.expectations = load_expectations(self.settings.file)
            else:
                from .cache.model import load_with_cache

                self.expectations = load_with_cache(self.settings.file)
            self.project = self.with_options(load_project(self.settings.file, self.expectations.project))
        except SchemaguardError as exc:
            self.load_error = exc

    def with_options(self, project: Project) -> Project:
        """``project`` as this run builds it: the option's statement timeout over the YAML's, and
        whether the server is shared (--schemaguard-dsn), which limits what its migrations may do."""
        return replace(project, shared_server=self.settings.dsn is not None,
                       statement_timeout=self.settings.statement_timeout or project.statement_timeout)

    # ------------------------------------------------------------------ build

    def ensure_server(self, *, cached: Path | None = None,
                      take: Callable[[Path], bool] | None = None) -> ServerSession:
        """Start (or reach) the server and create the session's database, once; nothing is built.

        ``cached``: start from the cluster that archive holds (a cached build) instead of an empty one;
        ``take``: puts a ready copy in place, if it can (see ``PrivateServer.start``)."""
        if self.server is not None:
            return self.server
        self.load()
        if self.load_error is not None:
            raise self.load_error
        if self.server_error is not None:
            raise self.server_error  # one attempt per session, not one per item or fixture
        started = time.perf_counter()
        server = self.opening = ServerSession(keep=self.settings.keep)
        head_start = self.head_start  # until taken, close() discards it, whatever interrupts this
        try:
            if head_start is not None and cached is not None:
                head_start.discard()  # a cached build is started instead
            preload = requested_preloads(self.project.migrations.migrations) if self.project else frozenset()
            server.open(dsn=self.settings.dsn, pg_bin=self.settings.pg_bin, cached=cached, take=take,
                        reuse_initdb=not self.settings.no_cache,
                        preload=preload, ahead=head_start.take if head_start is not None else None)
        except SchemaguardError as exc:
            self.server_error = exc
            raise
        self.server = server
        self.warnings.extend(server.swept)
        self.server_seconds = self.timings["server start"] = time.perf_counter() - started
        self.connect()
        return self.server

    def attach_server(self, info: ConnectionInfo, *, owner: str, hold: IO[str]) -> ServerSession:
        """Use the database another xdist worker of this run built (see cache/share.py); ``hold``
        keeps that worker's server up until this session closes."""
        started = time.perf_counter()
        server = ServerSession().attach(info, owner=owner)
        try:
            self.conn = psycopg.connect(info.conninfo(), autocommit=True)
        except BaseException:
            hold.close()
            raise
        self.attached_hold = hold
        self.server = self.opening = server
        self.server_seconds = self.timings["server start"] = time.perf_counter() - started
        return server

    def begin_head_start(self) -> None:
        """Run initdb while pytest collects when this run will most likely build: no cached build
        of these migrations, or --schemaguard-no-cache (see database/headstart.py). Anything that
        goes wrong is left for the usual start to report, where it always did."""
        if self.settings.dsn or self.run_build_dir is not None or self.head_start is not None:
            return
        self.load()
        if self.project is None:
            return
        from .cache.run import likely_hit
        from .database.headstart import HeadStart
        from .database.server import find_bindir
        from .database.signals import interrupts_held

        try:
            bindir = find_bindir(self.settings.pg_bin)
            if not self.settings.no_cache and likely_hit(self.project, bindir):
                self.hit_expected = True
                return
            # Made and kept in one step no interrupt splits: a Ctrl-C between the two left a server
            # directory nobody would remove (close() discards only what it can find here).
            with interrupts_held():
                self.head_start = HeadStart(bindir, requested_preloads(self.project.migrations.migrations),
                                            reuse_initdb=not self.settings.no_cache).begin()
        except (SchemaguardError, OSError):
            self.head_start = None

    def connect(self) -> None:
        assert self.server is not None
        self.conn = psycopg.connect(self.server.info.conninfo(), autocommit=True)

    def disconnect(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def ensure_built(self) -> BuildResult:
        """Start the server and build the database, once. Raises SchemaguardError for bad input."""
        if self.build is not None:
            return self.build
        if self.build_error is not None:
            raise self.build_error  # one attempt per session
        self.build_attempted = True
        try:
            self.load()
            if self.load_error is not None:
                raise self.load_error
            preparers, self.before_build = self.before_build, []
            for prepare in preparers:
                prepare(self)  # e.g. lint watches each migration of this very build
            from .cache.run import build_with_cache

            with self._lint_ahead():
                self.build = build_with_cache(self)  # starts the server (from a cached cluster on a hit)
        except SchemaguardError as exc:
            self.build_error = exc
            raise
        self.build_warnings = [*self.build.warnings, *self._version_warnings()]
        self.warnings.extend(self.build_warnings)
        return self.build

    def _lint_ahead(self) -> AbstractContextManager[None]:
        """Lint's statement analysis of the files it watches, done while the server starts and
        applies them (see ``analysed_ahead``); nothing when no lint observer watches this build."""
        from .lint.semantic import LintObserver
        from .lint.statements import analysed_ahead

        watching = [o for o in self.observers if isinstance(o, LintObserver)]
        if not watching or self.project is None:
            return nullcontext()
        # A hit restores lint's findings without analysing anything: parsing ahead would only import
        # sqlglot (0.3 s, and ~14,000 objects every later garbage collection of pytest's walks).
        # Should it miss after all, lint analyses each statement when it needs it, as without this.
        if self.hit_expected:
            return nullcontext()
        return analysed_ahead(s.text for m in self.project.migrations.migrations
                              if any(o.wants(m) for o in watching)
                              for s in m.statements if not s.is_transaction_control())

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
            raise DatabaseUnavailable(f"database build failed at {failure_location(failed)}")
        assert self.conn is not None
        return self.conn

    # ------------------------------------------------------------------ results

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self.read_schema(self.require_database())
        assert self._schema is not None
        return self._schema

    @property
    def schema_read(self) -> Schema | None:
        """The snapshot, if the session has it already (without building or reading anything)."""
        return self._schema

    def read_schema(self, conn: psycopg.Connection) -> Schema:
        """The session's snapshot, read now (the build, still under way, may keep it: cache/snapshot.py)."""
        started = time.perf_counter()
        self._schema = self._schema_from_lint(conn) or inspect_schema(conn)
        self.timings["snapshot"] = time.perf_counter() - started
        return self._schema

    def adopt_schema(self, schema: Schema, seconds: float) -> None:
        """The snapshot the session that built this database read (cache/snapshot.py)."""
        self._schema = schema
        self.timings["snapshot (kept)"] = seconds

    def _schema_from_lint(self, conn: psycopg.Connection) -> Schema | None:
        """Lint's last catalog read brought up to date (see ``LintObserver.catalog_now``)."""
        from .lint.semantic import LintObserver

        for observer in self.observers:
            if isinstance(observer, LintObserver):
                schema = observer.catalog_now(conn)
                if schema is not None:
                    return schema
        return None

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
            schema, normaliser = self.schema, self.normaliser
            started = time.perf_counter()
            reports = check_all(self.expectations, schema, normaliser)
            self.timings["checks"] = time.perf_counter() - started
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
        return create_database(admin, unique_dbname(f"schemaguard_{label}"), into=self.scratch).info

    def close(self) -> None:
        if self.head_start is not None:  # not taken (no item needed the database): initdb stopped, removed
            head_start, self.head_start = self.head_start, None
            head_start.discard()
        self.disconnect()
        for database in self.scratch:
            database.drop()
        self.scratch.clear()
        try:
            if self.publishing and self.run_build_dir is not None:
                from .cache.share import wait_until_detached

                # Other workers may still use this server; a second Ctrl-C stops waiting, not stopping,
                # and an interrupted run waits a little only (its workers are all ending).
                wait_until_detached(self.run_build_dir, limit=2.0 if self.run_interrupted else None)
        finally:
            if self.opening is not None:
                self.opening.close()  # the session's server, or whatever part of it an interrupt left
            if self.serving_hold is not None:
                serving, self.serving_hold = self.serving_hold, None
                serving.close()
        if self.attached_hold is not None:
            hold, self.attached_hold = self.attached_hold, None
            hold.close()  # the publishing worker may stop its server now
        if self.cache_refill is not None:
            refill, self.cache_refill = self.cache_refill, None
            refill.finish()  # the copy the next hit takes, made while this run went on

    # ------------------------------------------------------------------ end of the run

    def apply_updates(self, failed: list[str], interrupted: bool) -> str | None:
        """Write what ``--schemaguard-update`` queued, unless the run failed or was cut short.

        Writing after a failure would record a broken state as the new truth (e.g. lock a
        migration that failed lint) and the next run would pass; so it is all or nothing.
        """
        pending, self.pending_writes = self.pending_writes, []
        if not pending:
            return None
        names = ", ".join(p.name for p in pending)
        if interrupted:
            return f"--schemaguard-update refused: the run was interrupted; nothing rewritten ({names})"
        if failed:
            shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
            return (f"--schemaguard-update refused: {len(failed)} item(s) failed: {shown}; fix them first "
                    f"(nothing rewritten: {names})")
        for update in pending:
            try:
                changed = update.write()
            except SchemaguardError as exc:
                return f"--schemaguard-update: {exc}"
            self.warnings.append(f"{update.name} {'rewritten' if changed else 'unchanged'} "
                                 "(--schemaguard-update)" + (": review and commit it" if changed else ""))
        return None

    def summary_lines(self) -> list[str]:
        """What the build did, for the end of the run (the build is lazy, so not for the header)."""
        if self.project is None or self.load_error is not None or self.build_error is not None:
            return []  # the error itself is the report
        if self.build is None or self.server is None:
            if self.build_attempted:
                return [f"schemaguard: the build was {self.interrupted or 'interrupted'}"]
            return ["schemaguard: no database built (no selected item needed it)"]
        build = self.build
        applied = sum(1 for m in build.migrations if m.ok)
        total = len(self.project.migrations.migrations)
        failed = build.failed_migration
        status = f"build failed at {failure_location(failed)}" if failed else f"built in {build.seconds:.2f}s"
        if self.cache_hit:
            status = self.cache_status or "cache hit"
        where = "private server" if self.server.private else "server from --schemaguard-dsn"
        if self.server.attached_to:
            where = f"private server of xdist worker {self.server.attached_to}"
        lines = [f"schemaguard: {self.project.flavor} | {applied} of {total} migration(s) applied, {status} | "
                 f"{where} {self.server.info.display()} (started in {self.server_seconds:.2f}s)"]
        if self.cache_status and not self.cache_hit:
            lines.append(f"schemaguard: {self.cache_status}")  # why this run built
        headline = self.build_failure_headline()
        if headline:
            lines.append(f"schemaguard: {headline}")
        return lines

    def timing_line(self, extra: dict[str, float]) -> str | None:
        """Where the run's time went (``-v``), phase by phase, in the order they happen."""
        phases = {**self.timings, **extra}
        order = ["server start", "cache copy", "build", "snapshot", "cache store", "xdist copies", "lint replay",
                 "snapshot (kept)", "checks", "behaviour"]
        shown = [f"{name} {phases[name]:.2f}s" for name in order if name in phases]
        if not shown:
            return None
        private = self.server.private if self.server is not None else None
        if private is not None and "server start" in phases:
            if private.initdb_reused:
                shown[0] += " (initdb's cluster from the cache" + (", during collection)" if private.initialised_ahead
                                                                    else ")")
            elif private.initialised_ahead:
                shown[0] += " (initdb ran during collection)"
        return "schemaguard: time: " + ", ".join(shown)

    def build_failure_headline(self) -> str | None:
        """``build failed at file:line: <first line of PostgreSQL's error>``, or None."""
        failed = self.build.failed_migration if self.build is not None else None
        if failed is None or failed.failure is None:
            return None
        first = (failed.failure.message.splitlines() or ["statement failed"])[0]
        return f"build failed at {failure_location(failed)}: {first}"

    def keep_message(self) -> str | None:
        if not (self.settings.keep and self.server is not None):
            return None
        return "\n".join(self.server.keep_lines())



@contextmanager
def command_session(settings: Settings) -> Iterator[SchemaguardSession]:
    """A session for a CLI command, closed (databases dropped, server stopped) however it ends."""
    session = SchemaguardSession(settings)
    try:
        yield session
    finally:
        session.close()

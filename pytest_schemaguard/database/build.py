"""Apply the Supabase shim, the migrations and the seed to a throwaway database.

One connection in autocommit; one explicit transaction per migration file (as Supabase applies them) with ``RESET ALL``
between files so one file's ``SET`` cannot leak into the next; files marked
``-- schemaguard: no-transaction`` run statement by statement in autocommit. A file that needs
nothing handled statement by statement (no bridge, no wrapper, no meta-command) goes in one
message, or with ``COPY ... FROM stdin`` blocks in one message per run of statements between
them, their rows through ``cursor.copy()``; a failure is named from the server's error position
(else the file is rolled back and run again one statement at a time), so it still names the exact
statement and its line. Each statement runs under the project's ``statement_timeout``. Before a file
runs, ``build_checks`` refuses what it must not do (transaction control that would end ours, NUL,
psql meta-commands, cluster-wide statements on a shared server), so nothing of it is half applied;
a statement that ends our session is a failure at its line, not a crash.

Before a statement runs, ``bridges.plan_statement`` may skip it (an extension this server lacks,
a statement that only makes sense with that extension, a PostgreSQL 17 ``MAINTAIN`` grant) or drop
``MAINTAIN`` from its privilege list; each such decision is a build warning naming file:line.
With ``project.stubs: true`` the shim also installs stand-ins (shim/stubs.sql) for pg_net, pg_cron
and supabase_vault, so functions calling them create and run.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from ..failures import StatementFailure
from ..migrations import Migration, Statement, split_statements
from ..progress import DEFAULT_PROGRESS, BuildProgress
from ..project import read_text, relative_path
from .batch import BatchInterrupted, run_batch
from .bridges import (
    CREATE_EXTENSION,
    ServerFacts,
    altered_tablespace,
    needs_bridge,
    plan_statement,
    role_change,
)
from .build_checks import check_statements, rule_failure
from .standins import STUB_WARNINGS, install_stubs, missing_object_hint, skipped_extension, usable_extensions
from .timeouts import DEFAULT_STATEMENT_TIMEOUT

if TYPE_CHECKING:
    from ..project import Project

SUPABASE_SEARCH_PATH = '"$user", public, extensions'
SHIM_VERSION = "1"
__all__ = ["CREATE_EXTENSION", "STUB_WARNINGS", "SUPABASE_SEARCH_PATH", "BuildResult", "Builder", "StatementFailure",
           "StepOutcome", "build_database", "shim_extensions", "shim_sql"]
COPY_ROW = re.compile(r"^COPY [^,]+, line (\d+)", re.MULTILINE)  # PostgreSQL's CONTEXT for a bad data row


@functools.cache
def shim_sql() -> str:
    """shim/supabase.sql, read once: builds install it, the snapshot hashes it and strips what it made."""
    return resources.files("pytest_schemaguard").joinpath("shim/supabase.sql").read_text(encoding="utf-8")


SHIM_EXTENSION = re.compile(r"^\s*CREATE EXTENSION IF NOT EXISTS (\"[^\"]+\"|\w+)", re.IGNORECASE | re.MULTILINE)


def shim_extensions() -> frozenset[str]:
    """Extensions the shim installs; they belong to the shim, not to the project's schema."""
    return frozenset(m.strip('"') for m in SHIM_EXTENSION.findall(shim_sql()))


@dataclass(frozen=True)
class StepOutcome:
    """The result of applying one file (migration or seed)."""

    name: str
    path: Path
    failure: StatementFailure | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    statements: int = 0

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass
class BuildResult:
    migrations: list[StepOutcome] = field(default_factory=list)
    seeds: list[StepOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_version_num: int = 0

    @property
    def failed_step(self) -> StepOutcome | None:
        return next((s for s in [*self.migrations, *self.seeds] if not s.ok), None)

    @property
    def failed_migration(self) -> StepOutcome | None:
        """The migration that stopped the build; a failed seed leaves the schema complete."""
        return next((s for s in self.migrations if not s.ok), None)

    @property
    def ok(self) -> bool:
        return self.failed_step is None

    def outcome(self, name: str) -> StepOutcome | None:
        return next((s for s in [*self.migrations, *self.seeds] if s.name == name), None)


class Builder:
    """Applies files in order over one connection and remembers what happened to each."""

    def __init__(self, conn: psycopg.Connection, *, root: Path, flavor: str, stubs: bool = False,
                 statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT, shared_server: bool = False) -> None:
        self.conn = conn
        self.root = root
        self.flavor = flavor
        self.stubs = stubs
        self.statement_timeout = statement_timeout
        self.shared_server = shared_server
        self.standins: frozenset[str] = frozenset()  # extensions whose stub was installed
        self.skipped: dict[str, str] = {}  # extension -> file:line of its skipped CREATE EXTENSION
        # What runs now, for the message of a Ctrl-C: (file, statement or None between statements).
        self.running: tuple[str, Statement | None] | None = None

    def prepare(self) -> list[str]:
        """Ready an empty database for the project's files (the shim, for the supabase flavor);
        the build warnings this gives."""
        if self.flavor == "supabase":
            return self.install_shim()
        if self.stubs:
            return ["project.stubs: true has no effect with flavor postgres (the stubs are part of the Supabase shim)"]
        return []

    def install_shim(self) -> list[str]:
        """Make plain PostgreSQL look like a Supabase database (SPEC §7), with the stubs when asked
        for; idempotent (also across databases of one cluster). Returns the "stub in use" warnings."""
        warnings: list[str] = []
        with self.conn.transaction():
            self.conn.execute(shim_sql())  # type: ignore[arg-type]  # our own SQL, one simple-query round trip
            if self.stubs:
                warnings = self._install_stubs()
            dbname = self.conn.info.dbname
            # Later connections (fixtures, behaviour checks) must see extensions too. This is our
            # own throwaway database, so setting its default is ours to do.
            self.conn.execute(
                sql.SQL("ALTER DATABASE {} SET search_path = " + SUPABASE_SEARCH_PATH).format(
                    sql.Identifier(dbname)
                )
            )
        return warnings

    def _install_stubs(self) -> list[str]:
        """The stub sections for extensions this server lacks; a real extension is never shadowed."""
        self.standins, warnings = install_stubs(self.conn, self._available)
        return warnings

    @functools.cached_property
    def _usable(self) -> tuple[frozenset[str], frozenset[str]]:
        """The installable extensions, and those the server has but was not started for; they never change."""
        return usable_extensions(self.conn)

    @property
    def _available(self) -> frozenset[str]:
        return self._usable[0]

    @functools.cached_property
    def _facts(self) -> ServerFacts:
        """What the bridges ask about the server (after ``prepare``: it knows the stand-ins)."""
        return ServerFacts(
            version_num=self.conn.info.server_version,
            available_extensions=self._available,
            not_preloaded=self._usable[1],
            schema_exists=self._schema_exists,
            stubs=self.stubs,
            standins=self.standins,
        )

    def _reset_session(self) -> None:
        """One round trip (a simple query of three statements) before each file."""
        steps: list[sql.Composable] = [sql.SQL("RESET ALL")]
        if self.flavor == "supabase":
            steps.append(sql.SQL("SET search_path = " + SUPABASE_SEARCH_PATH))
        # After RESET ALL, so every file starts under it; a file may still SET its own.
        steps.append(sql.SQL("SELECT set_config('statement_timeout', {}, false)").format(
            sql.Literal(self.statement_timeout)))
        self.conn.execute(sql.SQL("; ").join(steps))

    def apply(self, name: str, path: Path, statements: Sequence[Statement], *, transaction: bool = True,
              text: str | None = None) -> StepOutcome:
        """Apply one file; with its whole ``text`` (which ``statements`` were cut from) a file that
        needs no statement of its own handled apart goes to the server in one round trip."""
        started = time.perf_counter()
        warnings: list[str] = []
        file = relative_path(path, self.root)
        count = 0
        self.running = (file, None)
        # Everything a file cannot do is found before any of it runs, so nothing is half applied.
        failure = check_statements(file, statements, transaction=transaction, shared_server=self.shared_server,
                                   dbname=self.conn.info.dbname)
        if failure is None:
            self._reset_session()
            ran = self._run_batch(file, text, statements, warnings) \
                if text is not None and transaction and self._batchable(statements) else None
            if ran is None:
                self._reset_session()
                ran = self._run_file(file, statements, warnings, transaction=transaction)
            failure, count = ran
        self.running = None
        return StepOutcome(name=name, path=path, failure=failure, warnings=tuple(warnings),
                           seconds=time.perf_counter() - started, statements=count)

    def interrupted_at(self) -> str | None:
        """``interrupted while applying file:line (first line of the statement)``, during a file."""
        if self.running is None:
            return None
        file, statement = self.running
        if statement is None:
            return f"interrupted while applying {file}"
        return f"interrupted while applying {file}:{statement.line} ({_first_line_of(statement.text)})"

    def _batchable(self, statements: Sequence[Statement]) -> bool:
        """Whether every statement runs exactly as written: no psql meta-command, no transaction
        control of the file's own, no COPY but ``COPY ... FROM stdin`` with its rows, nothing a
        bridge would skip or change."""
        return all(not s.meta and s.transaction_command is None
                   and (s.copy_data is not None or s.text[:4].lower() != "copy")
                   and not needs_bridge(s.text, self._facts)
                   for s in statements)

    def _run_batch(self, file: str, text: str, statements: Sequence[Statement],
                   warnings: list[str]) -> tuple[StatementFailure | None, int] | None:
        """The file in one transaction and as few round trips as it allows: each run of statements
        between two ``COPY ... FROM stdin`` in one (the whole file when it has none), each COPY with
        its rows in one; None when it failed somewhere only a statement-by-statement run can tell
        (all of it was rolled back, so that run is safe)."""
        located: tuple[StatementFailure | None, int] | None = None  # None: nothing ran (yet)
        try:
            with self.conn.transaction():
                located = self._run_pieces(file, text, statements)
                if located != (None, len(statements)) and not self.conn.broken:
                    raise psycopg.Rollback()
        except UnicodeEncodeError:
            return None  # the statement-by-statement run names the character and its statement
        except psycopg.OperationalError:
            if not self.conn.broken:
                raise
        if located == (None, len(statements)) and self.shared_server:
            for statement in statements:
                warnings.extend(_shared_warnings(file, statement))
        return located

    def _run_pieces(self, file: str, text: str,
                    statements: Sequence[Statement]) -> tuple[StatementFailure | None, int] | None:
        """(None, count) when every piece ran; else what ``_locate`` says about the failing one."""
        for piece in _pieces(statements):
            if piece[0].copy_data is not None:
                self.running = (file, piece[0])
                try:
                    self._execute(piece[0].text, piece[0])
                except psycopg.Error as exc:
                    return self._failure(file, piece[0], exc), 0
                continue
            # A file without COPY goes as written, comments and all; a run between two COPYs from
            # its first statement to the end of its last.
            whole = len(piece) == len(statements)
            start = 0 if whole else piece[0].offset
            try:
                outcome = run_batch(self.conn, text if whole else text[start:piece[-1].offset + len(piece[-1].text)])
            except BatchInterrupted as exc:
                self.running = (file, piece[min(exc.done, len(piece) - 1)])
                raise
            if outcome.error is not None:
                return self._locate(file, piece, outcome.error, outcome.done, base=start)
        return None, len(statements)

    def _locate(self, file: str, statements: Sequence[Statement], exc: psycopg.Error,
                done: int, *, base: int = 0) -> tuple[StatementFailure | None, int] | None:
        """The failing statement: from the server's position in the text sent (which starts at
        offset ``base`` of the file) when it gave one; from the count of finished statements when
        the error can only come from running one (the session ended, a timeout: running it again
        would only wait again); else None."""
        position = base + int(exc.diag.statement_position) if exc.diag.statement_position else None
        if position is not None:
            statement = next((s for s in reversed(statements) if s.offset < position), statements[0])
            return self._failure(file, statement, exc, position=position - statement.offset), 0
        if self.conn.broken or exc.diag.sqlstate == "57014":
            return self._failure(file, statements[min(done, len(statements) - 1)], exc), 0
        return None

    def _run_file(self, file: str, statements: Sequence[Statement], warnings: list[str], *,
                  transaction: bool) -> tuple[StatementFailure | None, int]:
        failure: StatementFailure | None = None
        count = 0
        if not transaction:
            failure, count = self._run(file, statements, warnings, skip_wrapper=False)
            return self._close_file_transaction(file, statements, failure), count
        try:
            with self.conn.transaction():
                failure, count = self._run(file, statements, warnings, skip_wrapper=True)
                if failure and not self.conn.broken:
                    raise psycopg.Rollback()
        except psycopg.OperationalError:
            if failure is None or not self.conn.broken:
                raise
            # The statement ended our session: there is nothing left to roll back, the failure says why.
        return failure, count

    def _close_file_transaction(self, file: str, statements: Sequence[Statement],
                                failure: StatementFailure | None) -> StatementFailure | None:
        """A no-transaction file runs its own BEGIN/COMMIT; one it leaves open is rolled back and reported."""
        if self.conn.broken or self.conn.info.transaction_status == TransactionStatus.IDLE:
            return failure
        self.conn.execute("ROLLBACK")
        if failure is not None:
            return failure
        opened = next((s for s in reversed(statements) if s.transaction_command in ("begin", "begin with modes")),
                      statements[-1])
        return rule_failure(file, opened, "the file ends inside the transaction this BEGIN opened, so nothing after "
                                          "it was committed; add COMMIT at the end of the file")

    def _run(self, file: str, statements: Sequence[Statement], warnings: list[str], *,
             skip_wrapper: bool) -> tuple[StatementFailure | None, int]:
        count = 0
        for index, statement in enumerate(statements):
            if skip_wrapper and statement.is_transaction_control() and self._is_wrapper(statements, index):
                continue  # the file's BEGIN/COMMIT around itself: it runs in our transaction already
            if statement.meta:  # only the harmless ones get here (check_statements refuses the rest)
                warnings.append(f"{Path(file).name}:{statement.line}: psql meta-command {statement.text.split()[0]} "
                                "skipped (pg_dump writes it for psql; it means nothing to the server)")
                continue
            plan = plan_statement(statement.text, self._facts)
            if plan.warning:
                warnings.append(f"{Path(file).name}:{statement.line}: {plan.warning}")
            if plan.text is None:
                ext = skipped_extension(statement.text)
                if ext:
                    self.skipped.setdefault(ext, f"{Path(file).name}:{statement.line}")
                continue
            try:
                self.running = (file, statement)
                self._execute(plan.text, statement)
            except psycopg.Error as exc:
                return self._failure(file, statement, exc), count
            except UnicodeEncodeError as exc:
                return rule_failure(file, statement, f"character {exc.object[exc.start]!r} cannot be stored in the "
                                    f"server encoding ({self.conn.info.encoding}); remove it or create the database "
                                    "with UTF8 encoding"), count
            count += 1
            if self.shared_server:
                warnings.extend(_shared_warnings(file, statement))
        return None, count

    @staticmethod
    def _is_wrapper(statements: Sequence[Statement], index: int) -> bool:
        """Only the first (BEGIN) and the last (COMMIT) statement can be the file's wrapper."""
        command = statements[index].transaction_command
        return index == 0 if command == "begin" else index == len(statements) - 1

    def _execute(self, text: str, statement: Statement) -> None:
        if statement.copy_data is None:
            self.conn.execute(text)  # type: ignore[arg-type]  # the file's own SQL
            return
        with self.conn.cursor() as cursor, cursor.copy(text) as copy:  # type: ignore[arg-type]
            # pg_dump's text format as written: the server parses tabs, \N and backslash escapes.
            copy.write(statement.copy_data)

    def _failure(self, file: str, statement: Statement, exc: psycopg.Error, *,
                 position: int | None = None) -> StatementFailure:
        if self.conn.broken or self.conn.closed:
            return rule_failure(
                file, statement,
                f"the connection to the server was lost while this statement ran ({_first_line(exc)}): the "
                "statement ended schemaguard's own session (e.g. pg_terminate_backend(pg_backend_pid())) or the "
                "server stopped, so the build cannot go on. A migration that ends other sessions must leave its "
                "own out: WHERE pid <> pg_backend_pid()")
        failure = _failure(file, statement, exc, self._hint, position=position)
        if failure.sqlstate == "57014" and "statement timeout" in failure.message:
            advice = (f"schemaguard runs each statement with statement_timeout = {self.statement_timeout}; raise "
                      "project.statement_timeout in the expectations file, --schemaguard-statement-timeout or "
                      "`schemaguard --statement-timeout` (0 = no limit), unless the file sets statement_timeout "
                      "itself")
            failure = replace(failure, hint="\n       ".join(h for h in (failure.hint, advice) if h))
        if failure.sqlstate in DISK_FULL:
            failure = replace(failure, hint="\n       ".join(h for h in (failure.hint, DISK_FULL_ADVICE) if h))
        return failure

    def _schema_exists(self, schema: str) -> bool:
        return self.conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None

    def _hint(self, sqlstate: str | None, message: str) -> str | None:
        return missing_object_hint(sqlstate, message, stubs=self.stubs, standins=self.standins, skipped=self.skipped,
                                   major=self.conn.info.server_version // 10000)


DISK_FULL = ("53100", "53200")  # disk_full, out_of_memory
DISK_FULL_ADVICE = (
    "the server ran out of room: a private server's files are in /dev/shm (memory) when it has 2 GiB "
    "free and TMPDIR is not set, else in the temporary directory; set SCHEMAGUARD_SERVER_DIR to a directory "
    "with more room (on a disk: SCHEMAGUARD_SERVER_DIR=/tmp) or use --schemaguard-dsn")


def _failure(file: str, statement: Statement, exc: psycopg.Error,
             hint: Callable[[str | None, str], str | None] | None = None, *,
             position: int | None = None) -> StatementFailure:
    """``position``: 1-based in the statement, when the server's is not (a whole file was sent)."""
    diag = exc.diag
    if position is None:
        position = int(diag.statement_position) if diag.statement_position else None
    message = diag.message_primary or str(exc).strip()
    error_line = statement.line_at(position) if position else None
    row = COPY_ROW.search(diag.context or "") if statement.copy_data is not None else None
    if row:
        error_line = statement.data_line + int(row[1]) - 1
    hints = [h for h in (diag.message_hint, hint(diag.sqlstate, message) if hint else None) if h]
    return StatementFailure(
        file=file,
        line=statement.line,
        statement=statement.text,
        message=message,
        sqlstate=diag.sqlstate,
        detail=diag.message_detail,
        hint="\n       ".join(hints) or None,
        context=diag.context,
        error_line=error_line,
    )


def _pieces(statements: Sequence[Statement]) -> list[list[Statement]]:
    """Runs of statements without COPY rows, and each ``COPY ... FROM stdin`` alone, in file order."""
    pieces: list[list[Statement]] = []
    for statement in statements:
        if statement.copy_data is not None or not pieces or pieces[-1][0].copy_data is not None:
            pieces.append([statement])
        else:
            pieces[-1].append(statement)
    return pieces


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _first_line_of(text: str, width: int = 80) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 3] + "..."


def _shared_warnings(file: str, statement: Statement) -> list[str]:
    """Roles and tablespaces are the server's, not the database's: on a shared server a change to
    them outlives the run (listed, not refused: Supabase histories create roles)."""
    tablespace = altered_tablespace(statement.text)
    if tablespace is not None:
        return [f"tablespace {tablespace} altered on the shared server (--schemaguard-dsn) by {file}:{statement.line}; "
                "the change outlives this run and holds for every database there"]
    change = role_change(statement.text)
    if change is None:
        return []
    verb, roles = change
    return [f"role {role} {verb} on the shared server (--schemaguard-dsn) by {file}:{statement.line}; "
            + ("it outlives this run" if verb == "created" else "other databases there lose it too")
            for role in roles]


class BuildObserver(Protocol):
    """Called around each migration on the build connection (e.g. to snapshot the catalog before
    and after it, for semantic lint); it must leave the connection idle and unchanged."""

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None: ...

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None: ...

    # Optional: ``build_finished()``, called once when the build ends, however it ends.


def build_database(
    conn: psycopg.Connection,
    *,
    root: Path,
    migrations: Sequence[Migration],
    seeds: Sequence[Path] = (),
    flavor: str = "supabase",
    observers: Sequence[BuildObserver] = (),
    stubs: bool = False,
    statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT,
    shared_server: bool = False,
    progress: BuildProgress | None = None,
) -> BuildResult:
    """Apply shim (supabase flavor; with stubs when ``stubs``), every migration in order, then the
    seeds; stop at the first failure. ``shared_server``: the cluster is not ours (--schemaguard-dsn),
    so statements that change it beyond this database are refused."""
    started = time.perf_counter()
    # Autocommit, so that each `transaction()` block below is a real BEGIN/COMMIT of its own and
    # no-transaction files run as the server sees them in production.
    conn.autocommit = True
    result = BuildResult(server_version_num=conn.info.server_version)
    builder = Builder(conn, root=root, flavor=flavor, stubs=stubs, statement_timeout=statement_timeout,
                      shared_server=shared_server)
    result.warnings.extend(builder.prepare())
    progress = progress or DEFAULT_PROGRESS.get()
    try:
        _apply_all(builder, result, migrations, seeds, observers, progress)
    except KeyboardInterrupt as exc:
        # Named here, where it is known; re-raised so every clean-up above still runs.
        where = builder.interrupted_at()
        if where is not None:
            exc.args = (where,)
            if progress is not None:
                progress.interrupted(where)
            if type(exc) is not KeyboardInterrupt:  # pytest prints the class: ours (batch.py) is internal
                raise KeyboardInterrupt(where) from None
        raise
    finally:
        if progress is not None:
            progress.finished()
        for observer in observers:
            done = getattr(observer, "build_finished", None)  # e.g. to close a connection of its own
            if callable(done):
                done()
    if not conn.broken:
        conn.execute("RESET ALL")
    result.seconds = time.perf_counter() - started
    return result


def _apply_all(builder: Builder, result: BuildResult, migrations: Sequence[Migration], seeds: Sequence[Path],
               observers: Sequence[BuildObserver], progress: BuildProgress | None) -> None:
    """Every migration then every seed, until one fails. Observers see the catalog between files,
    never inside one (lint locates its findings in the file's text), so a watched file may go in
    one round trip like any other."""
    conn = builder.conn
    total = len(migrations) + len(seeds)
    for index, migration in enumerate(migrations, start=1):
        if progress is not None:
            progress.applying(index, total, migration.name)
        for observer in observers:
            observer.before_migration(conn, migration)
        outcome = builder.apply(migration.name, migration.path, migration.statements,
                                transaction=not migration.no_transaction, text=migration.text)
        for observer in observers:
            observer.after_migration(conn, migration, outcome)
        if progress is not None:
            progress.applied(index, total, outcome)
        result.migrations.append(outcome)
        result.warnings.extend(outcome.warnings)
        if not outcome.ok:
            return
    for index, seed in enumerate(seeds, start=len(migrations) + 1):
        if progress is not None:
            progress.applying(index, total, seed.name)
        text = read_text(seed, encoding="utf-8-sig")
        outcome = builder.apply(seed.name, seed, split_statements(text), text=text)
        if progress is not None:
            progress.applied(index, total, outcome)
        result.seeds.append(outcome)
        result.warnings.extend(outcome.warnings)
        if not outcome.ok:
            return


def build_project(
    conn: psycopg.Connection,
    project: Project,
    *,
    migrations: Sequence[Migration] | None = None,
    seeds: Sequence[Path] = (),
    observers: Sequence[BuildObserver] = (),
    progress: BuildProgress | None = None,
) -> BuildResult:
    """``build_database`` with the project's own root, flavor and stubs: every build of a project
    (the session's, snapshot reloads, rollback walks, lint replays) sees the same shim."""
    return build_database(
        conn,
        root=project.root,
        migrations=project.migrations.migrations if migrations is None else migrations,
        seeds=seeds,
        flavor=project.flavor,
        observers=observers,
        stubs=project.settings.stubs,
        statement_timeout=project.statement_timeout,
        shared_server=project.shared_server,
        progress=progress,
    )


def project_builder(conn: psycopg.Connection, project: Project) -> Builder:
    """A Builder set up like ``build_project``'s, for callers that apply files one at a time."""
    return Builder(conn, root=project.root, flavor=project.flavor, stubs=project.settings.stubs,
                   statement_timeout=project.statement_timeout, shared_server=project.shared_server)

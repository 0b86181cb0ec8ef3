"""Apply the Supabase shim, the migrations and the seed to a throwaway database.

One connection in autocommit; one explicit transaction per migration file (as Supabase applies them) with ``RESET ALL``
between files so one file's ``SET`` cannot leak into the next; files marked
``-- schemaguard: no-transaction`` run statement by statement in autocommit. Statements run one
at a time so a failure names the exact statement and its line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg import sql

from .migrations import Migration, Statement, split_statements

SUPABASE_SEARCH_PATH = '"$user", public, extensions'
CREATE_EXTENSION = re.compile(
    r"^\s*create\s+extension\s+(?:if\s+not\s+exists\s+)?(?P<name>\"[^\"]+\"|[\w-]+)", re.IGNORECASE
)
SHIM_VERSION = "1"


@dataclass(frozen=True)
class StatementFailure:
    """Where and why a statement failed, with everything PostgreSQL said about it."""

    file: str
    line: int
    statement: str
    message: str
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    error_line: int | None = None  # file line of PostgreSQL's error position, when it gave one

    def render(self) -> str:
        shown = _shorten(self.statement)
        if self.error_line and self.error_line != self.line:
            lines = [f"{self.file}:{self.error_line}: statement starting at line {self.line} failed", ""]
        else:
            lines = [f"{self.file}:{self.line}: statement failed", ""]
        lines += [f"    {row}" for row in shown.splitlines()]
        lines += ["", f"ERROR:  {self.message}" + (f" (SQLSTATE {self.sqlstate})" if self.sqlstate else "")]
        for label, value in (("DETAIL", self.detail), ("HINT", self.hint), ("CONTEXT", self.context)):
            if value:
                lines.append(f"{label}:  {value}")
        return "\n".join(lines)


def _shorten(text: str, max_lines: int = 12, max_width: int = 160) -> str:
    rows = [r if len(r) <= max_width else r[: max_width - 3] + "..." for r in text.splitlines()]
    if len(rows) > max_lines:
        rows = [*rows[: max_lines - 2], f"... ({len(rows) - max_lines + 2} more lines)", rows[-1]]
    return "\n".join(rows)


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

    def __init__(self, conn: psycopg.Connection, *, root: Path, flavor: str) -> None:
        self.conn = conn
        self.root = root
        self.flavor = flavor
        self._available: set[str] | None = None

    def install_shim(self) -> None:
        """Make plain PostgreSQL look like a Supabase database (SPEC §7); idempotent."""
        shim = resources.files("pytest_schemaguard").joinpath("shim/supabase.sql").read_text()
        with self.conn.transaction():
            for statement in split_statements(shim):
                self.conn.execute(statement.text)
            dbname = self.conn.info.dbname
            # Later connections (fixtures, behaviour checks) must see extensions too. This is our
            # own throwaway database, so setting its default is ours to do.
            self.conn.execute(
                sql.SQL("ALTER DATABASE {} SET search_path = " + SUPABASE_SEARCH_PATH).format(
                    sql.Identifier(dbname)
                )
            )

    def available_extensions(self) -> set[str]:
        if self._available is None:
            rows = self.conn.execute("SELECT name FROM pg_available_extensions").fetchall()
            self._available = {r[0] for r in rows}
        return self._available

    def _reset_session(self) -> None:
        self.conn.execute("RESET ALL")
        if self.flavor == "supabase":
            self.conn.execute("SET search_path = " + SUPABASE_SEARCH_PATH)

    def apply(self, name: str, path: Path, statements: Sequence[Statement], *, transaction: bool = True) -> StepOutcome:
        started = time.perf_counter()
        warnings: list[str] = []
        failure: StatementFailure | None = None
        count = 0
        self._reset_session()
        if transaction:
            with self.conn.transaction():
                failure, count = self._run(name, path, statements, warnings)
                if failure:
                    raise psycopg.Rollback()
        else:
            failure, count = self._run(name, path, statements, warnings)
        return StepOutcome(name=name, path=path, failure=failure, warnings=tuple(warnings),
                           seconds=time.perf_counter() - started, statements=count)

    def _run(self, name: str, path: Path, statements: Sequence[Statement],
             warnings: list[str]) -> tuple[StatementFailure | None, int]:
        count = 0
        for statement in statements:
            if statement.is_transaction_control():
                continue
            skipped = self._unavailable_extension(statement)
            if skipped:
                warnings.append(
                    f"{name}:{statement.line}: extension {skipped} is not available on this server; "
                    "CREATE EXTENSION skipped"
                )
                continue
            try:
                self.conn.execute(statement.text)  # type: ignore[arg-type]  # the file's own SQL
            except psycopg.Error as exc:
                return _failure(self._relative(path), statement, exc), count
            count += 1
        return None, count

    def _unavailable_extension(self, statement: Statement) -> str | None:
        match = CREATE_EXTENSION.match(statement.text)
        if not match:
            return None
        ext = match["name"].strip('"')
        return None if ext in self.available_extensions() else ext

    def _relative(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def _failure(file: str, statement: Statement, exc: psycopg.Error) -> StatementFailure:
    diag = exc.diag
    position = int(diag.statement_position) if diag.statement_position else None
    return StatementFailure(
        file=file,
        line=statement.line,
        statement=statement.text,
        message=diag.message_primary or str(exc).strip(),
        sqlstate=diag.sqlstate,
        detail=diag.message_detail,
        hint=diag.message_hint,
        context=diag.context,
        error_line=statement.line_at(position) if position else None,
    )


class BuildObserver(Protocol):
    """Called around each migration on the build connection (e.g. to snapshot the catalog before
    and after it, for semantic lint); it must leave the connection idle and unchanged."""

    def before_migration(self, conn: psycopg.Connection, migration: Migration) -> None: ...

    def after_migration(self, conn: psycopg.Connection, migration: Migration, outcome: StepOutcome) -> None: ...


def build_database(
    conn: psycopg.Connection,
    *,
    root: Path,
    migrations: Sequence[Migration],
    seeds: Sequence[Path] = (),
    flavor: str = "supabase",
    observers: Sequence[BuildObserver] = (),
) -> BuildResult:
    """Apply shim (supabase flavor), every migration in order, then the seeds; stop at the first failure."""
    started = time.perf_counter()
    # Autocommit, so that each `transaction()` block below is a real BEGIN/COMMIT of its own and
    # no-transaction files run as the server sees them in production.
    conn.autocommit = True
    result = BuildResult(server_version_num=conn.info.server_version)
    builder = Builder(conn, root=root, flavor=flavor)
    if flavor == "supabase":
        builder.install_shim()
    for migration in migrations:
        for observer in observers:
            observer.before_migration(conn, migration)
        outcome = builder.apply(migration.name, migration.path, migration.statements,
                                transaction=not migration.no_transaction)
        for observer in observers:
            observer.after_migration(conn, migration, outcome)
        result.migrations.append(outcome)
        result.warnings.extend(outcome.warnings)
        if not outcome.ok:
            break
    if result.ok:
        for seed in seeds:
            outcome = builder.apply(seed.name, seed, split_statements(seed.read_text(encoding="utf-8-sig")))
            result.seeds.append(outcome)
            result.warnings.extend(outcome.warnings)
            if not outcome.ok:
                break
    conn.execute("RESET ALL")
    result.seconds = time.perf_counter() - started
    return result

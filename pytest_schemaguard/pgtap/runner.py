"""Run one pgTAP test file against the built database, the way ``supabase test db`` runs it.

The Supabase CLI enables pgTAP (``create extension if not exists pgtap with schema extensions``)
and runs ``pg_prove --ext .pg --ext .sql -r supabase/tests``; pg_prove feeds each file to its own
psql session with ``ON_ERROR_STOP``, so the file's own ``begin; ... rollback;`` applies.

Here each file gets a fresh connection (so its ``SET``, ``PREPARE`` and temporary tables end with
it) to the session's built database, and everything runs inside one transaction of ours that is
always rolled back: the extension, the file's data and even a ``commit;`` in the file leave nothing
behind for the next file or the other items, on a private or a shared server alike. A clone of the
database (``CREATE DATABASE ... TEMPLATE``) would need every other session off the built database,
which the run keeps open, and costs a copy per file; the rolled-back transaction gives the same
isolation. The file's own transaction control maps onto a savepoint, so it keeps its meaning:
``begin`` opens it, ``rollback`` undoes the file's work since then, ``commit`` keeps it (until our
final rollback). The first error stops the file, as ``ON_ERROR_STOP`` does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from ..database.build import SUPABASE_SEARCH_PATH, _failure
from ..database.build_checks import rule_failure
from ..errors import SchemaguardError
from ..failures import StatementFailure
from ..project import read_text, relative_path
from ..script import Statement, split_statements
from .tap import TapLine, TapRun, parse_tap

if TYPE_CHECKING:
    from ..database.server import ConnectionInfo
    from ..project import Project

TESTS_DIRECTORY = "supabase/tests"
SUFFIXES = (".sql", ".pg")  # what the Supabase CLI passes to pg_prove (--ext .pg --ext .sql)
SAVEPOINT = "schemaguard_pgtap_file"
OPEN, KEEP, UNDO = f"SAVEPOINT {SAVEPOINT}", f"RELEASE SAVEPOINT {SAVEPOINT}", f"ROLLBACK TO SAVEPOINT {SAVEPOINT}"
CREATES_PGTAP = re.compile(r"create\s+extension\s+(?:if\s+not\s+exists\s+)?\"?pgtap\b", re.IGNORECASE)
# psql settings pgTAP's own documentation puts at the top of a test file; they only change how psql
# prints or stops, which the runner decides itself, so they are skipped.
DISPLAY_META = re.compile(
    r"\\(?:pset|a|t|x|timing|echo|qecho|encoding|restrict|unrestrict)\b.*"
    r"|\\(?:set|unset)\s+(?:ECHO|ECHO_HIDDEN|QUIET|ON_ERROR_STOP|ON_ERROR_ROLLBACK|VERBOSITY|SHOW_CONTEXT"
    r"|AUTOCOMMIT)\b.*",
    re.DOTALL,
)
TWO_PHASE = ("prepare transaction", "commit prepared", "rollback prepared")


@dataclass(frozen=True)
class PgtapServer:
    """What the runner needs to know about the server: whether pgTAP can be installed there."""

    available: bool
    major: int


@dataclass(frozen=True)
class FileRun:
    """What one test file did: its TAP, and the statement that stopped it (if one did)."""

    file: str  # as reports show it, relative to the project root
    tap: TapRun
    failure: StatementFailure | None = None


def tests_directory(project: Project) -> Path:
    return project.root / TESTS_DIRECTORY


def discover_test_files(project: Project) -> list[Path]:
    """Every ``.sql`` and ``.pg`` file under supabase/tests, recursively, in path order (as pg_prove -r)."""
    directory = tests_directory(project)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def pgtap_server(conn: psycopg.Connection) -> PgtapServer:
    query = resources.files("pytest_schemaguard.pgtap").joinpath("queries/pgtap_available.sql").read_text("utf-8")
    row = conn.execute(query).fetchone()  # type: ignore[arg-type]  # our own query text
    assert row is not None
    return PgtapServer(available=bool(row[0]), major=int(row[1]))


def unavailable_reason(server: PgtapServer) -> str | None:
    """Why the files cannot run on this server (the install hint), or None when pgTAP is there."""
    if server.available:
        return None
    return (f"pgTAP is not installed on the server (PostgreSQL {server.major}): install it with "
            f"`apt-get install postgresql-{server.major}-pgtap` (Debian/Ubuntu) or `brew install pgtap` (macOS), "
            "or build it from https://pgtap.org, then run again")


def refused(file: str, statements: Sequence[Statement]) -> StatementFailure | None:
    """What the runner will not send, found before anything runs (file:line and why)."""
    for statement in statements:
        if statement.meta and not DISPLAY_META.fullmatch(statement.text):
            name = statement.text.split()[0]
            return rule_failure(file, statement, (
                f"{name} is a psql meta-command: schemaguard sends the test file's SQL to the server without psql, "
                "so only psql's display settings (\\set ECHO, \\set QUIET, \\pset, ...) are accepted and skipped; "
                "write the SQL itself into the file (for \\i, the included file's statements)"))
        if statement.problem and not statement.meta:
            return rule_failure(file, statement, statement.problem)
        if statement.transaction_command in TWO_PHASE:
            return rule_failure(file, statement, (
                f"{statement.transaction_command.upper()} (two-phase commit) cannot run in a test file: schemaguard "
                "runs the file in a transaction it rolls back, and two-phase commit would end that transaction"))
    return None


def run_test_file(info: ConnectionInfo, path: Path, project: Project) -> FileRun:
    file = relative_path(path, project.root)
    statements = split_statements(read_text(path))
    failure = refused(file, statements)
    if failure is not None:
        return FileRun(file, parse_tap(()), failure)
    try:
        conn = psycopg.connect(info.conninfo(), autocommit=True)  # the file's own session, as psql's
    except psycopg.OperationalError as exc:
        reason = (str(exc).strip().splitlines() or ["connection failed"])[0]
        raise SchemaguardError(f"{file}: could not connect to the built database {info.display()}: {reason}") from None
    with conn:
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (project.statement_timeout,))
        if project.flavor == "supabase":
            conn.execute("SET search_path = " + SUPABASE_SEARCH_PATH)
        with conn.transaction(force_rollback=True):
            lines: list[TapLine] = []
            failure = _enable_pgtap(conn, file, statements, project.flavor) or _run(conn, file, statements, lines)
    return FileRun(file, parse_tap(lines), failure)


def _enable_pgtap(conn: psycopg.Connection, file: str, statements: Sequence[Statement],
                  flavor: str) -> StatementFailure | None:
    """As the Supabase CLI does before pg_prove: into ``extensions`` for a Supabase project. A file
    that creates the extension itself is left to do so (in the schema it names)."""
    if any(CREATES_PGTAP.match(s.text) for s in statements if not s.meta):
        return None
    where = " WITH SCHEMA extensions" if flavor == "supabase" else ""
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap" + where)  # type: ignore[arg-type]  # fixed text
    except psycopg.Error as exc:
        first = statements[0] if statements else Statement(text="", line=1, offset=0)
        return rule_failure(file, first, f"could not enable pgTAP before the file ran: "
                                         f"{exc.diag.message_primary or str(exc).strip()}")
    return None


def _run(conn: psycopg.Connection, file: str, statements: Sequence[Statement],
         lines: list[TapLine]) -> StatementFailure | None:
    """Each statement in turn, its rows collected as TAP lines; the first error stops the file."""
    in_file_transaction = False
    for statement in statements:
        if statement.meta:
            continue  # a display setting (refused() let only those through)
        command = statement.transaction_command
        texts, in_file_transaction = _transaction_mapping(command, in_file_transaction)
        try:
            if texts is not None:
                for text in texts:
                    conn.execute(text)  # type: ignore[arg-type]  # fixed text
                continue
            cursor = _execute(conn, statement)
            if cursor.description is not None:
                for row in cursor.fetchall():
                    text = "|".join("" if value is None else str(value) for value in row)  # psql's unaligned rows
                    lines.extend(TapLine(part, statement.line) for part in text.split("\n"))
        except psycopg.Error as exc:
            return _failure(file, statement, exc)
    return None


def _transaction_mapping(command: str | None, open_: bool) -> tuple[list[str] | None, bool]:
    """What runs instead of the file's transaction control (None: the statement itself), and whether
    the file's transaction is open afterwards. psql ignores a BEGIN inside a transaction and a
    COMMIT/ROLLBACK outside one (with a warning); so do we."""
    if command in ("begin", "begin with modes"):
        return ([] if open_ else [OPEN]), True
    if command == "commit":
        return ([KEEP] if open_ else []), False
    if command == "rollback":
        return ([UNDO, KEEP] if open_ else []), False
    if command == "commit and chain":
        return ([KEEP, OPEN] if open_ else [OPEN]), True
    if command == "rollback and chain":
        return ([UNDO] if open_ else [OPEN]), True
    return None, open_


def _execute(conn: psycopg.Connection, statement: Statement) -> psycopg.Cursor:
    if statement.copy_data is None:
        return conn.execute(statement.text)  # type: ignore[arg-type]  # the file's own SQL
    cursor = conn.cursor()
    with cursor.copy(statement.text) as copy:  # type: ignore[arg-type]
        copy.write(statement.copy_data)
    return cursor


def render_run(run: FileRun) -> str | None:
    """The item's failure text (None: it passed): the statement that stopped the file, each failing
    test with its description and pgTAP's diagnostics at the file line that ran it, the plan."""
    tap = run.tap
    sections: list[str] = []
    if run.failure is not None:
        sections.append(run.failure.render() + f"\n\nThe file stopped there (as pg_prove stops at the first error), "
                        f"after {len(tap.tests)} test(s).")
    failures = tap.failures
    if failures:
        rows = [f"{run.file}: {len(failures)} of {len(tap.tests)} test(s) failed"]
        for test in failures:
            number = f"{test.number} - " if test.description else str(test.number)
            rows.append(f"{run.file}:{test.line}: not ok {number}{test.description}")
            rows += [f"    {d}" for d in test.diagnostics]
        sections.append("\n".join(rows))
    if tap.bail_out is not None:
        sections.append(f"{run.file}:{tap.bail_out_line}: Bail out! {tap.bail_out}")
    problem = tap.plan_problem() if run.failure is None else None  # an error explains a short run itself
    if problem:
        sections.append(f"{run.file}:{tap.plan_line or 1}: {problem}")
    return "\n\n".join(sections) or None

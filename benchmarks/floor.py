"""The floor: what any tool that builds this project's database must pay (issue 11).

initdb + server start (our own ``PrivateServer``, same options as a run), then exactly the SQL our
build runs over one psycopg connection: the Supabase shim and ``ALTER DATABASE ... SET
search_path`` in one transaction, each migration file in a transaction of its own after ``RESET
ALL`` / ``SET search_path`` (as the build does between files), the seeds likewise; then the server
stops and its directory is removed.

Each file's text goes to the server in one ``execute`` (one round trip, the simple-query
protocol). Two kinds of file cannot: a file with ``COPY ... FROM stdin`` blocks (the rows are not
SQL; they go through ``cursor.copy()``) and a ``-- schemaguard: no-transaction`` file (each
statement must commit on its own, as our builder runs it); those are sent statement by statement
as our splitter cuts them. The synthetic projects need no bridges (every extension they use
exists), so each file's text is exactly what the build sends. The database is the cluster's own
``postgres`` one: creating another is not something every tool must do.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from pytest_schemaguard.database.build import SUPABASE_SEARCH_PATH, shim_sql
from pytest_schemaguard.database.server import PrivateServer, find_bindir
from pytest_schemaguard.expectations import load_expectations
from pytest_schemaguard.migrations import NO_TRANSACTION, split_statements
from pytest_schemaguard.project import Project, load_project

# psql's rule: a COPY ... FROM stdin statement is followed by data rows up to a line "\.".
COPY_FROM_STDIN = re.compile(r"^copy\s[^;]*\bfrom\s+stdin\b[^;]*;[ \t]*\r?\n", re.IGNORECASE | re.MULTILINE)
END_OF_DATA = re.compile(r"^\\\.[ \t]*\r?$\n?", re.MULTILINE)


@dataclass(frozen=True)
class FloorFile:
    """One file as the floor sends it."""

    text: str
    transaction: bool  # False: a no-transaction file, statement by statement in autocommit
    has_copy: bool

    @property
    def one_batch(self) -> bool:
        return self.transaction and not self.has_copy


def project_files(project: Project) -> list[FloorFile]:
    """The migrations then the seeds, in the order the build applies them."""
    files = [FloorFile(m.text, transaction=not NO_TRANSACTION.search(m.text),
                       has_copy=bool(COPY_FROM_STDIN.search(m.text))) for m in project.migrations.migrations]
    for seed in project.seeds:
        text = seed.read_text(encoding="utf-8-sig")
        files.append(FloorFile(text, transaction=True, has_copy=bool(COPY_FROM_STDIN.search(text))))
    return files


def read_project(expectations_file: Path) -> Project:
    return load_project(expectations_file, load_expectations(expectations_file).project)


def _pieces(text: str) -> Iterator[tuple[str, str | None]]:
    """(statement, COPY rows or None) in file order: SQL between COPY blocks cut by our splitter."""
    position = 0
    while True:
        match = COPY_FROM_STDIN.search(text, position)
        if match is None:
            break
        for statement in split_statements(text[position:match.start()]):
            yield statement.text, None
        end = END_OF_DATA.search(text, match.end())
        stop = end.start() if end else len(text)
        yield match.group(0).strip().rstrip(";"), text[match.end():stop]
        position = end.end() if end else len(text)
    for statement in split_statements(text[position:]):
        yield statement.text, None


def _send_by_statement(conn: psycopg.Connection, text: str) -> None:
    for statement, rows in _pieces(text):
        if rows is None:
            conn.execute(statement)  # type: ignore[arg-type]  # the file's own SQL
            continue
        with conn.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[arg-type]
            copy.write(rows)


def apply_files(conn: psycopg.Connection, files: list[FloorFile]) -> None:
    """The shim, then every file, as the build applies them (see the module docstring)."""
    with conn.transaction():
        conn.execute(shim_sql())  # type: ignore[arg-type]  # our own SQL file
        conn.execute(sql.SQL("ALTER DATABASE {} SET search_path = " + SUPABASE_SEARCH_PATH).format(
            sql.Identifier(conn.info.dbname)))
    for file in files:
        conn.execute("RESET ALL; SET search_path = " + SUPABASE_SEARCH_PATH)  # type: ignore[arg-type]
        if file.one_batch:
            with conn.transaction():
                conn.execute(file.text)  # type: ignore[arg-type]
        elif file.transaction:
            with conn.transaction():
                _send_by_statement(conn, file.text)
        else:
            _send_by_statement(conn, file.text)


def run_floor(files: list[FloorFile]) -> float:
    """Seconds for initdb + start + the project's SQL + stop."""
    bindir = find_bindir(os.environ.get("SCHEMAGUARD_PG_BIN"))
    started = time.perf_counter()
    server = PrivateServer(bindir).start()
    try:
        with psycopg.connect(server.admin_info().conninfo(), autocommit=True) as conn:
            apply_files(conn, files)
    finally:
        server.stop()
    return time.perf_counter() - started


def describe(files: list[FloorFile]) -> str:
    """How the floor sent the files: one batch each, except the ones that could not be."""
    copy = sum(f.has_copy for f in files)
    no_tx = sum(not f.transaction for f in files)
    notes = ([f"{copy} with COPY"] if copy else []) + ([f"{no_tx} no-transaction"] if no_tx else [])
    if not notes:
        return "one batch per file"
    return "one batch per file except " + " and ".join(notes) + " (statement by statement)"

"""What a file may not do, found before any of it runs: the build refuses it with file:line and the fix.

A transaction file runs inside schemaguard's own transaction (as Supabase applies a migration), so
the transaction control in it is judged here: a BEGIN as the first statement and a COMMIT/END as
the last are the file's habitual wrapper and are skipped; SAVEPOINT, RELEASE and ROLLBACK TO nest
inside our transaction and run as written; anything else (COMMIT or BEGIN mid-file, ROLLBACK,
ABORT, ... AND CHAIN, two-phase commit) would end or undo our transaction, so it is refused with
the two ways out: split the file, or mark it ``-- schemaguard: no-transaction`` so its statements
run as written (the file then owns its transactions). Also refused: text PostgreSQL would cut
short (NUL), psql meta-commands, COPY from a server-side file, and, on a shared server, statements
that change the cluster beyond the throwaway database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..failures import StatementFailure
from ..script import COPY_FROM_STDIN, Statement
from .bridges import cluster_wide

NO_TRANSACTION_FIX = ("mark the file `-- schemaguard: no-transaction` (a line of its own) to run its statements "
                      "as written")
COPY_FROM_SERVER_FILE = re.compile(r"^copy\s+(?!\()[^']*?\bfrom\s+(?:e?'|program\b)", re.IGNORECASE | re.DOTALL)
NESTED = ("savepoint", "release savepoint", "rollback to savepoint")  # inside our transaction: harmless


def rule_failure(file: str, statement: Statement, message: str, *, line: int | None = None) -> StatementFailure:
    """A statement schemaguard refuses (or a failure PostgreSQL could not explain), at its file line."""
    return StatementFailure(file=file, line=statement.line, statement=statement.text, message=message,
                            error_line=line, from_server=False)


def check_statements(file: str, statements: Sequence[Statement], *, transaction: bool, shared_server: bool,
                     dbname: str) -> StatementFailure | None:
    """The first statement of the file the build must not run, as a failure; None when all may run."""
    last = len(statements) - 1
    for index, statement in enumerate(statements):
        message = (statement.problem or _nul(file, statement) or _copy_source(statement)
                   or (_transaction_control(statement, index, last) if transaction else None)
                   or (_cluster_wide(statement, dbname) if shared_server else None))
        if isinstance(message, StatementFailure):
            return message
        if message:
            return rule_failure(file, statement, message)
    return None


def _nul(file: str, statement: Statement) -> StatementFailure | None:
    for part, first_line, where in ((statement.text, statement.line, "statement"),
                                    (statement.copy_data or "", statement.data_line, "COPY data")):
        at = part.find("\0")
        if at >= 0:
            return rule_failure(
                file, statement,
                f"NUL byte (\\x00) in the {where}: PostgreSQL cannot take NUL in text, and everything after it "
                "would be cut off without an error; remove it (usually a copy-paste or encoding accident)",
                line=first_line + part.count("\n", 0, at))
    return None


def _copy_source(statement: Statement) -> str | None:
    if COPY_FROM_SERVER_FILE.match(statement.text):
        return ("COPY ... FROM a file or program reads the database server's own disk, which the throwaway server "
                "(and Supabase's hosted database) does not have; put the rows in the file as COPY ... FROM stdin; "
                "followed by the rows and a line holding only `\\.` (pg_dump's format), or as INSERT statements")
    if statement.copy_data is None and COPY_FROM_STDIN.match(statement.text):
        return ("COPY ... FROM stdin must end with `;` on its line, followed by its rows and a line holding "
                "only `\\.`")
    return None


def _transaction_control(statement: Statement, index: int, last: int) -> str | None:
    command = statement.transaction_command
    if command is None or command in NESTED or (command == "begin" and index == 0) \
            or (command == "commit" and index == last):
        return None
    written = " ".join(statement.text.split()[:1]).upper()
    if command == "begin":
        return (f"{written} after the file's first statement: schemaguard runs the whole file in one transaction "
                f"(as Supabase applies a migration), and a BEGIN is only accepted as its first statement; remove "
                f"it, split the file at this line into two migrations, or {NO_TRANSACTION_FIX}")
    if command == "begin with modes":
        return (f"{written} with transaction modes: the file runs in schemaguard's own transaction, so the modes "
                "would not apply; write them as SET TRANSACTION ... for the first statement instead, or "
                f"{NO_TRANSACTION_FIX}")
    if command in ("commit", "commit and chain"):
        return (f"{command.upper().replace('COMMIT', written, 1)} before the end of the file: schemaguard runs "
                "the whole file in one transaction, so the statements before it would not be committed on their "
                f"own as in production; split the file at this line into two migrations, or {NO_TRANSACTION_FIX}")
    if command in ("rollback", "rollback and chain"):
        return (f"{written} in a migration would undo every statement of the file before it without an error; "
                f"remove it, or {NO_TRANSACTION_FIX} if undoing is really meant")
    return (f"{command.upper()} (two-phase commit) cannot be part of a migration: it would end the transaction the "
            "file runs in; remove it")


def _cluster_wide(statement: Statement, dbname: str) -> str | None:
    what = cluster_wide(statement.text, dbname)
    if what is None:
        return None
    return (f"{what} changes the whole server, not only the throwaway database, and this build runs on a shared "
            "server (--schemaguard-dsn), so schemaguard refuses it there; run without --schemaguard-dsn (the "
            "private server schemaguard starts is the place for it)")

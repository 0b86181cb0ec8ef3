"""Send a whole file as one simple-query message and read its results as the server sends them.

One round trip per file instead of one per statement. psycopg's ``execute`` would do the sending
too (a query without parameters goes out as a simple query, several statements allowed), but it
keeps the per-statement results to itself until the last one; reading them here tells how many
statements had finished when an error or a Ctrl-C came, which is what names the statement then.
Only the documented libpq layer (``psycopg.pq``) is used, and the connection is left idle in its
transaction (or in the failed transaction) so psycopg's own transaction block ends it as usual.
"""

from __future__ import annotations

import select
from dataclasses import dataclass

import psycopg
from psycopg import errors
from psycopg.pq import ConnStatus, ExecStatus

CANCEL_WAIT = 5.0  # seconds a cancelled batch may take to stop before the connection is given up


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C while a batch ran: ``done`` statements had finished, the next one was running."""

    def __init__(self, done: int) -> None:
        super().__init__()
        self.done = done


@dataclass(frozen=True)
class BatchOutcome:
    done: int  # statements that finished before ``error`` (all of them when there is none)
    error: psycopg.Error | None = None


def run_batch(conn: psycopg.Connection, text: str) -> BatchOutcome:
    """Run ``text`` (statements without COPY data) in the connection's current transaction."""
    pgconn = conn.pgconn
    encoding = conn.info.encoding
    data = text.encode(encoding)  # UnicodeEncodeError before anything is sent
    pgconn.send_query(data)
    done = 0
    error: psycopg.Error | None = None
    try:
        _flush(pgconn)
        while (result := _next_result(pgconn, None)) is not None:
            if result.status == ExecStatus.FATAL_ERROR:
                error = error or errors.error_from_result(result, encoding=encoding)
            elif error is None:
                done += 1
    except psycopg.OperationalError as exc:  # the server went away (a statement may have ended our session)
        error = error or exc
    except KeyboardInterrupt:
        raise BatchInterrupted(done + _cancel(conn)) from None
    if error is None and pgconn.status == ConnStatus.BAD:
        error = psycopg.OperationalError(pgconn.get_error_message(encoding) or "connection lost")
    return BatchOutcome(done, error)


def _flush(pgconn: psycopg.pq.abc.PGconn) -> None:
    while pgconn.flush():
        select.select([], [pgconn.socket], [])


def _next_result(pgconn: psycopg.pq.abc.PGconn, timeout: float | None) -> psycopg.pq.abc.PGresult | None:
    """The next result, waiting on the socket (where Ctrl-C can reach us); None at the end."""
    while pgconn.is_busy():
        if pgconn.status == ConnStatus.BAD:
            break
        if not select.select([pgconn.socket], [], [], timeout)[0] and timeout is not None:
            raise TimeoutError
        pgconn.consume_input()
    return pgconn.get_result()


def _cancel(conn: psycopg.Connection) -> int:
    """Ask the server to stop the batch and read what is left, so the connection can roll back; the
    statements that finished meanwhile. The server sends its results when the whole message is done
    (or its buffer is full), so those still to read tell which statement the cancel stopped. A
    server that does not stop in time (or a second Ctrl-C) costs the connection instead."""
    finished, failed = 0, False
    try:
        conn.cancel_safe(timeout=CANCEL_WAIT)
        while (result := _next_result(conn.pgconn, CANCEL_WAIT)) is not None:
            failed = failed or result.status == ExecStatus.FATAL_ERROR
            finished += 0 if failed else 1
    except BaseException:  # a second Ctrl-C included: the first one is being handled
        conn.pgconn.finish()
    return finished

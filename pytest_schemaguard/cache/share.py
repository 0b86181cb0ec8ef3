"""pytest-xdist: one build and one server per run, whatever the number of workers.

Each xdist worker is a pytest session of its own. Before this, each one either built the whole
history again (``--schemaguard-no-cache``), or waited for the first to store its build in the
cache and then copied the stored cluster (thousands of files for a big schema) and started a
server of its own: ``-n 2`` was slower than ``-n 0``. Now the controller makes a directory for
the run (``workerinput``) and the first worker that needs the database builds it (from the cache
or not, as usual) and *publishes* its server there; every later worker *attaches*: it connects to
a database of its own on the same server and builds nothing. Each worker gets its own database
(``CREATE DATABASE schemaguard_gw1 TEMPLATE schemaguard``, made by the publisher right after the
build, ~50 ms for a 50-table schema) rather than sharing the built one: items roll back what
they write, but while their transactions are open two workers writing the same keys wait on each
other's row locks, and in opposite orders they deadlock, a failure a run without xdist never has.

Lifetimes, with ``flock`` (released by the kernel when a process dies, so a killed worker never
blocks the others):

- ``build.lock`` (exclusive) is held by a worker from the moment it needs the database until it
  has either published its build or attached to one, so exactly one worker builds;
- ``attached.lock`` is held *shared* by every attached worker until its session closes; the
  publisher, before stopping its server, withdraws the record (under ``build.lock``, so nobody is
  half-way through attaching) and then takes ``attached.lock`` exclusively, i.e. waits until every
  attached worker is done with its server.

Nothing outlives the run: the controller removes the directory at its end, and the directory
carries the controller as owner, like a private server's, so if the controller is killed the next
run's sweep removes it. Under ``--schemaguard-no-cache`` nothing is stored anywhere else either.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..database.location import server_base
from ..database.owner import current_owner, write_marker
from ..database.sweep import SERVER_DIR_PREFIX

RECORD = "published.json"
BUILD_LOCK = "build.lock"
ATTACHED_LOCK = "attached.lock"


def make_run_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix=SERVER_DIR_PREFIX + "xdist-", dir=server_base()))
    write_marker(path, current_owner())
    return path


def remove_run_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def build_lock(run_dir: Path) -> Iterator[None]:
    """Held while a worker decides between building and attaching (see the module docstring)."""
    with open(run_dir / BUILD_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Published:
    """What an attaching worker needs: where the database is, and what building it reported."""

    key: str
    host: str
    port: int
    user: str
    databases: dict[str, str]  # xdist worker id -> the copy of the built database that worker uses
    worker: str  # the publishing worker's xdist id, for the summary
    meta: dict[str, Any]  # the build's outcome and lint's findings, as a cache entry stores them


def publish(run_dir: Path, record: Published) -> IO[str]:
    """Written whole (a reader sees the old state or the new one), only under ``build_lock``.

    Returns the publisher's hold (an exclusive ``flock`` on a file the record names): the record is
    live only while it is held. A SIGKILLed publisher leaves its server running (a later run's
    sweep stops it), and until xdist reaps it its pid still looks alive; its flock, though, is
    released by the kernel at once, so the next worker builds instead of using an orphan server."""
    name = f"serving.{os.getpid()}.lock"
    hold = open(run_dir / name, "a")  # noqa: SIM115  # kept open: the hold is the open file
    try:
        fcntl.flock(hold, fcntl.LOCK_EX)
        data = {"key": record.key, "host": record.host, "port": record.port, "user": record.user,
                "databases": record.databases, "worker": record.worker, "meta": record.meta, "serving": name}
        partial = run_dir / f".{RECORD}.{os.getpid()}"
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(run_dir / RECORD)
    except BaseException:
        hold.close()
        raise
    return hold


def _serving(run_dir: Path, name: str) -> bool:
    """Whether the publisher that wrote the record still holds its ``serving`` lock."""
    if not name or Path(name).name != name:
        return False
    try:
        handle = open(run_dir / name)  # noqa: SIM115  # closed below
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def published(run_dir: Path, key: str) -> Published | None:
    """The record of a build with these inputs, if a live worker serves one (under ``build_lock``)."""
    try:
        data = json.loads((run_dir / RECORD).read_text(encoding="utf-8"))
        record = Published(key=str(data["key"]), host=str(data["host"]), port=int(data["port"]),
                           user=str(data["user"]), worker=str(data["worker"]),
                           databases={str(k): str(v) for k, v in dict(data["databases"]).items()},
                           meta=dict(data["meta"]))
        serving = str(data["serving"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _serving(run_dir, serving):
        return None  # its publisher was killed: build here (that server start sweeps the orphan)
    return record if record.key == key else None


def withdraw(run_dir: Path) -> None:
    """No worker attaches from now on (called with ``build_lock`` held)."""
    (run_dir / RECORD).unlink(missing_ok=True)


def hold_attached(run_dir: Path) -> IO[str]:
    """The shared hold an attached worker keeps until its session closes (close the handle)."""
    handle = open(run_dir / ATTACHED_LOCK, "a")  # noqa: SIM115  # kept open: the hold is the open file
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
    except BaseException:
        handle.close()
        raise
    return handle


def wait_until_detached(run_dir: Path, *, poll: float = 0.05, limit: float | None = None) -> bool:
    """Withdraw the record, then wait until no attached worker uses the publisher's server (at
    most ``limit`` seconds: False when it ran out). An interrupted run passes a limit: its
    workers are all ending, and execnet kills a worker that takes longer than a few seconds,
    which would leave the server running.

    Polled rather than blocking in ``flock``: a signal handler then runs between tries."""
    deadline = None if limit is None else time.monotonic() + limit
    with build_lock(run_dir):
        withdraw(run_dir)
    with open(run_dir / ATTACHED_LOCK, "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                time.sleep(poll)
                continue
            fcntl.flock(handle, fcntl.LOCK_UN)
            return True

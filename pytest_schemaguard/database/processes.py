"""Find and stop the PostgreSQL processes of a data directory, with no help from the run that started it.

The postmaster's command line names its data directory (pg_ctl starts ``postgres -D DIR``), which
is how a server is found after its owner was killed, or after an interrupt hit pg_ctl before it had
written postmaster.pid.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

# What runs with a server directory on its command line: the launcher, initdb (and the postgres
# it runs in bootstrap mode), and the postmaster.
SERVER_PROGRAMS = frozenset({"postgres", "postmaster", "pg_ctl", "initdb"})


def processes_using(datadir: Path) -> list[int]:
    """Pids of PostgreSQL programs whose command line names ``datadir`` (Linux /proc; [] elsewhere)."""
    wanted = str(datadir).encode()
    pids: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if entry.name.isdigit() and _names(entry, wanted):
            pids.append(int(entry.name))
    return pids


def _names(entry: Path, wanted: bytes) -> bool:
    """Whether the process of /proc ``entry`` is a PostgreSQL program run on directory ``wanted``."""
    try:
        argv = (entry / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if not argv or Path(argv[0].decode(errors="replace")).name not in SERVER_PROGRAMS:
        return False  # e.g. `schemaguard cleanup DIR` itself, or a shell in that directory
    return any(arg == wanted or arg.startswith(wanted + b"/") for arg in argv)


def _pid_file(datadir: Path) -> list[str]:
    """postmaster.pid's lines (1: the postmaster's pid, 8: its status), [] when there is none."""
    try:
        return (datadir / "postmaster.pid").read_text().splitlines()
    except OSError:
        return []


def _postmaster_pid(datadir: Path) -> int | None:
    lines = _pid_file(datadir)
    first = lines[0].strip() if lines else ""
    return int(first) if first.isdigit() else None


def postmaster_ready(datadir: Path) -> bool:
    """Whether the server of ``datadir`` accepts sessions (what ``pg_ctl start -w`` waits for)."""
    lines = _pid_file(datadir)
    return len(lines) > 7 and lines[7].strip() == "ready"


def shut_down(datadir: Path, *, timeout: float) -> bool:
    """A fast shutdown of the server in ``datadir`` (SIGINT: a checkpoint, then exit), waited for
    every 5 ms until postmaster.pid is gone (the postmaster removes it last, once every backend has
    exited); ``pg_ctl stop`` looks every 100 ms. False when not done (no postmaster of this
    directory found, another account's, no /proc, too slow): the caller uses pg_ctl then."""
    pid = _postmaster_pid(datadir)
    # The postmaster of this directory, not a process that got its pid after a crash.
    if pid is None or not _names(Path(f"/proc/{pid}"), str(datadir).encode()):
        return False
    try:
        os.kill(pid, signal.SIGINT)
    except (ProcessLookupError, PermissionError):
        return False
    pid_file = datadir / "postmaster.pid"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_file.exists():
            return True
        time.sleep(0.005)
    return False


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (another user's counts; a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stop_server_processes(datadir: Path, *, timeout: float = 15.0) -> list[int]:
    """Stop every process of the server in ``datadir``: immediate shutdown, then SIGKILL.

    Used when pg_ctl cannot be (the owner is gone, or the server is half-started). Returns the
    pids that were signalled.
    """
    pids = set(processes_using(datadir))
    postmaster = _postmaster_pid(datadir)
    if postmaster is not None and postmaster in processes_using(datadir):
        pids.add(postmaster)
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.05)
        if not any(alive(p) for p in pids):
            break
    return sorted(pids)

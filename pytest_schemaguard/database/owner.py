"""Who owns a server directory or a throwaway database: host, pid and the process's start time.

A run that is SIGKILLed cannot clean up after itself, so everything we create carries its owner
(a marker file in a server's directory, ``COMMENT ON DATABASE`` for a database). A later run
removes only what belongs to a process that is gone from this host: the pid alone is not enough
(pids are reused), so the process's start time and the boot id must match too.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

MARKER_FILE = "schemaguard-owner.json"
COMMENT_PREFIX = "schemaguard owner "


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_start(pid: int) -> str:
    """The kernel's start time of a process ('' when unknown): with the pid, it names one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str  # /proc start time in clock ticks; '' where there is no /proc
    boot: str
    kept: bool = False  # --schemaguard-keep: left on purpose, removed only when asked

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Owner | None:
        try:
            data: Any = json.loads(text)
            return cls(host=str(data["host"]), pid=int(data["pid"]), started=str(data["started"]),
                       boot=str(data["boot"]), kept=bool(data.get("kept", False)))
        except (ValueError, TypeError, KeyError):
            return None

    def is_local(self) -> bool:
        return self.host == socket.gethostname()

    def is_gone(self) -> bool:
        """True only when we can tell the owner no longer runs: never for another host's."""
        if not self.is_local():
            return False
        if self.boot and self.boot != _boot_id():
            return True  # the machine restarted since
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # exists, another user's
        return bool(self.started) and process_start(self.pid) not in ("", self.started)

    def as_kept(self) -> Owner:
        return replace(self, kept=True)

    def describe(self) -> str:
        state = "kept" if self.kept else ("gone" if self.is_gone() else "running")
        return f"pid {self.pid} on {self.host}, {state}"


@cache
def this_process() -> Owner:
    pid = os.getpid()
    return Owner(host=socket.gethostname(), pid=pid, started=process_start(pid), boot=_boot_id())


def current_owner() -> Owner:
    # Cached per pid: a forked child (pytest-xdist, pytester) is an owner of its own.
    owner = this_process()
    if owner.pid != os.getpid():
        this_process.cache_clear()
        owner = this_process()
    return owner


def write_marker(directory: Path, owner: Owner) -> None:
    tmp = directory / (MARKER_FILE + ".tmp")
    tmp.write_text(owner.to_json() + "\n")
    tmp.replace(directory / MARKER_FILE)  # a reader sees the old marker or the new one, never half


def read_marker(directory: Path) -> Owner | None:
    try:
        return Owner.from_json((directory / MARKER_FILE).read_text())
    except OSError:
        return None


def database_comment(owner: Owner) -> str:
    return COMMENT_PREFIX + owner.to_json()


def owner_from_comment(comment: str | None) -> Owner | None:
    if not comment or not comment.startswith(COMMENT_PREFIX):
        return None
    return Owner.from_json(comment[len(COMMENT_PREFIX):])

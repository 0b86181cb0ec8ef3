"""Where private servers keep their directories: in memory when the machine has room for it.

A throwaway cluster is created, filled and deleted within one run, so nothing in it needs a disk.
On a disk file system every file PostgreSQL creates costs a journal transaction: on the 2-core
VMs we measure on, ``initdb`` took 1.6 s in /tmp and 0.6 s in /dev/shm, and copying a cached
build (1,700 small files) 1.8 s against 0.1 s. So the servers go to /dev/shm when it is a tmpfs
with room to spare (Linux desktops and CI runners; not Docker's 64 MB default, not macOS).

The order, first that applies:

1. ``SCHEMAGUARD_SERVER_DIR``: the user's choice, used as given;
2. ``TMPDIR`` (or ``TEMP``/``TMP``) set: the user chose a temp directory, so we honour it;
3. /dev/shm, when it is a tmpfs with at least ``MIN_FREE`` available (PostgreSQL keeps its own
   dynamic shared memory there too, so a nearly full one is left alone);
4. the temp directory (``tempfile.gettempdir()``).

The sweep of killed runs looks in every one of these places it knows of (``candidates``): the
current choice, the temporary directory and /dev/shm; a leftover in a ``SCHEMAGUARD_SERVER_DIR``
is found by runs (and ``schemaguard cleanup``) with that same setting.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import ServerError

SERVER_DIR_ENV = "SCHEMAGUARD_SERVER_DIR"
SHM = Path("/dev/shm")
MIN_FREE = 2 * 1024**3
"""Room a tmpfs must have left to be chosen: a big build is a few hundred MB."""

_TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")


def server_base() -> Path:
    """The directory new server directories go in (see the module docstring)."""
    chosen = os.environ.get(SERVER_DIR_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser().absolute()  # pg_ctl runs elsewhere: a relative path would not do
        if not path.is_dir():
            raise ServerError(f"{SERVER_DIR_ENV}={chosen}: not a directory; create it, or unset "
                              f"{SERVER_DIR_ENV} to let schemaguard choose (/dev/shm or the temp directory)")
        return path
    if any(os.environ.get(name) for name in _TEMP_VARIABLES):
        return Path(tempfile.gettempdir())
    if roomy_tmpfs(SHM):
        return SHM
    return Path(tempfile.gettempdir())


def candidates() -> list[Path]:
    """Every base a run may have put a server directory in, the current one first."""
    found: list[Path] = []
    with contextlib.suppress(ServerError):  # reported where a server starts; the sweep looks on
        found.append(server_base())
    for path in (Path(tempfile.gettempdir()), SHM):
        if path.is_dir() and not any(_same(path, other) for other in found):
            found.append(path)
    return found


def roomy_tmpfs(path: Path) -> bool:
    """Whether ``path`` is a tmpfs mount we may write to with ``MIN_FREE`` available."""
    try:
        stats = os.statvfs(path)
    except OSError:
        return False
    if stats.f_bavail * stats.f_frsize < MIN_FREE or not os.access(path, os.W_OK | os.X_OK):
        return False
    return _mount_type(path) == "tmpfs"


def _mount_type(path: Path) -> str | None:
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    kind = None
    for line in lines:  # the last mount of a path is the one in effect
        fields = line.split()
        if len(fields) >= 3 and fields[1] == target:
            kind = fields[2]
    return kind


def _same(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False

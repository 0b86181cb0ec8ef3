"""Copy a cache entry to its spare in a detached process, after the run that used it.

The run does not wait: the copy happens while the developer reads the results or edits, and the
next hit on the entry moves the spare into place instead of copying (see ``store``). A run that
comes before the copy is done waits for the key's lock, then takes the spare: never slower than
copying itself. Anything that goes wrong only means the next hit copies, as it did before.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .store import BuildCache


def possible(root: Path) -> bool:
    """A spare can only be moved (renamed) into a server directory on the same file system."""
    try:
        return os.stat(root).st_dev == os.stat(tempfile.gettempdir()).st_dev
    except OSError:
        return False


def launch(root: Path, key: str) -> None:
    """Start the copy and return at once: its own session (a Ctrl-C in the terminal is not for it),
    no inherited output (whoever waits for this run's output must not wait for the copy), this
    package first on its path (the code that made the entry is the code that copies it)."""
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    with contextlib.suppress(OSError):  # no spare: the next hit copies
        _LAUNCHED.append(subprocess.Popen(
            [sys.executable, "-m", "pytest_schemaguard.cache.spare", str(root), key],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, env={**os.environ, "PYTHONPATH": path}))


_LAUNCHED: list[subprocess.Popen[bytes]] = []  # referenced until exit: never reaped, never warned about


def make(root: Path, key: str) -> None:
    cache = BuildCache(root, size=1)  # size only matters to eviction, which this never does
    with cache.locked(key):
        entry = cache.lookup(key)
        if entry is not None:
            with contextlib.suppress(OSError):
                cache.make_spare(entry)


if __name__ == "__main__":
    make(Path(sys.argv[1]), sys.argv[2])

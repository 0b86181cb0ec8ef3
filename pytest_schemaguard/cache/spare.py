"""The entry's next copy, made on a thread while this run's items run (see ``store``).

A hit moves the entry's spare into its server directory instead of copying ~1,700 files, then
starts this copy for the next run; the run waits for it only at its very end, after its server is
stopped, so the copy overlaps with everything the run does. Nothing outlives the run: a copy cut
short (Ctrl-C, a kill) is never used and is removed by the next store or ``cache clear``, and
anything that goes wrong only means the next hit copies, as it would without a spare.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from pathlib import Path

from ..database.location import server_base
from ..errors import ServerError
from .store import BuildCache


def possible(root: Path) -> bool:
    """A spare can only be moved (renamed) into a server directory on the same file system."""
    try:
        return os.stat(root).st_dev == os.stat(server_base()).st_dev
    except (OSError, ServerError):
        return False


class Refill:
    def __init__(self, cache: BuildCache, key: str) -> None:
        self.cache = cache
        self.key = key
        self._state = threading.Lock()
        self._copying = False
        self._cancelled = False
        self._process: subprocess.Popen[str] | None = None
        # Daemon: one still waiting for the key's lock (another run holds it) never delays the exit.
        self._thread = threading.Thread(target=self._run, name="schemaguard-cache-spare", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # The key's lock is taken on its own file handle, so this waits for the run's own hit or
        # store to release it, as it would for another run.
        with contextlib.suppress(Exception), self.cache.locked(self.key):
            with self._state:
                if self._cancelled:
                    return
                self._copying = True
            entry = self.cache.lookup(self.key)
            if entry is not None:
                self.cache.make_spare(entry, started=self._started)

    def _started(self, process: subprocess.Popen[str]) -> None:
        with self._state:
            self._process = process
            if self._cancelled:
                process.kill()

    def finish(self) -> None:
        """Wait for a copy under way (the next run takes it); one not begun is not begun."""
        with self._state:
            if not self._copying:
                self._cancelled = True
                return
        try:
            self._thread.join()
        except BaseException:  # a second Ctrl-C: stop copying, the half copy is never used
            self.cancel()
            raise

    def cancel(self) -> None:
        with self._state:
            self._cancelled = True
            if self._process is not None:
                self._process.kill()

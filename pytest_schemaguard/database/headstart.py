"""initdb while pytest collects: the private server's cluster is made before an item needs it.

A cold run's server start is mostly ``initdb`` (0.6-1 s), and it used to begin only when the
first item asked for the database, after pytest had collected everything (0.1 s for a small
project, 1.5 s for 2,000 tables). When the run will most likely build (no cached build of these
migrations, or ``--schemaguard-no-cache``), the session makes the server's directory at the start
of the session and runs ``initdb`` into it on a thread; the server itself is started only when an
item needs it, as before, so a run whose selection needs no database (``-m bogus``) still starts
no server: its head start is stopped (initdb killed if still running) and removed at the end.

Whatever goes wrong in the head start is not reported from here: the server is then started the
usual way, which reports the same problem where it always did.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from .processes import stop_server_processes
from .server import PrivateServer


class HeadStart:
    """A prepared private server whose ``initdb`` runs on a thread until the session takes it."""

    def __init__(self, bindir: Path, preload: frozenset[str], *, reuse_initdb: bool = False) -> None:
        self.bindir = bindir
        self.preload = preload
        self.server: PrivateServer | None = PrivateServer(bindir, preload=preload, reuse_initdb=reuse_initdb)
        self._failed = False
        self._thread: threading.Thread | None = None

    def begin(self) -> HeadStart:
        """Make the directory here (marked, so a killed run's is swept), initdb on a thread."""
        assert self.server is not None
        try:
            self.server.prepare()
        except BaseException:
            self.discard()
            raise
        self._thread = threading.Thread(target=self._initialise, name="schemaguard initdb", daemon=True)
        self._thread.start()
        return self

    def _initialise(self) -> None:
        server = self.server
        try:
            if server is not None:
                server.initialise()
        except BaseException:  # reported by the usual start instead (see the module docstring)
            self._failed = True

    def take(self, bindir: Path, preload: frozenset[str]) -> PrivateServer | None:
        """The prepared server once its initdb is done, if it suits; else None (and it is gone)."""
        if self._thread is not None:
            self._thread.join()
        server, self.server = self.server, None
        if server is None:
            return None
        if self._failed or bindir != self.bindir or preload != self.preload:
            server.stop()
            return None
        server.initialised_ahead = True
        return server

    def discard(self) -> None:
        """Stop initdb if it still runs and remove the directory; safe to call twice."""
        server, self.server = self.server, None
        if server is None:
            return
        if server.basedir is not None:
            stop_server_processes(server.basedir)  # initdb: the thread then returns
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):
                self._thread.join(timeout=30)
        server.stop()

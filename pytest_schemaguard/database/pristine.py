"""A freshly initdb'd cluster, kept as an archive and extracted instead of running initdb again.

``initdb`` makes the same cluster every time for the same server binaries, account, options,
locale and time zone (0.6 s in memory, 1.6 s on a disk, on our benchmark VM), and a run that
builds (a cache miss: the usual run after editing a migration) paid it every time. The first
``initdb`` of a kind is archived (one tar, ``cache.store``) before the server first starts; later
private servers of that kind extract it (0.07 s). The archive is keyed by everything initdb reads
that can differ: the binaries and ``postgres --version``, the account and user, the options, and
the locale and time zone settings (``LANG``, ``LC_*``, ``TZ``, /etc/localtime), so a change to any
of them runs initdb again. Every server made from it shares initdb's system identifier, which
only replication looks at.

Kept under the cache root (``clusters/``, the 3 most recent kinds), written to a temporary name
and renamed; an archive that cannot be extracted, or that a server does not start from, is removed
and initdb runs. Not used with
``--schemaguard-no-cache``, which builds everything afresh; ``schemaguard cache clear`` removes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from ..cache.store import CLUSTERS, archive_tree, cache_root, extract_tree, keep_newest, side_folder
from .processes import alive

KEEP = 3
FORMAT = "schemaguard pristine cluster 1"


def _settings() -> list[str]:
    """What initdb reads from its environment besides its options."""
    names = sorted(k for k in os.environ if k in ("LANG", "LANGUAGE", "TZ", "PGTZ") or k.startswith("LC_"))
    return [f"{k}={os.environ[k]}" for k in names] + [f"localtime={os.path.realpath('/etc/localtime')}"]


class Pristine:
    """The archive of one kind of empty cluster: ``<key>-<bytes>.tar``, its size in its name, so
    an archive cut short (a full disk, a copy gone wrong) is never extracted."""

    def __init__(self, parts: Sequence[str], *, root: Path | None = None) -> None:
        self.key = hashlib.sha256("\0".join([FORMAT, *parts, *_settings()]).encode()).hexdigest()[:32]
        self.folder = (root or cache_root()) / CLUSTERS

    @property
    def path(self) -> Path | None:
        """The archive kept for this kind, if any."""
        found = sorted(self.folder.glob(f"{self.key}-*.tar"))
        return found[0] if found else None

    def restore(self, datadir: Path) -> bool:
        """Make ``datadir`` (absent) the archived cluster; False when there is none to use."""
        path = self.path
        if path is None or datadir.exists():
            return False
        try:
            if path.stat().st_size != int(path.stem.rsplit("-", 1)[1]):
                raise OSError(f"{path} is not the size it was written with")
            extract_tree(path, datadir)
        except (OSError, ValueError):
            self.discard()  # broken: initdb runs, and the next store writes it anew
            return False
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by the eviction
        return True

    def discard(self) -> None:
        """Remove this kind's archive (one a server would not start from, say)."""
        for path in self.folder.glob(f"{self.key}-*.tar"):
            with contextlib.suppress(OSError):
                path.unlink()

    def store(self, datadir: Path) -> None:
        """Archive a cluster initdb just made (never started), unless one is kept already."""
        if self.path is not None:
            return
        partial = self.folder / f"{self.key}.tmp-{os.getpid()}"
        try:
            side_folder(self.folder.parent, CLUSTERS)
            self._remove_abandoned()
            archive_tree(datadir, partial)
            os.replace(partial, self.folder / f"{self.key}-{partial.stat().st_size}.tar")
            keep_newest(self.folder.glob("*.tar"), KEEP)
        except OSError:
            pass  # a read-only or full cache directory: initdb next time, as without it
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()

    def _remove_abandoned(self) -> None:
        """Archives being written by runs that are gone (SIGKILL): never renamed, never used."""
        for partial in self.folder.glob("*.tmp-*"):
            pid = partial.name.rsplit("-", 1)[1]
            if pid.isdigit() and not alive(int(pid)):
                with contextlib.suppress(OSError):
                    partial.unlink()

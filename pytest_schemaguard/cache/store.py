"""Entries on disk: one directory per key, written whole or not at all, bounded in number.

Layout of the cache root (``SCHEMAGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/schemaguard``, else
``~/.cache/schemaguard``)::

    <key>/data.tar     the cluster's data directory, archived while its server was stopped cleanly
    <key>/meta.json    inputs (with per-input hashes), build outcomes, lint's findings, when it was built
    <key>/complete     written last, before the rename: an entry without it is never used
    <key>.lock         flock'd while the key is built, stored, copied out or removed
    <key>.spare-<t>/   a ready data directory (of the entry built at time t), made in the background
    <key>.sparetmp-<pid>/  a spare being copied; never used
    builds.log         one line per build stored (how tests and users count builds)
    expectations/      loaded expectations files, by content (``cache.model``)
    clusters/          freshly initdb'd clusters, by server and settings (``database.pristine``)

A run never starts a server in an entry: it extracts the archive into its own server directory
first, so concurrent runs, kept servers and the sweep of killed runs never touch an entry. The data
directory is kept as one uncompressed tar because creating its ~1,700 files takes a second or two
on a disk file system (about 1 ms each; 0.07 s for the one archive): storing a build writes one
file, and a hit extracts to the server's directory, which is in memory where the machine allows
(``database.location``: 0.1 s). Where it is on a disk too, while a run's items run a thread
extracts the entry once more (``spare``), and the next hit moves that directory into its server
directory (one rename, under the key's lock) instead of extracting.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .inputs import Inputs

ENV_DIR = "SCHEMAGUARD_CACHE_DIR"
ENV_SIZE = "SCHEMAGUARD_CACHE_SIZE"
DEFAULT_SIZE = 3
ARCHIVE = "data.tar"
META = "meta.json"
COMPLETE = "complete"
BUILD_LOG = "builds.log"
MODELS = "expectations"  # loaded expectations by content (cache.model), not builds
CLUSTERS = "clusters"  # freshly initdb'd clusters (database.pristine), not builds


def cache_root() -> Path:
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "schemaguard"


def cache_size() -> int:
    raw = os.environ.get(ENV_SIZE, "").strip()
    if not raw:
        return DEFAULT_SIZE
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{ENV_SIZE} is {raw!r}: give the number of builds to keep (1 or more), "
                          f"or unset it for the default ({DEFAULT_SIZE})")
    return int(raw)


def side_folder(root: Path, name: str) -> Path:
    """``root/name`` (MODELS, CLUSTERS), made with the root if need be, both ours alone (0700)."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = root / name
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder


def keep_newest(paths: Iterable[Path], keep: int) -> None:
    """Remove all but the ``keep`` most recently modified of ``paths`` (used ones are touched)."""
    dated = []
    for path in paths:
        with contextlib.suppress(OSError):  # removed meanwhile by another run
            dated.append((path.stat().st_mtime, path))
    for _, old in sorted(dated, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def archive_tree(source: Path, archive: Path) -> None:
    """Archive a (stopped) data directory into one tar whose members start with its name."""
    _run(["tar", "-cf", str(archive), "-C", str(source.parent), source.name], None,
         fallback=lambda: _tarfile_create(source, archive))


def extract_tree(archive: Path, target: Path, *,
                 started: Callable[[subprocess.Popen[str]], None] | None = None) -> None:
    """Make ``target`` the data directory ``archive`` holds, with its modes and, as root, its
    owner (the server's account). ``started`` gets the extracting process (to kill it when the
    copy is no longer wanted). Extracted beside ``target`` first, so ``target`` is whole or absent."""
    staging = target.with_name(f"{target.name}.extracting")
    shutil.rmtree(staging, ignore_errors=True)  # a killed run's, whose name we now have
    staging.mkdir(mode=0o700)
    try:
        _run(["tar", "-xpf", str(archive), "--numeric-owner", "-C", str(staging)], started,
             fallback=lambda: _tarfile_extract(archive, staging))
        members = list(staging.iterdir())
        if len(members) != 1 or not members[0].is_dir():
            raise OSError(f"{archive} does not hold one data directory")
        members[0].rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run(command: list[str], started: Callable[[subprocess.Popen[str]], None] | None,
         *, fallback: Callable[[], None]) -> None:
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError:
        fallback()  # no tar: Python's (slower), same archive
        return
    with process:  # an interrupt (Ctrl-C, SIGTERM) kills it: the caller removes what it wrote
        try:
            if started is not None:
                started(process)
            _, err = process.communicate()
        except BaseException:
            process.kill()
            process.wait()
            raise
    if process.returncode != 0:
        raise OSError(f"{' '.join(command)} failed: {err.strip() or f'exit {process.returncode}'}")


def _tarfile_create(source: Path, archive: Path) -> None:
    with tarfile.open(archive, "w") as tar:
        tar.add(source, arcname=source.name)


def _tarfile_extract(archive: Path, staging: Path) -> None:
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="fully_trusted")  # our own archive: owners and modes kept
    except tarfile.TarError as exc:
        raise OSError(f"{archive}: {exc}") from None


def ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@dataclass(frozen=True)
class Entry:
    path: Path
    meta: dict[str, Any]

    @property
    def key(self) -> str:
        return self.path.name

    @property
    def archive(self) -> Path:
        return self.path / ARCHIVE

    @property
    def inputs(self) -> Inputs:
        return Inputs.from_json(self.meta.get("inputs"), self.meta.get("migration_span"))

    @property
    def built(self) -> float:
        return float(self.meta.get("built", 0.0))

    @property
    def spare_name(self) -> str:
        """Names the build it copies: a spare left by an older entry of this key is never taken."""
        return f"{self.key}.spare-{int(self.built * 1e6)}"

    @property
    def used(self) -> float:
        try:
            return (self.path / COMPLETE).stat().st_mtime
        except OSError:
            return 0.0

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file() and not f.is_symlink())

    def describe(self, now: float) -> str:
        project = self.meta.get("project", "?")
        files = len(self.meta.get("outcome", {}).get("migrations", []))
        return (f"{self.key}  built {ago(now - self.built)} ago, used {ago(now - self.used)} ago, "
                f"{self.size() / 1e6:.1f} MB, {files} migration(s) of {project}")


class BuildCache:
    def __init__(self, root: Path | None = None, size: int | None = None) -> None:
        self.root = root or cache_root()
        self.size = size or cache_size()

    def unusable(self) -> str | None:
        """Why builds cannot be kept here (a read-only file system, a file where the directory
        should be), or None; the run then builds without the cache and says why."""
        try:
            self._ensure_root()
            with open(self.root / BUILD_LOG, "a"):
                pass
        except OSError as exc:
            return f"cannot write to {self.root} ({exc.strerror or exc})"
        return None

    def _ensure_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    @contextmanager
    def locked(self, key: str, *, wait: bool = True) -> Iterator[bool]:
        """Hold the key's lock (True), or with ``wait=False`` yield False when another run holds it.

        flock is released by the kernel when the process dies, so a killed run never blocks others.
        """
        self._ensure_root()
        with open(self.root / f"{key}.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def lookup(self, key: str) -> Entry | None:
        """The complete entry for ``key``; a half-written or unreadable one is as good as none."""
        return self._read(self.root / key)

    def _read(self, path: Path) -> Entry | None:
        if not (path / COMPLETE).is_file() or not (path / ARCHIVE).is_file():
            return None
        try:
            meta = json.loads((path / META).read_text())
            # An archive cut short (by anything but us: we rename whole entries) is no entry: tar
            # would extract what is left without complaint when it ends between two files.
            if not isinstance(meta, dict) or (path / ARCHIVE).stat().st_size != meta.get("archive_bytes"):
                return None
        except (OSError, ValueError):
            return None
        return Entry(path, meta)

    def entries(self) -> list[Entry]:
        """Complete entries, most recently used first."""
        if not self.root.is_dir():
            return []
        found = [e for p in self.root.iterdir() if p.is_dir() and "." not in p.name and (e := self._read(p))]
        return sorted(found, key=lambda e: e.used, reverse=True)

    def use(self, entry: Entry) -> None:
        """Mark an entry as just used: eviction keeps the most recently used."""
        with contextlib.suppress(OSError):
            os.utime(entry.path / COMPLETE)

    def store(self, inputs: Inputs, data: Path, meta: dict[str, Any], *,
              beside: Callable[[Path], None] | None = None) -> Entry:
        """Write the entry for ``inputs`` from a stopped server's ``data`` (hold the key's lock);
        ``beside`` writes what else the entry keeps (the snapshot) into its folder."""
        key = inputs.key
        self._remove_leftovers(key)
        tmp = self.root / f"{key}.tmp-{os.getpid()}"
        try:
            tmp.mkdir(mode=0o700)
            archive_tree(data, tmp / ARCHIVE)
            meta = {**meta, "inputs": inputs.as_json(), "migration_span": list(inputs.migrations),
                    "built": time.time(), "archive_bytes": (tmp / ARCHIVE).stat().st_size}
            (tmp / META).write_text(json.dumps(meta, indent=1))
            if beside is not None:
                beside(tmp)
            (tmp / COMPLETE).write_text("")
            final = self.root / key
            if final.exists():
                self._discard(final)  # an incomplete entry (a complete one would have been a hit)
            tmp.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        with open(self.root / BUILD_LOG, "a") as log:
            log.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} built {key} in "
                      f"{float(meta.get('outcome', {}).get('seconds', 0)):.2f}s (pid {os.getpid()})\n")
        entry = self._read(final)
        assert entry is not None
        self.evict(keep=key)
        return entry

    def _remove_leftovers(self, key: str) -> None:
        """Half-written entries of this key by killed runs, and its spares (we hold the key's lock:
        none is live; a new entry's spares are made afresh)."""
        for pattern in ("tmp-*", "trash-*", "spare-*", "sparetmp-*"):
            for path in self.root.glob(f"{key}.{pattern}"):
                shutil.rmtree(path, ignore_errors=True)

    def take_spare(self, entry: Entry, target: Path) -> bool:
        """Move the entry's spare copy to ``target`` (hold the key's lock); False when there is
        none or it cannot be moved there (another file system): copy the entry instead."""
        try:
            os.rename(self.root / entry.spare_name, target)
        except OSError:
            return False
        return True

    def make_spare(self, entry: Entry, *, started: Callable[[subprocess.Popen[str]], None] | None = None) -> bool:
        """Extract the entry's data directory to its spare, unless it has one (hold the key's lock)."""
        final = self.root / entry.spare_name
        if final.exists():
            return False
        tmp = self.root / f"{entry.key}.sparetmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)  # a killed maker's, whose pid we now have
        try:
            extract_tree(entry.archive, tmp, started=started)
            tmp.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return True

    def _discard(self, path: Path) -> None:
        # Renamed first (atomic), so a reader never sees an entry half removed.
        trash = path.with_name(f"{path.name}.trash-{os.getpid()}")
        path.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)

    def evict(self, *, keep: str | None = None) -> list[str]:
        """Remove all but the ``size`` most recently used entries; one in use elsewhere stays."""
        removed = []
        for entry in self.entries()[self.size:]:
            if entry.key != keep and self.remove(entry):
                removed.append(entry.key)
        return removed

    def drop(self, entry: Entry) -> None:
        """Remove an entry whose key's lock the caller holds (one a server would not start from)."""
        with contextlib.suppress(OSError):
            self._discard(entry.path)
        self._remove_leftovers(entry.key)

    def remove(self, entry: Entry) -> bool:
        with self.locked(entry.key, wait=False) as mine:
            if not mine:
                return False  # being copied or rebuilt by another run
            self.drop(entry)
        # The lock file stays: unlinking it would let a waiting run and a new one both "hold" it.
        return True

    def clear(self) -> tuple[list[str], list[str]]:
        """Remove every entry (and what killed runs left); returns (removed, busy) keys."""
        removed: list[str] = []
        busy: list[str] = []
        for entry in self.entries():
            (removed if self.remove(entry) else busy).append(entry.key)
        for folder in (MODELS, CLUSTERS):  # not builds: loaded expectations, empty clusters
            shutil.rmtree(self.root / folder, ignore_errors=True)
        if self.root.is_dir():  # incomplete entries, half-written copies: never used anyway
            for path in [p for p in self.root.iterdir() if p.is_dir() and p.name not in (MODELS, CLUSTERS)]:
                key = path.name.split(".", 1)[0]
                if key not in busy:
                    with self.locked(key, wait=False) as mine:
                        if mine:
                            shutil.rmtree(path, ignore_errors=True)
        return removed, busy
